/**
 * One lock per project, so two applies never write to the same project at once. The lock itself
 * is a `Locker` (src/lib/lock): a lock file under the data folder unless another is given.
 */
import path from 'node:path'

import {CliError, ExitCode} from '../errors.js'
import {type FileLock, fileLocker, type FileLockOptions} from '../lock/file-lock.js'
import {
  type HeldLock, LockBusyError, type Locker, type LockHolder,
} from '../lock/types.js'
import {safeFileName} from './journal.js'

export {DEFAULT_STALE_AFTER_MS, isProcessAlive} from '../lock/file-lock.js'
export type {FileLock as ProjectLock} from '../lock/file-lock.js'
export type {LockHolder as LockInfo} from '../lock/types.js'

export interface AcquireLockOptions extends Pick<FileLockOptions, 'handleSignals' | 'host' | 'isAlive' | 'now' | 'staleAfterMs'> {
  dataDir: string
  projectId: string
  /** What holds the lock, shown to a refused second process: `descope-mgmt apply -e staging`. */
  command: string
}

export function lockFile(dataDir: string, projectId: string): string {
  return path.join(dataDir, 'locks', `${safeFileName(projectId)}.lock`)
}

/** Another apply holds the lock of the project. Exit 1: nothing is wrong with the input, try later. */
export class LockedError extends CliError {
  readonly holder?: LockHolder

  constructor(location: string, projectId: string, holder: LockHolder | undefined, local: boolean) {
    const who = holder
      ? `pid ${holder.pid}${local ? '' : ` on ${holder.host}`}, started ${holder.startedAt}${holder.command ? ` (${holder.command})` : ''}`
      : 'a process that is still writing its lock file'
    super(`Another apply is already running for project ${projectId}: ${who}.`, {
      code: 'locked',
      exitCode: ExitCode.Unexpected,
      hint: `Wait for it to finish. If it is not running any more, delete ${location} and try again.`,
    })
    this.name = 'LockedError'
    this.holder = holder
  }

  override toJSON(): Record<string, unknown> {
    return {...super.toJSON(), holder: this.holder}
  }
}

/**
 * Takes the project's lock or throws a LockedError naming the holder; a dead holder's lock is
 * taken over. The caller must `release()` (a lock file is also released on exit). The lock is a
 * file under `dataDir/locks` unless another `locker` is given.
 */
export async function acquireLock(options: AcquireLockOptions): Promise<FileLock>
export async function acquireLock<Lock extends HeldLock>(options: AcquireLockOptions & {locker: Locker<Lock>}): Promise<Lock>
export async function acquireLock(options: AcquireLockOptions & {locker?: Locker}): Promise<HeldLock> {
  const locker = options.locker ?? fileLocker(path.dirname(lockFile(options.dataDir, options.projectId)), options)
  try {
    return await locker.acquire({command: options.command, name: safeFileName(options.projectId)})
  } catch (error) {
    if (error instanceof LockBusyError) throw new LockedError(error.location, options.projectId, error.holder, error.local)
    throw error
  }
}
