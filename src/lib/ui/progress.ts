/**
 * Progress of an apply. The executor reports events to a ProgressReporter; three renderers:
 * - ListrProgress: a listr2 task list for a terminal (overall line with count, percentage,
 *   elapsed and ETA; one task per resource kind and action, its active, waiting and failed changes
 *   shown under it while it runs; failures stay visible, finished groups collapse to one line),
 * - PlainProgress: one line per finished change and a periodic progress line (no TTY, or CI),
 * - SilentProgress: nothing (`--json`).
 * `createProgressReporter` picks one. Rendering never calls the API (the ETA gets the limiter's
 * view passed in).
 */
import type {Writable} from 'node:stream'

import {Listr, ListrLogger, ProcessOutput} from 'listr2'

import type {RateLimitView, RetryInfo} from '../api/types.js'
import type {ExecutionResult} from '../apply/executor.js'
import type {Change, ChangeAction, Plan} from '../plan/types.js'

import {
  type Eta, EtaTracker, formatDuration, formatEta, type RequestsPerAction,
} from './eta.js'

export interface ProgressStartInfo {
  concurrency: number
  /** Ids of changes finished by an earlier run (resume): not run again, not counted. */
  alreadyDone?: string[]
}

/** What the executor tells about the run; implementations must not throw (the executor ignores it if they do). */
export interface ProgressReporter {
  start(plan: Plan, info?: ProgressStartInfo): void
  changeStarted(change: Change): void
  /** The change waits about `waitMs` for the rate limiter before its request is sent. */
  changeWaiting(change: Change, waitMs: number): void
  /** A request of the change is retried (429 with Retry-After, 5xx, network). */
  changeRetrying?(change: Change, info: RetryInfo): void
  changeDone(change: Change, ms: number): void
  changeFailed(change: Change, error: unknown): void
  /** Not run: a change it depends on failed. */
  changeSkipped(change: Change, reason: string): void
  finish(result: ExecutionResult): Promise<void> | void
}

/** Minimal writable stream (process.stdout, a test buffer). */
export type OutputStream = Pick<Writable, 'write'> & {isTTY?: boolean}

export interface ProgressOptions {
  /** Changes in flight at once, for the ETA; `start` info overrides it. */
  concurrency?: number
  /** The client's rate-limit view (`client.rateLimit`), for the ETA. */
  rateLimit?: RateLimitView
  requestsPerAction?: Readonly<RequestsPerAction>
  /** Tests: a clock in milliseconds. */
  now?: () => number
}

type ChangeStatus = 'active' | 'done' | 'failed' | 'pending' | 'skipped' | 'waiting'

interface ChangeProgress {
  change: Change
  status: ChangeStatus
  /** Rate-limit wait announced for this change, and when it should be over. */
  waitMs?: number
  waitUntil?: number
  retries: number
  ms?: number
  reason?: string
  finishedAt?: number
}

export function errorMessage(error: unknown): string {
  const {message} = (error && typeof error === 'object' ? error : {}) as {message?: unknown}
  return (typeof message === 'string' && message ? message : String(error)).split('\n')[0]
}

