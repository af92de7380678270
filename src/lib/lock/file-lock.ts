/**
 * A lock as a file holding its holder (pid, host, command, start), for the project lock of
 * apply and the lock of the cache file. Written by hand rather than with proper-lockfile: that
 * one keeps a directory and judges staleness by mtime only, while here a dead holder (its pid)
 * is taken over at once and a refused process is told who holds the lock.
 *
 * Created atomically with `open(path, 'wx')`. A lock whose owner is gone (same host and the pid
 * is dead, or the lock predates the last boot; another host and older than `staleAfterMs`) is
 * taken over. The takeover is serialised by a marker file named after the stale lock's content,
 * also created with `wx`: only the process that creates the marker may move that stale lock
 * aside (rename), and it first checks that the file still holds the same stale content. So two
 * processes that both find the same stale lock cannot both take it: one moves it, and both then
 * race for a fresh `wx` create, which exactly one wins.
 */
import {createHash, randomUUID} from 'node:crypto'
import {readFileSync, unlinkSync} from 'node:fs'
import {
  mkdir, open, readFile, rename, stat, unlink,
} from 'node:fs/promises'
import {hostname, uptime} from 'node:os'
import path from 'node:path'
import {setTimeout as sleep} from 'node:timers/promises'

import {
  type HeldLock, LockBusyError, type Locker, type LockHolder, type LockRequest,
} from './types.js'

/** A lock on another host is considered abandoned after this long (its pid cannot be checked). */
export const DEFAULT_STALE_AFTER_MS = 6 * 60 * 60 * 1000

/** A lock file with no parsable content younger than this is being written by its owner. */
const BEING_WRITTEN_MS = 10_000
/** A takeover marker older than this belongs to a process that died during a takeover. */
const STALE_MARKER_MS = 30_000
const RETRY_DELAY_MS = 20
/** Waiting for a live holder (--lock-wait) checks again at most this often once the first checks failed. */
const MAX_WAIT_POLL_MS = 500
const MAX_ATTEMPTS = 200

export interface FileLockOptions {
  /** The lock file. */
  file: string
  /** What holds the lock, shown to a refused process: `descope-mgmt apply -e staging`. */
  command: string
  /** How long to keep trying while a live holder has the lock (default 0: refuse at once). */
  waitMs?: number
  /** Called once, when a live holder has the lock and this process starts waiting for it. */
  onWait?(holder: LockHolder): void
  staleAfterMs?: number
  /** Release on SIGINT/SIGTERM when nothing else handles them (default true). */
  handleSignals?: boolean
  /** Tests: clock, host name and liveness check. */
  now?: () => number
  host?: string
  isAlive?: (pid: number) => boolean
}

/** Whether a process exists: signal 0 checks without sending anything (EPERM: exists, not ours). */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH'
  }
}

function parseLock(text: string): LockHolder | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockHolder>
    if (typeof value.pid === 'number' && typeof value.startedAt === 'string' && typeof value.host === 'string') {
      return {command: '', token: '', ...value} as LockHolder
    }
  } catch {
    // Not (yet) JSON.
  }

  return undefined
}

async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
}

async function ageMs(file: string, now: number): Promise<number | undefined> {
  try {
    return now - (await stat(file)).mtimeMs
  } catch {
    return undefined
  }
}

/** A lock file held by this process until `release` (also released on exit). */
export class FileLock implements HeldLock {
  private released = false
  private readonly listeners: Array<[NodeJS.Signals | 'exit', (...args: unknown[]) => void]> = []

  constructor(
    readonly file: string,
    readonly holder: LockHolder,
    handleSignals: boolean,
  ) {
    this.listen('exit', () => this.releaseSync())
    if (handleSignals) {
      for (const signal of ['SIGINT', 'SIGTERM'] as const) {
        const onSignal = () => {
          // Someone else (the apply command) handles the signal: it stops gracefully and releases
          // in its `finally`; the exit handler covers the rest. Alone, we restore the default: die.
          if (process.listenerCount(signal) > 1) return
          this.releaseSync()
          process.kill(process.pid, signal)
        }

        this.listen(signal, onSignal)
      }
    }
  }

  get location(): string {
    return this.file
  }

  get isReleased(): boolean {
    return this.released
  }

  /** Removes the lock file if it is still ours. Safe to call more than once. */
  async release(): Promise<void> {
    if (this.released) return
    this.released = true
    this.unlisten()
    const text = await readIfExists(this.file)
    if (text !== undefined && parseLock(text)?.token === this.holder.token) await unlink(this.file).catch(() => {})
  }

  /** Synchronous release for the exit handler. */
  releaseSync(): void {
    if (this.released) return
    this.released = true
    this.unlisten()
    try {
      if (parseLock(readFileSync(this.file, 'utf8'))?.token === this.holder.token) unlinkSync(this.file)
    } catch {
      // Gone already.
    }
  }

