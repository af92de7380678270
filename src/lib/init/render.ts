/**
 * What `descope-mgmt init` writes: a commented starter configuration, or the live state of a
 * project as configuration (field names of the configuration schema, defaults left out, stable order).
 */
import type {DescopeClient} from '../api/types.js'
import type {KindDefinition, LiveFile, ResourceItem} from '../resources/types.js'

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

/**
 * The live items of each kind init writes, in the registry's order, and the items Descope provides
 * in every project (built-ins), which are left out of the file.
 */
export type LiveState = Array<{kind: KindDefinition; items: ResourceItem[]; builtIns: ResourceItem[]}>

/** Reads every kind that can be written as configuration, concurrently; Descope's built-ins apart. */
export async function readLiveState(kinds: readonly KindDefinition[], client: DescopeClient): Promise<LiveState> {
  const written = kinds.filter(kind => kind.toConfig)
  const items = await Promise.all(written.map(kind => kind.readLive(client)))
  return written.map((kind, index) => ({
    builtIns: items[index].filter(item => kind.builtIn(item)),
    items: items[index].filter(item => !kind.builtIn(item)),
    kind,
  }))
}

/** The comment lines naming the built-ins init left out, or none. */
export function builtInComment(live: LiveState): string[] {
  const named = live
  .filter(({builtIns}) => builtIns.length > 0)
  .map(({builtIns, kind}) => `${builtIns.length === 1 ? kind.labels.singular : kind.labels.plural} ${builtIns.map(item => item.key).sort().join(', ')}`)
  if (named.length === 0) return []
  return [
    `# Left out: what Descope provides in every project (${named.join('; ')}).`,
    '# `plan --prune` and `apply --prune` keep them; declare a role or flow here to manage it.',
  ]
}

/** The configuration object of a live project, and the files to write beside it (flows, theme). */
export async function liveConfig(environmentName: string, environment: InitEnvironment, live: LiveState): Promise<{config: Record<string, unknown>; files: LiveFile[]}> {
  const config: Record<string, unknown> = {version: 1, environments: {[environmentName]: environment}}
  const files: LiveFile[] = []
  // In order: a kind declared inside another's entries (tenant settings) finds them written.
  for (const {items, kind} of live) files.push(...await kind.toConfig!(items, config))
  return {config, files}
}

/** The live project as commented YAML. */
export async function renderLiveConfig(
  config: Record<string, unknown>,
  environment: InitEnvironment,
  options: {besideFiles?: string[]; builtIns?: string[]; schemaPath?: string; source: string},
): Promise<string> {
  // yaml is CommonJS under Node: its default export is the whole module, in Node and in the esbuild
  // bundle alike, whose split chunk for a dynamically imported CommonJS module has no named exports.
  const {default: {stringify}} = await import('yaml')
  // A blank line before each top-level section, for a file people will edit.
  const body = stringify(config, {flowCollectionPadding: false, lineWidth: 0})
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
    ...(options.builtIns ?? []),
    '',
  ]
  return `${header.join('\n')}\n${body}`
}
