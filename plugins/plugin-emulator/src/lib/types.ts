/**
 * The emulator's data model and the contract between the HTTP server and the route modules.
 * Field names are the Descope wire names (see the Descope Management API reference).
 */

import type {Behaviour} from './knobs.js'

export type JsonObject = Record<string, unknown>

export interface TenantRecord {
  id: string
  name: string
  selfProvisioningDomains: string[]
  customAttributes: Record<string, unknown>
  authType: string
  domains: string[]
  createdTime: number
  disabled: boolean
  enforceSSO: boolean
  enforceSSOExclusions: string[]
  federatedAppIds: string[]
  parent: string
  defaultRoles: string[]
  roleInheritance: '' | 'none' | 'userOnly'
  /** Tenant session settings (`tenant/settings`): every setting, defaults for those never sent. */
  settings: JsonObject
}

export interface RoleRecord {
  id: string
  name: string
  description: string
  permissionNames: string[]
  createdTime: number
  tenantId: string
  default: boolean
  private: boolean
}

export interface PermissionRecord {
  id: string
  name: string
  description: string
  systemDefault: boolean
}

/** A flow stored in the v2 (exported) shape; v1 requests are converted on the way in and out. */
export interface FlowRecord {
  flowId: string
  metadata: JsonObject
  contents: JsonObject
  screens: Array<{screenId: string; interactions?: unknown[]; contents: JsonObject}>
  references: JsonObject
  version: number
  modifiedTime: number
}

/** The project theme in the v2 shape. */
export interface ThemeRecord {
  styles: JsonObject
  componentsVersion: string
  references: JsonObject
  version: number
}

export interface AuditRecord {
  ID: string
  projectId: string
  userId: string
  action: string
  /** Epoch milliseconds, kept as a number here and sent as a numeric string on the wire. */
  occurred: number
  device: string
  method: string
  geo: string
  remoteAddress: string
  externalIds: string[]
  tenants: string[]
  data: JsonObject
  type: string
  actorId: string
}

export interface ProjectState {
  id: string
  name: string
  /**
   * Management keys known in plain text in this process (given by options, a seed or the embedded
   * hook). Secrets: never logged, returned by the admin API or written to disk.
   */
  managementKeys: string[]
  /**
   * `sha256:<hex>` digests of every key accepted for this project; authentication checks these.
   * Only digests are persisted, so a project loaded from disk accepts its keys without storing them.
   */
  managementKeyDigests: string[]
  environment: string
  tags: string[]
  /** `project.json` of a snapshot: project-level settings kept as given. */
  settings: JsonObject
  tenants: Map<string, TenantRecord>
  roles: Map<string, RoleRecord>
  permissions: Map<string, PermissionRecord>
  flows: Map<string, FlowRecord>
  theme: ThemeRecord | undefined
  audits: AuditRecord[]
}

export type HttpMethod = 'DELETE' | 'GET' | 'POST' | 'PUT'

/** What a new project starts with; everything else starts empty. */
export interface NewProject {
  id: string
  name: string
  environment?: string
  tags?: string[]
  /** Plain-text keys (hashed for authentication). */
  managementKeys?: string[]
  /** Digests of keys accepted as well, e.g. a clone accepting its source's keys. */
  managementKeyDigests?: string[]
}

/** All projects of the emulator, for routes that work across projects (list, clone, delete). */
export interface ProjectDirectory {
  list(): ProjectState[]
  get(id: string): ProjectState | undefined
  /** Creates and persists an empty project; throws alreadyExists for a taken id. */
  create(project: NewProject): ProjectState
  delete(id: string): boolean
}

/** Fields of an audit record a handler may set besides action, data and tenants. */
export type AuditFields = Partial<Pick<AuditRecord, 'actorId' | 'type' | 'userId'>>

/** What a route handler receives. The body of an empty request is `{}`. */
export interface RouteContext {
  project: ProjectState
  body: JsonObject
  query: URLSearchParams
  /** Current time in ms; handlers use this, not Date.now(), so tests can control time. */
  now: number
  /**
   * Records an audit entry. A mutation route that never calls this gets one automatic entry from
   * the server (action from the path, e.g. `tenant.create`); calling it replaces that entry.
   */
  audit(action: string, data?: JsonObject, tenants?: string[], fields?: AuditFields): void
  projects: ProjectDirectory
  /** Behaviours where Descope's is not documented, as the emulator is set to show them. */
  behaviour: Behaviour
}

/**
 * A route: the handler returns the JSON body of a 200 response, or throws an EmulatorError.
 * `mutation: true` marks routes that change state (persisted and counted as writes).
 */
export interface RouteDefinition {
  method: HttpMethod
  path: string
  mutation?: boolean
  handler(context: RouteContext): unknown
}
