/** Permissions (reference §2.7). Renaming or deleting a permission updates the roles that name it. */
import type {
  JsonObject, PermissionRecord, ProjectState, RouteDefinition,
} from '../types.js'

import {EmulatorError} from '../errors.js'
import {optionalString, optionalStringArray, requiredString} from '../validate.js'
import {
  batchItems, changeAtomically, eachItem, newId, type Reference, renameOrRemove, requiredReference,
} from './common.js'

type Permissions = Map<string, PermissionRecord>

function findByName(permissions: Permissions, name: string): PermissionRecord | undefined {
  return [...permissions.values()].find(permission => permission.name === name)
}

function existingPermission(permissions: Permissions, reference: Reference): PermissionRecord {
  const permission = reference.id === undefined ? findByName(permissions, reference.name) : permissions.get(reference.id)
  if (!permission) throw EmulatorError.notFound('Permission', `Permission "${reference.id ?? reference.name}" does not exist`)
  return permission
}

function refuseTakenName(permissions: Permissions, name: string, except?: PermissionRecord): void {
  const holder = findByName(permissions, name)
  if (holder && holder !== except) throw EmulatorError.alreadyExists('Permission', `A permission named "${name}" already exists`)
}

/** Creates permissions, all or none (also used to load seed files). */
export function createPermissions(project: ProjectState, bodies: JsonObject[], field?: string): void {
  const {draft} = changeAtomically(project.permissions, permissions =>
    eachItem(bodies, field, body => {
      const name = requiredString(body, 'name')
      const description = optionalString(body, 'description') ?? ''
      refuseTakenName(permissions, name)
      const id = newId('PE', permissions)
      permissions.set(id, {
        description, id, name, systemDefault: false,
      })
    }))
  project.permissions = draft
}

/** Carries permission renames and deletions over to every role's permission list. */
function updateRoles(project: ProjectState, changes: Map<string, string | undefined>): void {
  for (const role of project.roles.values()) {
    role.permissionNames = renameOrRemove(role.permissionNames, changes)
  }
}

function updatePermissions(project: ProjectState, bodies: JsonObject[], field?: string): void {
  const {draft, result: renames} = changeAtomically(project.permissions, permissions =>
    eachItem(bodies, field, (body): [string, string] => {
      const permission = existingPermission(permissions, requiredReference(body))
      const newName = requiredString(body, 'newName')
      const description = optionalString(body, 'description') ?? ''
      refuseTakenName(permissions, newName, permission)
      const oldName = permission.name
      Object.assign(permission, {description, name: newName})
      return [oldName, newName]
    }))
  project.permissions = draft
  updateRoles(project, new Map(renames.filter(([oldName, newName]) => oldName !== newName)))
}

function deletePermissions(project: ProjectState, references: Reference[]): void {
  const {draft, result: names} = changeAtomically(project.permissions, permissions =>
    references.map(reference => {
      const permission = existingPermission(permissions, reference)
      permissions.delete(permission.id)
      return permission.name
    }))
  project.permissions = draft
  updateRoles(project, new Map(names.map(name => [name, undefined])))
}

export const permissionRoutes: RouteDefinition[] = [
  {
    handler({body, project}) {
      createPermissions(project, [body])
      return {}
    },
    method: 'POST',
    mutation: true,
    path: '/v1/mgmt/permission/create',
  },
  {
    handler({body, project}) {
      updatePermissions(project, [body])
      return {}
    },
    method: 'POST',
    mutation: true,
    path: '/v1/mgmt/permission/update',
  },
  {
    handler({body, project}) {
      deletePermissions(project, [requiredReference(body)])
      return {}
    },
    method: 'POST',
    mutation: true,
    path: '/v1/mgmt/permission/delete',
  },
  {
    handler: ({project}) => ({permissions: [...project.permissions.values()]}),
    method: 'GET',
    path: '/v1/mgmt/permission/all',
  },
  {
    handler({body, project}) {
      createPermissions(project, batchItems(body, 'permissions'), 'permissions')
      return {}
    },
    method: 'POST',
    mutation: true,
    path: '/v1/mgmt/permission/create/batch',
  },
  {
    handler({body, project}) {
      updatePermissions(project, batchItems(body, 'permissions'), 'permissions')
      return {}
    },
    method: 'POST',
    mutation: true,
    path: '/v1/mgmt/permission/update/batch',
  },
  {
    handler({body, project}) {
      const references: Reference[] = [
        ...(optionalStringArray(body, 'names') ?? []).map(name => ({name})),
        ...(optionalStringArray(body, 'ids') ?? []).map(id => ({id})),
      ]
      if (references.length === 0) throw new EmulatorError('missingArgument', '"names" or "ids" must list at least one permission')
      deletePermissions(project, references)
      return {}
    },
    method: 'POST',
    mutation: true,
    path: '/v1/mgmt/permission/delete/batch',
  },
]
