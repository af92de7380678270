import type {PathSegment} from '../path.js'

/** What a cross-field check can report and look up. */
export interface CheckContext {
  /** An error: the configuration cannot be used as it is. */
  error(path: readonly PathSegment[], message: string, hint?: string): void
  /** A warning: the configuration works, but probably not as intended. */
  warn(path: readonly PathSegment[], message: string, hint?: string): void
  /** Line of a field, for messages such as "first declared at line 4"; undefined without positions. */
  lineOf(path: readonly PathSegment[]): number | undefined
  /** Tenant ids that exist in the live project; undefined unless validating against one. */
  existingTenantIds?: ReadonlySet<string>
  /** Permission names that exist in the live project; undefined unless validating against one. */
  existingPermissionNames?: ReadonlySet<string>
  /** Folder of the configuration file (files named in it are relative to it); undefined for a value without a file. */
  configDir?: string
}

/**
 * One kind of resource of the configuration (tenants, permissions, roles; later flows, theme):
 * its top-level key, its zod schema, and the checks that span several fields.
 */
export interface ResourceModule<Key extends string = string, Schema = unknown> {
  key: Key
  /** Plural noun for summaries: "3 tenants". */
  noun: string
  schema: Schema
  /**
   * Checks across fields and entries (uniqueness, references). Runs on the raw value even when the
   * schema failed, so that every problem is reported at once: read it defensively.
   */
  check(raw: Record<string, unknown>, context: CheckContext): void
  /** How many entries the (valid) section has. */
  count(raw: Record<string, unknown>): number
}

/** Keeps the literal key type of a resource module. */
export function defineResource<Key extends string, Schema>(module: ResourceModule<Key, Schema>): ResourceModule<Key, Schema> {
  return module
}
