import type {Tenant} from '../api/types.js'
import type {Column} from '../ui/output.js'

export const tenantColumns: Array<Column<Tenant>> = [
  {get: tenant => tenant.id, header: 'ID'},
  {get: tenant => tenant.name, header: 'NAME'},
  {get: tenant => tenant.selfProvisioningDomains ?? [], header: 'DOMAINS'},
  {get: tenant => tenant.parent ?? '', header: 'PARENT'},
  {get: tenant => (tenant.disabled ? 'disabled' : 'active'), header: 'STATUS'},
  {get: tenant => (tenant.enforceSSO ? 'yes' : 'no'), header: 'SSO ENFORCED'},
]

export function sortTenants(tenants: Tenant[]): Tenant[] {
  return [...tenants].sort((a, b) => (a.id < b.id ? -1 : (a.id > b.id ? 1 : 0)))
}

export interface TenantFilter {
  ids?: string[]
  nameContains?: string
}

export function filterTenants(tenants: Tenant[], filter: TenantFilter): Tenant[] {
  const needle = filter.nameContains?.toLowerCase()
  return tenants.filter(tenant =>
    (!filter.ids?.length || filter.ids.includes(tenant.id)) && (!needle || tenant.name.toLowerCase().includes(needle)))
}

/** A readable multi-line view of one tenant. */
export function describeTenant(tenant: Tenant): string {
  const fields: Array<[string, string]> = [
    ['ID', tenant.id],
    ['Name', tenant.name],
    ['Self-provisioning domains', (tenant.selfProvisioningDomains ?? []).join(', ') || '(none)'],
    ['Parent', tenant.parent || '(none)'],
    ['Sub-tenants', (tenant.successors ?? []).join(', ') || '(none)'],
    ['Status', tenant.disabled ? 'disabled' : 'active'],
    ['SSO enforced', tenant.enforceSSO ? 'yes' : 'no'],
    ['Role inheritance', tenant.roleInheritance || 'default'],
  ]
  if (tenant.createdTime) fields.push(['Created', new Date(tenant.createdTime * 1000).toISOString()])
  const attributes = Object.entries(tenant.customAttributes ?? {})
  fields.push(['Custom attributes', attributes.length === 0 ? '(none)' : ''])
  const width = Math.max(...fields.map(([label]) => label.length)) + 2
  const lines = fields.map(([label, value]) => `${`${label}:`.padEnd(width)}${value}`.trimEnd())
  for (const [key, value] of attributes) lines.push(`  ${key}: ${JSON.stringify(value)}`)
  return lines.join('\n')
}
