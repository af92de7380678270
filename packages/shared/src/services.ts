/**
 * The contract of the `descope:services` hook: what descope-mgmt hands to its plugins (the
 * configured client, the read cache) and how a plugin asks for it. The host's services implement
 * these types, so a change on either side fails to compile instead of failing at run time.
 */
import type {Config} from '@oclif/core'

export type HttpMethod = 'DELETE' | 'GET' | 'POST' | 'PUT'

/** The configured Descope client: auth, rate limit, retries and the read cache are already applied. */
export interface ServiceClient {
  readonly projectId: string
  readonly baseUrl: string
  request<T>(method: HttpMethod, path: string, options?: {json?: unknown; searchParams?: Record<string, string>}): Promise<T>
}

export interface ServiceConnection {
  client: ServiceClient
  projectId: string
  baseUrl: string
  /** The environment of the configuration, when one was used. */
  environmentName?: string
  /** Whether the embedded emulator serves this connection. */
  emulator: boolean
  close(): Promise<void>
}

/** The host's connection flags: `-c`, `-e`, `--project-id`, `--base-url`. */
export interface ConnectionFlags {
  config?: string
  environment?: string
  projectId?: string
  baseUrl?: string
  /** Hosts besides Descope's and loopback that the management key may be sent to (--allow-host). */
  allowHost?: string[]
}

/** The cache flags of a connection. */
export interface CacheFlags {
  /** `--no-cache`. */
  noCache?: boolean
  /** `--cache-ttl`. */
  ttl?: string
  /** `fresh` for commands that must see live state (plan, apply) unless asked otherwise; default `use`. */
  mode?: 'fresh' | 'use'
  /** Where the single cache warning goes (default: stderr). */
  warn?(message: string): void
}

export interface ProjectCacheStats {
  projectId: string
  baseUrl: string
  entries: number
  bytes: number
  hits: number
  misses: number
  /** hits / (hits + misses); null before the first cached read. */
  hitRatio: null | number
  /** When the oldest entry still stored was fetched (ISO 8601). */
  oldestEntry?: string
}

export interface CacheStats {
  store: {kind: 'file' | 'none' | 'redis'; location: string; usable: boolean}
  ttlSeconds: number
  maxEntries: number
  maxBytes: number
  entries: number
  bytes: number
  hits: number
  misses: number
  hitRatio: null | number
  oldestEntry?: string
  projects: ProjectCacheStats[]
}

/** The persistent read cache of the configuration in use, for `cache stats` and `cache clear`. */
export interface CacheAdmin {
  readonly settings: {store: 'file' | 'none' | 'redis'; mode: string; ttlMs: number}
  stats(): Promise<CacheStats>
  /** One project's cached answers, or all of them. */
  clear(target?: {baseUrl: string; projectId: string}): Promise<{removed: number; usable: boolean}>
  close(): Promise<void>
}

/** How a plugin connects: the same configuration, environment, credentials and cache flags as the host's commands. */
export interface ServiceConnectOptions {
  config: Config
  flags: ConnectionFlags
  cache?: CacheFlags
  /** Told about every secret as soon as it is known, so output can be redacted. */
  onSecret?(secret: string): void
}

/** What the `descope:services` hook returns to plugins. */
export interface PluginServices {
  /** Connects like the host's commands do (for plugins: `-c`, `-e`, `--no-cache`…). */
  connect(options: ServiceConnectOptions): Promise<ServiceConnection>
  /** Statistics and clearing of the persistent read cache (`configFile`: `--config`). */
  cacheAdmin(options: {config: Config; configFile?: string}): Promise<CacheAdmin>
  /** A table like the host's own: borderless, one line per row, fitted to the terminal's width. */
  formatTable(header: string[], rows: string[][]): string
}

/** An error of the host (CliError) carries an exit code and a hint. */
export interface HostError extends Error {
  exitCode?: number
  hint?: string
  code?: string
}

/** The host's services; fails clearly when the plugin runs outside descope-mgmt. */
export async function hostServices(config: Config): Promise<PluginServices> {
  // The hook is declared by the host; a plugin built on its own does not see that declaration.
  const runHook = config.runHook.bind(config) as unknown as (event: string, options: object) => Promise<{
    failures: Array<{error: Error}>
    successes: Array<{result: PluginServices}>
  }>
  const result = await runHook('descope:services', {})
  const [success] = result.successes
  const [failure] = result.failures
  if (!success?.result?.cacheAdmin || !success.result.connect) {
    throw Object.assign(new Error(`descope-mgmt did not provide its services${failure ? `: ${failure.error.message}` : ''}.`), {
      exitCode: 1,
      hint: 'This plugin needs descope-mgmt 0.1.0 or later: update descope-mgmt, or reinstall the plugin.',
    })
  }

  return success.result
}
