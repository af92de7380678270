/**
 * `--json` output of the bundled plugins' commands (cache, bench). The plugins never import the
 * host, so their shapes are documented here, where the schema generator and the tests see them.
 */
import {z} from 'zod'

import {output} from './common.js'

const hitRatio = z.number().nullable().describe('hits / (hits + misses); null before the first cached read.')

const projectCacheStatsSchema = z.strictObject({
  projectId: z.string(),
  baseUrl: z.string(),
  entries: z.number().int(),
  bytes: z.number().int(),
  hits: z.number().int(),
  misses: z.number().int(),
  hitRatio,
  oldestEntry: z.string().optional().describe('ISO 8601 time of the oldest cached answer.'),
})

const benchTargetSchema = z.strictObject({
  metric: z.enum(['medianMs', 'peakRssMB']),
  max: z.number(),
  relativeTo: z.string().optional().describe('For a target set from another measure of the same run: what max was derived from, e.g. `2x node -e 0`.'),
})

const benchResultSchema = z.strictObject({
  scenario: z.string(),
  measure: z.string().describe('What this row measures, e.g. `tenant list (warm cache)`.'),
  runs: z.number().int(),
  medianMs: z.number(),
  minMs: z.number(),
  maxMs: z.number(),
  requests: z.number().int().describe('Requests the emulator received.'),
  rateLimited: z.number().int().describe('429 answers.'),
  peakRssMB: z.number().nullable(),
  target: benchTargetSchema.nullable(),
  ratio: z.number().nullable().describe('Measured / target (below 1 is better); null without a target.'),
  pass: z.boolean().nullable().describe('null without a target.'),
  detail: z.string().nullable().describe('What else the figures say: the write rate against the rate limit, the speed-up of a warm cache.'),
})

export const pluginOutputs = {
  'cache:clear': output(z.strictObject({
    removed: z.number().int().describe('Cached answers removed.'),
    scope: z.enum(['all', 'project']),
    projectId: z.string().optional(),
    baseUrl: z.string().optional(),
    environment: z.string().optional(),
    store: z.enum(['file', 'none', 'redis']),
  }), 'How many cached answers were removed, of which project.'),
  'cache:stats': output(z.strictObject({
    store: z.strictObject({
      kind: z.enum(['file', 'none', 'redis']),
      location: z.string(),
      usable: z.boolean(),
    }),
    ttlSeconds: z.number(),
    maxEntries: z.number().int(),
    maxBytes: z.number().int(),
    entries: z.number().int(),
    bytes: z.number().int(),
    hits: z.number().int(),
    misses: z.number().int(),
    hitRatio,
    oldestEntry: z.string().optional(),
    projects: z.array(projectCacheStatsSchema),
  }), 'Size and hit ratio of the response cache, in total and per project.'),
  'cache:warm': output(z.strictObject({
    projectId: z.string(),
    environment: z.string().optional(),
    results: z.array(z.strictObject({
      name: z.string().describe('tenants, roles, permissions, flows or theme.'),
      path: z.string(),
      ok: z.boolean(),
      items: z.number().int().optional(),
      ms: z.number(),
      error: z.string().optional(),
    })),
  }), 'Each read made (exit code 6 when one failed).'),
  bench: output(z.strictObject({
    date: z.string(),
    machine: z.strictObject({
      cpus: z.number().int(),
      memoryGiB: z.number(),
      node: z.string(),
      platform: z.string(),
    }),
    latencyMs: z.number(),
    quick: z.boolean(),
    scenarios: z.array(benchResultSchema),
    passed: z.boolean(),
  }), 'The measures of each scenario and whether every target was met (exit code 1 when not).'),
}
