import type {CacheFlags, ConnectionFlags} from '@descope-mgmt/shared/services'
import type {Config as OclifConfig} from '@oclif/core'

import path from 'node:path'

import type {DescopeClient, DescopeClientOptions, RequestEvents} from './api/types.js'
import type {ReadCache} from './cache/read-cache.js'
import type {ResolvedConnection} from './config/credentials.js'
import type {LoadedConfig} from './config/load.js'
import type {SharedBudget} from './coordination/budget.js'

import {contextRequestEvents} from './api/request-context.js'
import {type CacheSettings, resolveCacheSettings} from './cache/settings.js'
import {ENV_PROJECT_ID, resolveConnection} from './config/credentials.js'
import {rateLimitFromEnv} from './config/rate-limit-variable.js'
import {hasConfigCandidate} from './config/search.js'
import {licenseTierFile, licenseTierMemo} from './coordination/license-tier.js'
import {type CoordinationSettings, resolveCoordination} from './coordination/settings.js'
import {
  CliError, ConfigError, type ConfigProblem, ExitCode,
} from './errors.js'

/**
 * The client-side limit of an `emulator: true` environment that sets none: high enough never to
 * slow a local run (the embedded emulator enforces no limit), while keeping the limiter in the path.
 */
export const EMBEDDED_EMULATOR_RATE_LIMITS = Object.freeze({requests: 1000, windowMs: 1000})

/** What the `descope:emulator` hook of the emulator plugin answers. */
export interface EmbeddedEmulator {
  url: string
  projectId: string
  managementKey: string
  stop(): Promise<void>
}

declare module '@oclif/core' {
  interface Hooks {
    'descope:emulator': {
      options: {dataDir: string; projectId?: string; managementKey?: string}
      return: EmbeddedEmulator
    }
  }
}

export type {CacheFlags, ConnectionFlags} from '@descope-mgmt/shared/services'

export interface Connection {
  client: DescopeClient
  projectId: string
  baseUrl: string
  /** The environment of the configuration, when one was used. */
  environmentName?: string
  loaded?: LoadedConfig
  /** Whether the embedded emulator serves this connection. */
  emulator: boolean
  /** Where the project id, key and URL came from (never the values of secrets). */
  sources?: ResolvedConnection['sources']
  /** Where this process coordinates with others: the lock, the rate budget. */
  coordination: CoordinationSettings
  close(): Promise<void>
}

/** Client options, plus the read cache its reads go through (see src/lib/cache). */
export interface ClientOptions extends DescopeClientOptions {
  cache?: ReadCache
  /**
   * Opens the host's shared rate budget, called when the first request is about to be sent: an
   * answer from the read cache then costs neither the budget's store nor its modules.
   */
  openBudget?: () => Promise<SharedBudget | undefined>
}

/**
 * What connecting needs from the process's services (src/lib/services.ts implements it). Declared
 * here, by the side that uses it, so that the services can build connections without the two
 * modules importing each other.
 */
export interface ConnectionServices {
  getClient(options: ClientOptions, events?: RequestEvents): Promise<DescopeClient>
  readCache(settings: CacheSettings, options?: {warn?(message: string): void}): Promise<ReadCache>
}

export interface ConnectOptions {
  config: OclifConfig
  flags: ConnectionFlags
  services: ConnectionServices
  cache?: CacheFlags
  /** Told about every secret as soon as it is known, so output can be redacted. */
  onSecret(secret: string): void
  /** Told about configuration warnings that concern this command. */
  onWarning?(warning: ConfigProblem): void
  env?: NodeJS.ProcessEnv
  /** Retry policy of the client, for commands that must send each request once (doctor). */
  retry?: DescopeClientOptions['retry']
}

