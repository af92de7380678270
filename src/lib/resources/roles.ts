import {didYouMean} from '@descope-mgmt/shared/suggest'
/**
 * The role kind: `roles:` in the configuration, `role:<name>` or `role:<tenantId>/<name>` in plans.
 */
import {z} from 'zod'

import type {Role, RoleCreateRequest} from '../api/types.js'
import type {CheckContext} from '../config/resources/types.js'
import type {ConfigSections, ResourceFields, ResourceItem} from './types.js'

import {
  createRole, deleteRole, loadAllRoles, updateRole,
} from '../api/roles.js'
import {isRecord, type PathSegment} from '../config/path.js'
import {
  copyJson, defineKind, fieldDefaults, managed, updateFields,
} from './define.js'
import {
  BUILT_IN_PERMISSIONS, declaredPermissionNames, descriptionSchema, NAME_MAX, permissionNameSchema, where,
} from './permissions.js'
import {declaredTenantIds, tenantIdPattern, tenantIdSchema} from './tenants.js'

export const roleSchema = z
.strictObject({
  name: z
  .string()
  .trim()
  .min(1, {error: 'must not be empty'})
  .max(NAME_MAX, {error: `must be at most ${NAME_MAX} characters`})
  .meta({
    title: 'Name',
    description: `Name of the role, at most ${NAME_MAX} characters; unique among the project roles, or among the roles of its tenant. It is the identity: a changed name is a delete and a create.`,
    examples: ['Viewer'],
  }),
  description: managed(descriptionSchema.meta({
    title: 'Description',
    description: 'What the role is for, at most 254 characters.',
    examples: ['Reads users and the audit trail'],
  }).optional(), ''),
  permissionNames: managed(z
  .array(permissionNameSchema.meta({title: 'Permission', description: 'Name of a permission the role grants.', examples: ['users.read']}))
  .meta({
    title: 'Permissions',
    description:
      'Names of the permissions the role grants: declared under `permissions`, built into Descope (User Admin, SSO Admin, Impersonate), or already in the project. Order does not matter.',
    examples: [['users.read', 'audit.read']],
  })
  .optional(), [] as string[]),
  tenantId: managed(tenantIdSchema
  .meta({
    title: 'Tenant',
    description: 'Id of the tenant this role belongs to (declared under `tenants` or already in the project). Without it, the role is a project role.',
    examples: ['acme'],
  })
  .optional(), ''),
  default: managed(z
  .boolean()
  .meta({title: 'Default role', description: 'Give this role automatically to users created without any role.'})
  .optional(), false),
  private: managed(z
  .boolean()
  .meta({title: 'Private', description: 'Do not show this role to tenant admins.'})
  .optional(), false),
})
.meta({title: 'Role', description: 'One role of the Descope project, or of one of its tenants.'})

export type RoleConfig = z.infer<typeof roleSchema>

export const rolesSchema = z
.array(roleSchema)
.meta({
  title: 'Roles',
  description: 'The project roles and tenant roles. Roles not listed here are left alone unless `apply --prune` is used.',
})
.optional()

interface RawRole {
  index: number
  name?: string
  tenantId?: string
  permissions: Array<{index: number; name: string}>
}

const text = (value: unknown) => (typeof value === 'string' ? value.trim() : undefined)

function readRoles(raw: Record<string, unknown>): RawRole[] {
  if (!Array.isArray(raw.roles)) return []
  return raw.roles.flatMap((entry: unknown, index): RawRole[] => {
    if (!isRecord(entry)) return []
    const permissions = Array.isArray(entry.permissionNames)
      ? entry.permissionNames.flatMap((name: unknown, permissionIndex) => {
        const trimmed = text(name)
        return trimmed ? [{index: permissionIndex, name: trimmed}] : []
      })
      : []
    return [{
      index, name: text(entry.name), permissions, tenantId: typeof entry.tenantId === 'string' ? entry.tenantId : undefined,
    }]
  })
}

const at = (index: number, ...rest: PathSegment[]): PathSegment[] => ['roles', index, ...rest]
const scopeOf = (role: RawRole) => (role.tenantId ? `tenant "${role.tenantId}"` : 'the project')

function checkNames(roles: RawRole[], context: CheckContext): void {
  const byScope = new Map<string, RawRole>()
  for (const role of roles) {
    if (!role.name) continue
    const key = `${role.tenantId ?? ''}\u0000${role.name}`
    const first = byScope.get(key)
    if (first) {
      context.error(
        at(role.index, 'name'),
        `duplicate role "${role.name}" in ${scopeOf(role)}: already declared at ${where(context, at(first.index, 'name'))}`,
        role.tenantId ? 'role names must be unique within a tenant' : 'project role names must be unique; give a tenant role its tenantId',
      )
    } else {
      byScope.set(key, role)
    }
  }

  // Plans know a tenant role as "tenantId/name": a project role may not be named like one.
  for (const role of roles) {
    if (role.tenantId || !role.name?.includes('/')) continue
    const twin = byScope.get(role.name.replace('/', '\u0000'))
    if (twin?.tenantId) {
      context.error(
        at(role.index, 'name'),
        `project role "${role.name}" cannot be told apart from role "${twin.name}" of tenant "${twin.tenantId}" (${where(context, at(twin.index, 'name'))})`,
        'rename one of them',
      )
    }
  }
}

