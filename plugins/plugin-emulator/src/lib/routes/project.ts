/**
 * Project routes: snapshot export/validate/import (and the legacy `project/export|import` paths
 * with the same shapes), rename, tags, and the project list.
 *
 * Snapshot files written and read by the emulator (values are JSON objects; a `.json` value may
 * also be sent as a string holding JSON):
 *
 * | path                                   | content                                                           |
 * |----------------------------------------|-------------------------------------------------------------------|
 * | `project.json`                         | `{name, ...settings}` (project-level settings as stored)           |
 * | `flows/<flowId>/metadata.json`         | v2 flow `metadata` + sorted `screens` ids + `references` if non-empty |
 * | `flows/<flowId>/contents.json`         | v2 flow `contents`                                                 |
 * | `flows/<flowId>/screen-<screenId>.json`| `{screenId, interactions (omitted when empty), contents}`          |
 * | `styles/themes.json`                   | `{styles, componentsVersion, references (if non-empty)}` (the emulator's name) |
 * | `authorization/permissions.json`       | `{permissions: [{name, description, systemDefault?}]}` (the emulator's name) |
 * | `authorization/roles.json`             | `{roles: [{name, description, permissionNames, default?, private?}]}` — project-level roles only (the emulator's name) |
 *
 * Tenants, tenant-scoped roles, users, access keys and the audit trail are not in snapshots.
 *
 * Where the reference is silent:
 * - Import replaces each kind that the snapshot contains and leaves the others as they are: flows
 *   (when at least one `flows/` file is present; flows missing from the snapshot are deleted),
 *   the theme, permissions (system-default permissions are never deleted), project-level roles,
 *   and the project settings of `project.json`. The project `name` in `project.json` is exported
 *   but not applied on import, so importing a staging snapshot into production keeps its name.
 * - `excludes` may name `project`, `flows`, `styles`, `authorization` (roles and permissions);
 *   other values (e.g. go-sdk's `lists`) are accepted and ignored.
 * - Validation checks every file the emulator reads, plus: each flow has `metadata.json` and
 *   `contents.json`; each screen listed in `metadata.screens` has its file; role
 *   `permissionNames` exist after the import; names are unique; role/permission names ≤ 100 and
 *   descriptions ≤ 254 characters (terraform provider limits). Unknown files are ignored.
 * - Import validates fully first: on any failure it answers invalidArgument (E011003) listing the
 *   failures, and nothing changes. `inputSecrets` is accepted (the emulator has no connectors, so
 *   `missingSecrets` is never returned).
 * - `project/clone` creates a project with a new `P…` id that accepts the source project's
 *   management keys (as a company key would), and copies what a snapshot holds (settings, flows
 *   at version 1, theme, permissions, project-level roles); tenants, tenant roles, users, access
 *   keys and the audit trail are not cloned. `environment` must be `""` or `"production"`.
 * - `project/delete` deletes the caller's project; later calls with its id answer 401.
 * - `projects/list` lists the projects reachable with the caller's keys: the caller's project and
 *   any project sharing one of its keys (its clones). Keys are per project otherwise.
 */
import type {
  FlowRecord,
  JsonObject,
  PermissionRecord,
  ProjectState,
  RoleRecord,
  RouteContext,
  RouteDefinition,
  ThemeRecord,
} from '../types.js'

import {Checker, checkFlowContents, checkFlowMetadata} from '../content-checks.js'
import {EmulatorError} from '../errors.js'
import {
  cloneJson, FLOW_ID_PATTERN, isObject, omit, snapshotFlowFiles,
} from '../flow-format.js'
import {randomId} from '../secrets.js'
import {newId} from './common.js'
import {currentTheme} from './themes.js'

export const SNAPSHOT_PROJECT_FILE = 'project.json'
export const SNAPSHOT_THEME_FILE = 'styles/themes.json'
export const SNAPSHOT_ROLES_FILE = 'authorization/roles.json'
export const SNAPSHOT_PERMISSIONS_FILE = 'authorization/permissions.json'

const MAX_NAME_LENGTH = 100
const MAX_DESCRIPTION_LENGTH = 254
const MAX_TAG_LENGTH = 50

// ---------------------------------------------------------------------------------------------
// Export

interface SnapshotRole {
  name: string
  description: string
  permissionNames: string[]
  default?: boolean
  private?: boolean
}

