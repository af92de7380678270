/**
 * Which project, key and API URL a command uses, and where each came from.
 * Precedence: flag > environment entry of the configuration > environment variable > default.
 */
import {AuthError, InputError} from '../errors.js'
import {type EnvironmentConfig} from './environment.js'
import {allowedHosts, describeRefusal, refuseApiUrl} from './hosts.js'

export const DEFAULT_BASE_URL = 'https://api.descope.com'
export const DEFAULT_EMULATOR_DATA = '.descope-emulator'

/** Where a value came from: a flag, the configuration file, an environment variable, or a default. */
export type ValueSource = ConfigValueSource | DefaultValueSource | EnvValueSource | FlagValueSource
export interface ConfigValueSource {kind: 'config'; path: string; file?: string}
export interface DefaultValueSource {kind: 'default'; note?: string}
export interface EnvValueSource {kind: 'env'; variable: string}
export interface FlagValueSource {kind: 'flag'; flag: string}

export interface RemoteConnection {
  emulator: false
  projectId: string
  managementKey: string
  baseUrl: string
  sources: {projectId: ValueSource; managementKey: ValueSource; baseUrl: ValueSource}
}

export interface EmulatorConnection {
  emulator: true
  /** Folder of the emulator state, as written (relative to the configuration file's folder). */
  dataDir: string
  projectId?: string
  managementKey?: string
  sources: {dataDir: ValueSource; projectId?: ValueSource; managementKey?: ValueSource}
}

export type ResolvedConnection = EmulatorConnection | RemoteConnection

export interface ResolveOptions {
  flags: {projectId?: string; baseUrl?: string; allowHost?: string[]}
  environmentName?: string
  environment?: EnvironmentConfig
  /** The configuration file, named in messages. */
  file?: string
  env: NodeJS.ProcessEnv
}

export const ENV_PROJECT_ID = 'DESCOPE_PROJECT_ID'
export const ENV_MANAGEMENT_KEY = 'DESCOPE_MANAGEMENT_KEY'
export const ENV_BASE_URL = 'DESCOPE_BASE_URL'

/** "flag --project-id", "environments.staging.projectId in descope.yaml", "env var DESCOPE_PROJECT_ID". */
export function describeSource(source: ValueSource): string {
  switch (source.kind) {
  case 'config': {
    return source.file ? `${source.path} in ${source.file}` : source.path
  }

  case 'default': {
    return source.note ? `default (${source.note})` : 'default'
  }

  case 'env': {
    return `env var ${source.variable}`
  }

  case 'flag': {
    return `flag ${source.flag}`
  }
  }
}

/** The API URL for a project: regional for long (regional) project ids, per the Descope SDKs. */
export function regionalBaseUrl(projectId: string): string {
  if (projectId.length >= 32) return `https://api.${projectId.slice(1, 5)}.descope.com`
  return DEFAULT_BASE_URL
}

/** STAGING for staging, EU_PROD for eu-prod: the usual prefix of an environment's variables. */
export function variablePrefix(environmentName: string): string {
  return environmentName.toUpperCase().replaceAll(/[^A-Z0-9]/g, '_')
}

type Candidate = {source: ValueSource; value: string | undefined}

/** The first candidate with a non-empty value (surrounding whitespace is ignored). */
function pick(candidates: Candidate[]): undefined | {source: ValueSource; value: string} {
  for (const candidate of candidates) {
    const value = candidate.value?.trim()
    if (value) return {source: candidate.source, value}
  }

  return undefined
}

function checkProjectId(value: string, source: ValueSource): void {
  if (!/^P[A-Za-z0-9]+$/.test(value)) {
    throw new AuthError(`The project id from ${describeSource(source)} is not a Descope project id: project ids start with "P" followed by letters and digits.`, {
      code: 'invalid_project_id',
      hint: 'Copy the project id from Project Settings in the Descope console.',
    })
  }
}

function checkManagementKey(value: string, source: ValueSource): void {
  if (!value.startsWith('K') || /[\s:]/.test(value)) {
    throw new AuthError(
      `The management key from ${describeSource(source)} is not a Descope management key: management keys start with "K" and contain no spaces or ":".`,
      {code: 'invalid_management_key', hint: 'Create or copy a management key under Company Settings > Management Keys in the Descope console.'},
    )
  }
}

