/**
 * One lock per project, so two applies never write to the same project at once. The lock itself
 * is a `Locker` (src/lib/lock): a key on the coordination Redis when one is configured (every
 * machine that names it), else a lock file under the data folder (this machine).
 */
import path from 'node:path'

import type {CoordinationSettings} from '../coordination/settings.js'

import {parseDuration} from '../cache/settings.js'
import {CliError, ExitCode, InputError} from '../errors.js'
import {type FileLock, fileLocker, type FileLockOptions} from '../lock/file-lock.js'
import {redisLocker} from '../lock/redis-lock.js'
import {
  type HeldLock, type LockBusyDetails, LockBusyError, type Locker, type LockHolder,
} from '../lock/types.js'
import {formatDuration} from '../ui/eta.js'
import {safeFileName} from './journal.js'

export {DEFAULT_STALE_AFTER_MS, isProcessAlive} from '../lock/file-lock.js'
export type {FileLock as ProjectLock} from '../lock/file-lock.js'
export type {LockHolder as LockInfo} from '../lock/types.js'

export interface AcquireLockOptions extends Pick<FileLockOptions, 'handleSignals' | 'host' | 'isAlive' | 'now' | 'staleAfterMs'> {
  dataDir: string
  projectId: string
  /** What holds the lock, shown to a refused second process: `descope-mgmt apply -e staging`. */
  command: string
  /** Where processes coordinate: `redis` takes the lock on that Redis; otherwise a lock file. */
  coordination?: Pick<CoordinationSettings, 'kind' | 'lockTtlMs' | 'url'>
  /** --lock-wait: how long to wait for a live holder before refusing (default 0: refuse at once). */
  waitMs?: number
  /** Told once, when the lock is busy and the wait begins: a line naming the holder. */
  onWait?(line: string): void
}

/** The longest --lock-wait: a week; longer is almost certainly a typo (5000m for 5000s). */
const MAX_LOCK_WAIT_MS = 7 * 24 * 60 * 60 * 1000

/** `--lock-wait 30s` → milliseconds; undefined stays undefined (refuse at once). */
export function parseLockWait(value?: string): number | undefined {
  if (value === undefined) return undefined
  const hint = 'Give how long to wait for another run holding the project lock: seconds (90) or a number with a unit (30s, 5m, 1h); 0 refuses at once.'
  let waitMs: number
  try {
    waitMs = parseDuration(value, '--lock-wait')
  } catch {
    throw new InputError(`--lock-wait "${value}" is not a duration.`, {hint})
  }

  if (waitMs > MAX_LOCK_WAIT_MS) throw new InputError(`--lock-wait "${value}" is longer than a week.`, {hint})
  return waitMs
}

function describeHolder(holder: LockHolder | undefined, showHost: boolean): string {
  return holder
    ? `pid ${holder.pid}${showHost ? ` on ${holder.host}` : ''}, started ${holder.startedAt}${holder.command ? ` (${holder.command})` : ''}`
    : 'a process that is still writing its lock file'
}

export function lockFile(dataDir: string, projectId: string): string {
  return path.join(dataDir, 'locks', `${safeFileName(projectId)}.lock`)
}

/** Another apply holds the lock of the project. Exit 1: nothing is wrong with the input, try later. */
export class LockedError extends CliError {
  readonly holder?: LockHolder

  constructor(location: string, projectId: string, holder: LockHolder | undefined, local: boolean, details: LockBusyDetails & {waitedMs?: number} = {}) {
    const who = describeHolder(holder, !local || details.shared === true)
    const waited = details.waitedMs ? ` Gave up after waiting ${formatDuration(details.waitedMs)} (--lock-wait).` : ''
    super(`Another apply is already running for project ${projectId}: ${who}.${waited}`, {
      code: 'locked',
      exitCode: ExitCode.Unexpected,
      hint: details.howToFree
        ? `Wait for it to finish, or run with --lock-wait 5m to wait for it. ${details.howToFree}`
        : `Wait for it to finish, or run with --lock-wait 5m to wait for it. If it is not running any more, delete ${location} and try again.`,
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
 * taken over (a lock file at once, a Redis key once it expires). With `waitMs` a live holder is
 * waited for, `onWait` told once. The caller must `release()` (a lock file is also released on
 * exit). The lock is a key on the coordination Redis when `coordination.kind` is `redis`, else a
 * file under `dataDir/locks`, unless another `locker` is given.
 */
export async function acquireLock(options: AcquireLockOptions & {coordination?: undefined}): Promise<FileLock>
export async function acquireLock<Lock extends HeldLock>(options: AcquireLockOptions & {locker: Locker<Lock>}): Promise<Lock>
export async function acquireLock(options: AcquireLockOptions): Promise<HeldLock>
export async function acquireLock(options: AcquireLockOptions & {locker?: Locker}): Promise<HeldLock> {
  const {coordination, onWait, waitMs} = options
  const locker = options.locker ?? (coordination?.kind === 'redis' && coordination.url
    ? redisLocker({
      handleSignals: options.handleSignals, host: options.host, now: options.now, ttlMs: coordination.lockTtlMs, url: coordination.url,
    })
    : fileLocker(path.dirname(lockFile(options.dataDir, options.projectId)), {
      handleSignals: options.handleSignals, host: options.host, isAlive: options.isAlive, now: options.now, staleAfterMs: options.staleAfterMs,
    }))
  try {
    return await locker.acquire({
      command: options.command,
      name: safeFileName(options.projectId),
      onWait: onWait && (holder => onWait(`Waiting up to ${formatDuration(waitMs ?? 0)} for the lock of project ${options.projectId}, held by ${describeHolder(holder, true)}…`)),
      waitMs,
    })
  } catch (error) {
    if (error instanceof LockBusyError) throw new LockedError(error.location, options.projectId, error.holder, error.local, {...error.details, waitedMs: waitMs})
    throw error
  }
}
