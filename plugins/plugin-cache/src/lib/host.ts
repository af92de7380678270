/**
 * What this plugin uses of the host's services, obtained through the `descope:services` hook.
 * A user-installed plugin has its own copy of every module, so it never imports the host: these
 * are structural copies of the host's types (src/lib/services.ts, src/lib/cache/admin.ts).
 */
import type {Config} from '@oclif/core'

export type HttpMethod = 'DELETE' | 'GET' | 'POST' | 'PUT'

export interface HostClient {
  readonly projectId: string
  readonly baseUrl: string
  request<T>(method: HttpMethod, path: string, options?: {json?: unknown; searchParams?: Record<string, string>}): Promise<T>
}

export interface HostConnection {
  client: HostClient
  projectId: string
  baseUrl: string
  environmentName?: string
  emulator: boolean
  close(): Promise<void>
}

export interface ConnectionFlags {
  config?: string
  environment?: string
  projectId?: string
  baseUrl?: string
}

export interface ProjectCacheStats {
  projectId: string
  baseUrl: string
  entries: number
  bytes: number
  hits: number
  misses: number
  hitRatio: null | number
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

export interface CacheAdmin {
  readonly settings: {store: 'file' | 'none' | 'redis'; mode: string; ttlMs: number}
  stats(): Promise<CacheStats>
  clear(target?: {baseUrl: string; projectId: string}): Promise<{removed: number; usable: boolean}>
  close(): Promise<void>
}

export interface HostServices {
  connect(options: {
    config: Config
    flags: ConnectionFlags
    cache?: {noCache?: boolean; ttl?: string; mode?: 'fresh' | 'use'; warn?(message: string): void}
    onSecret?(secret: string): void
  }): Promise<HostConnection>
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
export async function hostServices(config: Config): Promise<HostServices> {
  // The hook is declared by the host; a plugin built on its own does not see that declaration.
  const runHook = config.runHook.bind(config) as unknown as (event: string, options: object) => Promise<{
    failures: Array<{error: Error}>
    successes: Array<{result: HostServices}>
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