  private listen(event: NodeJS.Signals | 'exit', listener: (...args: unknown[]) => void): void {
    process.on(event as NodeJS.Signals, listener)
    this.listeners.push([event, listener])
  }

  private unlisten(): void {
    for (const [event, listener] of this.listeners.splice(0)) process.removeListener(event as NodeJS.Signals, listener)
  }
}

/**
 * Takes the lock file or throws a LockBusyError naming the holder. A stale lock is taken over
 * (see the module comment); the caller must `release()` (also done on exit and on an unhandled
 * SIGINT/SIGTERM).
 */
export async function acquireFileLock(options: FileLockOptions): Promise<FileLock> {
  const {file} = options
  const now = options.now ?? Date.now
  const host = options.host ?? hostname()
  const isAlive = options.isAlive ?? isProcessAlive
  const staleAfterMs = options.staleAfterMs ?? DEFAULT_STALE_AFTER_MS
  const deadline = now() + (options.waitMs ?? 0)
  await mkdir(path.dirname(file), {mode: 0o700, recursive: true})

  const holder: LockHolder = {
    command: options.command, host, pid: process.pid, startedAt: new Date(now()).toISOString(), token: randomUUID(),
  }
  const isStale = (other: LockHolder): boolean => {
    const startedAt = Date.parse(other.startedAt)
    if (other.host === host) {
      if (!isAlive(other.pid)) return true
      // Started before the last boot: the pid now belongs to someone else.
      const bootedAt = now() - (uptime() * 1000)
      return Number.isFinite(startedAt) && startedAt < bootedAt - 60_000
    }

    return !Number.isFinite(startedAt) || now() - startedAt > staleAfterMs
  }

  let waitDelayMs = RETRY_DELAY_MS
  let waiting = false
  for (let attempt = 0; attempt < MAX_ATTEMPTS || now() < deadline; attempt++) {
    if (await tryCreate(file, holder)) return new FileLock(file, holder, options.handleSignals ?? true)

    const text = await readIfExists(file)
    if (text === undefined) continue
    const other = parseLock(text)
    if (!other) {
      const age = await ageMs(file, now())
      if (age === undefined) continue
      if (age < Math.min(BEING_WRITTEN_MS, staleAfterMs)) {
        await sleep(RETRY_DELAY_MS)
        continue
      }
    } else if (!isStale(other)) {
      if (now() >= deadline) throw new LockBusyError(file, other, other.host === host)
      if (!waiting) options.onWait?.(other)
      waiting = true
      await sleep(Math.max(1, Math.min(waitDelayMs, deadline - now())))
      waitDelayMs = Math.min(waitDelayMs * 2, MAX_WAIT_POLL_MS)
      // The lock, once taken, says since when it is held, not since when it was asked for.
      holder.startedAt = new Date(now()).toISOString()
      continue
    }

    await takeOver(file, text, now())
  }

  const other = parseLock((await readIfExists(file)) ?? '')
  throw new LockBusyError(file, other, other?.host === host)
}

/** Lock files in one folder, one per lock name. */
export function fileLocker(folder: string, options: Omit<FileLockOptions, 'command' | 'file' | 'waitMs'> = {}): Locker<FileLock> {
  return {
    acquire: (request: LockRequest) => acquireFileLock({
      ...options, command: request.command, file: path.join(folder, `${request.name}.lock`), onWait: request.onWait, waitMs: request.waitMs,
    }),
  }
}

/** Creates the lock file with `wx`; false when it exists. */
async function tryCreate(file: string, holder: LockHolder): Promise<boolean> {
  let handle
  try {
    handle = await open(file, 'wx', 0o600)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw error
  }

  try {
    await handle.writeFile(`${JSON.stringify(holder)}\n`)
    await handle.sync()
  } catch (error) {
    // Full disk: a lock file without its content would hold off the next process; remove it.
    await handle.close().catch(() => {})
    await unlink(file).catch(() => {})
    throw error
  }

  await handle.close()
  return true
}

/** Moves a stale lock aside, if this process wins the takeover of that exact stale content. */
async function takeOver(file: string, staleText: string, now: number): Promise<void> {
  const marker = `${file}.takeover-${createHash('sha256').update(staleText).digest('hex').slice(0, 16)}`
  let handle
  try {
    handle = await open(marker, 'wx', 0o600)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    // Someone else is taking it over; a marker left by a process that died mid-takeover expires.
    const age = await ageMs(marker, now)
    if (age !== undefined && age > STALE_MARKER_MS) await unlink(marker).catch(() => {})
    await sleep(RETRY_DELAY_MS)
    return
  }

  try {
    await handle.close()
    if ((await readIfExists(file)) === staleText) {
      const aside = `${file}.stale-${randomUUID().slice(0, 8)}`
      await rename(file, aside)
      await unlink(aside).catch(() => {})
    }
  } finally {
    await unlink(marker).catch(() => {})
  }
}
