import type {Tenant, TenantCreateRequest, TenantUpdateRequest} from '../api/types.js'
import type {ResourceFields, ResourceItem, ResourceKind} from './types.js'

import {
  createTenant, deleteTenant, loadAllTenants, updateTenant,
} from '../api/tenants.js'

/** The tenant fields the configuration can manage (wire names), with Descope's defaults. */
const tenantDefaults = {
  name: '',
  selfProvisioningDomains: [] as string[],
  customAttributes: {} as Record<string, unknown>,
  enforceSSO: false,
  enforceSSOExclusions: [] as string[],
  disabled: false,
  parent: '',
  roleInheritance: '',
}

type TenantFields = typeof tenantDefaults
const managedFields = Object.keys(tenantDefaults) as Array<keyof TenantFields>

/** Lists compared as sets are kept sorted, so the same state always looks the same. */
function normalise(field: keyof TenantFields, value: unknown): unknown {
  if (field === 'selfProvisioningDomains' && Array.isArray(value)) return [...new Set(value.map(domain => String(domain).toLowerCase()))].sort()
  if (field === 'enforceSSOExclusions' && Array.isArray(value)) return [...value].sort()
  return value
}

export function tenantItem(tenant: Partial<Tenant> & {id: string}, onlySet = false): ResourceItem {
  const fields: ResourceFields = {}
  for (const field of managedFields) {
    const value = tenant[field as keyof Tenant]
    if (value === undefined) {
      if (!onlySet) fields[field] = tenantDefaults[field]
      continue
    }

    fields[field] = normalise(field, value)
  }

  return {fields, key: tenant.id, kind: 'tenant'}
}

/** The update body: every field but `parent`, which Descope sets only at creation. */
function updateRequest(key: string, fields: ResourceFields): TenantUpdateRequest {
  const rest = Object.fromEntries(Object.entries(fields).filter(([field]) => field !== 'parent'))
  return {...(rest as Omit<TenantUpdateRequest, 'id'>), id: key}
}

export const tenantsKind: ResourceKind = {
  async create(client, desired) {
    const {parent, ...rest} = desired.fields
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
  desired(config) {
    return (config.tenants ?? []).map(tenant => tenantItem(tenant as Partial<Tenant> & {id: string}, true))
  },
  immutable: ['parent'],
  name: 'tenant',
  // After permissions, before roles: tenant roles need their tenant.
  phase: 1,
  plural: 'tenants',
  async readLive(client) {
    return (await loadAllTenants(client)).map(tenant => tenantItem(tenant))
  },
  async update(client, desired, live) {
    // Descope's update replaces every field: start from the live tenant, then apply the managed fields.
    await updateTenant(client, updateRequest(desired.key, {...live.fields, ...desired.fields}))
  },
}
