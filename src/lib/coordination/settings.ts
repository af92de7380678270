/**
 * Where processes coordinate: one Redis (`coordination.url` or DESCOPE_MGMT_REDIS_URL) for every
 * machine, or files of this machine. Imports nothing heavy: it runs before any request.
 */
import path from 'node:path'

import type {CoordinationConfig} from './schema.js'

import {parseDuration, redactUrl} from '../cache/settings.js'
import {InputError} from '../errors.js'

export const ENV_REDIS_URL = 'DESCOPE_MGMT_REDIS_URL'
export const DEFAULT_LOCK_TTL_MS = 30_000
const MIN_LOCK_TTL_MS = 5000

export interface CoordinationSettings {
  /** `redis`: every process that names the same Redis; `local`: the processes of this machine. */
  kind: 'local' | 'redis'
  /** `redis://…` (may hold a password: print `redactUrl(url)` only). */
  url?: string
  /** How long a lock outlives a holder that stopped renewing it. */
  lockTtlMs: number
  /** Folder of this machine's shared state (the rate budget file) when `kind` is `local`. */
  stateDir: string
  /** Splits the rate budget of one API host by source address (`coordination.budgetKey`); unset: one budget per host. */
  budgetKey?: string
}

export interface ResolveCoordinationOptions {
  config?: CoordinationConfig
  /** The user's cache folder; local state lives in `coordination/` under it. */
  cacheDir: string
  env?: NodeJS.ProcessEnv
}

/** Precedence: DESCOPE_MGMT_REDIS_URL > `coordination.url` > local files. */
export function resolveCoordination(options: ResolveCoordinationOptions): CoordinationSettings {
  const env = options.env ?? process.env
  const url = env[ENV_REDIS_URL]?.trim() || options.config?.url
  if (url !== undefined && !/^rediss?:\/\//i.test(url)) {
    throw new InputError(`The coordination URL "${redactUrl(url)}" is not a redis:// URL.`, {
      hint: `Set ${ENV_REDIS_URL} or coordination.url to redis://host:port (rediss:// for TLS), or remove it to coordinate the processes of this machine only.`,
    })
  }

  const lockTtlMs = options.config?.lockTtl === undefined ? DEFAULT_LOCK_TTL_MS : parseDuration(options.config.lockTtl, 'coordination.lockTtl')
  if (lockTtlMs < MIN_LOCK_TTL_MS) {
    throw new InputError(`coordination.lockTtl must be at least 5 seconds; got ${lockTtlMs} ms.`, {hint: 'Use 30s (the default) or more.'})
  }

  const budgetKey = options.config?.budgetKey?.trim()
  return {
    ...(budgetKey ? {budgetKey} : {}),
    kind: url ? 'redis' : 'local',
    lockTtlMs,
    stateDir: path.join(path.resolve(options.cacheDir), 'coordination'),
    url,
  }
}

/** Where processes coordinate, for messages (never the password). */
export function describeCoordination(settings: CoordinationSettings): string {
  return settings.kind === 'redis' && settings.url ? `Redis at ${redactUrl(settings.url)}` : `this machine (${settings.stateDir})`
}