interface SnapshotPermission {
  name: string
  description: string
  systemDefault?: boolean
}

function byName<T extends {name: string}>(a: T, b: T): number {
  return a.name.localeCompare(b.name)
}

/** The snapshot `files` of a project, keys sorted. */
export function exportSnapshotFiles(project: ProjectState): Record<string, JsonObject> {
  const files: Record<string, JsonObject> = {}
  files[SNAPSHOT_PROJECT_FILE] = {name: project.name, ...cloneJson(project.settings)}
  for (const flow of project.flows.values()) Object.assign(files, snapshotFlowFiles(flow))

  const theme = currentTheme(project)
  const themeFile: JsonObject = {styles: cloneJson(theme.styles), componentsVersion: theme.componentsVersion}
  if (Object.keys(theme.references).length > 0) themeFile.references = cloneJson(theme.references)
  files[SNAPSHOT_THEME_FILE] = themeFile

  const permissions = [...project.permissions.values()].sort(byName).map((permission): SnapshotPermission => {
    const entry: SnapshotPermission = {name: permission.name, description: permission.description}
    if (permission.systemDefault) entry.systemDefault = true
    return entry
  })
  files[SNAPSHOT_PERMISSIONS_FILE] = {permissions}

  const roles = [...project.roles.values()]
  .filter(role => !role.tenantId)
  .sort(byName)
  .map((role): SnapshotRole => {
    const entry: SnapshotRole = {name: role.name, description: role.description, permissionNames: [...role.permissionNames]}
    if (role.default) entry.default = true
    if (role.private) entry.private = true
    return entry
  })
  files[SNAPSHOT_ROLES_FILE] = {roles}

  return Object.fromEntries(Object.entries(files).sort(([a], [b]) => a.localeCompare(b)))
}

// ---------------------------------------------------------------------------------------------
// Parse and validate

interface SnapshotFlow {
  flowId: string
  metadata: JsonObject
  contents: JsonObject
  screens: FlowRecord['screens']
  references: JsonObject
}

/** What an import would apply; a member is undefined when the snapshot does not contain it. */
export interface ParsedSnapshot {
  settings?: JsonObject
  flows?: SnapshotFlow[]
  theme?: Omit<ThemeRecord, 'version'>
  permissions?: SnapshotPermission[]
  roles?: SnapshotRole[]
}

const FLOW_FILE = /^flows\/([^/]+)\/(metadata\.json|contents\.json|screen-(.+)\.json)$/
const KNOWN_EXCLUDES = new Set(['authorization', 'flows', 'project', 'styles'])

/** A `.json` file value as an object: objects as they are, strings parsed. */
function readJsonFile(path: string, value: unknown, failures: string[]): JsonObject | undefined {
  let parsed = value
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value)
    } catch (error) {
      failures.push(`${path}: not valid JSON (${(error as Error).message})`)
      return undefined
    }
  }

  if (!isObject(parsed)) {
    failures.push(`${path}: must be a JSON object`)
    return undefined
  }

  return parsed
}

function collect(check: Checker, path: string, failures: string[]): void {
  for (const message of check.messages()) failures.push(`${path}: ${message}`)
}

