import {didYouMean} from '@descope-mgmt/shared/suggest'
import {z} from 'zod'

import type {PathSegment} from '../path.js'

import {formatPath, isRecord} from '../path.js'
import {type CheckContext, defineResource} from './types.js'

export const tenantIdPattern = /^[A-Za-z0-9_-]{1,64}$/
/** Letters, digits and inner hyphens per label; at least two labels; a top-level label of letters. */
export const hostnamePattern = /^(?=.{1,253}$)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/
export const attributeKeyPattern = /^[A-Za-z0-9_-]{1,20}$/

const quoted = (value: unknown): string => (typeof value === 'string' ? `"${value}"` : String(value))

export const tenantIdSchema = z
.string()
.regex(tenantIdPattern, {error: issue => `invalid tenant id ${quoted(issue.input)}: use 1-64 letters, digits, "_" or "-"`})
.meta({title: 'Tenant id', description: 'A tenant id: 1-64 letters, digits, "_" or "-".', examples: ['acme']})

export const customAttributeValueSchema = z
.union([z.string(), z.number(), z.boolean(), z.array(z.string()), z.null()], {
  error: 'must be a string, number, boolean, list of strings or null',
})
.meta({title: 'Custom attribute value', description: 'A string, number, boolean, list of strings, or null.'})

export const tenantSchema = z
.strictObject({
  id: tenantIdSchema.meta({
    title: 'Tenant id',
    description:
        'Unique id of the tenant: 1-64 letters, digits, "_" or "-". Set once when the tenant is created; Descope cannot change it later.',
    examples: ['acme'],
  }),
  name: z
  .string()
  .trim()
  .min(1, {error: 'must not be empty'})
  .max(254, {error: 'must be at most 254 characters'})
  .meta({title: 'Name', description: 'Display name of the tenant; unique in the project (case-insensitive), at most 254 characters.', examples: ['Acme Inc']}),
  selfProvisioningDomains: z
  .array(z
  .string()
  .trim()
  .toLowerCase()
  .regex(hostnamePattern, {error: issue => `${quoted(issue.input)} is not a valid domain name (expected e.g. acme.com)`})
  .meta({title: 'Domain', description: 'An email domain such as acme.com (stored lower-case).'}))
  .meta({
    title: 'Self-provisioning domains',
    description:
          'Users who sign up with an email address in one of these domains join this tenant. Each domain may belong to one tenant only.',
    examples: [['acme.com']],
  })
  .optional(),
  customAttributes: z
  .record(
    z.string().regex(attributeKeyPattern, {
      error: issue => `invalid custom attribute name ${quoted(issue.input)}: use 1-20 letters, digits, "_" or "-"`,
    }),
    customAttributeValueSchema,
  )
  .meta({
    title: 'Custom attributes',
    description:
          'Tenant custom attributes by machine name (1-20 letters, digits, "_" or "-"). The attributes must be defined in the Descope project.',
    examples: [{plan: 'gold', seats: 10}],
  })
  .optional(),
  enforceSSO: z
  .boolean()
  .meta({title: 'Enforce SSO', description: 'Require users of this tenant to sign in with the tenant SSO.'})
  .optional(),
  enforceSSOExclusions: z
  .array(z.string().trim().min(1, {error: 'must not be empty'}))
  .meta({
    title: 'SSO enforcement exclusions',
    description: 'User ids or email addresses that may sign in without SSO while enforceSSO is true.',
  })
  .optional(),
  disabled: z.boolean().meta({title: 'Disabled', description: 'Disable the tenant: its users cannot sign in to it.'}).optional(),
  parent: tenantIdSchema
  .meta({
    title: 'Parent tenant',
    description:
          'Id of the parent tenant, declared in this file or already existing in the project. Descope sets the parent only when the tenant is created.',
  })
  .optional(),
  roleInheritance: z
  .enum(['', 'none', 'userOnly'])
  .meta({
    title: 'Role inheritance',
    description:
          'How roles of the parent tenant apply in this sub-tenant: "" (Descope default: users with roles in the parent get them here), "none", or "userOnly".',
  })
  .optional(),
})
.meta({title: 'Tenant', description: 'One tenant of the Descope project.'})

export type TenantConfig = z.infer<typeof tenantSchema>

export const tenantsSchema = z
.array(tenantSchema)
.meta({
  title: 'Tenants',
  description: 'The tenants of the project. Tenants not listed here are left alone unless `apply --prune` is used.',
})
.optional()

interface RawTenant {
  index: number
  id?: string
  name?: string
  parent?: string
  domains: Array<{domain: string; index: number}>
  enforceSSO?: unknown
  exclusions: number
}

const text = (value: unknown) => (typeof value === 'string' ? value : undefined)

function readTenants(raw: Record<string, unknown>): RawTenant[] {
  if (!Array.isArray(raw.tenants)) return []
  return raw.tenants.flatMap((entry: unknown, index): RawTenant[] => {
    if (!isRecord(entry)) return []
    const domains = Array.isArray(entry.selfProvisioningDomains)
      ? entry.selfProvisioningDomains.flatMap((domain: unknown, domainIndex) =>
        typeof domain === 'string' ? [{domain: domain.trim().toLowerCase(), index: domainIndex}] : [])
      : []
    return [
      {
        domains,
        enforceSSO: entry.enforceSSO,
        exclusions: Array.isArray(entry.enforceSSOExclusions) ? entry.enforceSSOExclusions.length : 0,
        id: text(entry.id),
        index,
        name: text(entry.name)?.trim(),
        parent: text(entry.parent),
      },
    ]
  })
}

