/**
 * Shows an apply's progress: an observer of the run (src/lib/apply/hooks.ts) that feeds the
 * progress model (progress-model.ts) and writes what the pure renderer (progress-render.ts) draws.
 * - TerminalProgress repaints one frame in place on a terminal (log-update),
 * - PlainProgress writes one line per event for logs and CI (no terminal, or CI set),
 * - with --json there is no progress view at all.
 * The summary after the run is not drawn here: the apply report (apply-report.ts) prints it once.
 *
 * listr2 drew this view before; it is a task runner, and this view only needs a repaint of lines
 * it computes itself (listr2's own end-of-run render printed the tree a second time).
 */
import type {Writable} from 'node:stream'

import {createLogUpdate} from 'log-update'

import type {RateLimitView, RetryInfo, WaitReason} from '../api/types.js'
import type {ApplyObserver, RunStartInfo} from '../apply/hooks.js'
import type {FailedChange, SkippedExecution} from '../apply/result.js'
import type {Change, ChangeAction} from '../plan/types.js'
import type {RequestsPerAction} from './eta.js'

import {errorMessage, ProgressModel} from './progress-model.js'
import {
  eventLine, groupLine, headerLine, renderFrame, startLine,
} from './progress-render.js'

/** Minimal writable stream (process.stdout, a test buffer). */
export type OutputStream = Pick<Writable, 'write'> & {isTTY?: boolean; columns?: number; rows?: number}

export interface ProgressOptions {
  /** Named in the lines: `Applying 120 changes to staging`. */
  environment?: string
  /** The client's rate-limit view (`client.rateLimit`), for the ETA. */
  rateLimit?: RateLimitView
  requestsPerAction?: Readonly<RequestsPerAction>
  /** Where to write (default process.stdout). */
  stream?: OutputStream
  env?: NodeJS.ProcessEnv
  /** Colour; default from `colorEnabled`. */
  color?: boolean
  /** Tests: a clock in milliseconds. */
  now?: () => number
}

/** Whether to colour: never with NO_COLOR, always with FORCE_COLOR (not 0/false), else on a TTY. */
export function colorEnabled(stream: {isTTY?: boolean}, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false
  if (env.FORCE_COLOR !== undefined) return !['0', 'false'].includes(env.FORCE_COLOR)
  return stream.isTTY === true
}

/** `CI` set to anything but empty, 0 or false. */
export function isCi(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env.CI
  return value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false'
}

function countBy(changes: readonly Change[], skip: ReadonlySet<string>): Record<ChangeAction, number> {
  const counts: Record<ChangeAction, number> = {create: 0, delete: 0, update: 0}
  for (const change of changes) if (!skip.has(change.id)) counts[change.action]++
  return counts
}

/** What both views share: the model, fed by the run's events. */
export abstract class ProgressView implements ApplyObserver {
  readonly model: ProgressModel
  protected readonly stream: OutputStream
  protected readonly color: boolean

  constructor(protected readonly options: ProgressOptions = {}) {
    this.model = new ProgressModel({now: options.now, rateLimit: options.rateLimit, requestsPerAction: options.requestsPerAction})
    this.stream = options.stream ?? process.stdout
    this.color = options.color ?? colorEnabled(this.stream, options.env ?? process.env)
  }

  changeDone(change: Change, durationMs: number): void {
    this.model.done(change, durationMs)
    this.changed(change)
  }

  changeFailed(change: Change, failure: FailedChange): void {
    this.model.failed(change, errorMessage(failure.error))
    this.changed(change)
  }

  changeRetrying(change: Change, info: RetryInfo): void {
    this.model.retrying(change, info)
    this.changed(change)
  }

  changeSkipped(change: Change, skipped: SkippedExecution): void {
    this.model.skipped(change, `${skipped.reason} (${skipped.dependency})`)
    this.changed(change)
  }

  changeStarting(change: Change): void {
    this.model.started(change)
    this.changed(change)
  }

  changeWaiting(change: Change, waitMs: number, reason?: WaitReason): void {
    this.model.waiting(change, waitMs, reason)
    this.changed(change)
  }

  runFinished(): void {
    this.model.finish()
    this.ended()
  }

  runStarted(info: RunStartInfo): void {
    this.model.start({...info, environment: this.options.environment})
    this.began(info)
  }

  protected abstract began(info: RunStartInfo): void
  protected abstract changed(change: Change): void
  protected abstract ended(): void
}

