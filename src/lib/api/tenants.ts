import type {
  CustomAttributeValue,
  DescopeClient,
  Tenant,
  TenantCreateRequest,
  TenantSearchRequest,
  TenantUpdateRequest,
} from './types.js'

import {invalidResponse, isAlreadyExists, retryCountOf} from './errors.js'
import {readList} from './json-list.js'

export const TENANT_PATHS = Object.freeze({
  all: '/v1/mgmt/tenant/all',
  create: '/v1/mgmt/tenant/create',
  delete: '/v1/mgmt/tenant/delete',
  load: '/v1/mgmt/tenant',
  search: '/v1/mgmt/tenant/search',
  settings: '/v1/mgmt/tenant/settings',
  update: '/v1/mgmt/tenant/update',
})

type Body = Record<string, unknown>

function asObject(value: unknown): Body {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Body) : {}
}

function tenantList(client: DescopeClient, method: string, path: string, body: unknown): Tenant[] {
  const {tenants} = asObject(body)
  if (tenants === undefined || tenants === null) return []
  if (!Array.isArray(tenants)) {
    throw invalidResponse({baseUrl: client.baseUrl, method, path}, '"tenants" is not a list')
  }

  return tenants.map(tenant => asObject(tenant) as unknown as Tenant)
}

/**
 * Creates a tenant; an empty or absent `id` lets Descope generate one. When the request had to be
 * retried and Descope then answers "already exists", the earlier attempt probably went through:
 * the tenant is loaded and, if it matches the request, the create counts as done.
 */
export async function createTenant(client: DescopeClient, req: TenantCreateRequest): Promise<{id: string}> {
  const {id: requestedId, ...rest} = req
  const json: TenantCreateRequest = requestedId ? {id: requestedId, ...rest} : rest
  try {
    const body = asObject(await client.request<unknown>('POST', TENANT_PATHS.create, {json}))
    const id = typeof body.id === 'string' && body.id ? body.id : (typeof body.tenantId === 'string' && body.tenantId ? body.tenantId : requestedId)
    if (!id) throw invalidResponse({baseUrl: client.baseUrl, method: 'POST', path: TENANT_PATHS.create}, 'no tenant id')
    return {id}
  } catch (error) {
    if (!isAlreadyExists(error) || retryCountOf(error) === 0) throw error
    const existing = await findCreatedTenant(client, req)
    if (existing && tenantMatchesRequest(existing, req)) return {id: existing.id}
    throw error
  }
}

/** The tenant an earlier attempt of `req` may have created: by id, else by name. */
async function findCreatedTenant(client: DescopeClient, req: TenantCreateRequest): Promise<Tenant | undefined> {
  try {
    if (req.id) return await loadTenant(client, req.id)
    const found = await searchTenants(client, {tenantNames: [req.name]})
    return found.length === 1 ? found[0] : undefined
  } catch {
    // Cannot tell: report the original "already exists".
    return undefined
  }
}

/** Overrides every field of the tenant (Descope's update semantics); `parent` cannot change. */
export async function updateTenant(client: DescopeClient, req: TenantUpdateRequest): Promise<void> {
  await client.request<unknown>('POST', TENANT_PATHS.update, {json: req})
}

/** Deletes a tenant; `cascade` also deletes the users and access keys that belong only to it. */
export async function deleteTenant(client: DescopeClient, id: string, options: {cascade?: boolean} = {}): Promise<void> {
  await client.request<unknown>('POST', TENANT_PATHS.delete, {json: {cascade: options.cascade ?? false, id}})
}

/** Loads one tenant; accepts a flat tenant body (what the SDKs read) or `{tenant: …}` (the OpenAPI shape). */
export async function loadTenant(client: DescopeClient, id: string): Promise<Tenant> {
  const body = asObject(await client.request<unknown>('GET', TENANT_PATHS.load, {searchParams: {id}}))
  const wrapped = asObject(body.tenant)
  const tenant = typeof wrapped.id === 'string' || typeof wrapped.name === 'string' ? wrapped : body
  if (typeof tenant.id !== 'string' && typeof tenant.name !== 'string') {
    throw invalidResponse({baseUrl: client.baseUrl, method: 'GET', path: TENANT_PATHS.load}, 'no tenant in the body')
  }

  return {...tenant, id: typeof tenant.id === 'string' && tenant.id ? tenant.id : id} as unknown as Tenant
}

export async function loadAllTenants(client: DescopeClient): Promise<Tenant[]> {
  return tenantList(client, 'GET', TENANT_PATHS.all, await client.request<unknown>('GET', TENANT_PATHS.all))
}

