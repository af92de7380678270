import type {Role, RoleCreateRequest} from '../api/types.js'
import type {ResourceFields, ResourceItem, ResourceKind} from './types.js'

import {
  createRole, deleteRole, loadAllRoles, updateRole,
} from '../api/roles.js'

/**
 * The role fields the configuration can manage (wire names), with Descope's defaults. `tenantId`
 * is part of the key (`tenantId/name`) and set only for tenant roles: it never changes, but it
 * says where the role lives, so that create, update and delete can name its scope.
 */
const roleDefaults = {
  description: '',
  permissionNames: [] as string[],
  default: false,
  private: false,
  tenantId: '',
}

type RoleFields = typeof roleDefaults
const managedFields = ['description', 'permissionNames', 'default', 'private'] as const

/** `name` for a project role, `tenantId/name` for a tenant role. */
export function roleKey(name: string, tenantId?: string): string {
  return tenantId ? `${tenantId}/${name}` : name
}

/** Permission names compare as a set: kept sorted and unique, so the same state always looks the same. */
function permissionSet(value: unknown): string[] {
  return Array.isArray(value) ? [...new Set(value.map(String))].sort() : []
}

/** A role as the engine sees it; with `onlySet`, only the fields given (desired state). */
export function roleItem(role: Partial<Role> & {name: string}, onlySet = false): ResourceItem {
  const fields: ResourceFields = {}
  for (const field of managedFields) {
    const value = role[field]
    if (value === undefined || value === null) {
      if (!onlySet) fields[field] = roleDefaults[field]
      continue
    }

    fields[field] = field === 'permissionNames' ? permissionSet(value) : value
  }

  if (role.tenantId) fields.tenantId = role.tenantId
  return {fields, key: roleKey(role.name, role.tenantId), kind: 'role'}
}

/** The scope and name of a role item (its key without the tenant prefix). */
export function roleRef(item: Pick<ResourceItem, 'fields' | 'key'>): {name: string; tenantId: string} {
  const tenantId = typeof item.fields.tenantId === 'string' ? item.fields.tenantId : ''
  const prefix = `${tenantId}/`
  return {name: tenantId && item.key.startsWith(prefix) ? item.key.slice(prefix.length) : item.key, tenantId}
}

function request(item: ResourceItem, fields: ResourceFields): RoleCreateRequest {
  const {name, tenantId} = roleRef(item)
  const body: RoleCreateRequest = {name}
  for (const field of managedFields) {
    if (fields[field] !== undefined) (body as unknown as Record<string, unknown>)[field] = fields[field]
  }

  if (tenantId) body.tenantId = tenantId
  return body
}

export const rolesKind: ResourceKind = {
  async create(client, desired) {
    await createRole(client, request(desired, desired.fields))
  },
  defaults: roleDefaults,
  async delete(client, live) {
    const {name, tenantId} = roleRef(live)
    await deleteRole(client, name, tenantId ? {tenantId} : {})
  },
  dependsOn(item) {
    const tenantId = item.fields.tenantId as RoleFields['tenantId'] | undefined
    return [
      ...permissionSet(item.fields.permissionNames).map(name => `permission:${name}`),
      ...(tenantId ? [`tenant:${tenantId}`] : []),
    ]
  },
  desired(config) {
    return (config.roles ?? []).map(role => roleItem(role, true))
  },
  name: 'role',
  // After permissions (a role grants them) and tenants (a tenant role lives in one).
  phase: 2,
  plural: 'roles',
  async readLive(client) {
    return (await loadAllRoles(client)).filter(role => typeof role.name === 'string' && role.name).map(role => roleItem(role))
  },
  async update(client, desired, live) {
    // Descope's update replaces every field: live values, then the managed ones; the name stays (a
    // changed name is another key: a delete and a create).
    const fields = {...roleDefaults, ...live.fields, ...desired.fields}
    const body = request(desired, fields)
    await updateRole(client, {...body, newName: body.name})
  },
}