function checkPermissionNames(roles: RawRole[], raw: Record<string, unknown>, context: CheckContext): void {
  const declared = declaredPermissionNames(raw)
  const existing = context.existingPermissionNames ?? new Set<string>()
  const known = (name: string) => declared.has(name) || existing.has(name) || BUILT_IN_PERMISSIONS.includes(name)
  for (const role of roles) {
    const listed = new Set<string>()
    for (const {index, name} of role.permissions) {
      const path = at(role.index, 'permissionNames', index)
      if (listed.has(name)) {
        context.warn(path, `permission "${name}" is listed twice for this role`)
        continue
      }

      listed.add(name)
      if (known(name)) continue
      const suggestion = didYouMean(name, [...declared, ...existing, ...BUILT_IN_PERMISSIONS])
      context.error(
        path,
        `permission "${name}" is not declared in this configuration${context.existingPermissionNames ? ' nor in the project' : ''}`,
        suggestion ?? 'declare it under `permissions`',
      )
    }
  }
}

function checkTenants(roles: RawRole[], raw: Record<string, unknown>, context: CheckContext): void {
  // Read only for a tenant role: a large file's tenants cost every other configuration nothing.
  let declared: Set<string> | undefined
  const existing = context.existingTenantIds ?? new Set<string>()
  for (const role of roles) {
    const {tenantId} = role
    if (tenantId === undefined || !tenantIdPattern.test(tenantId)) continue
    declared ??= declaredTenantIds(raw)
    if (declared.has(tenantId) || existing.has(tenantId)) continue
    context.error(
      at(role.index, 'tenantId'),
      `tenant "${tenantId}" is not declared in this configuration${context.existingTenantIds ? ' nor in the project' : ''}`,
      didYouMean(tenantId, [...declared, ...existing]) ?? 'declare the tenant under `tenants`, or remove tenantId to make this a project role',
    )
  }
}

function checkRoles(raw: Record<string, unknown>, context: CheckContext): void {
  const roles = readRoles(raw)
  checkNames(roles, context)
  checkPermissionNames(roles, raw, context)
  checkTenants(roles, raw, context)
}

/**
 * The role fields the configuration can manage (wire names), with Descope's defaults: from the
 * schema. `tenantId` is part of the key (`tenantId/name`) and set only for tenant roles: it never
 * changes, but it says where the role lives, so that create, update and delete can name its scope.
 */
const roleDefaults = fieldDefaults(roleSchema)
const managedFields = Object.keys(roleDefaults).filter(field => field !== 'tenantId') as Array<'default' | 'description' | 'permissionNames' | 'private'>

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
      if (!onlySet) fields[field] = copyJson(roleDefaults[field])
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

/**
 * Project roles every Descope project comes with: "Tenant Admin" (docs.descope.com/widgets/admins:
 * "you can use the built-in \"Tenant Admin\" role"). The API marks no role as built-in, so they are
 * known by name.
 */
export const BUILT_IN_ROLES: readonly string[] = Object.freeze(['Tenant Admin'])

/** Whether a role item is one of Descope's built-in project roles (a tenant role never is). */
export function isBuiltInRole(item: Pick<ResourceItem, 'fields' | 'key'>): boolean {
  return !item.fields.tenantId && BUILT_IN_ROLES.includes(item.key)
}

const isEmpty = (value: unknown): boolean => value === undefined || value === '' || value === false || (Array.isArray(value) && value.length === 0)

/** Order of a role's fields in a written configuration. */
const roleFileOrder = ['description', 'tenantId', 'permissionNames', 'default', 'private'] as const

declare module './types.js' {
  interface ResourceKindNames {
    role: true
  }
}

export const rolesKind = defineKind({
  // Descope's built-in roles: kept by prune and restore, left out by init, managed only when named.
  builtIn: isBuiltInRole,
  config: {
    check: checkRoles,
    count: raw => (Array.isArray(raw.roles) ? raw.roles.length : 0),
    key: 'roles',
    schema: rolesSchema,
  },
  async create(client, desired) {
    await createRole(client, request(desired, desired.fields))
  },
  defaults: roleDefaults,
  async delete(client, live) {
    const {name, tenantId} = roleRef(live)
    await deleteRole(client, name, tenantId ? {tenantId} : {})
  },
  dependsOn(item) {
    const tenantId = item.fields.tenantId as string | undefined
    return [
      ...permissionSet(item.fields.permissionNames).map(name => `permission:${name}`),
      ...(tenantId ? [`tenant:${tenantId}`] : []),
    ]
  },
  desired(config: ConfigSections) {
    return ((config.roles ?? []) as RoleConfig[]).map(role => roleItem(role, true))
  },
  managedFields,
  name: 'role',
  // After permissions (a role grants them) and tenants (a tenant role lives in one).
  phase: 2,
  plural: 'roles',
  async readLive(client) {
    return (await loadAllRoles(client)).filter(role => typeof role.name === 'string' && role.name).map(role => roleItem(role))
  },
  toConfig(items, config) {
    if (items.length === 0) return []
    const withName = items.map(role => ({...roleRef(role), role}))
    // Project roles first, then tenant roles by tenant; by name within each.
    withName.sort((a, b) => (a.tenantId === b.tenantId ? a.name.localeCompare(b.name) : a.tenantId.localeCompare(b.tenantId)))
    config.roles = withName.map(({name, role}) => {
      const entry: Record<string, unknown> = {name}
      for (const field of roleFileOrder) if (!isEmpty(role.fields[field])) entry[field] = role.fields[field]
      return entry
    })
    return []
  },
  async update(client, desired, live) {
    // The name stays: a changed name is another key (a delete and a create). Every field the
    // update accepts is managed, so nothing passes through.
    const body = request(desired, updateFields(desired, live, roleDefaults))
    await updateRole(client, {...body, newName: body.name})
  },
})