export interface TerminalProgressOptions extends ProgressOptions {
  /** Repaint at least this often, for the elapsed time, the ETA and waits (default 1 s). */
  refreshMs?: number
}

/** One frame repainted in place; the last frame stays on the screen when the run ends. */
export class TerminalProgress extends ProgressView {
  private render?: ReturnType<typeof createLogUpdate>
  private timer?: NodeJS.Timeout
  private pending = false

  constructor(protected override readonly options: TerminalProgressOptions = {}) {
    super(options)
  }

  /** The current frame, fitted to the stream's size. */
  frame(): string[] {
    const width = this.stream.columns || 80
    const rows = this.stream.rows || 24
    // One row less than the screen: a frame as tall as the screen scrolls, and cannot be repainted.
    return renderFrame(this.model.snapshot(), {color: this.color, height: Math.max(3, rows - 1), width})
  }

  protected began(): void {
    this.render = createLogUpdate(this.stream as NodeJS.WritableStream, {showCursor: false})
    this.paint()
    this.timer = setInterval(() => this.paint(), this.options.refreshMs ?? 1000)
    this.timer.unref()
  }

  protected changed(): void {
    // Many events arrive together (a phase starts): one repaint for all of them.
    if (this.pending) return
    this.pending = true
    setImmediate(() => {
      this.pending = false
      this.paint()
    }).unref()
  }

  protected ended(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = undefined
    this.paint()
    this.render?.done()
    this.render = undefined
  }

  private paint(): void {
    this.render?.(this.frame().join('\n'))
  }
}

export interface PlainProgressOptions extends ProgressOptions {
  /** How often the progress lines are written; 0 turns them off (default 10 s). */
  intervalMs?: number
  /** Shorter rate-limit waits are not worth a line in a log (default 1 s). */
  minWaitMs?: number
}

/**
 * Lines for logs and CI: the start, each change that finishes, fails, is skipped, retried or held
 * by the rate limiter (`tenants: Creating acme ⚙️ retrying (attempt 2, HTTP 503)`), each group as
 * it completes, and every `intervalMs` the run's line and the running groups' lines.
 */
export class PlainProgress extends ProgressView {
  private timer?: NodeJS.Timeout
  private readonly groupsReported = new Set<string>()

  constructor(protected override readonly options: PlainProgressOptions = {}) {
    super(options)
  }

  /** Writes the progress lines now (also called by the timer). */
  tick(): void {
    const snapshot = this.model.snapshot()
    if (snapshot.settled >= snapshot.total) return
    this.line(headerLine(snapshot))
    for (const group of snapshot.groups) if (group.active) this.line(groupLine(group, {color: this.color}))
  }

  protected began(info: RunStartInfo): void {
    this.line(startLine(this.model.snapshot(), countBy(info.changes, new Set(info.alreadyDone))))
    const intervalMs = this.options.intervalMs ?? 10_000
    if (intervalMs > 0) {
      this.timer = setInterval(() => this.tick(), intervalMs)
      this.timer.unref()
    }
  }

  protected changed(change: Change): void {
    const group = this.model.groupFor(change)
    const item = this.model.itemFor(change)
    if (!group || !item) return
    const worthALine = item.state === 'waiting' ? (item.waitLeftMs ?? 0) >= (this.options.minWaitMs ?? 1000) : item.state !== 'running' && item.state !== 'queued'
    if (worthALine) this.line(eventLine(group, item, {color: this.color}))
    if (this.groupsReported.has(group.key)) return
    const snapshot = this.model.settledGroup(change)
    if (snapshot) {
      this.groupsReported.add(group.key)
      this.line(groupLine(snapshot, {color: this.color}))
    }
  }

  protected ended(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = undefined
  }

  private line(text: string): void {
    this.stream.write(`${text}\n`)
  }
}

export interface CreateProgressOptions extends PlainProgressOptions, ProgressOptions, TerminalProgressOptions {
  /** `--json`: no progress view. */
  json?: boolean
}

/**
 * The progress view for this process: none with `--json`; plain lines when the stream is not a
 * terminal or `CI` is set; the repainted frame otherwise.
 */
export function createProgressView(options: CreateProgressOptions = {}): ApplyObserver | undefined {
  if (options.json) return undefined
  const stream = options.stream ?? process.stdout
  const env = options.env ?? process.env
  if (stream.isTTY !== true || isCi(env)) return new PlainProgress({...options, env, stream})
  return new TerminalProgress({...options, env, stream})
}
