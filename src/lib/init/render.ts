/**
 * What `descope-mgmt init` writes: a commented starter configuration, or the live state of a
 * project as configuration (field names of the configuration schema, defaults left out, stable order).
 */
import type {ResourceFields, ResourceItem} from '../resources/types.js'

export const SCHEMA_URL = 'https://unpkg.com/descope-mgmt/schema/descope-mgmt.schema.json'

/** The schema comment for editors: the schema of the installed package when it can be found. */
export function schemaComment(schemaPath = SCHEMA_URL): string {
  return `# yaml-language-server: $schema=${schemaPath}`
}

/** A starter configuration that validates: the embedded emulator and one example tenant. */
export function starterConfig(schemaPath?: string): string {
  return `${schemaComment(schemaPath)}
#
# descope-mgmt configuration: which tenants, permissions and roles each Descope project should have.
# Field names are those of the Descope Management API.
#   Check it:    descope-mgmt config validate -e local
#   Preview:     descope-mgmt plan -e local
#   Apply:       descope-mgmt apply -e local

version: 1

environments:
  # The embedded emulator runs in-process: no account, no network, nothing leaves your machine.
  # Its state is kept in this folder, relative to this file.
  local:
    emulator: true
    data: .descope-emulator

  # A real Descope project. Secrets come from environment variables, never from this file:
  #   export PRODUCTION_PROJECT_ID=P2...  PRODUCTION_MANAGEMENT_KEY=K2...
  # production:
  #   projectId: \${PRODUCTION_PROJECT_ID}
  #   managementKey: \${PRODUCTION_MANAGEMENT_KEY}
  #   rateLimit: {requests: 100, windowSeconds: 60}

tenants:
  - id: acme
    name: Acme Inc
    # Users signing up with these email domains join the tenant.
    selfProvisioningDomains: [acme.com]

# permissions:
#   - name: users.read
#     description: Read user profiles

# roles:
#   - name: Viewer
#     description: Reads users
#     permissionNames: [users.read]
`
}

/** The environment entry written for the project init read from. */
export interface EmulatorEnvironment {emulator: true; data: string}
export interface RemoteEnvironment {projectId: string; managementKey: string; baseUrl?: string}
export type InitEnvironment = EmulatorEnvironment | RemoteEnvironment

export interface LiveState {
  tenants: ResourceItem[]
  permissions: ResourceItem[]
  roles: ResourceItem[]
  /** Flows written beside the configuration: declared with the file that holds each. */
  flows?: Array<{id: string; file: string}>
  /** The theme file written beside the configuration. */
  themeFile?: string
}

const isEmpty = (value: unknown): boolean =>
  value === undefined || value === null || value === '' || value === false
  || (Array.isArray(value) && value.length === 0)
  || (typeof value === 'object' && !Array.isArray(value) && Object.keys(value as object).length === 0)

/** The fields in the given order, without defaults (empty, false, none). */
function pickFields(fields: ResourceFields, order: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const field of order) {
    const value = fields[field]
    if (isEmpty(value)) continue
    out[field] = field === 'customAttributes' ? sortKeys(value as Record<string, unknown>) : value
  }

  return out
}

function sortKeys(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)))
}

const tenantOrder = ['name', 'parent', 'selfProvisioningDomains', 'customAttributes', 'enforceSSO', 'enforceSSOExclusions', 'disabled', 'roleInheritance'] as const
const permissionOrder = ['description'] as const
const roleOrder = ['description', 'tenantId', 'permissionNames', 'default', 'private'] as const

/** Tenants sorted by id, each parent before its sub-tenants. */
function orderTenants(tenants: ResourceItem[]): ResourceItem[] {
  const byId = new Map(tenants.map(tenant => [tenant.key, tenant]))
  const children = new Map<string, ResourceItem[]>()
  const roots: ResourceItem[] = []
  for (const tenant of [...tenants].sort((a, b) => a.key.localeCompare(b.key))) {
    const parent = typeof tenant.fields.parent === 'string' ? tenant.fields.parent : ''
    if (parent && byId.has(parent) && parent !== tenant.key) children.set(parent, [...(children.get(parent) ?? []), tenant])
    else roots.push(tenant)
  }

  const ordered: ResourceItem[] = []
  const seen = new Set<string>()
  const visit = (tenant: ResourceItem): void => {
    if (seen.has(tenant.key)) return
    seen.add(tenant.key)
    ordered.push(tenant)
    for (const child of children.get(tenant.key) ?? []) visit(child)
  }

  for (const root of roots) visit(root)
  // A parent cycle (not possible in Descope) would leave tenants out: keep them anyway.
  for (const tenant of tenants) visit(tenant)
  return ordered
}

/** The configuration object of a live project. */
export function liveConfig(environmentName: string, environment: InitEnvironment, live: LiveState): Record<string, unknown> {
  const config: Record<string, unknown> = {version: 1, environments: {[environmentName]: environment}}
  if (live.tenants.length > 0) {
    config.tenants = orderTenants(live.tenants).map(tenant => ({id: tenant.key, ...pickFields(tenant.fields, tenantOrder)}))
  }

  if (live.permissions.length > 0) {
    config.permissions = [...live.permissions]
    .sort((a, b) => a.key.localeCompare(b.key))
    .map(permission => ({name: permission.key, ...pickFields(permission.fields, permissionOrder)}))
  }

  if (live.roles.length > 0) {
    const withName = live.roles.map(role => {
      const tenantId = typeof role.fields.tenantId === 'string' ? role.fields.tenantId : ''
      const name = tenantId && role.key.startsWith(`${tenantId}/`) ? role.key.slice(tenantId.length + 1) : role.key
      return {name, role, tenantId}
    })
    // Project roles first, then tenant roles by tenant; by name within each.
    withName.sort((a, b) => (a.tenantId === b.tenantId ? a.name.localeCompare(b.name) : a.tenantId.localeCompare(b.tenantId)))
    config.roles = withName.map(({name, role}) => ({name, ...pickFields(role.fields, roleOrder)}))
  }

  if (live.flows?.length) config.flows = live.flows.map(({file, id}) => ({id, file}))
  if (live.themeFile) config.theme = {file: live.themeFile}
  return config
}

/** The live project as commented YAML. */
export async function renderLiveConfig(
  environmentName: string,
  environment: InitEnvironment,
  live: LiveState,
  options: {besideFiles?: string[]; schemaPath?: string; source: string},
): Promise<string> {
  const {stringify} = await import('yaml')
  // A blank line before each top-level section, for a file people will edit.
  const body = stringify(liveConfig(environmentName, environment, live), {flowCollectionPadding: false, lineWidth: 0})
  .replaceAll(/\n(?=[a-z]+:)/g, '\n\n')
  const header = [
    schemaComment(options.schemaPath),
    '#',
    `# Written by \`descope-mgmt init --from-live\` from ${options.source}.`,
    '# `descope-mgmt plan` right after shows no changes; edit this file, then plan and apply.',
    ...('managementKey' in environment ? ['# The management key is read from the environment variable DESCOPE_MANAGEMENT_KEY, never from this file.'] : []),
    ...(options.besideFiles?.length
      ? ['# The flows and the theme are in files beside this one (flows/*.json, theme.json), declared below: edit them, then plan and apply.']
      : []),
    '',
  ]
  return `${header.join('\n')}\n${body}`
}
