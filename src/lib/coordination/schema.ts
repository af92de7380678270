/* eslint-disable no-template-curly-in-string -- the descriptions show the ${VAR} syntax */
/** The `coordination` block of the configuration file (zod; part of the configuration schema). */
import {z} from 'zod'

const durationPattern = /^\s*\d+(?:\.\d+)?\s*(?:ms|s|min|m|h)?\s*$/i

export const coordinationSchema = z
.strictObject({
  url: z
  .string()
  .regex(/^rediss?:\/\//i, {error: 'must be a redis:// or rediss:// URL'})
  .meta({
    title: 'Redis URL',
    description: 'The Redis that every process shares: the project lock, the rate budget per API host and source address, and the read cache (unless cache.url names another). Usually ${VAR}. DESCOPE_MGMT_REDIS_URL overrides it.',
    examples: ['${DESCOPE_MGMT_REDIS_URL}', 'redis://:${REDIS_PASSWORD}@redis.internal:6379'],
  }),
  lockTtl: z
  .union([
    z.number({error: 'must be a number of seconds or a duration such as 30s'}).min(5, {error: 'must be at least 5 seconds'}),
    z.string().regex(durationPattern, {error: 'must be a number of seconds or a duration such as 30s, 2m'}),
  ])
  .meta({
    title: 'Lock time to live',
    description: 'How long a project lock outlives a process that stopped renewing it (killed, or cut off from Redis); a live run renews it every third of this. Default: 30s.',
    examples: ['30s'],
  })
  .optional(),
  budgetKey: z
  .string()
  .regex(/^[\w.:-]{1,100}$/, {error: 'must be 1-100 letters, digits, ".", ":", "_" or "-", such as egress-a'})
  .meta({
    title: 'Rate budget key',
    description: [
      'Descope counts its rate limit per source address, which this tool cannot see.',
      'By default every process that shares the coordination Redis shares one budget per API host (right when all runners leave through one egress address).',
      'Where runners leave through several addresses, set this to a name of the address (usually ${VAR}, set per runner group):',
      'processes with the same key share a budget, different keys get separate ones.',
    ].join(' '),
    examples: ['${RUNNER_EGRESS}', 'egress-a'],
  })
  .optional(),
})
.meta({
  title: 'Coordination',
  description: 'Coordination of several processes and machines (CI runners) through one Redis: the project lock, the rate budget and the read cache. Without it, processes of one machine share the rate budget through a file in the cache folder, and the lock is a file in the data folder.',
  examples: [{url: '${DESCOPE_MGMT_REDIS_URL}'}],
})

export type CoordinationConfig = z.infer<typeof coordinationSchema>
