import {didYouMean} from '@descope-mgmt/shared/suggest'
/**
 * The tenant kind: `tenants:` in the configuration, `tenant:<id>` in plans.
 */
import {z} from 'zod'

import type {Tenant, TenantCreateRequest, TenantUpdateRequest} from '../api/types.js'
import type {CheckContext} from '../config/resources/types.js'
import type {ConfigSections, ResourceFields, ResourceItem} from './types.js'

import {
  createTenant, deleteTenant, mapAllTenants, updateTenant,
} from '../api/tenants.js'
import {formatPath, isRecord, type PathSegment} from '../config/path.js'
import {
  copyJson, createFields, defineKind, fieldDefaults, managed, passthroughOf, updateFields,
} from './define.js'

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

const tenantMeta = {title: 'Tenant', description: 'One tenant of the Descope project.'}

export const tenantSchema = z
.strictObject({
  id: tenantIdSchema.meta({
    title: 'Tenant id',
    description:
        'Unique id of the tenant: 1-64 letters, digits, "_" or "-". Set once when the tenant is created; Descope cannot change it later.',
    examples: ['acme'],
  }),
  name: managed(z
  .string()
  .trim()
  .min(1, {error: 'must not be empty'})
  .max(254, {error: 'must be at most 254 characters'})
  .meta({title: 'Name', description: 'Display name of the tenant; unique in the project (case-insensitive), at most 254 characters.', examples: ['Acme Inc']}), ''),
  selfProvisioningDomains: managed(z
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
  .optional(), [] as string[]),
  customAttributes: managed(z
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
  .optional(), {}),
  enforceSSO: managed(z
  .boolean()
  .meta({title: 'Enforce SSO', description: 'Require users of this tenant to sign in with the tenant SSO.'})
  .optional(), false),
  enforceSSOExclusions: managed(z
  .array(z.string().trim().min(1, {error: 'must not be empty'}))
  .meta({
    title: 'SSO enforcement exclusions',
    description: 'User ids or email addresses that may sign in without SSO while enforceSSO is true.',
  })
  .optional(), [] as string[]),
  disabled: managed(z.boolean().meta({title: 'Disabled', description: 'Disable the tenant: its users cannot sign in to it.'}).optional(), false),
  parent: managed(tenantIdSchema
  .meta({
    title: 'Parent tenant',
    description:
          'Id of the parent tenant, declared in this file or already existing in the project. Descope sets the parent only when the tenant is created.',
  })
  .optional(), ''),
  roleInheritance: managed(z
  .enum(['', 'none', 'userOnly'])
  .meta({
    title: 'Role inheritance',
    description:
          'How roles of the parent tenant apply in this sub-tenant: "" (Descope default: users with roles in the parent get them here), "none", or "userOnly".',
  })
  .optional(), ''),
})
.meta(tenantMeta)

export type TenantConfig = z.infer<typeof tenantSchema>

/** The `tenants` section; `entryFields` are fields other kinds declare in each tenant (its `settings`). */
function tenantsSectionSchema<Fields extends z.ZodRawShape>(entryFields?: Fields) {
  return z
  .array(entryFields ? tenantSchema.extend(entryFields).meta(tenantMeta) : tenantSchema)
  .meta({
    title: 'Tenants',
    description: 'The tenants of the project. Tenants not listed here are left alone unless `apply --prune` is used.',
  })
  .optional()
}

export const tenantsSchema = tenantsSectionSchema()

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

// Index loops: a large file has tens of thousands of tenants, and every object made per tenant on
// the way is garbage while the configuration loads.
function readTenants(raw: Record<string, unknown>): RawTenant[] {
  if (!Array.isArray(raw.tenants)) return []
  const tenants: RawTenant[] = []
  const entries = raw.tenants as unknown[]
  // eslint-disable-next-line unicorn/no-for-loop -- entries() makes an iterator result and a pair per tenant
  for (let index = 0; index < entries.length; index++) {
    const entry = entries[index]
    if (!isRecord(entry)) continue
    const domains: RawTenant['domains'] = []
    const listed = entry.selfProvisioningDomains
    if (Array.isArray(listed)) {
      // eslint-disable-next-line unicorn/no-for-loop -- as above
      for (let domainIndex = 0; domainIndex < listed.length; domainIndex++) {
        const domain: unknown = listed[domainIndex]
        if (typeof domain === 'string') domains.push({domain: domain.trim().toLowerCase(), index: domainIndex})
      }
    }

    tenants.push({
      domains,
      enforceSSO: entry.enforceSSO,
      exclusions: Array.isArray(entry.enforceSSOExclusions) ? entry.enforceSSOExclusions.length : 0,
      id: text(entry.id),
      index,
      name: text(entry.name)?.trim(),
      parent: text(entry.parent),
    })
  }

  return tenants
}

