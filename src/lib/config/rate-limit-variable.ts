/**
 * DESCOPE_MGMT_RATE_LIMIT: the client's rate limit when the environment sets no `rateLimit` (or
 * there is no configuration file, only DESCOPE_* variables). No zod here: it is read on every
 * connection, before the configuration parser is loaded.
 */
import {InputError} from '../errors.js'

export const ENV_RATE_LIMIT = 'DESCOPE_MGMT_RATE_LIMIT'

const UNIT_SECONDS: Record<string, number> = {
  '': 1, h: 3600, m: 60, min: 60, s: 1,
}

/** `100/60s`, `100/1m`, `5/1` (seconds) → `{requests, windowSeconds}`; undefined when unset. */
export function rateLimitFromEnv(env: NodeJS.ProcessEnv): undefined | {requests: number; windowSeconds: number} {
  const value = env[ENV_RATE_LIMIT]?.trim()
  if (!value) return undefined
  const match = /^(\d+)\s*\/\s*(\d+)\s*(s|min|m|h)?$/i.exec(value)
  const requests = Number(match?.[1])
  const windowSeconds = Number(match?.[2]) * (UNIT_SECONDS[(match?.[3] ?? '').toLowerCase()] ?? Number.NaN)
  if (!match || requests < 1 || !(windowSeconds >= 1)) {
    throw new InputError(`${ENV_RATE_LIMIT}="${value}" is not a rate limit.`, {
      hint: `Write requests per window, at least 1 of each: ${ENV_RATE_LIMIT}=100/60s (also 100/1m, 20/1s), or unset it for the environment's rateLimit or the default of 100 per 60 s.`,
    })
  }

  return {requests, windowSeconds}
}
