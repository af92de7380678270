/** Typed permission endpoints (reference §2.7); wire field names as Descope spells them. */
import type {
  DescopeClient, Permission, PermissionCreateRequest, PermissionUpdateRequest,
} from './types.js'

import {isAlreadyExists, isNotFound, retryCountOf} from './errors.js'
import {listField, sameScalar} from './wire.js'

export const PERMISSION_PATHS = Object.freeze({
  all: '/v1/mgmt/permission/all',
  create: '/v1/mgmt/permission/create',
  createBatch: '/v1/mgmt/permission/create/batch',
  delete: '/v1/mgmt/permission/delete',
  deleteBatch: '/v1/mgmt/permission/delete/batch',
  update: '/v1/mgmt/permission/update',
  updateBatch: '/v1/mgmt/permission/update/batch',
})

function createBody(req: PermissionCreateRequest): PermissionCreateRequest {
  return req.description === undefined ? {name: req.name} : {description: req.description, name: req.name}
}

/** Whether a live permission is what `req` asks for (same name, same description; absent = ""). */
export function permissionMatchesRequest(permission: Permission, req: PermissionCreateRequest): boolean {
  return permission.name === req.name && sameScalar(permission.description, req.description)
}

/**
 * Creates a permission. When the request had to be retried and Descope then answers "already
 * exists", the earlier attempt probably went through: if the permission now matches the request,
 * the create counts as done.
 */
export async function createPermission(client: DescopeClient, req: PermissionCreateRequest): Promise<void> {
  try {
    await client.request<unknown>('POST', PERMISSION_PATHS.create, {json: createBody(req)})
  } catch (error) {
    if (!isAlreadyExists(error) || retryCountOf(error) === 0) throw error
    const existing = await loadAllPermissions(client).catch(() => [] as Permission[])
    const found = existing.find(permission => permission.name === req.name)
    if (found && permissionMatchesRequest(found, req)) return
    throw error
  }
}

/** Renames (`newName`) and overrides the description of the permission called `name`. */
export async function updatePermission(client: DescopeClient, req: PermissionUpdateRequest): Promise<void> {
  const json: PermissionUpdateRequest = {name: req.name, newName: req.newName}
  if (req.description !== undefined) json.description = req.description
  await client.request<unknown>('POST', PERMISSION_PATHS.update, {json})
}

/** Deletes a permission (Descope also removes it from every role). A retried delete answered "not found" is done. */
export async function deletePermission(client: DescopeClient, name: string): Promise<void> {
  try {
    await client.request<unknown>('POST', PERMISSION_PATHS.delete, {json: {name}})
  } catch (error) {
    if (isNotFound(error) && retryCountOf(error) > 0) return
    throw error
  }
}

/** Every permission of the project, system defaults included (`systemDefault: true`). */
export async function loadAllPermissions(client: DescopeClient): Promise<Permission[]> {
  const body = await client.request<unknown>('GET', PERMISSION_PATHS.all)
  return listField<Permission>(client, {method: 'GET', path: PERMISSION_PATHS.all}, body, 'permissions')
}

/** Creates several permissions in one request (all or none). */
export async function createPermissions(client: DescopeClient, permissions: PermissionCreateRequest[]): Promise<void> {
  await client.request<unknown>('POST', PERMISSION_PATHS.createBatch, {json: {permissions: permissions.map(req => createBody(req))}})
}

/** Updates several permissions in one request. */
export async function updatePermissions(client: DescopeClient, permissions: PermissionUpdateRequest[]): Promise<void> {
  await client.request<unknown>('POST', PERMISSION_PATHS.updateBatch, {json: {permissions}})
}

/** Deletes several permissions by name in one request. */
export async function deletePermissions(client: DescopeClient, names: string[]): Promise<void> {
  await client.request<unknown>('POST', PERMISSION_PATHS.deleteBatch, {json: {names}})
}
