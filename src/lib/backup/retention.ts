/** Retention after a successful apply: old backups go, the newest of each project always stay. */
import {MINIMUM_KEEP, pruneBackups, type PruneResult} from './store.js'

export const DEFAULT_RETENTION_DAYS = 30

export interface RetentionOptions {
  /** The backup root (see resolveBackupRoot). */
  dir: string
  projectId: string
  /** `backupRetentionDays` of the configuration; default 30. */
  retentionDays?: number
  now?: Date
}

export interface RetentionResult extends Partial<PruneResult> {
  /** Set when pruning failed; the apply itself succeeded, so this is a warning to print, never a failure. */
  warning?: string
}

/**
 * Deletes the backups of the project older than `retentionDays`, keeping the newest 5 always.
 * Never throws: a failure here must not turn a successful apply into a failed one.
 */
export async function pruneAfterApply(options: RetentionOptions): Promise<RetentionResult> {
  try {
    return await pruneBackups({
      dir: options.dir,
      minimumKeep: MINIMUM_KEEP,
      now: options.now,
      olderThanDays: options.retentionDays ?? DEFAULT_RETENTION_DAYS,
      projectId: options.projectId,
    })
  } catch (error) {
    return {warning: `Old backups were not pruned: ${(error as Error).message}`}
  }
}
