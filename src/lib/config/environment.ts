/* eslint-disable no-template-curly-in-string -- the descriptions show the ${VAR} syntax */
import {didYouMean} from '@descope-mgmt/shared/suggest'
import {z} from 'zod'

import type {CheckContext} from './resources/types.js'

import {tenantIdPattern, tenantIdSchema} from '../resources/tenants.js'
import {describeRefusal, refuseApiUrl} from './hosts.js'
import {isRecord, type PathSegment} from './path.js'

export const environmentNamePattern = /^[A-Za-z0-9_-]+$/
export const projectIdPattern = /^P[A-Za-z0-9]{27,}$/

export const environmentSchema = z
.strictObject({
  emulator: z
  .boolean()
  .meta({
    title: 'Embedded emulator',
    description:
          'Run the embedded Descope emulator in-process for this environment instead of calling Descope (needs the emulator plugin). Nothing leaves your machine.',
  })
  .optional(),
  data: z
  .string()
  .trim()
  .min(1, {error: 'must not be empty'})
  .meta({
    title: 'Emulator data folder',
    description: 'Folder where the embedded emulator keeps its state, relative to the configuration file. Default: .descope-emulator',
    examples: ['.descope-emulator'],
  })
  .optional(),
  projectId: z
  .string()
  .trim()
  .regex(projectIdPattern, {
    error: issue =>
      `invalid project id "${String(issue.input)}": a Descope project id starts with "P" followed by at least 27 letters or digits`,
  })
  .meta({
    title: 'Project id',
    description:
          'Descope project id (Project Settings in the console), usually as ${VAR}. May be left out and given with --project-id or DESCOPE_PROJECT_ID.',
    examples: ['${STAGING_PROJECT_ID}'],
  })
  .optional(),
  managementKey: z
  .string()
  .trim()
  .min(1, {error: 'must not be empty'})
  .refine(key => key.startsWith('K'), {error: 'this is not a Descope management key: management keys start with "K"'})
  .meta({
    title: 'Management key',
    description:
          'Management key, always as ${VAR}: secrets belong in environment variables, not in the file. May be left out and given with DESCOPE_MANAGEMENT_KEY.',
    examples: ['${STAGING_MANAGEMENT_KEY}'],
  })
  .optional(),
  baseUrl: z
  .url({error: 'must be an http:// or https:// URL', protocol: /^https?$/})
  .meta({
    title: 'API base URL',
    description:
          'Descope API base URL. Default: https://api.descope.com, or the regional URL for a regional project id; DESCOPE_BASE_URL also sets it.',
    examples: ['https://api.descope.com'],
  })
  .optional(),
  rateLimit: z
  .strictObject({
    requests: z.int({error: 'must be a whole number'}).min(1, {error: 'must be at least 1'}).meta({title: 'Requests', description: 'Requests allowed per window.'}),
    windowSeconds: z
    .int({error: 'must be a whole number'})
    .min(1, {error: 'must be at least 1'})
    .meta({title: 'Window (seconds)', description: 'Length of the window, in seconds.'}),
  })
  .meta({
    title: 'Client-side rate limit',
    description: [
      "Requests sent per window, enforced before each request. Default: 100 requests per 60 seconds, Descope's documented limit.",
      'Descope counts per source address, so the budget is shared by every environment of a run that uses the same API host;',
      'when they set different limits, the strictest combination applies (the fewest requests in the longest window).',
      'A 429 from Descope pauses every request to that host for its Retry-After, then resumes at this rate.',
    ].join(' '),
    examples: [{requests: 100, windowSeconds: 60}],
  })
  .optional(),
  concurrency: z
  .int({error: 'must be a whole number'})
  .min(1, {error: 'must be between 1 and 32'})
  .max(32, {error: 'must be between 1 and 32'})
  .meta({title: 'Concurrency', description: 'Most requests in flight at once while applying changes (1-32).', examples: [4]})
  .optional(),
  protect: z
  .array(z.union([
    tenantIdSchema,
    z.string().regex(/^(tenant|role|permission):.{1,200}$/, {error: 'must be a tenant id, or kind:name such as role:Admin or permission:read'}),
  ], {error: 'must be a tenant id, or kind:name such as role:Admin or permission:read'}))
  .meta({
    title: 'Protected resources',
    description:
      'Resources that apply and prune never change or delete in this environment: tenant ids, or `role:NAME`, `role:TENANT/NAME`, `permission:NAME`.',
    examples: [['acme', 'role:Admin']],
  })
  .optional(),
})
.meta({
  title: 'Environment',
  description: 'One Descope project (or the embedded emulator) the configuration can be applied to.',
})

export type EnvironmentConfig = z.infer<typeof environmentSchema>

export const environmentsSchema = z
.record(
  z.string().regex(environmentNamePattern, {
    error: issue => `invalid environment name "${String(issue.input)}": use letters, digits, "_" or "-"`,
  }),
  environmentSchema,
)
.refine(environments => Object.keys(environments).length > 0, {error: 'at least one environment is required'})
.meta({
  title: 'Environments',
  description: 'Named targets (for example local, staging, production), chosen with -e NAME.',
  minProperties: 1,
})

/**
 * A cleartext URL to another host than loopback is an error (the key would travel in clear); a
 * host that is neither Descope's nor loopback is a warning here, since it may be allowed from
 * outside the file, and is refused when the environment is used unless it is.
 */
function checkBaseUrlHost(value: unknown, path: PathSegment[], context: CheckContext): void {
  if (typeof value !== 'string' || !URL.canParse(value)) return
  const url = new URL(value)
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return
  const refusal = refuseApiUrl(url)
  if (!refusal) return
  const {hint, message} = describeRefusal(refusal)
  if (refusal.reason === 'cleartext') context.error(path, message, hint)
  else context.warn(path, `${message}: it is refused unless allowed`, hint)
}

/** Checks of each environment that the schema alone cannot express. */
export function checkEnvironments(raw: Record<string, unknown>, declaredTenantIds: () => ReadonlySet<string>, context: CheckContext): void {
  if (!isRecord(raw.environments)) return
  for (const [name, environment] of Object.entries(raw.environments)) {
    if (!isRecord(environment)) continue
    const path = ['environments', name]
    if (environment.emulator === true) {
      for (const field of ['baseUrl'] as const) {
        if (environment[field] !== undefined) context.warn([...path, field], `${field} is ignored when emulator is true`)
      }
    } else {
      if (environment.data !== undefined) context.warn([...path, 'data'], 'data is used only by the embedded emulator', 'add `emulator: true`, or remove `data`')
      checkBaseUrlHost(environment.baseUrl, [...path, 'baseUrl'], context)
    }

    if (Array.isArray(environment.protect)) {
      for (const [index, id] of environment.protect.entries()) {
        if (typeof id !== 'string' || !tenantIdPattern.test(id)) continue
        const declaredTenants = declaredTenantIds()
        if (declaredTenants.has(id) || context.existingTenantIds?.has(id)) continue
        context.warn(
          [...path, 'protect', index],
          `protected tenant "${id}" is not declared in this configuration`,
          didYouMean(id, declaredTenants) ?? 'protecting a tenant that is not in the file only matters with `apply --prune`',
        )
      }
    }
  }
}
