/**
 * Cache settings from the configuration's `cache` block, the flags and the environment.
 * Imports nothing heavy: it runs on the command path before any request.
 */
import path from 'node:path'

import {InputError} from '../errors.js'

export const DEFAULT_TTL_MS = 5 * 60 * 1000
export const DEFAULT_MAX_ENTRIES = 500
export const DEFAULT_MAX_BYTES = 50 * 1024 * 1024
export const CACHE_FILE_NAME = 'read-cache.json'

export const ENV_NO_CACHE = 'DESCOPE_MGMT_NO_CACHE'
export const ENV_CACHE_URL = 'DESCOPE_MGMT_CACHE_URL'
export const ENV_CACHE_TTL = 'DESCOPE_MGMT_CACHE_TTL'

/**
 * - `use`: answer reads from the cache when fresh, store what is fetched (read-only commands);
 * - `fresh`: always fetch, but store what is fetched (for `plan`/`apply`, which must see live state);
 * - `off`: never read nor store (`--no-cache`); writes still invalidate, silently, so that later
 *   cached reads are not stale.
 */
export type CacheMode = 'fresh' | 'off' | 'use'

/** The `cache` block of the configuration file. */
export interface CacheConfig {
  /** Seconds (number) or a duration: `90s`, `5m`, `1h`. 0 disables the persistent cache. */
  ttl?: number | string
  /** `redis://…` for a shared store; the file store under the cache folder when absent. */
  url?: string
  maxEntries?: number
  /** Bytes (number) or a size: `50MB`, `512KB`. */
  maxBytes?: number | string
}

export interface CacheSettings {
  mode: CacheMode
  ttlMs: number
  /** `file` under `dir`, `redis` at `url`, or `none` (coalescing of concurrent reads only). */
  store: 'file' | 'none' | 'redis'
  dir: string
  file: string
  url?: string
  maxEntries: number
  maxBytes: number
}

const DURATION_UNITS: Record<string, number> = {
  '': 1000, d: 86_400_000, h: 3_600_000, m: 60_000, min: 60_000, ms: 1, s: 1000,
}
const SIZE_UNITS: Record<string, number> = {
  '': 1, b: 1, gb: 1024 ** 3, gib: 1024 ** 3, k: 1024, kb: 1024, kib: 1024, m: 1024 ** 2, mb: 1024 ** 2, mib: 1024 ** 2,
}

/** `300`, `300s`, `5m`, `1h`, `1500ms` → milliseconds; a bare number is seconds. */
export function parseDuration(value: number | string, what = 'cache TTL'): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) throw new InputError(`The ${what} must be 0 or more seconds; got ${value}.`)
    return Math.round(value * 1000)
  }

  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|min|m|h|d)?\s*$/i.exec(value)
  if (!match) {
    throw new InputError(`The ${what} "${value}" is not a duration.`, {hint: 'Use seconds (300) or a number with a unit: 90s, 5m, 1h.'})
  }

  return Math.round(Number(match[1]) * DURATION_UNITS[(match[2] ?? '').toLowerCase()])
}

/** `1048576`, `512KB`, `50MB`, `1GiB` → bytes (binary units). */
export function parseSize(value: number | string, what = 'cache size'): number {
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 1) throw new InputError(`The ${what} must be a whole number of bytes, at least 1; got ${value}.`)
    return value
  }

  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(value)
  const unit = SIZE_UNITS[(match?.[2] ?? '?').toLowerCase()]
  if (!match || unit === undefined) {
    throw new InputError(`The ${what} "${value}" is not a size.`, {hint: 'Use bytes (1048576) or a number with a unit: 512KB, 50MB, 1GB.'})
  }

  return Math.max(1, Math.round(Number(match[1]) * unit))
}

function truthy(value: string | undefined): boolean {
  return value !== undefined && /^(1|true|yes|on)$/i.test(value.trim())
}

export interface ResolveCacheOptions {
  /** oclif's `config.cacheDir`. */
  cacheDir: string
  config?: CacheConfig
  /** `--no-cache`. */
  noCache?: boolean
  /** `--cache-ttl`. */
  ttl?: string
  /** What the command wants when the cache is not turned off: `use` (default) or `fresh`. */
  mode?: Exclude<CacheMode, 'off'>
  /** The coordination Redis (`coordination.url`): the store when neither the cache's URL nor its variable is set. */
  coordinationUrl?: string
  /** No persistent store (the embedded emulator: in-process, and its port changes every run). */
  memoryOnly?: boolean
  env?: NodeJS.ProcessEnv
}

/** Precedence: flag > environment variable > configuration (the cache's, then coordination's URL) > default. */
export function resolveCacheSettings(options: ResolveCacheOptions): CacheSettings {
  const env = options.env ?? process.env
  const config = options.config ?? {}
  const ttlSource = options.ttl ?? (env[ENV_CACHE_TTL]?.trim() || undefined) ?? config.ttl
  const ttlMs = ttlSource === undefined ? DEFAULT_TTL_MS : parseDuration(ttlSource)
  const off = options.noCache === true || truthy(env[ENV_NO_CACHE]) || ttlMs === 0
  const url = (env[ENV_CACHE_URL]?.trim() || undefined) ?? config.url ?? options.coordinationUrl
  if (url !== undefined && !/^rediss?:\/\//i.test(url)) {
    throw new InputError(`The cache URL "${redactUrl(url)}" is not a redis:// URL.`, {
      hint: `Set ${ENV_CACHE_URL} or cache.url to redis://host:port, or remove it to use the file store.`,
    })
  }

  const dir = path.resolve(options.cacheDir)
  let store: CacheSettings['store'] = url ? 'redis' : 'file'
  if (options.memoryOnly) store = 'none'
  return {
    dir,
    file: path.join(dir, CACHE_FILE_NAME),
    maxBytes: config.maxBytes === undefined ? DEFAULT_MAX_BYTES : parseSize(config.maxBytes, 'cache.maxBytes'),
    maxEntries: config.maxEntries ?? DEFAULT_MAX_ENTRIES,
    mode: off ? 'off' : (options.mode ?? 'use'),
    store,
    ttlMs: ttlMs === 0 ? DEFAULT_TTL_MS : ttlMs,
    url,
  }
}

/** A URL without its password, for messages. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z]+:\/\/)([^@/]*)@/i, (_all, scheme: string, auth: string) => `${scheme}${auth.includes(':') ? `${auth.split(':')[0]}:***` : '***'}@`)
}

/** Where the cache lives, for messages and `cache stats`. */
export function describeStore(settings: CacheSettings): string {
  if (settings.store === 'redis') return redactUrl(settings.url ?? '')
  if (settings.store === 'none') return 'memory (this process only)'
  return settings.file
}
