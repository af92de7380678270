/**
 * The permission kind: `permissions:` in the configuration, `permission:<name>` in plans.
 */
import {z} from 'zod'

import type {Permission} from '../api/types.js'
import type {CheckContext} from '../config/resources/types.js'
import type {ConfigSections, ResourceItem} from './types.js'

import {
  createPermission, deletePermission, loadAllPermissions, updatePermission,
} from '../api/permissions.js'
import {formatPath, isRecord, type PathSegment} from '../config/path.js'
import {
  defineKind, fieldDefaults, managed, updateFields,
} from './define.js'

export const NAME_MAX = 100
export const DESCRIPTION_MAX = 254

/**
 * Permissions every Descope project comes with (docs.descope.com, "Preconfigured Roles and
 * Permissions"). They exist without being declared, so roles may name them; declaring one would
 * ask to create what is already there.
 */
export const BUILT_IN_PERMISSIONS: readonly string[] = Object.freeze(['User Admin', 'SSO Admin', 'Impersonate'])

export const permissionNameSchema = z
.string()
.trim()
.min(1, {error: 'must not be empty'})
.max(NAME_MAX, {error: `must be at most ${NAME_MAX} characters`})
.meta({title: 'Permission name', description: `Name of a permission: unique in the project, at most ${NAME_MAX} characters.`, examples: ['users.read']})

export const descriptionSchema = z
.string()
.max(DESCRIPTION_MAX, {error: `must be at most ${DESCRIPTION_MAX} characters`})
.meta({title: 'Description', description: `Free text shown in the Descope console, at most ${DESCRIPTION_MAX} characters.`})

export const permissionSchema = z
.strictObject({
  name: permissionNameSchema.meta({
    title: 'Name',
    description: `Unique name of the permission, at most ${NAME_MAX} characters. It is the identity: a changed name is a delete and a create.`,
    examples: ['users.read'],
  }),
  description: managed(descriptionSchema.meta({
    title: 'Description',
    description: `What the permission allows, at most ${DESCRIPTION_MAX} characters.`,
    examples: ['Read user profiles'],
  }).optional(), ''),
})
.meta({title: 'Permission', description: 'One permission of the Descope project; roles grant permissions to users.'})

export type PermissionConfig = z.infer<typeof permissionSchema>

export const permissionsSchema = z
.array(permissionSchema)
.meta({
  title: 'Permissions',
  description:
    'The permissions of the project. Permissions not listed here are left alone unless `apply --prune` is used; '
    + 'Descope\'s built-in permissions (User Admin, SSO Admin, Impersonate) are never managed.',
})
.optional()

const text = (value: unknown) => (typeof value === 'string' ? value.trim() : undefined)

/** Names of the permissions declared in a raw configuration value, with their index. */
export function readPermissionNames(raw: Record<string, unknown>): Array<{index: number; name: string}> {
  if (!Array.isArray(raw.permissions)) return []
  return raw.permissions.flatMap((entry: unknown, index) => {
    const name = isRecord(entry) ? text(entry.name) : undefined
    return name ? [{index, name}] : []
  })
}

/** Permission names declared in a raw configuration value. */
export function declaredPermissionNames(raw: Record<string, unknown>): Set<string> {
  return new Set(readPermissionNames(raw).map(({name}) => name))
}

export function where(context: CheckContext, path: PathSegment[]): string {
  const line = context.lineOf(path)
  return line === undefined ? formatPath(path) : `${formatPath(path)}, line ${line}`
}

