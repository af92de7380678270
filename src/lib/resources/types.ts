/**
 * The one resource model: each kind (tenants, permissions, roles, flows, the theme) is defined once,
 * in its module in this folder, with `defineKind`; plan, apply, drift, compare, backup, restore,
 * init and the configuration schema all work through those definitions (see ./index.ts).
 */
import type {z} from 'zod'

import type {DescopeClient} from '../api/types.js'
import type {CheckContext} from '../config/resources/types.js'

/**
 * The names of the kinds. Each kind's module adds its own (`declare module './types.js'`), so a new
 * kind needs no edit here.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by declaration merging
export interface ResourceKindNames {}
export type ResourceKindName = keyof ResourceKindNames & string

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
  /**
   * Live fields the tool does not manage but sends back on an update, since Descope's updates
   * replace every field (the kind's `passthroughFields`). Kept in backups, never compared: plans,
   * drift and fingerprints look at `fields` only.
   */
  passthrough?: ResourceFields
}

/** The validated configuration, by top-level section (`tenants`, `roles`, ...). */
export type ConfigSections = Readonly<Record<string, unknown>>

export interface ResourceKind {
  name: ResourceKindName
  /** Plural, also the `--only` value and the backup's name of the kind: `tenants`. */
  plural: string
  /** Top-level key of the configuration the kind is declared under; the plural when absent. */
  configKey?: string
  /**
   * Order of writes: lower phases are created and updated first, and deleted last.
   * Permissions (0), then tenants (1), then roles (2): a role needs its permissions, and a tenant
   * role its tenant. Flows and theme later.
   */
  phase: number
  /** Desired items from the configuration; only the fields the configuration sets are managed. */
  desired(config: ConfigSections, context?: {configDir?: string}): ResourceItem[]
  /** Whether the configuration manages this kind at all (default: its section is present). */
  configured?(config: ConfigSections): boolean
  /**
   * Every live item with all its comparable fields. With `keep`, each item is shown to it as soon as
   * it is read, in order, and left out of the result when it answers false (a plan keeps only what
   * it may change, see plan/compute.ts); a kind may also ignore `keep` and return every item.
   */
  readLive(client: DescopeClient, keep?: (item: ResourceItem) => boolean): Promise<ResourceItem[]>
  /** Default values, so a live field that is absent compares equal to the API default. */
  defaults: ResourceFields
  /**
   * Keys of items of any kind this one needs to exist first, as `kind:key`
   * (a role needs its permissions; a sub-tenant its parent).
   */
  dependsOn(item: ResourceItem): string[]
  /** Resolves to the key Descope chose when `desired.key` is empty and the API generates one. */
  create(client: DescopeClient, desired: ResourceItem): Promise<string | void>
  /**
   * `live` is the full live item, read under the lock: updates replace every field, so its
   * `passthrough` and managed fields are sent with the desired ones (see `updateFields`).
   */
  update(client: DescopeClient, desired: ResourceItem, live: ResourceItem): Promise<void>
  delete(client: DescopeClient, live: ResourceItem, options?: WriteOptions): Promise<void>
  /** Fields that cannot change after creation: a change there is a delete and a create. */
  immutable?: string[]
  /** A singleton every project has (the theme): replaced, never deleted, so never pruned. */
  singleton?: boolean
  /**
   * Items that exist with `defaults` as soon as what they belong to exists (a tenant's settings):
   * a desired item equal to the defaults needs no create.
   */
  implicit?: boolean
  /**
   * Items that are never deleted on their own (they go with what they belong to): never pruned,
   * never reported as unmanaged; `delete` refuses.
   */
  undeletable?: boolean
  /**
   * Descope's own items of this kind, present in every new project (the Tenant Admin role, the
   * default flows): kept by prune and restore unless the desired state names them.
   */
  builtIn?(item: Pick<ResourceItem, 'fields' | 'key'>): boolean
}

/** A file of a backup before it is written, or after it is read and parsed. */
export interface BackupFile {
  /** Path relative to the backup folder, '/'-separated; may contain one folder (`flows/login.json`). */
  path: string
  /** Any JSON value. */
  content: unknown
}

/** How a kind is laid out in a backup. */
export interface KindFiles {
  /** The files holding these items. Must return at least one file, even for no items, so an empty kind is recorded. */
  toFiles(items: ResourceItem[], plural: string): BackupFile[]
  /**
   * The items back from the files metadata.json lists for this kind. Throws with a readable message
   * when the content is not what it should be (a BackupFileContentError when it is one file of several).
   */
  fromFiles(files: BackupFile[], plural: string): ResourceItem[]
}

/** A file `init --from-live` writes beside the configuration (flows, the theme). */
export interface LiveFile {
  /** Relative to the folder of the configuration. */
  path: string
  text: string
}

/** How a kind shows in plans, progress, tables and messages. */
export interface KindLabels {
  /** `tenant`, `tenant settings`. */
  singular: string
  /** `tenants`, `the theme`. */
  plural: string
  /** Heading of the kind's block in a plan: `Tenants`. */
  title: string
}

/** The configuration side of a kind: its section, schema and the checks that span several fields. */
export interface KindConfig<Key extends string = string, Schema extends undefined | z.ZodType = undefined | z.ZodType> {
  /** Top-level key; several kinds may share one (tenant settings live in `tenants`). */
  key: Key
  /** The section's schema; undefined for a kind declared inside another kind's section (it extends that schema). */
  schema: Schema
  /**
   * Checks across fields and entries (uniqueness, references). Runs on the raw value even when the
   * schema failed, so that every problem is reported at once: read it defensively.
   */
  check?(raw: Record<string, unknown>, context: CheckContext): void
  /**
   * For a kind declared inside the entries of another kind's section (a tenant's `settings`): the
   * fields it adds to each entry.
   */
  entryFields?: Record<string, z.ZodType>
  /** For the kind owning a section of entries: the section's schema with other kinds' entry fields added. */
  withEntryFields?(fields: Record<string, z.ZodType>): z.ZodType
  /** How many entries the (valid) section has; only for the kind owning the section. */
  count?(raw: Record<string, unknown>): number
}

/** Everything about one resource kind, in one place. */
export interface KindDefinition<Key extends string = string, Schema extends undefined | z.ZodType = undefined | z.ZodType> extends ResourceKind {
  configKey: string
  config: KindConfig<Key, Schema>
  labels: KindLabels
  /** The fields the kind manages (compared, written from the configuration), in wire names and file order. */
  managedFields: readonly string[]
  /**
   * Live fields the tool does not manage but must send back on an update, since Descope's updates
   * replace every field (a tenant's `federatedAppIds`, `authType`, ...).
   */
  passthroughFields: readonly string[]
  /** Descope's built-ins of this kind: never pruned nor written by init; managed only when the configuration names them. */
  builtIn(item: Pick<ResourceItem, 'fields' | 'key'>): boolean
  /** Backup layout; one `<plural>.json` file unless the kind has its own. */
  backup: KindFiles
  /**
   * `init --from-live`: adds the kind's live items to the configuration object being written
   * (its section, or fields of another kind's entries), and returns files to write beside it.
   */
  toConfig?(items: ResourceItem[], config: Record<string, unknown>): LiveFile[] | Promise<LiveFile[]>
}

export function qualifiedId(item: Pick<ResourceItem, 'key' | 'kind'>): string {
  return `${item.kind}:${item.key}`
}