function at(index: number, ...rest: PathSegment[]): PathSegment[] {
  return ['tenants', index, ...rest]
}

function where(context: CheckContext, path: PathSegment[]): string {
  const line = context.lineOf(path)
  return line === undefined ? formatPath(path) : `${formatPath(path)}, line ${line}`
}

/**
 * Reports each parent cycle once, starting from its first tenant in file order. `byId`: the first
 * tenant of each id.
 */
function checkCycles(tenants: RawTenant[], byId: Map<string, RawTenant>, context: CheckContext): void {
  const reported = new Set<string>()
  for (const start of tenants) {
    // Without a parent, or its own (reported on its own), a tenant starts no cycle.
    if (start.parent === undefined || start.parent === start.id) continue
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

    const own = tenant.domains.length > 1 ? new Set<string>() : undefined
    for (const {domain, index} of tenant.domains) {
      if (own?.has(domain)) {
        context.warn(at(tenant.index, 'selfProvisioningDomains', index), `domain "${domain}" is listed twice for this tenant`)
        continue
      }

      own?.add(domain)
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

  checkCycles(tenants, ids, context)
}

/** Tenant ids declared in a raw configuration value (for `protect` checks and suggestions). */
export function declaredTenantIds(raw: Record<string, unknown>): Set<string> {
  const ids = new Set<string>()
  if (!Array.isArray(raw.tenants)) return ids
  for (const entry of raw.tenants) if (isRecord(entry) && typeof entry.id === 'string') ids.add(entry.id)
  return ids
}

/** The tenant fields the configuration manages (wire names), with Descope's defaults: from the schema. */
const tenantDefaults = fieldDefaults(tenantSchema)
const managedFields = Object.keys(tenantDefaults)

/**
 * Live tenant fields the configuration does not manage but `tenant/update` accepts (the OpenAPI's
 * UpdateTenantRequest): Descope's update replaces every field, so they are sent back as read.
 * `parent` is create-only; the SSO `domains` are not in the update request (tenant settings set
 * them, and that kind passes them through).
 */
const passthroughFields = ['authType', 'federatedAppIds'] as const

/** Lists compared as sets are kept sorted, so the same state always looks the same. */
function normalise(field: string, value: unknown): unknown {
  if (field === 'selfProvisioningDomains' && Array.isArray(value)) {
    // One domain (most tenants) needs neither the set nor the sort.
    return value.length === 1 ? [String(value[0]).toLowerCase()] : [...new Set(value.map(domain => String(domain).toLowerCase()))].sort()
  }

  if (field === 'enforceSSOExclusions' && Array.isArray(value)) return [...value].sort()
  return value
}

/**
 * A tenant as the engine sees it. A live tenant (`onlySet` false) has every managed field, Descope's
 * default where the API leaves one out, and its passthrough fields; with `onlySet` (desired state),
 * only the managed fields given.
 */
export function tenantItem(tenant: Partial<Tenant> & {id: string}, onlySet = false): ResourceItem {
  const fields: ResourceFields = {}
  for (const field of managedFields) {
    const value = tenant[field as keyof Tenant]
    if (value === undefined) {
      if (!onlySet) fields[field] = copyJson(tenantDefaults[field])
      continue
    }

    fields[field] = normalise(field, value)
  }

  const passthrough = onlySet ? undefined : passthroughOf(tenant, passthroughFields)
  return {
    fields, key: tenant.id, kind: 'tenant', ...(passthrough ? {passthrough} : {}),
  }
}

/** The update body: every field given but `parent`, which Descope sets only at creation. */
function updateRequest(key: string, fields: ResourceFields): TenantUpdateRequest {
  const rest = Object.fromEntries(Object.entries(fields).filter(([field]) => field !== 'parent'))
  return {...(rest as Omit<TenantUpdateRequest, 'id'>), id: key}
}

const isEmpty = (value: unknown): boolean =>
  value === undefined || value === null || value === '' || value === false
  || (Array.isArray(value) && value.length === 0)
  || (typeof value === 'object' && !Array.isArray(value) && Object.keys(value as object).length === 0)

const sortKeys = (record: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)))

