/**
 * A local emulator of the Descope Management API: `startEmulator()` runs a real HTTP server on
 * loopback, for tests, benchmarks, the `emulator start` command and the embedded `local`
 * environment of descope-mgmt.
 */
import {once} from 'node:events'
import {type AddressInfo, isIP} from 'node:net'

import {type NewProjectContents, parseNewProjectContents} from './lib/descope-defaults.js'
import {EmulatorCore, type ProjectCredentials} from './lib/emulator.js'
import {type ErrorStyle, parseErrorStyle} from './lib/errors.js'
import {
  type Behaviour, type Fault, type FaultInput, Knobs, type LatencyInput, parseFault, parseLatency, parseRateLimit, parseRateLimitScope, type RateLimitInput,
  type RateLimitScope,
} from './lib/knobs.js'
import {routes} from './lib/routes/index.js'
import {parseSeed, readSeedFile, type Seed} from './lib/seed.js'
import {EmulatorServer} from './lib/server.js'
import {type LogEntry, type LogFilter, type Stats} from './lib/stats.js'
import {Persistence} from './lib/store.js'
import {TrafficLog} from './lib/traffic-log.js'

export {
  builtInFlowIds, builtInPermissions, builtInRoles, type NewProjectContents, newProjectContents,
} from './lib/descope-defaults.js'
export type {ProjectCredentials} from './lib/emulator.js'
export {
  defaultErrorCodes,
  defaultErrorStyle,
  EmulatorError,
  type ErrorKind,
  type ErrorSpec,
  errorSpec,
  type ErrorStyle,
  errorStyles,
  parseErrorStyle,
  resetErrorCodes,
  setErrorCodes,
} from './lib/errors.js'
export {
  type Behaviour,
  DEFAULT_BEHAVIOUR,
  DEFAULT_RATE_LIMIT,
  type Fault,
  type FaultAction,
  type FaultInput,
  formatFault,
  formatLatency,
  formatRateLimit,
  KnobError,
  type LatencyInput,
  type LatencyRange,
  parseFault,
  parseFaultString,
  parseLatency,
  parseRateLimit,
  parseRateLimitScope,
  RATE_LIMIT_SCOPES,
  type RateLimit,
  type RateLimitInput,
  type RateLimitScope,
} from './lib/knobs.js'
export {optimizeForLongRun} from './lib/long-run.js'
export type {
  Counters, LogEntry, LogFilter, Outcome, Stats,
} from './lib/stats.js'
export {defaultProject} from './lib/store.js'
export {TRAFFIC_LOG_ENV, type TrafficExchange} from './lib/traffic-log.js'
export type * from './lib/types.js'

/** A project to start with: a seed-file project entry (keys, tenants, roles, permissions, flows, theme, knobs). */
export interface ProjectOption {
  id: string
  /** What the project holds before its own entities; see StartEmulatorOptions.newProjects. */
  contents?: NewProjectContents
  name?: string
  managementKey?: string
  managementKeys?: string[]
  environment?: string
  tags?: string[]
  tenants?: Array<Record<string, unknown>>
  roles?: Array<Record<string, unknown>>
  permissions?: Array<Record<string, unknown>>
  flows?: Array<Record<string, unknown>>
  theme?: Record<string, unknown>
  latency?: LatencyInput
  rateLimit?: RateLimitInput
}

export interface StartEmulatorOptions {
  /** 0 (the default) picks a free port. */
  port?: number
  /** Default 127.0.0.1. */
  host?: string
  /** Folder of the persisted state (one JSON file per project); loaded at start, flushed on stop. */
  dataDir?: string
  /** A seed document, or the path of a YAML/JSON seed file. */
  seed?: Record<string, unknown> | string
  /** Global knobs; they override the seed's. */
  latency?: LatencyInput
  /**
   * Default: Descope's documented "100/60s,backoff=60s". Tests and benchmarks that make many
   * requests set their own (`'off'`, or a higher one).
   */
  rateLimit?: RateLimitInput
  /** What the rate limit counts together: `ip` (default, as Descope) or `project`. */
  rateLimitScope?: RateLimitScope
  /** Behaviours where Descope's is not documented; the defaults are the harder case. */
  behaviour?: Partial<Behaviour>
  faults?: Array<FaultInput | string>
  /** Projects besides the seed's. With neither, one default project is created. */
  projects?: ProjectOption[]
  /**
   * What each project starts with before its own entities: `descope` (the default) holds what
   * Descope puts in every new project (Tenant Admin role, User Admin, SSO Admin and Impersonate
   * permissions, the default flows); `empty` holds nothing. Overrides the seed's `newProjects`.
   */
  newProjects?: NewProjectContents
  /** Clock in epoch ms for timestamps and rate-limit windows (tests control time with it). */
  now?: () => number
  /**
   * Also log each request's query and body and the answer's body (contract tests read them);
   * off by default, since bodies can be large. Headers are never logged.
   */
  logBodies?: boolean
  /**
   * How a missing or duplicate entity is answered: `descope` (the default) with HTTP 400, a code
   * and a text such as "Tenant not found"; `rest` with 404 and 409. Unknown routes answer 404 in both.
   */
  errorStyle?: ErrorStyle
}