function countBy(changes: Change[]): Record<ChangeAction, number> {
  const counts: Record<ChangeAction, number> = {create: 0, delete: 0, update: 0}
  for (const change of changes) counts[change.action]++
  return counts
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`
}

/** `Applying 12 changes (5 create, 6 update, 1 delete), 4 at a time.` */
export function startLine(model: ProgressModel, info?: ProgressStartInfo): string {
  const counts = countBy([...model.changes.values()].map(entry => entry.change))
  const split = (['create', 'update', 'delete'] as const).filter(action => counts[action] > 0).map(action => `${counts[action]} ${action}`).join(', ')
  const earlier = model.alreadyDone > 0 ? ` ${plural(model.alreadyDone, 'change')} finished by the earlier run ${model.alreadyDone === 1 ? 'is' : 'are'} not repeated.` : ''
  return `Applying ${plural(model.total, 'change')}${split ? ` (${split})` : ''}, ${info?.concurrency ?? 4} at a time.${earlier}`
}

/** Bookkeeping shared by the renderers: status per change, counts, elapsed time and ETA. */
export class ProgressModel {
  readonly changes = new Map<string, ChangeProgress>()
  startedAt?: number
  retries = 0
  alreadyDone = 0
  private eta: EtaTracker
  private readonly now: () => number

  constructor(private readonly options: ProgressOptions = {}) {
    this.now = options.now ?? Date.now
    this.eta = this.tracker(options.concurrency ?? 4)
  }

  get total(): number {
    return this.changes.size
  }

  active(): ChangeProgress[] {
    return [...this.changes.values()].filter(entry => entry.status === 'active' || entry.status === 'waiting')
  }

  count(status: ChangeStatus): number {
    let count = 0
    for (const entry of this.changes.values()) if (entry.status === status) count++
    return count
  }

  done(change: Change, ms: number): ChangeProgress {
    const entry = this.entry(change)
    // The latency sample leaves out the announced rate-limit wait: that part is the limiter's term.
    this.eta.observe(change.action, Math.max(0, ms - (entry.waitMs ?? 0)))
    return Object.assign(entry, {finishedAt: this.now(), ms, status: 'done' as const})
  }

  elapsedMs(): number {
    return this.startedAt === undefined ? 0 : this.now() - this.startedAt
  }

  estimate(): Eta {
    const remaining = [...this.changes.values()].filter(entry => entry.status === 'pending' || entry.status === 'active' || entry.status === 'waiting')
    return this.eta.estimate(remaining.map(entry => entry.change), this.now())
  }

  failed(change: Change, error: unknown): ChangeProgress {
    return Object.assign(this.entry(change), {finishedAt: this.now(), reason: errorMessage(error), status: 'failed' as const})
  }

  finished(): number {
    return this.count('done') + this.count('failed') + this.count('skipped')
  }

  /** `45/120 (37%) · elapsed 12 s · ETA 20 s (waiting for rate limit)` */
  overallText(): string {
    const {total} = this
    const finished = this.finished()
    const percent = total === 0 ? 100 : Math.floor((finished / total) * 100)
    const retries = this.retries > 0 ? ` · ${plural(this.retries, 'retry').replace('retrys', 'retries')}` : ''
    return `${finished}/${total} (${percent}%) · elapsed ${formatDuration(this.elapsedMs())} · ${formatEta(this.estimate())}${retries}`
  }

  retrying(change: Change): ChangeProgress {
    this.retries++
    const entry = this.entry(change)
    entry.retries++
    return entry
  }

  skipped(change: Change, reason: string): ChangeProgress {
    return Object.assign(this.entry(change), {finishedAt: this.now(), reason, status: 'skipped' as const})
  }

  start(plan: Plan, info?: ProgressStartInfo): void {
    this.startedAt = this.now()
    const earlier = new Set(info?.alreadyDone ?? [])
    this.alreadyDone = earlier.size
    if (info?.concurrency) this.eta = this.tracker(info.concurrency)
    this.changes.clear()
    // Changes finished by an earlier run are not part of this run's work.
    for (const change of plan.changes) if (!earlier.has(change.id)) this.changes.set(change.id, {change, retries: 0, status: 'pending'})
  }

  started(change: Change): ChangeProgress {
    return Object.assign(this.entry(change), {status: 'active' as const})
  }

  /** Seconds left of an announced rate-limit wait, or undefined when it is over. */
  waitLeftMs(entry: ChangeProgress): number | undefined {
    if (entry.status !== 'waiting' || entry.waitUntil === undefined) return undefined
    const left = entry.waitUntil - this.now()
    return left > 0 ? left : undefined
  }

  waiting(change: Change, waitMs: number): ChangeProgress {
    const entry = this.entry(change)
    if (entry.status === 'done' || entry.status === 'failed') return entry
    return Object.assign(entry, {status: 'waiting' as const, waitMs: (entry.waitMs ?? 0) + waitMs, waitUntil: this.now() + waitMs})
  }

  private entry(change: Change): ChangeProgress {
    let entry = this.changes.get(change.id)
    if (!entry) {
      entry = {change, retries: 0, status: 'pending'}
      this.changes.set(change.id, entry)
    }

    return entry
  }

  private tracker(concurrency: number): EtaTracker {
    return new EtaTracker({concurrency, rateLimit: this.options.rateLimit, requestsPerAction: this.options.requestsPerAction})
  }
}

/** `--json`: nothing at all while running. */
export class SilentProgress implements ProgressReporter {
  changeDone(): void {}

  changeFailed(): void {}

  changeSkipped(): void {}

  changeStarted(): void {}

  changeWaiting(): void {}

  finish(): void {}

  start(): void {}
}

/** Whether to colour: never with NO_COLOR, always with FORCE_COLOR (not 0/false), else on a TTY. */
export function colorEnabled(stream: {isTTY?: boolean}, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false
  if (env.FORCE_COLOR !== undefined) return !['0', 'false'].includes(env.FORCE_COLOR)
  return stream.isTTY === true
}

const ANSI = {
  dim: [2, 22], green: [32, 39], red: [31, 39], yellow: [33, 39],
} as const
type Style = keyof typeof ANSI

export interface PlainProgressOptions extends ProgressOptions {
  stream?: OutputStream
  env?: NodeJS.ProcessEnv
  /** Colour output; default from `colorEnabled`. */
  color?: boolean
  /** How often the progress line is written; 0 turns it off (default 10 s). */
  intervalMs?: number
}

/**
 * Plain lines for logs and CI: `✓ create tenant:acme (120 ms)`, `✗ update tenant:x: <reason>`,
 * and every `intervalMs` a `… 45/120 (37%) · elapsed 12 s · ETA 20 s` line.
 */
export class PlainProgress implements ProgressReporter {
  readonly model: ProgressModel
  private readonly stream: OutputStream
  private readonly color: boolean
  private readonly intervalMs: number
  private timer?: NodeJS.Timeout

  constructor(options: PlainProgressOptions = {}) {
    this.model = new ProgressModel(options)
    this.stream = options.stream ?? process.stdout
    this.color = options.color ?? colorEnabled(this.stream, options.env ?? process.env)
    this.intervalMs = options.intervalMs ?? 10_000
  }

  changeDone(change: Change, ms: number): void {
    this.model.done(change, ms)
    this.line(`${this.paint('green', '✓')} ${change.action} ${change.id} (${formatDuration(ms)})`)
  }

  changeFailed(change: Change, error: unknown): void {
    const entry = this.model.failed(change, error)
    this.line(`${this.paint('red', '✗')} ${change.action} ${change.id}: ${entry.reason}`)
  }

  changeRetrying(change: Change): void {
    this.model.retrying(change)
  }

  changeSkipped(change: Change, reason: string): void {
    this.model.skipped(change, reason)
    this.line(`${this.paint('yellow', '-')} ${change.action} ${change.id} skipped: ${reason}`)
  }

  changeStarted(change: Change): void {
    this.model.started(change)
  }

  changeWaiting(change: Change, waitMs: number): void {
    this.model.waiting(change, waitMs)
  }

  finish(result: ExecutionResult): void {
    this.stopTimer()
    const parts = [
      `${result.done.length} done`,
      ...(result.failed.length > 0 ? [`${result.failed.length} failed`] : []),
      ...(result.skipped.length > 0 ? [`${result.skipped.length} skipped`] : []),
      ...(result.notStarted.length > 0 ? [`${result.notStarted.length} not started`] : []),
    ]
    const verb = result.status === 'interrupted' ? 'Interrupted after' : 'Finished in'
    this.line(`${verb} ${formatDuration(result.durationMs)}: ${parts.join(', ')}.`)
  }

  start(plan: Plan, info?: ProgressStartInfo): void {
    this.model.start(plan, info)
    this.line(startLine(this.model, info))
    if (this.intervalMs > 0) {
      this.timer = setInterval(() => this.tick(), this.intervalMs)
      this.timer.unref()
    }
  }

  /** Writes the progress line now (also called by the timer). */
  tick(): void {
    if (this.model.finished() >= this.model.total) return
    this.line(`${this.paint('dim', '…')} ${this.model.overallText()}`)
  }

  private line(text: string): void {
    this.stream.write(`${text}\n`)
  }

  private paint(style: Style, text: string): string {
    if (!this.color) return text
    const [open, close] = ANSI[style]
    return `\u001B[${open}m${text}\u001B[${close}m`
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = undefined
  }
}

/** The parts of a listr2 task wrapper this renderer uses. */
interface TaskHandle {
  title: string
  output: string
  skip(message?: string): void
}

interface Group {
  title: string
  ids: string[]
  minPhase: number
  finished: Promise<void>
  resolve(): void
  done: boolean
  task?: TaskHandle
  lastOutput?: string
}

const KIND_PLURALS: Record<string, string> = {
  flow: 'flows', permission: 'permissions', role: 'roles', tenant: 'tenants', theme: 'the theme',
}

export interface ListrProgressOptions extends ProgressOptions {
  /** Named in the overall line: `Applying 120 changes to staging`. */
  environment?: string
  /** Redraw of the overall line and the waits (default 1 s). */
  refreshMs?: number
  /** Where to draw (default process.stdout). */
  stream?: OutputStream
  env?: NodeJS.ProcessEnv
  /** Active and failed lines shown per group before `… and N more`. */
  maxLines?: number
  /** Tests: more options for the Listr constructor (a renderer). */
  listrOptions?: Record<string, unknown>
}

/**
 * listr2 task list for a terminal. One overall task (count, percentage, elapsed, ETA), and under
 * it one task per resource kind and action (`Create and update tenants`, `Delete tenants`) in
 * execution order. While a group runs, its task output lists the last few finished changes (✓),
 * the changes in flight (⚙) or waiting for the rate limit (⏳), and the failures (✗ reason); a
 * finished group keeps only its failures. So hundreds of changes stay a screenful.
 */
export class ListrProgress implements ProgressReporter {
  readonly model: ProgressModel
  private groups: Group[] = []
  private readonly groupOf = new Map<string, Group>()
  private root?: TaskHandle
  private running?: Promise<unknown>
  private timer?: NodeJS.Timeout
  private finalTitle?: string

  constructor(private readonly options: ListrProgressOptions = {}) {
    this.model = new ProgressModel(options)
  }

  changeDone(change: Change, ms: number): void {
    this.model.done(change, ms)
    this.update(change)
  }

  changeFailed(change: Change, error: unknown): void {
    this.model.failed(change, error)
    this.update(change)
  }

  changeRetrying(change: Change): void {
    this.model.retrying(change)
    this.update(change)
  }

  changeSkipped(change: Change, reason: string): void {
    this.model.skipped(change, reason)
    this.update(change)
  }

  changeStarted(change: Change): void {
    this.model.started(change)
    this.update(change)
  }

  changeWaiting(change: Change, waitMs: number): void {
    this.model.waiting(change, waitMs)
    this.update(change)
  }

  async finish(result: ExecutionResult): Promise<void> {
    if (this.timer) clearInterval(this.timer)
    this.timer = undefined
    const parts = [
      `${result.done.length} done`,
      ...(result.failed.length > 0 ? [`${result.failed.length} failed`] : []),
      ...(result.skipped.length > 0 ? [`${result.skipped.length} skipped`] : []),
      ...(result.notStarted.length > 0 ? [`${result.notStarted.length} not started`] : []),
    ]
    const where = this.options.environment ? ` to ${this.options.environment}` : ''
    this.finalTitle = result.status === 'complete'
      ? `Applied ${plural(result.done.length, 'change')}${where} in ${formatDuration(result.durationMs)}`
      : `${result.status === 'interrupted' ? 'Interrupted' : 'Stopped'} after ${formatDuration(result.durationMs)}${where}: ${parts.join(', ')}`
    if (this.root) this.root.title = this.finalTitle
    for (const group of this.groups) group.resolve()
    await this.running
  }

  /** The lines under a group: recent ✓, in-flight ⚙ / ⏳, failures ✗ and skips. */
  groupLines(group: Group): string[] {
    const max = this.options.maxLines ?? 6
    const entries = group.ids.map(id => this.model.changes.get(id)).filter(entry => entry !== undefined)
    const lines: string[] = []
    if (!group.done) {
      const recent = entries.filter(entry => entry.status === 'done').sort((a, b) => (a.finishedAt ?? 0) - (b.finishedAt ?? 0)).slice(-3)
      for (const entry of recent) lines.push(`✓ ${entry.change.action} ${entry.change.id} (${formatDuration(entry.ms ?? 0)})`)
      const active = entries.filter(entry => entry.status === 'active' || entry.status === 'waiting')
      for (const entry of active.slice(0, max)) {
        const left = this.model.waitLeftMs(entry)
        const retry = entry.retries > 0 ? `, retry ${entry.retries}` : ''
        lines.push(left === undefined
          ? `⚙ ${entry.change.action} ${entry.change.id}${retry ? ` (${retry.slice(2)})` : ''}`
          : `⏳ ${entry.change.action} ${entry.change.id} (waiting for rate limit, ~${formatDuration(left)}${retry})`)
      }

      if (active.length > max) lines.push(`… and ${active.length - max} more in flight`)
    }

    const failed = entries.filter(entry => entry.status === 'failed')
    for (const entry of failed.slice(-max)) lines.push(`✗ ${entry.change.action} ${entry.change.id}: ${entry.reason}`)
    if (failed.length > max) lines.push(`… and ${failed.length - max} more failed`)
    const skipped = entries.filter(entry => entry.status === 'skipped')
    for (const entry of skipped.slice(0, 3)) lines.push(`- ${entry.change.action} ${entry.change.id} skipped: ${entry.reason}`)
    if (skipped.length > 3) lines.push(`… and ${skipped.length - 3} more skipped`)
    return lines
  }

  /** `Create and update tenants 40/100 · 2 failed` */
  groupTitle(group: Group): string {
    const entries = group.ids.map(id => this.model.changes.get(id))
    const settled = entries.filter(entry => entry && ['done', 'failed', 'skipped'].includes(entry.status)).length
    const failed = entries.filter(entry => entry?.status === 'failed').length
    return `${group.title} ${settled}/${group.ids.length}${failed > 0 ? ` · ${failed} failed` : ''}`
  }

  /** `Applying 120 changes to staging: 45/120 (37%) · elapsed 12 s · ETA 20 s` */
  overallTitle(): string {
    if (this.finalTitle) return this.finalTitle
    const where = this.options.environment ? ` to ${this.options.environment}` : ''
    return `Applying ${plural(this.model.total, 'change')}${where}: ${this.model.overallText()}`
  }

  start(plan: Plan, info?: ProgressStartInfo): void {
    this.model.start(plan, info)
    this.groups = this.buildGroups()
    const env = this.options.env ?? process.env
    const {stream} = this.options
    const logger = stream ? new ListrLogger({processOutput: new ProcessOutput(stream as NodeJS.WriteStream, stream as NodeJS.WriteStream), useIcons: true}) : undefined
    const listr = new Listr(
      [
        {
          task: (_context, task) => {
            this.root = task as unknown as TaskHandle
            // listr2 starts its tasks after loading its renderer: events (even the end) may come first.
            this.root.title = this.overallTitle()
            return task.newListr(this.groups.map(group => this.groupTask(group)), {concurrent: false, exitOnError: false})
          },
          title: this.overallTitle(),
        },
      ],
      {
        concurrent: false,
        // Failures are the executor's business: listr must neither stop nor throw (trap 12).
        exitOnError: false,
        fallbackRenderer: 'simple',
        fallbackRendererCondition: () => isCi(env) || (stream !== undefined && stream.isTTY !== true),
        // Ctrl-C belongs to the apply command (graceful stop); listr's own handler would exit(127).
        registerSignalListeners: false,
        renderer: 'default',
        rendererOptions: {collapseSubtasks: false, formatOutput: 'truncate', ...(logger ? {logger} : {})},
        fallbackRendererOptions: logger ? {logger} : {},
        silentRendererCondition: false,
        ...this.options.listrOptions,
      },
    )
    this.running = listr.run().catch(() => {})
    this.timer = setInterval(() => this.refresh(), this.options.refreshMs ?? 1000)
    this.timer.unref()
  }

  private buildGroups(): Group[] {
    const byKey = new Map<string, Group>()
    for (const {change} of this.model.changes.values()) {
      const deleting = change.action === 'delete'
      const key = `${change.kind}|${deleting ? 'delete' : 'write'}`
      let group = byKey.get(key)
      if (!group) {
        let resolve!: () => void
        const finished = new Promise<void>(done => {
          resolve = done
        })
        const noun = KIND_PLURALS[change.kind] ?? `${change.kind}s`
        group = {
          done: false, finished, ids: [], minPhase: change.phase, resolve, title: deleting ? `Delete ${noun}` : `Create and update ${noun}`,
        }
        byKey.set(key, group)
      }

      group.ids.push(change.id)
      group.minPhase = Math.min(group.minPhase, change.phase)
      this.groupOf.set(change.id, group)
    }

    return [...byKey.values()].sort((a, b) => a.minPhase - b.minPhase)
  }

  private groupTask(group: Group) {
    return {
      rendererOptions: {outputBar: 1, persistentOutput: true},
      task: async (_context: unknown, task: unknown) => {
        group.task = task as TaskHandle
        this.render(group)
        await group.finished
        group.done = true
        this.render(group)
        const entries = group.ids.map(id => this.model.changes.get(id))
        if (entries.some(entry => entry?.status === 'failed')) throw new Error(this.groupTitle(group))
        if (entries.every(entry => entry?.status === 'pending')) group.task.skip(`${group.title}: not started`)
      },
      title: group.title,
    }
  }

  private refresh(): void {
    if (this.root) this.root.title = this.overallTitle()
    for (const group of this.groups) if (group.task && !group.done) this.render(group)
  }

  private render(group: Group): void {
    if (!group.task) return
    group.task.title = this.groupTitle(group)
    const output = this.groupLines(group).join('\n')
    if (output !== group.lastOutput) {
      group.lastOutput = output
      group.task.output = output
    }
  }

  private update(change: Change): void {
    const group = this.groupOf.get(change.id)
    if (group) {
      this.render(group)
      const settled = group.ids.every(id => ['done', 'failed', 'skipped'].includes(this.model.changes.get(id)?.status ?? ''))
      if (settled) group.resolve()
    }

    if (this.root) this.root.title = this.overallTitle()
  }
}

/** `CI` set to anything but empty, 0 or false. */
export function isCi(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env.CI
  return value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false'
}

export interface CreateProgressOptions extends ProgressOptions {
  /** `--json`: silent. */
  json?: boolean
  stream?: OutputStream
  env?: NodeJS.ProcessEnv
  environment?: string
  /** Plain renderer: seconds between progress lines (default 10 s). */
  intervalMs?: number
}

/**
 * The reporter for this process: silent with `--json`; plain lines when the stream is not a TTY or
 * `CI` is set; the listr2 task list otherwise. Construct the renderers directly to force one.
 */
export function createProgressReporter(options: CreateProgressOptions = {}): ProgressReporter {
  if (options.json) return new SilentProgress()
  const stream = options.stream ?? process.stdout
  const env = options.env ?? process.env
  if (stream.isTTY !== true || isCi(env)) return new PlainProgress({...options, env, stream})
  return new ListrProgress({...options, env, stream: options.stream})
}
