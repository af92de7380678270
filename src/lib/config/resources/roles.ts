import {didYouMean} from '@descope-mgmt/shared/suggest'
import {z} from 'zod'

import type {PathSegment} from '../path.js'

import {isRecord} from '../path.js'
import {
  BUILT_IN_PERMISSIONS, declaredPermissionNames, descriptionSchema, NAME_MAX, permissionNameSchema, where,
} from './permissions.js'
import {declaredTenantIds, tenantIdPattern, tenantIdSchema} from './tenants.js'
import {type CheckContext, defineResource} from './types.js'

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
  description: descriptionSchema.meta({
    title: 'Description',
    description: 'What the role is for, at most 254 characters.',
    examples: ['Reads users and the audit trail'],
  }).optional(),
  permissionNames: z
  .array(permissionNameSchema.meta({title: 'Permission', description: 'Name of a permission the role grants.', examples: ['users.read']}))
  .meta({
    title: 'Permissions',
    description:
      'Names of the permissions the role grants: declared under `permissions`, built into Descope (User Admin, SSO Admin, Impersonate), or already in the project. Order does not matter.',
    examples: [['users.read', 'audit.read']],
  })
  .optional(),
  tenantId: tenantIdSchema
  .meta({
    title: 'Tenant',
    description: 'Id of the tenant this role belongs to (declared under `tenants` or already in the project). Without it, the role is a project role.',
    examples: ['acme'],
  })
  .optional(),
  default: z
  .boolean()
  .meta({title: 'Default role', description: 'Give this role automatically to users created without any role.'})
  .optional(),
  private: z
  .boolean()
  .meta({title: 'Private', description: 'Do not show this role to tenant admins.'})
  .optional(),
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
  const declared = declaredTenantIds(raw)
  const existing = context.existingTenantIds ?? new Set<string>()
  for (const role of roles) {
    const {tenantId} = role
    if (tenantId === undefined || !tenantIdPattern.test(tenantId) || declared.has(tenantId) || existing.has(tenantId)) continue
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

export const rolesResource = defineResource({
  check: checkRoles,
  count: raw => (Array.isArray(raw.roles) ? raw.roles.length : 0),
  key: 'roles',
  noun: 'roles',
  schema: rolesSchema,
})
