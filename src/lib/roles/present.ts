import type {Permission, Role} from '../api/types.js'
import type {Column} from '../ui/output.js'

const yesNo = (value: boolean | undefined) => (value ? 'yes' : 'no')

export const roleColumns: Array<Column<Role>> = [
  {get: role => role.name, header: 'NAME'},
  {get: role => role.tenantId || '(project)', header: 'TENANT'},
  {get: role => role.description ?? '', header: 'DESCRIPTION'},
  {get: role => [...(role.permissionNames ?? [])].sort(), header: 'PERMISSIONS'},
  {get: role => yesNo(role.default), header: 'DEFAULT'},
]

export const permissionColumns: Array<Column<Permission>> = [
  {get: permission => permission.name, header: 'NAME'},
  {get: permission => permission.description ?? '', header: 'DESCRIPTION'},
  {get: permission => yesNo(permission.systemDefault), header: 'SYSTEM DEFAULT'},
]

const compare = (a: string, b: string) => (a < b ? -1 : (a > b ? 1 : 0))

/** Project roles first, then by tenant id; by name within each. */
export function sortRoles(roles: Role[]): Role[] {
  return [...roles].sort((a, b) => compare(a.tenantId ?? '', b.tenantId ?? '') || compare(a.name, b.name))
}

export interface RoleFilter {
  /** Only roles of these tenants. */
  tenantIds?: string[]
}

export function filterRoles(roles: Role[], filter: RoleFilter): Role[] {
  return roles.filter(role => !filter.tenantIds?.length || filter.tenantIds.includes(role.tenantId ?? ''))
}

export function sortPermissions(permissions: Permission[]): Permission[] {
  return [...permissions].sort((a, b) => compare(a.name, b.name))
}