/**
 * Every tenant, each mapped as soon as it is read (and left out when `map` gives undefined): the
 * answer of a large project is never held whole, as text or as objects, only what `map` keeps.
 */
export async function mapAllTenants<T>(client: DescopeClient, map: (tenant: Tenant) => T | undefined): Promise<T[]> {
  return readList(client, 'GET', TENANT_PATHS.all, 'tenants', () => {
    const mapped: T[] = []
    return {
      end(rest) {
        // Checks the list as loadAllTenants does (when streamed, it reads []).
        tenantList(client, 'GET', TENANT_PATHS.all, rest)
        return mapped
      },
      item(tenant) {
        const value = map(asObject(tenant) as unknown as Tenant)
        if (value !== undefined) mapped.push(value)
      },
    }
  })
}

export async function searchTenants(client: DescopeClient, req: TenantSearchRequest = {}): Promise<Tenant[]> {
  return tenantList(client, 'POST', TENANT_PATHS.search, await client.request<unknown>('POST', TENANT_PATHS.search, {json: req}))
}

// Comparison of a create request with what Descope holds: absent, null, "", [], {} and false are
// all the default, so a server that omits defaults (or returns them) compares equal.

function isDefault(value: unknown): boolean {
  if (value === undefined || value === null || value === '' || value === false) return true
  if (Array.isArray(value)) return value.length === 0
  if (typeof value === 'object') return Object.values(value).every(item => isDefault(item))
  return false
}

function sameList(a: unknown, b: unknown, normalise: (item: string) => string = item => item): boolean {
  if (isDefault(a) && isDefault(b)) return true
  if (!Array.isArray(a) || !Array.isArray(b)) return false
  const left = a.map(item => normalise(String(item))).sort()
  const right = b.map(item => normalise(String(item))).sort()
  return left.length === right.length && left.every((item, index) => item === right[index])
}

function sameAttributeValue(a: CustomAttributeValue | undefined, b: CustomAttributeValue | undefined): boolean {
  if (isDefault(a) && isDefault(b)) return true
  if (Array.isArray(a) || Array.isArray(b)) return sameList(a, b)
  return a === b
}

function sameAttributes(a: Tenant['customAttributes'], b: Tenant['customAttributes']): boolean {
  const left = a ?? {}
  const right = b ?? {}
  const keys = new Set([...Object.keys(left), ...Object.keys(right)])
  return [...keys].every(key => sameAttributeValue(left[key], right[key]))
}

function sameScalar(a: unknown, b: unknown): boolean {
  return (isDefault(a) && isDefault(b)) || a === b
}

/** Whether a live tenant is what `req` asks for (name, domains, attributes, flags, parent). */
export function tenantMatchesRequest(tenant: Tenant, req: TenantCreateRequest): boolean {
  return (
    tenant.name === req.name
    && (!req.id || tenant.id === req.id)
    && sameList(tenant.selfProvisioningDomains, req.selfProvisioningDomains, domain => domain.toLowerCase())
    && sameAttributes(tenant.customAttributes, req.customAttributes)
    && sameScalar(tenant.enforceSSO, req.enforceSSO)
    && sameList(tenant.enforceSSOExclusions, req.enforceSSOExclusions)
    && sameScalar(tenant.disabled, req.disabled)
    && sameScalar(tenant.roleInheritance, req.roleInheritance)
    && sameScalar(tenant.parent, req.parent)
  )
}

/** node-sdk spells these two with a capital I; the tool reads both and sends the lowercase ones. */
const capitalisedSettings: Record<string, string> = {InactivityTime: 'inactivityTime', InactivityTimeUnit: 'inactivityTimeUnit'}

/** Every session settings field the live project returns for a tenant, wire names in lowercase. */
export async function loadTenantSettings(client: DescopeClient, tenantId: string): Promise<Body> {
  const body = asObject(await client.request<unknown>('GET', TENANT_PATHS.settings, {searchParams: {id: tenantId}}))
  const settings: Body = {}
  for (const [field, value] of Object.entries(body)) {
    const wire = capitalisedSettings[field]
    if (wire === undefined) settings[field] = value
    else if (body[wire] === undefined) settings[wire] = value
  }

  return settings
}

/** Configures a tenant's settings; Descope overrides every setting with what the body says, defaults included. */
export async function configureTenantSettings(client: DescopeClient, body: Body & {tenantId: string}): Promise<void> {
  await client.request<unknown>('POST', TENANT_PATHS.settings, {json: body})
}
