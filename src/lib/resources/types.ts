/**
 * The one resource model: each kind (tenants, permissions, roles; later flows and the theme) is
 * described once, and plan, apply, drift, compare, backup, restore and init all work through it.
 */
import type {DescopeClient} from '../api/types.js'
import type {DescopeConfig} from '../config/schema.js'

export type ResourceKindName = 'flow' | 'permission' | 'role' | 'tenant' | 'theme'

/** Comparable managed fields of one resource, in wire field names. */
export type ResourceFields = Record<string, unknown>

/** Options of one write that are not fields of the resource (a tenant delete's `cascade`). */
export type WriteOptions = Record<string, unknown>

/** One resource as the engine sees it: its identity and its fields. */
export interface ResourceItem {
  kind: ResourceKindName
  /** Identity within the kind: tenant id, permission name, `role name` or `tenantId/role name`, flow id. */
  key: string
  fields: ResourceFields
}

export interface ResourceKind {
  name: ResourceKindName
  /** Plural, also the config key and the `--only` value: `tenants`. */
  plural: string
  /**
   * Order of writes: lower phases are created and updated first, and deleted last.
   * Permissions (0), then tenants (1), then roles (2): a role needs its permissions, and a tenant
   * role its tenant. Flows and theme later.
   */
  phase: number
  /** Desired items from the configuration; only the fields the configuration sets are managed. */
  desired(config: DescopeConfig, context?: {configDir?: string}): ResourceItem[]
  /** Every live item with all its comparable fields. */
  readLive(client: DescopeClient): Promise<ResourceItem[]>
  /** Default values, so a live field that is absent compares equal to the API default. */
  defaults: ResourceFields
  /**
   * Keys of items of any kind this one needs to exist first, as `kind:key`
   * (a role needs its permissions; a sub-tenant its parent).
   */
  dependsOn(item: ResourceItem): string[]
  /** Resolves to the key Descope chose when `desired.key` is empty and the API generates one. */
  create(client: DescopeClient, desired: ResourceItem): Promise<string | void>
  /** `live` is the full live item: updates replace every field, so unmanaged fields come from it. */
  update(client: DescopeClient, desired: ResourceItem, live: ResourceItem): Promise<void>
  delete(client: DescopeClient, live: ResourceItem, options?: WriteOptions): Promise<void>
  /** Fields that cannot change after creation: a change there is a delete and a create. */
  immutable?: string[]
  /** A singleton every project has (the theme): replaced, never deleted, so never pruned. */
  singleton?: boolean
}

export function qualifiedId(item: Pick<ResourceItem, 'key' | 'kind'>): string {
  return `${item.kind}:${item.key}`
}