function at(index: number, ...rest: PathSegment[]): PathSegment[] {
  return ['tenants', index, ...rest]
}

function where(context: CheckContext, path: PathSegment[]): string {
  const line = context.lineOf(path)
  return line === undefined ? formatPath(path) : `${formatPath(path)}, line ${line}`
}

/** Reports each parent cycle once, starting from its first tenant in file order. */
function checkCycles(tenants: RawTenant[], context: CheckContext): void {
  const byId = new Map<string, RawTenant>()
  for (const tenant of tenants) if (tenant.id !== undefined && !byId.has(tenant.id)) byId.set(tenant.id, tenant)
  const reported = new Set<string>()
  for (const start of tenants) {
    if (start.id === undefined || byId.get(start.id) !== start) continue
    const chain: string[] = []
    let current: RawTenant | undefined = start
    let closedAt: string | undefined
    while (current?.id !== undefined) {
      if (chain.includes(current.id)) {
        closedAt = current.id
        break
      }

      chain.push(current.id)
      // Self-parents are reported on their own.
      if (current.parent === undefined || current.parent === current.id) break
      current = byId.get(current.parent)
    }

    if (closedAt === undefined) continue
    const cycle = chain.slice(chain.indexOf(closedAt))
    if (cycle.some(id => reported.has(id))) continue
    for (const id of cycle) reported.add(id)
    const first = tenants.find(tenant => tenant.id !== undefined && cycle.includes(tenant.id) && byId.get(tenant.id) === tenant)!
    const ordered = [...cycle.slice(cycle.indexOf(first.id!)), ...cycle.slice(0, cycle.indexOf(first.id!))]
    context.error(
      at(first.index, 'parent'),
      `parent cycle: ${[...ordered, ordered[0]].join(' → ')}`,
      'a tenant cannot be its own ancestor: remove one of these parent links',
    )
  }
}

function checkTenants(raw: Record<string, unknown>, context: CheckContext): void {
  const tenants = readTenants(raw)
  const ids = new Map<string, RawTenant>()
  const names = new Map<string, RawTenant>()
  const domains = new Map<string, {tenant: RawTenant; index: number}>()

  for (const tenant of tenants) {
    if (tenant.id !== undefined) {
      const first = ids.get(tenant.id)
      if (first) {
        context.error(at(tenant.index, 'id'), `duplicate tenant id "${tenant.id}": already used by ${where(context, at(first.index, 'id'))}`, 'tenant ids must be unique')
      } else {
        ids.set(tenant.id, tenant)
      }
    }

    if (tenant.name !== undefined && tenant.name !== '') {
      const key = tenant.name.toLowerCase()
      const first = names.get(key)
      if (first) {
        context.error(
          at(tenant.index, 'name'),
          `duplicate tenant name "${tenant.name}": already used by ${where(context, at(first.index, 'name'))}`,
          'tenant names must be unique in a project, ignoring case',
        )
      } else {
        names.set(key, tenant)
      }
    }

    const own = new Set<string>()
    for (const {domain, index} of tenant.domains) {
      if (own.has(domain)) {
        context.warn(at(tenant.index, 'selfProvisioningDomains', index), `domain "${domain}" is listed twice for this tenant`)
        continue
      }

      own.add(domain)
      const claimed = domains.get(domain)
      if (claimed) {
        const owner = claimed.tenant.id === undefined ? formatPath(at(claimed.tenant.index)) : `tenant "${claimed.tenant.id}"`
        context.error(
          at(tenant.index, 'selfProvisioningDomains', index),
          `domain "${domain}" is already claimed by ${owner} (${where(context, at(claimed.tenant.index, 'selfProvisioningDomains', claimed.index))})`,
          'a self-provisioning domain can belong to one tenant only',
        )
      } else {
        domains.set(domain, {index, tenant})
      }
    }

    if (tenant.exclusions > 0 && tenant.enforceSSO !== true) {
      context.warn(at(tenant.index, 'enforceSSOExclusions'), 'enforceSSOExclusions has no effect unless enforceSSO is true')
    }
  }

  for (const tenant of tenants) {
    if (tenant.parent === undefined || !tenantIdPattern.test(tenant.parent)) continue
    if (tenant.parent === tenant.id) {
      context.error(at(tenant.index, 'parent'), `tenant "${tenant.id}" cannot be its own parent`, 'remove `parent`, or name another tenant')
    } else if (!ids.has(tenant.parent) && !context.existingTenantIds?.has(tenant.parent)) {
      const existing = context.existingTenantIds ?? new Set<string>()
      const suggestion = didYouMean(tenant.parent, [...ids.keys(), ...existing])
      context.error(
        at(tenant.index, 'parent'),
        `parent "${tenant.parent}" is not a tenant declared in this configuration${context.existingTenantIds ? ' nor in the project' : ''}`,
        suggestion ?? 'declare the parent tenant in `tenants`, or create it first',
      )
    }
  }

  checkCycles(tenants, context)
}

export const tenantsResource = defineResource({
  check: checkTenants,
  count: raw => (Array.isArray(raw.tenants) ? raw.tenants.length : 0),
  key: 'tenants',
  noun: 'tenants',
  schema: tenantsSchema,
})

/** Tenant ids declared in a raw configuration value (for `protect` checks and suggestions). */
export function declaredTenantIds(raw: Record<string, unknown>): Set<string> {
  return new Set(readTenants(raw).flatMap(tenant => (tenant.id === undefined ? [] : [tenant.id])))
}
