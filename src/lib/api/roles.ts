/**
 * Typed role endpoints (reference §2.6); wire field names as Descope spells them. A role is found
 * by its name within its scope: the project (no `tenantId`) or one tenant (`tenantId`).
 */
import type {
  DescopeClient, Role, RoleCreateRequest, RoleSearchRequest, RoleUpdateRequest,
} from './types.js'

import {isAlreadyExists, isNotFound, retryCountOf} from './errors.js'
import {loadAllTenants} from './tenants.js'
import {listField, sameScalar, sameSet} from './wire.js'

export const ROLE_PATHS = Object.freeze({
  all: '/v1/mgmt/role/all',
  create: '/v1/mgmt/role/create',
  createBatch: '/v1/mgmt/role/create/batch',
  delete: '/v1/mgmt/role/delete',
  deleteBatch: '/v1/mgmt/role/delete/batch',
  search: '/v1/mgmt/role/search',
  update: '/v1/mgmt/role/update',
  updateBatch: '/v1/mgmt/role/update/batch',
})

const ROLE_FIELDS = ['name', 'newName', 'description', 'permissionNames', 'tenantId', 'default', 'private'] as const

/** The request without undefined fields and without an empty `tenantId` (a project role). */
function roleBody<T extends RoleCreateRequest>(req: T): T {
  const body: Record<string, unknown> = {}
  for (const field of ROLE_FIELDS) {
    const value = (req as Record<string, unknown>)[field]
    if (value === undefined || (field === 'tenantId' && value === '')) continue
    body[field] = Array.isArray(value) ? [...value] : value
  }

  return body as T
}

/** Whether a live role is what `req` asks for (scope, name, description, permissions as a set, flags). */
export function roleMatchesRequest(role: Role, req: RoleCreateRequest): boolean {
  return (
    role.name === req.name
    && (role.tenantId ?? '') === (req.tenantId ?? '')
    && sameScalar(role.description, req.description)
    && sameSet(role.permissionNames, req.permissionNames)
    && sameScalar(role.default, req.default)
    && sameScalar(role.private, req.private)
  )
}

/**
 * Creates a role (a tenant role when `tenantId` is set). When the request had to be retried and
 * Descope then answers "already exists", the earlier attempt probably went through: if the role
 * now matches the request, the create counts as done.
 */
export async function createRole(client: DescopeClient, req: RoleCreateRequest): Promise<void> {
  try {
    await client.request<unknown>('POST', ROLE_PATHS.create, {json: roleBody(req)})
  } catch (error) {
    if (!isAlreadyExists(error) || retryCountOf(error) === 0) throw error
    const existing = await (req.tenantId ? searchRoles(client, {tenantIds: [req.tenantId]}) : loadRoleAll(client)).catch(() => [] as Role[])
    const found = existing.find(role => role.name === req.name && (role.tenantId ?? '') === (req.tenantId ?? ''))
    if (found && roleMatchesRequest(found, req)) return
    throw error
  }
}

/**
 * Overrides every field of the role called `name` (in `tenantId`, for a tenant role): fields left
 * out are reset by Descope, so send the full role. `newName` is required; the same name keeps it.
 */
export async function updateRole(client: DescopeClient, req: RoleUpdateRequest): Promise<void> {
  await client.request<unknown>('POST', ROLE_PATHS.update, {json: roleBody(req)})
}

/** Deletes the role called `name` (of `tenantId`, for a tenant role). A retried delete answered "not found" is done. */
export async function deleteRole(client: DescopeClient, name: string, options: {tenantId?: string} = {}): Promise<void> {
  const json: Record<string, string> = {name}
  if (options.tenantId) json.tenantId = options.tenantId
  try {
    await client.request<unknown>('POST', ROLE_PATHS.delete, {json})
  } catch (error) {
    if (isNotFound(error) && retryCountOf(error) > 0) return
    throw error
  }
}

/**
 * Tenant ids per `role/search` request. Descope documents no limit on `tenantIds`; 50 keeps each
 * body small, at one request per 50 tenants (a project of 1,000 tenants takes 20).
 */
export const ROLE_SEARCH_TENANT_CHUNK = 50

/**
 * What `GET role/all` answers: the project roles, and maybe tenant roles (Descope does not say;
 * the SDKs load tenant roles with `role/search`). Use `loadAllRoles` for every role.
 */
export async function loadRoleAll(client: DescopeClient): Promise<Role[]> {
  const body = await client.request<unknown>('GET', ROLE_PATHS.all)
  return listField<Role>(client, {method: 'GET', path: ROLE_PATHS.all}, body, 'roles')
}

/**
 * Every role: project roles and the roles of every tenant, read the way the SDKs read tenant
 * roles (`role/search` with `tenantIds` and `includeProjectRoles`), so the result does not depend
 * on whether `role/all` carries tenant roles. Tenants are asked in chunks of
 * ROLE_SEARCH_TENANT_CHUNK; every answer repeats the project roles, kept once. A project without
 * tenants has no tenant roles: `role/all` gives its roles.
 */
export async function loadAllRoles(client: DescopeClient): Promise<Role[]> {
  const tenantIds = [...new Set((await loadAllTenants(client)).map(tenant => tenant.id).filter(Boolean))].sort()
  if (tenantIds.length === 0) return (await loadRoleAll(client)).filter(role => !role.tenantId)
  const roles = new Map<string, Role>()
  for (let start = 0; start < tenantIds.length; start += ROLE_SEARCH_TENANT_CHUNK) {
    const found = await searchRoles(client, {includeProjectRoles: true, tenantIds: tenantIds.slice(start, start + ROLE_SEARCH_TENANT_CHUNK)})
    for (const role of found) roles.set(`${role.tenantId ?? ''}\u0000${role.name}`, role)
  }

  return [...roles.values()]
}

/** Roles matching every criterion given; with `tenantIds`, project roles only with `includeProjectRoles`. */
export async function searchRoles(client: DescopeClient, req: RoleSearchRequest = {}): Promise<Role[]> {
  const body = await client.request<unknown>('POST', ROLE_PATHS.search, {json: req})
  return listField<Role>(client, {method: 'POST', path: ROLE_PATHS.search}, body, 'roles')
}

/** Creates several roles in one request (all or none). */
export async function createRoles(client: DescopeClient, roles: RoleCreateRequest[]): Promise<void> {
  await client.request<unknown>('POST', ROLE_PATHS.createBatch, {json: {roles: roles.map(req => roleBody(req))}})
}

/** Updates several roles in one request; each overrides every field, like `updateRole`. */
export async function updateRoles(client: DescopeClient, roles: RoleUpdateRequest[]): Promise<void> {
  await client.request<unknown>('POST', ROLE_PATHS.updateBatch, {json: {roles: roles.map(req => roleBody(req))}})
}

/** Deletes several roles of one scope (the project, or the tenant `tenantId`) by name. */
export async function deleteRoles(client: DescopeClient, names: string[], options: {tenantId?: string} = {}): Promise<void> {
  const json: Record<string, unknown> = {roleNames: names}
  if (options.tenantId) json.tenantId = options.tenantId
  await client.request<unknown>('POST', ROLE_PATHS.deleteBatch, {json})
}