/** Order of a tenant's fields in a written configuration: the parent right after the name. */
const tenantFileOrder = ['name', 'parent', ...managedFields.filter(field => field !== 'name' && field !== 'parent')]

/** Tenants sorted by id, each parent before its sub-tenants. */
function orderTenants(tenants: ResourceItem[]): ResourceItem[] {
  const byId = new Map(tenants.map(tenant => [tenant.key, tenant]))
  const children = new Map<string, ResourceItem[]>()
  const roots: ResourceItem[] = []
  for (const tenant of [...tenants].sort((a, b) => a.key.localeCompare(b.key))) {
    const parent = typeof tenant.fields.parent === 'string' ? tenant.fields.parent : ''
    if (parent && byId.has(parent) && parent !== tenant.key) children.set(parent, [...(children.get(parent) ?? []), tenant])
    else roots.push(tenant)
  }

  const ordered: ResourceItem[] = []
  const seen = new Set<string>()
  const visit = (tenant: ResourceItem): void => {
    if (seen.has(tenant.key)) return
    seen.add(tenant.key)
    ordered.push(tenant)
    for (const child of children.get(tenant.key) ?? []) visit(child)
  }

  for (const root of roots) visit(root)
  // A parent cycle (not possible in Descope) would leave tenants out: keep them anyway.
  for (const tenant of tenants) visit(tenant)
  return ordered
}

declare module './types.js' {
  interface ResourceKindNames {
    tenant: true
  }
}

export const tenantsKind = defineKind({
  config: {
    check: checkTenants,
    count: raw => (Array.isArray(raw.tenants) ? raw.tenants.length : 0),
    key: 'tenants',
    schema: tenantsSchema,
    withEntryFields: fields => tenantsSectionSchema(fields),
  },
  async create(client, desired) {
    const {parent, ...rest} = createFields(desired)
    const request: TenantCreateRequest = {...(rest as Omit<TenantCreateRequest, 'id'>), id: desired.key}
    if (parent) request.parent = parent as string
    // An empty key lets Descope generate the id.
    return (await createTenant(client, request)).id
  },
  defaults: tenantDefaults,
  async delete(client, live, options) {
    await deleteTenant(client, live.key, {cascade: options?.cascade === true})
  },
  dependsOn(item) {
    const {parent} = item.fields
    return typeof parent === 'string' && parent ? [`tenant:${parent}`] : []
  },
  desired(config: ConfigSections) {
    return ((config.tenants ?? []) as TenantConfig[]).map(tenant => tenantItem(tenant as Partial<Tenant> & {id: string}, true))
  },
  immutable: ['parent'],
  managedFields,
  name: 'tenant',
  passthroughFields,
  // After permissions, before roles: tenant roles need their tenant.
  phase: 1,
  plural: 'tenants',
  async readLive(client, keep) {
    return mapAllTenants(client, tenant => {
      const item = tenantItem(tenant)
      return !keep || keep(item) ? item : undefined
    })
  },
  toConfig(items, config) {
    if (items.length === 0) return []
    config.tenants = orderTenants(items).map(tenant => {
      const entry: Record<string, unknown> = {id: tenant.key}
      for (const field of tenantFileOrder) {
        const value = tenant.fields[field]
        if (!isEmpty(value)) entry[field] = field === 'customAttributes' ? sortKeys(value as Record<string, unknown>) : value
      }

      return entry
    })
    return []
  },
  async update(client, desired, live) {
    await updateTenant(client, updateRequest(desired.key, updateFields(desired, live, tenantDefaults)))
  },
})
