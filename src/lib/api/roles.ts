/**
 * Typed role endpoints (reference §2.6); wire field names as Descope spells them. A role is found
 * by its name within its scope: the project (no `tenantId`) or one tenant (`tenantId`).
 */
import type {
  DescopeClient, Role, RoleCreateRequest, RoleSearchRequest, RoleUpdateRequest,
} from './types.js'

import {isAlreadyExists, isNotFound, retryCountOf} from './errors.js'
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
    const existing = await loadAllRoles(client).catch(() => [] as Role[])
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

/** Every role: project roles and the roles of every tenant. */
export async function loadAllRoles(client: DescopeClient): Promise<Role[]> {
  const body = await client.request<unknown>('GET', ROLE_PATHS.all)
  return listField<Role>(client, {method: 'GET', path: ROLE_PATHS.all}, body, 'roles')
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