/** `unreadable`: paths already reported as not JSON, so they are not reported missing as well. */
function parseFlows(files: Map<string, JsonObject>, unreadable: Set<string>, failures: string[]): SnapshotFlow[] {
  interface FlowFiles {
    contents?: JsonObject
    metadata?: JsonObject
    screens: Map<string, JsonObject>
  }
  const byFlow = new Map<string, FlowFiles>()
  for (const [path, value] of files) {
    const match = FLOW_FILE.exec(path)
    if (!match) continue
    const [, flowId, name, screenId] = match
    if (!FLOW_ID_PATTERN.test(flowId)) {
      failures.push(`${path}: flow id ${JSON.stringify(flowId)} must match ${FLOW_ID_PATTERN.source}`)
      continue
    }

    const entry: FlowFiles = byFlow.get(flowId) ?? {screens: new Map()}
    byFlow.set(flowId, entry)
    if (name === 'metadata.json') entry.metadata = value
    else if (name === 'contents.json') entry.contents = value
    else if (FLOW_ID_PATTERN.test(screenId)) entry.screens.set(screenId, value)
    else failures.push(`${path}: screen id ${JSON.stringify(screenId)} must match ${FLOW_ID_PATTERN.source}`)
  }

  const flows: SnapshotFlow[] = []
  for (const [flowId, entry] of [...byFlow].sort(([a], [b]) => a.localeCompare(b))) {
    const prefix = `flows/${flowId}/`
    for (const [name, content] of [['metadata.json', entry.metadata], ['contents.json', entry.contents]] as const) {
      if (!content && !unreadable.has(`${prefix}${name}`)) failures.push(`${prefix}${name}: missing`)
    }

    if (!entry.metadata || !entry.contents) continue

    const {references} = entry.metadata
    const metadata = omit(entry.metadata, 'screens', 'references')
    const metadataCheck = new Checker()
    checkFlowMetadata(metadataCheck, metadata, 'metadata')
    const screenIds = metadataCheck.stringArray(entry.metadata, 'screens', 'screens') ?? []
    metadataCheck.object(entry.metadata, 'references', 'references')
    collect(metadataCheck, `${prefix}metadata.json`, failures)
    for (const screenId of screenIds) {
      if (!entry.screens.has(screenId)) failures.push(`${prefix}screen-${screenId}.json: missing (listed in metadata.json)`)
    }

    const contentsCheck = new Checker()
    checkFlowContents(contentsCheck, entry.contents, 'contents')
    collect(contentsCheck, `${prefix}contents.json`, failures)

    const screens: FlowRecord['screens'] = []
    // Listed screens first, in their listed order, then any other screen file.
    const order = [...new Set([...[...entry.screens.keys()].sort(), ...screenIds])]
    for (const screenId of order) {
      const screen = entry.screens.get(screenId)
      if (!screen) continue
      const screenCheck = new Checker()
      const fileScreenId = screenCheck.string(screen, 'screenId', 'screenId')
      if (fileScreenId !== undefined && fileScreenId !== screenId) screenCheck.invalid('screenId', `must be ${screenId} (the file name)`)
      const interactions = screenCheck.array(screen, 'interactions', 'interactions')
      const contents = screenCheck.object(screen, 'contents', 'contents', true)
      collect(screenCheck, `${prefix}screen-${screenId}.json`, failures)
      if (contents) screens.push({screenId, ...(interactions ? {interactions: cloneJson(interactions)} : {}), contents: cloneJson(contents)})
    }

    flows.push({
      flowId,
      metadata: cloneJson(metadata),
      contents: cloneJson(entry.contents),
      screens,
      references: isObject(references) ? cloneJson(references) : {},
    })
  }

  return flows
}

function checkNameAndDescription(check: Checker, item: JsonObject, path: string): string | undefined {
  const name = check.string(item, 'name', `${path}.name`, {required: true})
  if (name !== undefined && name.length > MAX_NAME_LENGTH) check.invalid(`${path}.name`, `must be at most ${MAX_NAME_LENGTH} characters`)
  const description = check.string(item, 'description', `${path}.description`)
  if (description !== undefined && description.length > MAX_DESCRIPTION_LENGTH) {
    check.invalid(`${path}.description`, `must be at most ${MAX_DESCRIPTION_LENGTH} characters`)
  }

  return name
}

function parsePermissions(file: JsonObject, failures: string[]): SnapshotPermission[] {
  const check = new Checker()
  const items = check.array(file, 'permissions', 'permissions', true) ?? []
  const permissions: SnapshotPermission[] = []
  for (const [index, item] of items.entries()) {
    const path = `permissions[${index}]`
    if (!isObject(item)) {
      check.invalid(path, 'must be an object')
      continue
    }

    const name = checkNameAndDescription(check, item, path)
    const systemDefault = check.boolean(item, 'systemDefault', `${path}.systemDefault`)
    if (name === undefined) continue
    if (permissions.some(permission => permission.name === name)) check.invalid(`${path}.name`, `duplicates permission ${name}`)
    else permissions.push({name, description: typeof item.description === 'string' ? item.description : '', ...(systemDefault ? {systemDefault} : {})})
  }

  collect(check, SNAPSHOT_PERMISSIONS_FILE, failures)
  return permissions
}

