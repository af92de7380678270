/**
 * What every lock of descope-mgmt looks like from the outside, whatever keeps it: a file today
 * (src/lib/lock/file-lock.ts), a shared server such as Redis when several machines coordinate.
 */

/** Who holds a lock: shown to a refused process, so a person can tell whether it is still running. */
export interface LockHolder {
  pid: number
  /** ISO 8601. */
  startedAt: string
  host: string
  /** What holds the lock: `descope-mgmt apply -e staging`. */
  command: string
  /** Random, so a process only ever removes its own lock. */
  token: string
}

/** A lock held by this process until `release`. */
export interface HeldLock {
  readonly holder: LockHolder
  /** Where the lock lives (a file path, a key), for messages. */
  readonly location: string
  readonly isReleased: boolean
  /**
   * Set once this process can no longer be sure it holds the lock (a lock on a server whose
   * renewal failed); a holder must then stop writing. A file lock is never lost.
   */
  readonly lost?: LockLostError
  /** Gives the lock up if it is still this process's. Safe to call more than once. */
  release(): Promise<void>
}

export interface LockRequest {
  /** What the lock protects; one name, one holder at a time. */
  name: string
  command: string
  /** How long to keep trying while a live holder has it before giving up (default 0: at once). */
  waitMs?: number
  /** Called once, when the lock is busy and the request starts waiting for `holder`. */
  onWait?(holder: LockHolder | undefined): void
}

/** A kind of lock (files, a server): acquires a lock or throws a LockBusyError naming the holder. */
export interface Locker<Lock extends HeldLock = HeldLock> {
  acquire(request: LockRequest): Promise<Lock>
}

export interface LockBusyDetails {
  /** The lock is shared by several machines: a refusal always names the holder's host. */
  shared?: boolean
  /** How the lock frees itself or can be freed, for the refused user. */
  howToFree?: string
}

/** The lock is held by another live process. */
export class LockBusyError extends Error {
  constructor(
    readonly location: string,
    /** Undefined when the holder is still writing its lock. */
    readonly holder: LockHolder | undefined,
    /** Whether the holder runs on this host. */
    readonly local: boolean,
    readonly details: LockBusyDetails = {},
  ) {
    super(`${location} is locked${holder ? ` by pid ${holder.pid} on ${holder.host} since ${holder.startedAt}` : ''}`)
    this.name = 'LockBusyError'
  }
}

/** A held lock can no longer be vouched for (its renewal failed, or its key holds another token). */
export class LockLostError extends Error {
  constructor(
    readonly location: string,
    /** Why, in a sentence fragment: `the coordination Redis at … is unavailable: …`. */
    readonly reason: string,
  ) {
    super(`Lost the project lock (${location}): ${reason}`)
    this.name = 'LockLostError'
  }
}