export interface EmulatorAdmin {
  /** Replaces the fault list; returns it as stored (with remaining counts). */
  setFaults(faults: Array<FaultInput | string>): Promise<Fault[]>
  clearFaults(): Promise<void>
  /** `projectId` undefined sets the global value; `null` or `"off"` turns it off. */
  setLatency(latency: LatencyInput, projectId?: string): Promise<void>
  setRateLimit(rateLimit: RateLimitInput, projectId?: string): Promise<void>
  /** What the rate limit counts together; the windows counted so far start again. */
  setRateLimitScope(scope: RateLimitScope): Promise<void>
  /** Changes behaviours where Descope's is not documented (see Behaviour). */
  setBehaviour(behaviour: Partial<Behaviour>): Promise<void>
  /** Back to the start-up state (seed, options), with empty counters and request log. */
  reset(): Promise<void>
  resetStats(): Promise<void>
  /** Loads a seed document or file on top of the current state. */
  seed(seed: Record<string, unknown> | string): Promise<Array<{id: string; name: string}>>
  requests(filter?: LogFilter): Promise<LogEntry[]>
  state(): Promise<ReturnType<EmulatorCore['state']>>
  /** The error style in force; `reset()` returns to the one the emulator started with. */
  errorStyle(): Promise<ErrorStyle>
  setErrorStyle(style: ErrorStyle): Promise<void>
}

export interface RunningEmulator {
  url: string
  port: number
  /** The projects and their keys (as far as known; see ProjectCredentials). */
  readonly projects: ProjectCredentials[]
  /** Stops the server and writes pending state; safe to call twice. */
  stop(): Promise<void>
  stats(): Promise<Stats>
  admin: EmulatorAdmin
}

async function loadSeed(seed: Record<string, unknown> | string | undefined, source: string): Promise<Seed> {
  if (seed === undefined) return {projects: []}
  return typeof seed === 'string' ? readSeedFile(seed) : parseSeed(seed, source)
}

/** The start-up state: the seed, then the option projects, with the option knobs winning. */
async function resolveBaseline(options: StartEmulatorOptions): Promise<Seed> {
  const seed = await loadSeed(options.seed, 'seed')
  const newProjects = options.newProjects === undefined ? seed.newProjects : parseNewProjectContents(options.newProjects, 'newProjects')
  const extra = parseSeed({newProjects, projects: options.projects ?? []}, 'options')
  return {
    faults: options.faults ? options.faults.map(fault => parseFault(fault)) : seed.faults,
    latency: options.latency === undefined ? seed.latency : parseLatency(options.latency),
    newProjects,
    // The option wins over the seed file, for its projects too.
    projects: [...seed.projects.map(project => (options.newProjects === undefined ? project : {...project, contents: newProjects})), ...extra.projects],
    rateLimit: options.rateLimit === undefined ? seed.rateLimit : parseRateLimit(options.rateLimit),
    rateLimitScope: options.rateLimitScope === undefined ? seed.rateLimitScope : parseRateLimitScope(options.rateLimitScope),
    behaviour: {...seed.behaviour, ...options.behaviour},
  }
}

function urlHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1'
  if (host === '::') return '[::1]'
  return isIP(host) === 6 ? `[${host}]` : host
}

export async function startEmulator(options: StartEmulatorOptions = {}): Promise<RunningEmulator> {
  const host = options.host ?? '127.0.0.1'
  const errorStyle = options.errorStyle === undefined ? undefined : parseErrorStyle(options.errorStyle, 'The errorStyle option')
  const core = new EmulatorCore({
    baseline: await resolveBaseline(options),
    errorStyle,
    knobs: new Knobs(),
    logBodies: options.logBodies,
    trafficLog: TrafficLog.fromEnv(),
    now: options.now ?? Date.now,
    routes,
  })
  if (options.dataDir) {
    const persistence = new Persistence(options.dataDir, id => core.store.get(id))
    for (const project of await persistence.load()) core.store.put(project)
    // Attached after loading, so only changes from now on are written.
    core.persistence = persistence
  }

  await core.applyBaseline()
  const server = new EmulatorServer(core)
  server.http.listen(options.port ?? 0, host)
  try {
    await once(server.http, 'listening')
  } catch (error) {
    await core.persistence?.flush()
    throw error
  }

  const {port} = server.http.address() as AddressInfo
  let stopping: Promise<void> | undefined
  return {
    admin: {
      async clearFaults() {
        core.clearFaults()
      },
      errorStyle: async () => core.errorStyle,
      requests: async filter => core.requests(filter),
      reset: () => core.reset(),
      async resetStats() {
        core.resetStats()
      },
      seed: async seed => core.seed(await loadSeed(seed, 'seed')),
      setFaults: async faults => core.setFaults(faults),
      async setLatency(latency, projectId) {
        core.setLatency(latency, projectId)
      },
      async setErrorStyle(style) {
        core.errorStyle = parseErrorStyle(style)
      },
      async setBehaviour(behaviour) {
        core.setBehaviour(behaviour)
      },
      async setRateLimit(rateLimit, projectId) {
        core.setRateLimit(rateLimit, projectId)
      },
      async setRateLimitScope(scope) {
        core.setRateLimitScope(scope)
      },
      state: async () => core.state(),
    },
    port,
    get projects() {
      return core.credentials()
    },
    stats: async () => core.statsSnapshot(),
    stop() {
      stopping ??= (async () => {
        const closed = once(server.http, 'close')
        server.http.close()
        server.http.closeAllConnections()
        await closed
        await core.persistence?.flush()
      })()
      return stopping
    },
    url: `http://${urlHost(host)}:${port}`,
  }
}