function checkBaseUrl(value: string, source: ValueSource, allowed: readonly string[]): string {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    url = new URL('invalid:')
  }

  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InputError(`The base URL "${value}" from ${describeSource(source)} is not an http:// or https:// URL.`, {
      code: 'invalid_base_url',
      hint: `The Descope API is at ${DEFAULT_BASE_URL}.`,
    })
  }

  const refusal = refuseApiUrl(url, allowed)
  if (refusal) {
    const {hint, message} = describeRefusal(refusal)
    throw new InputError(`The base URL "${url.origin}" from ${describeSource(source)} ${message}. Nothing was sent.`, {
      code: refusal.reason === 'cleartext' ? 'insecure_base_url' : 'base_url_host_not_allowed',
      hint,
    })
  }

  return value.replace(/\/+$/, '')
}

function lookedIn(sources: ValueSource[]): string {
  const names = sources.map(source => describeSource(source))
  return names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`
}

/**
 * Resolves the connection of a command. An environment with `emulator: true` gets the embedded
 * emulator: only the flag and the environment entry may seed its project id and key (never the
 * shell's DESCOPE_* variables, which usually hold a real project's credentials).
 */
export function resolveConnection(options: ResolveOptions): ResolvedConnection {
  const {environment, environmentName, env, file, flags} = options
  const configSource = (field: string): ValueSource => ({
    file,
    kind: 'config',
    path: `environments.${environmentName ?? '<environment>'}.${field}`,
  })
  const fromConfig = (field: 'baseUrl' | 'managementKey' | 'projectId'): Candidate[] =>
    environment && environmentName !== undefined ? [{source: configSource(field), value: environment[field]}] : []

  const projectIdCandidates: Candidate[] = [{source: {flag: '--project-id', kind: 'flag'}, value: flags.projectId}, ...fromConfig('projectId')]
  const keyCandidates: Candidate[] = [...fromConfig('managementKey')]

  if (environment?.emulator) {
    const projectId = pick(projectIdCandidates)
    const managementKey = pick(keyCandidates)
    if (projectId) checkProjectId(projectId.value, projectId.source)
    if (managementKey) checkManagementKey(managementKey.value, managementKey.source)
    return {
      dataDir: environment.data ?? DEFAULT_EMULATOR_DATA,
      emulator: true,
      managementKey: managementKey?.value,
      projectId: projectId?.value,
      sources: {
        dataDir: environment.data === undefined ? {kind: 'default'} : configSource('data'),
        managementKey: managementKey?.source,
        projectId: projectId?.source,
      },
    }
  }

  projectIdCandidates.push({source: {kind: 'env', variable: ENV_PROJECT_ID}, value: env[ENV_PROJECT_ID]})
  keyCandidates.push({source: {kind: 'env', variable: ENV_MANAGEMENT_KEY}, value: env[ENV_MANAGEMENT_KEY]})
  const projectId = pick(projectIdCandidates)
  if (!projectId) {
    throw new AuthError(`No Descope project id: looked for ${lookedIn(projectIdCandidates.map(candidate => candidate.source))}.`, {
      code: 'missing_project_id',
      hint:
        environmentName === undefined
          ? `Pass --project-id, or export ${ENV_PROJECT_ID}.`
          : `Set projectId: \${${variablePrefix(environmentName)}_PROJECT_ID} for environment ${environmentName}, pass --project-id, or export ${ENV_PROJECT_ID}.`,
    })
  }

  checkProjectId(projectId.value, projectId.source)
  const managementKey = pick(keyCandidates)
  if (!managementKey) {
    throw new AuthError(`No Descope management key: looked for ${lookedIn(keyCandidates.map(candidate => candidate.source))}.`, {
      code: 'missing_management_key',
      hint:
        environmentName === undefined
          ? `Export ${ENV_MANAGEMENT_KEY} with a management key (Company Settings > Management Keys in the Descope console).`
          : `Set managementKey: \${${variablePrefix(environmentName)}_MANAGEMENT_KEY} for environment ${environmentName} and export that variable, or export ${ENV_MANAGEMENT_KEY}.`,
    })
  }

  checkManagementKey(managementKey.value, managementKey.source)
  const baseUrl = pick([
    {source: {flag: '--base-url', kind: 'flag'}, value: flags.baseUrl},
    ...fromConfig('baseUrl'),
    {source: {kind: 'env', variable: ENV_BASE_URL}, value: env[ENV_BASE_URL]},
  ])
  const regional = regionalBaseUrl(projectId.value)
  return {
    baseUrl: baseUrl ? checkBaseUrl(baseUrl.value, baseUrl.source, allowedHosts(flags.allowHost, env)) : regional,
    emulator: false,
    managementKey: managementKey.value,
    projectId: projectId.value,
    sources: {
      baseUrl: baseUrl?.source ?? {kind: 'default', note: regional === DEFAULT_BASE_URL ? undefined : 'region of the project id'},
      managementKey: managementKey.source,
      projectId: projectId.source,
    },
  }
}