/** Loads the configuration when there is one; a missing file is fine unless it was asked for. */
async function loadOptionalConfig(flags: ConnectionFlags): Promise<LoadedConfig | undefined> {
  if (flags.config || await hasConfigCandidate(process.cwd())) {
    // Loaded on use: cosmiconfig, yaml and zod stay out of `--help`, `--version` and runs outside a project.
    const {findConfigFile, loadConfig} = await import('./config/load.js')
    const file = flags.config ?? await findConfigFile(process.cwd())
    if (file) return loadConfig({environment: flags.environment, file})
  }

  if (flags.environment) {
    throw new CliError(`Environment "${flags.environment}" was asked for, but no configuration file was found.`, {
      code: 'config_not_found',
      exitCode: ExitCode.InvalidInput,
      hint: 'Run `descope-mgmt init` to write one, or point to it with --config.',
    })
  }

  return undefined
}

/** The configuration, for commands that cannot work without one. */
export async function loadRequiredConfig(flags: ConnectionFlags): Promise<LoadedConfig> {
  const loaded = await loadOptionalConfig({...flags, environment: undefined})
  if (!loaded) {
    throw new CliError('This command needs a configuration file, and none was found.', {
      code: 'config_not_found',
      exitCode: ExitCode.InvalidInput,
      hint: 'Run `descope-mgmt init` to write one, or point to it with --config.',
    })
  }

  return loaded
}

/** Picks the environment: the flag, else the only one the configuration has. */
function chooseEnvironment(loaded: LoadedConfig, requested: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  const names = Object.keys(loaded.config.environments)
  if (requested) {
    if (!names.includes(requested)) {
      throw new ConfigError([
        {
          file: loaded.file,
          message: `environment "${requested}" is not defined`,
          hint: `defined: ${names.join(', ')}`,
          path: 'environments',
        },
      ])
    }

    return requested
  }

  if (names.length === 1) return names[0]
  if (env.DESCOPE_PROJECT_ID) return undefined
  throw new CliError(`The configuration ${loaded.file} has several environments; choose one.`, {
    code: 'environment_required',
    exitCode: ExitCode.InvalidInput,
    hint: `Add -e with one of: ${names.join(', ')}.`,
  })
}