function parseRoles(file: JsonObject, failures: string[]): SnapshotRole[] {
  const check = new Checker()
  const items = check.array(file, 'roles', 'roles', true) ?? []
  const roles: SnapshotRole[] = []
  for (const [index, item] of items.entries()) {
    const path = `roles[${index}]`
    if (!isObject(item)) {
      check.invalid(path, 'must be an object')
      continue
    }

    const name = checkNameAndDescription(check, item, path)
    const permissionNames = check.stringArray(item, 'permissionNames', `${path}.permissionNames`) ?? []
    const isDefault = check.boolean(item, 'default', `${path}.default`)
    const isPrivate = check.boolean(item, 'private', `${path}.private`)
    if (name === undefined) continue
    if (roles.some(role => role.name === name)) {
      check.invalid(`${path}.name`, `duplicates role ${name}`)
      continue
    }

    roles.push({
      name,
      description: typeof item.description === 'string' ? item.description : '',
      permissionNames: [...permissionNames],
      ...(isDefault ? {default: true} : {}),
      ...(isPrivate ? {private: true} : {}),
    })
  }

  collect(check, SNAPSHOT_ROLES_FILE, failures)
  return roles
}

function parseTheme(file: JsonObject, failures: string[]): Omit<ThemeRecord, 'version'> | undefined {
  const check = new Checker()
  const styles = check.object(file, 'styles', 'styles', true)
  const componentsVersion = check.string(file, 'componentsVersion', 'componentsVersion')
  const references = check.object(file, 'references', 'references')
  collect(check, SNAPSHOT_THEME_FILE, failures)
  if (!styles) return undefined
  return {styles: cloneJson(styles), componentsVersion: componentsVersion ?? '', references: cloneJson(references ?? {})}
}

/**
 * Parses and validates snapshot `files` against the current project. Returns what an import would
 * apply and the failures (each prefixed with its file path); an import may proceed only when
 * `failures` is empty.
 */
export function parseSnapshot(project: ProjectState, rawFiles: JsonObject, excludes: ReadonlySet<string> = new Set()): {failures: string[]; snapshot: ParsedSnapshot} {
  const failures: string[] = []
  const files = new Map<string, JsonObject>()
  const unreadable = new Set<string>()
  for (const [path, value] of Object.entries(rawFiles).sort(([a], [b]) => a.localeCompare(b))) {
    if (path.endsWith('.json')) {
      const parsed = readJsonFile(path, value, failures)
      if (parsed) files.set(path, parsed)
      else unreadable.add(path)
    } else if (typeof value !== 'string') {
      failures.push(`${path}: must be a string (assets are text or base64)`)
    }
  }

  const snapshot: ParsedSnapshot = {}
  const projectFile = files.get(SNAPSHOT_PROJECT_FILE)
  if (projectFile && !excludes.has('project')) {
    const check = new Checker()
    check.string(projectFile, 'name', 'name')
    collect(check, SNAPSHOT_PROJECT_FILE, failures)
    snapshot.settings = cloneJson(omit(projectFile, 'name'))
  }

  if (!excludes.has('flows') && [...files.keys()].some(path => path.startsWith('flows/'))) {
    snapshot.flows = parseFlows(files, unreadable, failures)
  }

  const themeFile = files.get(SNAPSHOT_THEME_FILE)
  if (themeFile && !excludes.has('styles')) snapshot.theme = parseTheme(themeFile, failures)

  if (!excludes.has('authorization')) {
    const permissionsFile = files.get(SNAPSHOT_PERMISSIONS_FILE)
    if (permissionsFile) snapshot.permissions = parsePermissions(permissionsFile, failures)
    const rolesFile = files.get(SNAPSHOT_ROLES_FILE)
    if (rolesFile) snapshot.roles = parseRoles(rolesFile, failures)
    if (snapshot.roles) {
      const available = new Set(resultingPermissionNames(project, snapshot.permissions))
      for (const [index, role] of snapshot.roles.entries()) {
        for (const permissionName of role.permissionNames) {
          if (!available.has(permissionName)) {
            failures.push(`${SNAPSHOT_ROLES_FILE}: roles[${index}].permissionNames names unknown permission ${permissionName}`)
          }
        }
      }
    }
  }

  return {failures, snapshot}
}

/** Permission names the project will have after importing `permissions` (system defaults stay). */
function resultingPermissionNames(project: ProjectState, permissions: SnapshotPermission[] | undefined): string[] {
  const current = [...project.permissions.values()]
  if (!permissions) return current.map(permission => permission.name)
  return [...permissions.map(permission => permission.name), ...current.filter(permission => permission.systemDefault).map(permission => permission.name)]
}

