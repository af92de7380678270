import type {Permission} from '../api/types.js'
import type {ResourceItem, ResourceKind} from './types.js'

import {
  createPermission, deletePermission, loadAllPermissions, updatePermission,
} from '../api/permissions.js'

/** The permission fields the configuration can manage (wire names), with Descope's defaults. */
const permissionDefaults = {description: ''}

/** A permission as the engine sees it: key = name; with `onlySet`, only the fields given (desired state). */
export function permissionItem(permission: Pick<Permission, 'description' | 'name'>, onlySet = false): ResourceItem {
  const fields: Record<string, unknown> = {}
  if (permission.description !== undefined && permission.description !== null) fields.description = permission.description
  else if (!onlySet) fields.description = permissionDefaults.description
  return {fields, key: permission.name, kind: 'permission'}
}

export const permissionsKind: ResourceKind = {
  async create(client, desired) {
    const description = desired.fields.description as string | undefined
    await createPermission(client, {name: desired.key, ...(description === undefined ? {} : {description})})
  },
  defaults: permissionDefaults,
  async delete(client, live) {
    await deletePermission(client, live.key)
  },
  dependsOn: () => [],
  desired(config) {
    return (config.permissions ?? []).map(permission => permissionItem(permission, true))
  },
  name: 'permission',
  // Before the roles that grant them.
  phase: 0,
  plural: 'permissions',
  async readLive(client) {
    // Descope's built-in permissions (User Admin, SSO Admin, Impersonate) are not managed: never
    // "unmanaged" drift, never pruned. Roles may still name them.
    return (await loadAllPermissions(client)).filter(permission => !permission.systemDefault).map(permission => permissionItem(permission))
  },
  async update(client, desired, live) {
    // The update replaces the description: the managed value, else the live one.
    const {description} = {...permissionDefaults, ...live.fields, ...desired.fields} as {description: string}
    await updatePermission(client, {description, name: desired.key, newName: desired.key})
  },
}