export async function connect(options: ConnectOptions): Promise<Connection> {
  const env = options.env ?? process.env
  const loaded = await loadOptionalConfig(options.flags)
  const environmentName = loaded ? chooseEnvironment(loaded, options.flags.environment, env) : undefined
  const environment = environmentName ? loaded?.config.environments[environmentName] : undefined
  // Other environments' unset variables are expected (`-e local` without the prod secrets).
  for (const warning of loaded?.warnings ?? []) {
    const own = `environments.${environmentName}`
    const otherEnvironment = warning.path?.startsWith('environments.') && warning.path !== own && !warning.path.startsWith(`${own}.`)
    if (!otherEnvironment) options.onWarning?.(warning)
  }

  // Neither a configuration nor a project: say so, rather than only that the project id is missing.
  if (!loaded && !options.flags.projectId?.trim() && !env[ENV_PROJECT_ID]?.trim()) {
    throw new CliError(`No configuration file found in ${process.cwd()} or any parent folder, and no project given with --project-id or ${ENV_PROJECT_ID}.`, {
      code: 'config_not_found',
      exitCode: ExitCode.InvalidInput,
      hint: [
        'Run `descope-mgmt init` to write a starter configuration (`init --from-live` imports an existing project),',
        'point to one with --config FILE, or export DESCOPE_PROJECT_ID and DESCOPE_MANAGEMENT_KEY.',
      ].join(' '),
    })
  }

  const resolved = resolveConnection({
    env,
    environment,
    environmentName,
    file: loaded?.file,
    flags: {allowHost: options.flags.allowHost, baseUrl: options.flags.baseUrl, projectId: options.flags.projectId},
  })

  // Before the emulator starts: a bad --cache-ttl, coordination URL or DESCOPE_MGMT_RATE_LIMIT must not leave it running.
  const coordination = resolveCoordination({cacheDir: options.config.cacheDir, config: loaded?.config.coordination, env})
  const variableRateLimit = rateLimitFromEnv(env)
  const cache = await options.services.readCache(
    resolveCacheSettings({
      cacheDir: options.config.cacheDir,
      config: loaded?.config.cache,
      coordinationUrl: coordination.url,
      env,
      // The embedded emulator runs in-process on a new port each run: nothing to gain from a store.
      memoryOnly: resolved.emulator,
      mode: options.cache?.mode,
      noCache: options.cache?.noCache,
      ttl: options.cache?.ttl,
    }),
    {warn: options.cache?.warn},
  )
  let emulator: EmbeddedEmulator | undefined
  let target: {baseUrl: string; managementKey: string; projectId: string}
  if (resolved.emulator) {
    const dataDir = path.resolve(loaded?.dir ?? process.cwd(), resolved.dataDir)
    emulator = await startEmbeddedEmulator(options.config, {
      dataDir,
      managementKey: resolved.managementKey,
      projectId: resolved.projectId,
    })
    target = {baseUrl: emulator.url, managementKey: emulator.managementKey, projectId: emulator.projectId}
  } else {
    target = resolved
  }

  options.onSecret(target.managementKey)
  const rateLimit = environment?.rateLimit ?? variableRateLimit
  // The embedded emulator has no limit of its own and only this process talks to it: the client's
  // limiter stays in the path (same code as against Descope) but must not slow a local run.
  const clientRateLimit = rateLimit
    ? {requests: rateLimit.requests, windowMs: rateLimit.windowSeconds * 1000}
    : (emulator ? EMBEDDED_EMULATOR_RATE_LIMITS : undefined)
  const {baseUrl} = target
  // Retries and rate-limit waits are reported to whoever runs the request (apply shows them per change).
  const client = await options.services.getClient({
    baseUrl,
    cache,
    managementKey: target.managementKey,
    // Other processes of this machine (or of the coordination Redis) share the host's rate budget,
    // and the rate-limit tier one of them learnt; the embedded emulator runs in this process, on a
    // new port each run: nothing to share.
    ...(emulator
      ? {}
      : {
        licenseTierMemo: licenseTierMemo(licenseTierFile(coordination.stateDir, baseUrl, target.projectId)),
        openBudget: () => openBudget(coordination, baseUrl, options.cache?.warn),
      }),
    projectId: target.projectId,
    rateLimit: clientRateLimit,
    retry: options.retry,
    version: options.config.version,
  }, contextRequestEvents)
  return {
    baseUrl: target.baseUrl,
    client,
    async close() {
      await cache.close()
      await emulator?.stop()
      // The coordination Redis (the lock's and the budget's client) would keep the process alive.
      if (coordination.kind === 'redis') await import('./coordination/redis.js').then(({closeCoordinationRedis}) => closeCoordinationRedis())
    },
    coordination,
    emulator: Boolean(emulator),
    environmentName,
    loaded,
    projectId: target.projectId,
    sources: resolved.sources,
  }
}

async function openBudget(coordination: CoordinationSettings, baseUrl: string, warn?: (message: string) => void): Promise<SharedBudget> {
  const [{openSharedBudget}, {hostKey}] = await Promise.all([import('./coordination/open-budget.js'), import('./api/rate-limiter.js')])
  return openSharedBudget(coordination, {
    host: hostKey(baseUrl),
    warn(message) {
      try {
        if (warn) warn(message)
        else process.stderr.write(`Warning: ${message}\n`)
      } catch {
        // A warning must not fail the command.
      }
    },
  })
}

async function startEmbeddedEmulator(
  config: OclifConfig,
  options: {dataDir: string; projectId?: string; managementKey?: string},
): Promise<EmbeddedEmulator> {
  const result = await config.runHook('descope:emulator', options)
  const [failure] = result.failures
  if (failure) {
    throw new CliError(`The embedded emulator did not start: ${failure.error.message}`, {
      cause: failure.error,
      code: 'emulator_failed',
      hint: `Check that ${options.dataDir} is writable and holds emulator state, or delete it to start fresh.`,
    })
  }

  const [success] = result.successes
  if (!success) {
    throw new CliError('This environment uses the embedded emulator, but the emulator plugin is not installed.', {
      code: 'emulator_missing',
      exitCode: ExitCode.InvalidInput,
      hint: 'Install it with `descope-mgmt plugins install @descope-mgmt/plugin-emulator`, or set projectId and managementKey for this environment.',
    })
  }

  return success.result
}