// ---------------------------------------------------------------------------------------------
// Apply

function applySnapshot(project: ProjectState, snapshot: ParsedSnapshot, now: number): void {
  if (snapshot.settings) project.settings = cloneJson(snapshot.settings)

  if (snapshot.flows) {
    const flows = new Map<string, FlowRecord>()
    for (const flow of snapshot.flows) {
      const previous = project.flows.get(flow.flowId)
      flows.set(flow.flowId, {...cloneJson(flow), version: (previous?.version ?? 0) + 1, modifiedTime: now})
    }

    project.flows = flows
  }

  if (snapshot.theme) {
    const current = currentTheme(project)
    project.theme = {
      ...cloneJson(snapshot.theme),
      componentsVersion: snapshot.theme.componentsVersion || current.componentsVersion,
      version: current.version + 1,
    }
  }

  if (snapshot.permissions) {
    // Permissions and roles are keyed by id (see permissions.ts and roles.ts); ids survive by name.
    const existing = new Map([...project.permissions.values()].map(permission => [permission.name, permission]))
    const permissions = new Map<string, PermissionRecord>()
    for (const item of snapshot.permissions) {
      const permission: PermissionRecord = {
        id: existing.get(item.name)?.id ?? newId('PE', project.permissions),
        name: item.name,
        description: item.description,
        systemDefault: item.systemDefault ?? existing.get(item.name)?.systemDefault ?? false,
      }
      permissions.set(permission.id, permission)
    }

    for (const permission of existing.values()) {
      if (permission.systemDefault && !permissions.has(permission.id)) permissions.set(permission.id, permission)
    }

    project.permissions = permissions
    // Roles lose the permissions that no longer exist, as when a permission is deleted.
    const names = new Set([...permissions.values()].map(permission => permission.name))
    for (const role of project.roles.values()) role.permissionNames = role.permissionNames.filter(name => names.has(name))
  }

  if (snapshot.roles) {
    const existing = new Map([...project.roles.values()].filter(role => !role.tenantId).map(role => [role.name, role]))
    const roles = new Map<string, RoleRecord>()
    for (const role of project.roles.values()) if (role.tenantId) roles.set(role.id, role)
    for (const item of snapshot.roles) {
      const previous = existing.get(item.name)
      const role: RoleRecord = {
        id: previous?.id ?? newId('RL', project.roles),
        name: item.name,
        description: item.description,
        permissionNames: [...item.permissionNames],
        createdTime: previous?.createdTime ?? Math.floor(now / 1000),
        tenantId: '',
        default: item.default ?? false,
        private: item.private ?? false,
      }
      roles.set(role.id, role)
    }

    project.roles = roles
    // Tenants lose the default roles that no longer exist, as when a role is deleted.
    const names = new Set(snapshot.roles.map(role => role.name))
    for (const tenant of project.tenants.values()) tenant.defaultRoles = tenant.defaultRoles.filter(name => names.has(name))
  }
}

// ---------------------------------------------------------------------------------------------
// Handlers

function readSnapshotRequest(context: RouteContext): {excludes: Set<string>; files: JsonObject} {
  const check = new Checker()
  const files = check.object(context.body, 'files', 'files', true)
  const secrets = check.object(context.body, 'inputSecrets', 'inputSecrets')
  if (secrets) {
    for (const kind of Object.keys(secrets)) check.array(secrets, kind, `inputSecrets.${kind}`)
  }

  const excludes = check.stringArray(context.body, 'excludes', 'excludes') ?? []
  check.throwIfAny()
  return {excludes: new Set(excludes.filter(name => KNOWN_EXCLUDES.has(name))), files: files as JsonObject}
}

function exportSnapshot(context: RouteContext): unknown {
  const check = new Checker()
  check.string(context.body, 'format', 'format')
  check.throwIfAny()
  return {files: exportSnapshotFiles(context.project)}
}

function validateSnapshot(context: RouteContext): unknown {
  const {excludes, files} = readSnapshotRequest(context)
  const {failures} = parseSnapshot(context.project, files, excludes)
  return failures.length === 0 ? {ok: true} : {ok: false, failures}
}

