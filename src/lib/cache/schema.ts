/* eslint-disable no-template-curly-in-string -- the descriptions show the ${VAR} syntax */
/** The `cache` block of the configuration file (zod; part of the configuration schema). */
import {z} from 'zod'

const durationPattern = /^\s*\d+(?:\.\d+)?\s*(?:ms|s|min|m|h|d)?\s*$/i
const sizePattern = /^\s*\d+(?:\.\d+)?\s*(?:b|k|kb|kib|m|mb|mib|gb|gib)?\s*$/i

export const cacheSchema = z
.strictObject({
  ttl: z
  .union([
    z.number({error: 'must be a number of seconds or a duration such as 5m'}).min(0, {error: 'must be 0 or more'}),
    z.string().regex(durationPattern, {error: 'must be a number of seconds or a duration such as 90s, 5m, 1h'}),
  ])
  .meta({
    title: 'Time to live',
    description: 'How long a cached read stays fresh: seconds, or a duration (90s, 5m, 1h). 0 turns the cache off. Default: 5m. The flag --cache-ttl and DESCOPE_MGMT_CACHE_TTL override it.',
    examples: ['5m', 300],
  })
  .optional(),
  url: z
  .string()
  .regex(/^rediss?:\/\//i, {error: 'must be a redis:// or rediss:// URL'})
  .meta({
    title: 'Shared store URL',
    description: 'A redis:// URL to share the cache between machines (teams, CI fleets), usually as ${VAR}. Default: a file under the cache folder of this user. DESCOPE_MGMT_CACHE_URL overrides it.',
    examples: ['${DESCOPE_MGMT_CACHE_URL}', 'redis://127.0.0.1:6379'],
  })
  .optional(),
  maxEntries: z
  .int({error: 'must be a whole number'})
  .min(1, {error: 'must be at least 1'})
  .meta({
    title: 'Maximum entries',
    description: 'Cached answers kept in the file store; the least recently used go first. Default: 500. A redis store is bounded by its own maxmemory policy.',
    examples: [500],
  })
  .optional(),
  maxBytes: z
  .union([
    z.int({error: 'must be a whole number of bytes'}).min(1, {error: 'must be at least 1'}),
    z.string().regex(sizePattern, {error: 'must be bytes or a size such as 512KB, 50MB'}),
  ])
  .meta({
    title: 'Maximum size',
    description: 'Size of the file store: bytes, or a size (512KB, 50MB); the least recently used answers go first. Default: 50MB.',
    examples: ['50MB'],
  })
  .optional(),
})
.meta({
  title: 'Response cache',
  description:
    'Caching of read-only Management API calls (lists, searches, exports) between runs. Writes invalidate it; plan and apply read live state unless asked otherwise; --no-cache bypasses it. An answer over 1 MiB (a list of several thousand tenants) is not kept.',
  examples: [{ttl: '5m'}],
})
