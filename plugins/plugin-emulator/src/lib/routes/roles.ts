/**
 * Roles (reference §2.6). A role is unique by (name, tenantId); `tenantId` "" is a project role.
 * Renaming or deleting a project role updates the tenants' default roles.
 */
import type {
  JsonObject, ProjectState, RoleRecord, RouteDefinition,
} from '../types.js'

import {EmulatorError} from '../errors.js'
import {
  optionalBoolean, optionalString, optionalStringArray, requiredString,
} from '../validate.js'
import {
  batchItems, changeAtomically, eachItem, newId, type Reference, renameOrRemove, requiredReference,
} from './common.js'

type Roles = Map<string, RoleRecord>

function roleLabel(reference: Reference, tenantId: string): string {
  const name = reference.id === undefined ? `"${reference.name}"` : `with id "${reference.id}"`
  return tenantId ? `Role ${name} of tenant "${tenantId}"` : `Role ${name}`
}

function findRole(roles: Roles, reference: Reference, tenantId: string): RoleRecord | undefined {
  if (reference.id !== undefined) return roles.get(reference.id)
  return [...roles.values()].find(role => role.name === reference.name && role.tenantId === tenantId)
}

function existingRole(roles: Roles, reference: Reference, tenantId: string): RoleRecord {
  const role = findRole(roles, reference, tenantId)
  if (!role) throw EmulatorError.notFound('Role', `${roleLabel(reference, tenantId)} does not exist`)
  return role
}

function refuseTakenName(roles: Roles, name: string, tenantId: string, except?: RoleRecord): void {
  const holder = findRole(roles, {name}, tenantId)
  if (holder && holder !== except) throw EmulatorError.alreadyExists('Role', `${roleLabel({name}, tenantId)} already exists`)
}

/** The fields create and update both set; update overrides all of them. */
function writableFields(project: ProjectState, body: JsonObject) {
  const permissionNames = optionalStringArray(body, 'permissionNames') ?? []
  const known = new Set([...project.permissions.values()].map(permission => permission.name))
  const unknown = permissionNames.filter(name => !known.has(name))
  if (unknown.length > 0) throw new EmulatorError('invalidArgument', `Unknown permissions: ${unknown.join(', ')}`)
  return {
    default: optionalBoolean(body, 'default') ?? false,
    description: optionalString(body, 'description') ?? '',
    permissionNames: [...permissionNames],
    private: optionalBoolean(body, 'private') ?? false,
  }
}

function tenantOf(project: ProjectState, body: JsonObject): string {
  const tenantId = optionalString(body, 'tenantId') ?? ''
  if (tenantId && !project.tenants.has(tenantId)) throw EmulatorError.notFound('Tenant', `Tenant "${tenantId}" does not exist`)
  return tenantId
}

/** Creates roles, all or none (also used to load seed files). */
export function createRoles(project: ProjectState, bodies: JsonObject[], now: number, field?: string): RoleRecord[] {
  const {draft, result} = changeAtomically(project.roles, roles =>
    eachItem(bodies, field, body => {
      const name = requiredString(body, 'name')
      const tenantId = tenantOf(project, body)
      const fields = writableFields(project, body)
      refuseTakenName(roles, name, tenantId)
      const role: RoleRecord = {
        ...fields, createdTime: Math.floor(now / 1000), id: newId('RL', roles), name, tenantId,
      }
      roles.set(role.id, role)
      return role
    }))
  project.roles = draft
  return result
}

/** Carries renames and deletions of project roles over to the tenants' default roles. */
function updateDefaultRoles(project: ProjectState, changes: Map<string, string | undefined>): void {
  if (changes.size === 0) return
  for (const tenant of project.tenants.values()) {
    tenant.defaultRoles = renameOrRemove(tenant.defaultRoles, changes)
  }
}