function importSnapshot(context: RouteContext): unknown {
  const {excludes, files} = readSnapshotRequest(context)
  const {failures, snapshot} = parseSnapshot(context.project, files, excludes)
  if (failures.length > 0) throw new EmulatorError('invalidArgument', `snapshot is invalid: ${failures.join('; ')}`)
  applySnapshot(context.project, snapshot, context.now)
  context.audit('project.snapshot.import', {
    flows: snapshot.flows?.length ?? null,
    theme: snapshot.theme !== undefined,
    permissions: snapshot.permissions?.length ?? null,
    roles: snapshot.roles?.length ?? null,
  })
  return {}
}

function updateName(context: RouteContext): unknown {
  const check = new Checker()
  const name = check.string(context.body, 'name', 'name', {required: true})
  if (name !== undefined && name.length > MAX_NAME_LENGTH) check.invalid('name', `must be at most ${MAX_NAME_LENGTH} characters`)
  check.throwIfAny()
  context.project.name = name as string
  context.audit('project.update.name', {name})
  return {}
}

function updateTags(context: RouteContext): unknown {
  const check = new Checker()
  const tags = readTags(check, context.body, true)
  check.throwIfAny()
  context.project.tags = tags as string[]
  context.audit('project.update.tags', {tags: context.project.tags})
  return {}
}

function listProjects(context: RouteContext): unknown {
  const digests = new Set(context.project.managementKeyDigests)
  const reachable = context.projects
  .list()
  .filter(project => project.id === context.project.id || project.managementKeyDigests.some(digest => digests.has(digest)))
  return {
    projects: reachable.map(project => ({
      id: project.id, name: project.name, environment: project.environment, tags: [...project.tags],
    })),
  }
}

function readTags(check: Checker, body: JsonObject, required: boolean): string[] | undefined {
  const tags = check.stringArray(body, 'tags', 'tags', required)
  if (tags?.some(tag => tag.length === 0 || tag.length > MAX_TAG_LENGTH)) check.invalid('tags', `entries must be 1 to ${MAX_TAG_LENGTH} characters long`)
  return tags && [...new Set(tags)]
}

function cloneProject(context: RouteContext): unknown {
  const {body, project: source, projects} = context
  const check = new Checker()
  const name = check.string(body, 'name', 'name', {required: true})
  if (name !== undefined && name.length > MAX_NAME_LENGTH) check.invalid('name', `must be at most ${MAX_NAME_LENGTH} characters`)
  const environment = check.string(body, 'environment', 'environment') ?? ''
  if (environment !== '' && environment !== 'production') check.invalid('environment', 'must be "" or "production"')
  const tags = readTags(check, body, false) ?? []
  check.throwIfAny()

  let id: string
  do id = randomId('P')
  while (projects.get(id))
  const clone = projects.create({
    environment, id, managementKeyDigests: [...source.managementKeyDigests], name: name as string, tags,
  })
  const {failures, snapshot} = parseSnapshot(clone, exportSnapshotFiles(source))
  if (failures.length > 0) throw new EmulatorError('internal', `cannot clone: ${failures.join('; ')}`)
  applySnapshot(clone, snapshot, context.now)
  context.audit('project.clone', {projectId: id, name})
  return {
    projectId: id, projectName: name, environment, tags,
  }
}

function deleteProject(context: RouteContext): unknown {
  context.projects.delete(context.project.id)
  return {}
}

export const projectRoutes: RouteDefinition[] = [
  {method: 'POST', path: '/v1/mgmt/project/snapshot/export', handler: exportSnapshot},
  {method: 'POST', path: '/v1/mgmt/project/snapshot/validate', handler: validateSnapshot},
  {
    method: 'POST', path: '/v1/mgmt/project/snapshot/import', mutation: true, handler: importSnapshot,
  },
  {method: 'POST', path: '/v1/mgmt/project/export', handler: exportSnapshot},
  {
    method: 'POST', path: '/v1/mgmt/project/import', mutation: true, handler: importSnapshot,
  },
  {
    method: 'POST', path: '/v1/mgmt/project/update/name', mutation: true, handler: updateName,
  },
  {
    method: 'POST', path: '/v1/mgmt/project/update/tags', mutation: true, handler: updateTags,
  },
  {method: 'POST', path: '/v1/mgmt/projects/list', handler: listProjects},
  {
    method: 'POST', path: '/v1/mgmt/project/clone', mutation: true, handler: cloneProject,
  },
  {
    method: 'POST', path: '/v1/mgmt/project/delete', mutation: true, handler: deleteProject,
  },
]
