/**
 * The rate budget of the processes of one machine: a small JSON file per API host (the grant
 * times still inside the window, and the end of the last backoff), read and rewritten under a lock
 * on every reservation. proper-lockfile holds the short lock (a directory, judged stale by its
 * mtime, which suits a lock held for milliseconds); write-file-atomic replaces the file whole, so a
 * reader never sees half of it. The state is not precious: a corrupt or unreadable file starts
 * afresh with one warning, and a folder that cannot be written leaves each process to its own
 * in-process limiter (one warning), never failing the command.
 */
import {mkdir, readFile} from 'node:fs/promises'
import path from 'node:path'
import lockfile from 'proper-lockfile'
import writeFileAtomic from 'write-file-atomic'

import {
  type BudgetLimits, pausedLog, type Reservation, type SharedBudget,
} from './budget.js'

/** A lock older than this (not refreshed) belongs to a process that died while holding it. */
const STALE_LOCK_MS = 5000
const LOCK_RETRIES = {
  factor: 1.5, maxTimeout: 50, minTimeout: 2, retries: 200,
}

interface BudgetState {
  /** Grant times (epoch ms), ascending; may lie ahead after a backoff. */
  grants: number[]
  /** End of the last backoff (epoch ms); 0 when none. */
  pausedUntil: number
}

export interface FileBudgetOptions {
  file: string
  warn(message: string): void
  now?: () => number
}

function isTime(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value)
}

function parseState(text: string): BudgetState {
  const data = JSON.parse(text) as null | Partial<BudgetState>
  if (!data || typeof data !== 'object' || !Array.isArray(data.grants) || !data.grants.every(time => isTime(time)) || !isTime(data.pausedUntil)) {
    throw new SyntaxError('unexpected content')
  }

  return {grants: [...data.grants].sort((a, b) => a - b), pausedUntil: data.pausedUntil}
}

export class FileBudget implements SharedBudget {
  readonly description: string
  private readonly file: string
  private readonly now: () => number
  private readonly warn: (message: string) => void
  /** Set once the folder proved unwritable: from then on the in-process limiter alone applies. */
  private disabled = false
  private warnedCorrupt = false

  constructor(options: FileBudgetOptions) {
    this.file = options.file
    this.now = options.now ?? Date.now
    this.warn = options.warn
    this.description = `this machine (${options.file})`
  }

  /** The state file of one budget (see `budgetName`) in the coordination folder. */
  static fileFor(stateDir: string, name: string): string {
    return path.join(stateDir, `budget-${name}.json`)
  }

  async close(): Promise<void> {}

  async pause(waitMs: number, limits: BudgetLimits): Promise<void> {
    await this.update(state => {
      const resumeAt = this.now() + Math.max(0, waitMs)
      if (resumeAt <= state.pausedUntil) return false
      state.grants = pausedLog(resumeAt, limits)
      state.pausedUntil = resumeAt
      return true
    })
  }

  async reserve(limits: BudgetLimits): Promise<Reservation> {
    let reservation: Reservation = {granted: true}
    await this.update(state => {
      const now = this.now()
      const span = limits.windowMs + limits.guardMs
      state.grants = state.grants.filter(time => time > now - span)
      if (state.grants.length < limits.requests) {
        state.grants.push(now)
        reservation = {granted: true}
        return true
      }

      const freeAt = state.grants[state.grants.length - limits.requests] + span
      reservation = {granted: false, reason: now < state.pausedUntil ? 'backoff' : 'window', waitMs: Math.max(1, Math.ceil(freeAt - now))}
      return false
    })
    return reservation
  }

  private async read(): Promise<BudgetState> {
    let text: string
    try {
      text = await readFile(this.file, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {grants: [], pausedUntil: 0}
      throw error
    }

    try {
      return parseState(text)
    } catch {
      if (!this.warnedCorrupt) {
        this.warnedCorrupt = true
        this.warn(`the rate budget file ${this.file} was unreadable; it starts afresh.`)
      }

      return {grants: [], pausedUntil: 0}
    }
  }

  /** Reads the state under the lock, lets `change` edit it, and writes it back when it says so. */
  private async update(change: (state: BudgetState) => boolean): Promise<void> {
    if (this.disabled) {
      change({grants: [], pausedUntil: 0})
      return
    }

    let release: (() => Promise<void>) | undefined
    try {
      await mkdir(path.dirname(this.file), {mode: 0o700, recursive: true})
      release = await lockfile.lock(this.file, {
        // proper-lockfile throws from a timer when the lock, held past its refresh, was taken as
        // stale by another process (a machine too busy to refresh it): that would end the command
        // from nowhere. One reservation may have been counted without the lock; say so and go on.
        onCompromised: error => this.warn(`the lock of the rate budget file ${this.file} was lost while held (${error.message}); one request may have been counted twice or not at all.`),
        realpath: false,
        retries: LOCK_RETRIES,
        stale: STALE_LOCK_MS,
      })
      const state = await this.read()
      if (change(state)) await writeFileAtomic(this.file, JSON.stringify(state), {fsync: false, mode: 0o600})
    } catch (error) {
      this.disabled = true
      this.warn(`the rate budget file ${this.file} cannot be used (${(error as Error).message}); this process keeps to the rate limit on its own.`)
      change({grants: [], pausedUntil: 0})
    } finally {
      await release?.().catch(() => {})
    }
  }
}