function checkPermissions(raw: Record<string, unknown>, context: CheckContext): void {
  const seen = new Map<string, number>()
  const lowerCase = new Map<string, {index: number; name: string}>()
  for (const {index, name} of readPermissionNames(raw)) {
    const path = ['permissions', index, 'name']
    const first = seen.get(name)
    if (first !== undefined) {
      context.error(path, `duplicate permission "${name}": already declared at ${where(context, ['permissions', first, 'name'])}`, 'permission names must be unique in a project')
      continue
    }

    seen.set(name, index)
    const builtIn = BUILT_IN_PERMISSIONS.find(candidate => candidate.toLowerCase() === name.toLowerCase())
    if (builtIn !== undefined) {
      context.error(path, `"${name}" is a built-in Descope permission`, `remove it here: every project has "${builtIn}", and roles may name it without declaring it`)
      continue
    }

    const similar = lowerCase.get(name.toLowerCase())
    if (similar) {
      context.warn(
        path,
        `permission "${name}" differs only in case from "${similar.name}" (${where(context, ['permissions', similar.index, 'name'])})`,
        'they are two permissions: rename one if that is not intended',
      )
    } else {
      lowerCase.set(name.toLowerCase(), {index, name})
    }
  }
}

/** The permission fields the configuration manages (wire names), with Descope's defaults: from the schema. */
const permissionDefaults = fieldDefaults(permissionSchema) as {description: string}

/** A permission as the engine sees it: key = name; with `onlySet`, only the fields given (desired state). */
export function permissionItem(permission: Pick<Permission, 'description' | 'name' | 'systemDefault'>, onlySet = false): ResourceItem {
  const fields: Record<string, unknown> = {}
  if (permission.description !== undefined && permission.description !== null) fields.description = permission.description
  else if (!onlySet) fields.description = permissionDefaults.description
  // Descope's own permissions say so; recorded so that one not in BUILT_IN_PERMISSIONS is still kept.
  if (permission.systemDefault === true) fields.systemDefault = true
  return {fields, key: permission.name, kind: 'permission'}
}

/** Whether a permission item is one of Descope's own: by name, or marked `systemDefault` by the API. */
export function isBuiltInPermission(item: Pick<ResourceItem, 'fields' | 'key'>): boolean {
  return BUILT_IN_PERMISSIONS.includes(item.key) || item.fields.systemDefault === true
}

declare module './types.js' {
  interface ResourceKindNames {
    permission: true
  }
}

export const permissionsKind = defineKind({
  // Descope's built-in permissions: never pruned nor written by init, and the configuration may not declare them. Roles may still name them.
  builtIn: isBuiltInPermission,
  config: {
    check: checkPermissions,
    count: raw => (Array.isArray(raw.permissions) ? raw.permissions.length : 0),
    key: 'permissions',
    schema: permissionsSchema,
  },
  async create(client, desired) {
    const description = desired.fields.description as string | undefined
    await createPermission(client, {name: desired.key, ...(description === undefined ? {} : {description})})
  },
  defaults: permissionDefaults,
  async delete(client, live) {
    await deletePermission(client, live.key)
  },
  dependsOn: () => [],
  desired(config: ConfigSections) {
    return ((config.permissions ?? []) as PermissionConfig[]).map(permission => permissionItem(permission, true))
  },
  managedFields: Object.keys(permissionDefaults),
  name: 'permission',
  // Before the roles that grant them.
  phase: 0,
  plural: 'permissions',
  async readLive(client) {
    // Descope marks its built-ins `systemDefault`; they are part of the live state (so plans and backups
    // count them), and the `builtIn` predicate keeps them out of prune and init.
    return (await loadAllPermissions(client)).map(permission => permissionItem(permission))
  },
  toConfig(items, config) {
    if (items.length > 0) {
      config.permissions = [...items]
      .sort((a, b) => a.key.localeCompare(b.key))
      .map(permission => ({name: permission.key, ...(permission.fields.description ? {description: permission.fields.description} : {})}))
    }

    return []
  },
  async update(client, desired, live) {
    // The update replaces the description (the only field it takes besides the names): the
    // managed value, else the live one.
    const {description} = updateFields(desired, live, permissionDefaults) as {description: string}
    await updatePermission(client, {description, name: desired.key, newName: desired.key})
  },
})