function updateRoles(project: ProjectState, bodies: JsonObject[], field?: string): RoleRecord[] {
  const {draft, result} = changeAtomically(project.roles, roles =>
    eachItem(bodies, field, body => {
      // tenantId says where to look the role up by name; a role never moves between tenants.
      const role = existingRole(roles, requiredReference(body), tenantOf(project, body))
      const newName = requiredString(body, 'newName')
      const fields = writableFields(project, body)
      refuseTakenName(roles, newName, role.tenantId, role)
      const oldName = role.name
      Object.assign(role, fields, {name: newName})
      return {oldName, role}
    }))
  project.roles = draft
  const projectRenames = result.filter(({oldName, role}) => role.tenantId === '' && oldName !== role.name)
  updateDefaultRoles(project, new Map(projectRenames.map(({oldName, role}) => [oldName, role.name])))
  return result.map(({role}) => role)
}

function deleteRoles(project: ProjectState, references: Reference[], tenantId: string): void {
  const {draft, result: deleted} = changeAtomically(project.roles, roles =>
    references.map(reference => {
      const role = existingRole(roles, reference, tenantId)
      roles.delete(role.id)
      return role
    }))
  project.roles = draft
  updateDefaultRoles(project, new Map(deleted.filter(role => role.tenantId === '').map(role => [role.name, undefined])))
}

function searchRoles(project: ProjectState, body: JsonObject): RoleRecord[] {
  const tenantIds = optionalStringArray(body, 'tenantIds')
  const roleNames = optionalStringArray(body, 'roleNames')
  const nameLike = optionalString(body, 'roleNameLike')?.toLowerCase()
  const permissionNames = optionalStringArray(body, 'permissionNames')
  const includeProjectRoles = optionalBoolean(body, 'includeProjectRoles') ?? false
  const roleIds = optionalStringArray(body, 'roleIds')
  return [...project.roles.values()].filter(role =>
  // Without tenantIds every role matches; with them, their roles (and project roles if asked).
    (!tenantIds?.length || tenantIds.includes(role.tenantId) || (includeProjectRoles && role.tenantId === ''))
    && (!roleNames?.length || roleNames.includes(role.name))
    && (nameLike === undefined || role.name.toLowerCase().includes(nameLike))
    && (!permissionNames?.length || role.permissionNames.some(name => permissionNames.includes(name)))
    && (!roleIds?.length || roleIds.includes(role.id)))
}

export const roleRoutes: RouteDefinition[] = [
  {
    handler: ({body, now, project}) => createRoles(project, [body], now)[0],
    method: 'POST',
    mutation: true,
    path: '/v1/mgmt/role/create',
  },
  {
    handler: ({body, project}) => updateRoles(project, [body])[0],
    method: 'POST',
    mutation: true,
    path: '/v1/mgmt/role/update',
  },
  {
    handler({body, project}) {
      deleteRoles(project, [requiredReference(body)], tenantOf(project, body))
      return {}
    },
    method: 'POST',
    mutation: true,
    path: '/v1/mgmt/role/delete',
  },
  {
    // Whether Descope's role/all carries tenant roles is not documented: project roles only by
    // default (the harder case for a client), tenant roles too with the behaviour knob.
    handler: ({behaviour, project}) => ({
      roles: [...project.roles.values()].filter(role => behaviour.roleAllIncludesTenantRoles || role.tenantId === ''),
    }),
    method: 'GET',
    path: '/v1/mgmt/role/all',
  },
  {
    handler: ({body, project}) => ({roles: searchRoles(project, body)}),
    method: 'POST',
    path: '/v1/mgmt/role/search',
  },
  {
    handler: ({body, now, project}) => ({roles: createRoles(project, batchItems(body, 'roles'), now, 'roles')}),
    method: 'POST',
    mutation: true,
    path: '/v1/mgmt/role/create/batch',
  },
  {
    handler: ({body, project}) => ({roles: updateRoles(project, batchItems(body, 'roles'), 'roles')}),
    method: 'POST',
    mutation: true,
    path: '/v1/mgmt/role/update/batch',
  },
  {
    handler({body, project}) {
      const references: Reference[] = [
        ...(optionalStringArray(body, 'roleNames') ?? []).map(name => ({name})),
        ...(optionalStringArray(body, 'roleIds') ?? []).map(id => ({id})),
      ]
      if (references.length === 0) throw new EmulatorError('missingArgument', '"roleNames" or "roleIds" must list at least one role')
      deleteRoles(project, references, tenantOf(project, body))
      return {}
    },
    method: 'POST',
    mutation: true,
    path: '/v1/mgmt/role/delete/batch',
  },
]
