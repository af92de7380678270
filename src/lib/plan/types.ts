import type {ResourceFields, ResourceKindName, WriteOptions} from '../resources/types.js'
import type {FieldChange} from './diff.js'

export type ChangeAction = 'create' | 'delete' | 'update'

export interface Change {
  /** `kind:key`, unique in a plan. */
  id: string
  kind: ResourceKindName
  key: string
  action: ChangeAction
  /** Field-level differences (for a create: every managed field as added; for a delete: removed). */
  fields: FieldChange[]
  /** The desired managed fields (create, update). */
  desired?: ResourceFields
  /**
   * Unmanaged fields a create sends too (a restore puts back what the backup held). Updates take
   * theirs from the live item read under the lock, never from the plan.
   */
  passthrough?: ResourceFields
  /** The full live fields (update, delete). */
  live?: ResourceFields
  /** `kind:key` of the changes that must finish before this one starts. */
  after: string[]
  /** Phase of execution: all changes of a phase run (concurrently) before the next phase. */
  phase: number
  /** Options passed to the kind's write, e.g. `{cascade: true}` for a tenant delete. */
  writeOptions?: WriteOptions
}

/**
 * A change the plan will not make, and why: a protected resource, a live resource the
 * configuration does not declare (deleted only with --prune), or a field Descope cannot change.
 */
export interface SkippedChange {
  id: string
  kind: ResourceKindName
  key: string
  action: ChangeAction
  reason: 'immutable' | 'protected' | 'unmanaged'
  detail?: string
}

/** A live item Descope provides that the desired state does not name: kept, never deleted. */
export interface KeptBuiltIn {
  id: string
  kind: ResourceKindName
  key: string
}

export interface Plan {
  formatVersion: 1
  tool: string
  createdAt: string
  environment?: string
  projectId: string
  /** Resource kinds the plan covers (`--only`), as plurals. */
  resources: string[]
  prune: boolean
  /** sha256 of the live state the plan was computed from; apply refuses a plan whose live state moved. */
  fingerprint: string
  changes: Change[]
  skipped: SkippedChange[]
  /** Descope's own items (built-in roles, permissions, default flows) left alone; absent in older plan files. */
  builtIns?: KeptBuiltIn[]
  /**
   * `skipped`: protected or immutable; `unmanaged`: live resources kept because --prune is off;
   * `builtIn`: Descope's own items kept (absent in older plan files).
   */
  summary: {create: number; update: number; delete: number; skipped: number; unmanaged: number; builtIn?: number}
}
