/**
 * The progress view of an apply across environments. Each environment's run feeds its own
 * progress model (its concurrency, its ETA, its rate limiter), through its own observer; this view
 * draws them as one tree (environments-progress-render.ts):
 * - on a terminal, one frame repainted in place (log-update), as for one environment;
 * - in logs and CI, the plain lines of each environment (progress.ts), each prefixed with its name;
 * - with --json, nothing.
 */
import {createLogUpdate} from 'log-update'

import type {RateLimitView} from '../api/types.js'
import type {ApplyObserver} from '../apply/hooks.js'
import type {Change} from '../plan/types.js'

import {type EnvironmentPart, renderEnvironmentsFrame} from './environments-progress-render.js'
import {
  colorEnabled, isCi, type OutputStream, PlainProgress, type ProgressOptions, ProgressView,
} from './progress.js'

export interface EnvironmentsProgress {
  /** The observer of one environment's run. */
  observer(environment: string, rateLimit?: RateLimitView): ApplyObserver
  /** How an environment ended, or why it has no run: shown on its line. */
  settle(environment: string, status: string): void
  /** The runs are over: the last frame stays. */
  finish(): void
}

export interface EnvironmentsProgressOptions {
  environments: readonly string[]
  json?: boolean
  stream?: OutputStream
  env?: NodeJS.ProcessEnv
  color?: boolean
  /** Plain lines: how often each environment's progress lines are written (default 10 s). */
  intervalMs?: number
  /** Terminal: repaint at least this often (default 1 s). */
  refreshMs?: number
  now?: () => number
}

/** Feeds one environment's model and asks the tree for a repaint. */
class EnvironmentBranch extends ProgressView {
  constructor(options: ProgressOptions, private readonly repaint: () => void) {
    super(options)
  }

  protected began(): void {
    this.repaint()
  }

  protected changed(_change: Change): void {
    this.repaint()
  }

  protected ended(): void {
    this.repaint()
  }
}

class TerminalEnvironmentsProgress implements EnvironmentsProgress {
  private readonly branches = new Map<string, EnvironmentBranch>()
  private readonly statuses = new Map<string, string>()
  private readonly render: ReturnType<typeof createLogUpdate>
  private readonly timer: NodeJS.Timeout
  private readonly startedAt: number
  private readonly now: () => number
  private readonly stream: OutputStream
  private readonly color: boolean
  private pending = false
  private finished = false

  constructor(private readonly options: EnvironmentsProgressOptions) {
    this.now = options.now ?? Date.now
    this.startedAt = this.now()
    this.stream = options.stream ?? process.stdout
    this.color = options.color ?? colorEnabled(this.stream, options.env ?? process.env)
    this.render = createLogUpdate(this.stream as NodeJS.WritableStream, {showCursor: false})
    this.timer = setInterval(() => this.paint(), options.refreshMs ?? 1000)
    this.timer.unref()
    this.paint()
  }

  finish(): void {
    if (this.finished) return
    this.finished = true
    clearInterval(this.timer)
    this.paint()
    this.render.done()
  }

  /** The current tree, fitted to the stream's size. */
  frame(): string[] {
    const parts: EnvironmentPart[] = this.options.environments.map(environment => ({
      environment, snapshot: this.branches.get(environment)?.model.snapshot(), status: this.statuses.get(environment),
    }))
    return renderEnvironmentsFrame(parts, {
      color: this.color, elapsedMs: this.now() - this.startedAt, height: Math.max(3, (this.stream.rows || 24) - 1), width: this.stream.columns || 80,
    })
  }

  observer(environment: string, rateLimit?: RateLimitView): ApplyObserver {
    const branch = new EnvironmentBranch({
      color: this.color, environment, now: this.options.now, rateLimit, stream: this.stream,
    }, () => this.schedule())
    this.branches.set(environment, branch)
    return branch
  }

  settle(environment: string, status: string): void {
    this.statuses.set(environment, status)
    this.schedule()
  }

  private paint(): void {
    this.render(this.frame().join('\n'))
  }

  private schedule(): void {
    // Many events arrive together: one repaint for all of them.
    if (this.pending || this.finished) return
    this.pending = true
    setImmediate(() => {
      this.pending = false
      if (!this.finished) this.paint()
    }).unref()
  }
}

/** Writes each line of `text` with `prefix` in front. */
function prefixed(stream: OutputStream, prefix: string): OutputStream {
  return {
    write(text: string | Uint8Array) {
      const lines = String(text).split('\n')
      return stream.write(lines.map((line, index) => (line === '' && index === lines.length - 1 ? line : `${prefix}${line}`)).join('\n'))
    },
  } as OutputStream
}

class PlainEnvironmentsProgress implements EnvironmentsProgress {
  private readonly stream: OutputStream

  constructor(private readonly options: EnvironmentsProgressOptions) {
    this.stream = options.stream ?? process.stdout
  }

  finish(): void {}

  observer(environment: string, rateLimit?: RateLimitView): ApplyObserver {
    return new PlainProgress({
      color: this.options.color, env: this.options.env, environment, intervalMs: this.options.intervalMs, now: this.options.now, rateLimit, stream: prefixed(this.stream, `${environment}: `),
    })
  }

  settle(environment: string, status: string): void {
    this.stream.write(`${environment}: ${status}\n`)
  }
}

/** The view for this process: none with `--json`; plain lines without a terminal or in CI; the repainted tree otherwise. */
export function createEnvironmentsProgress(options: EnvironmentsProgressOptions): EnvironmentsProgress | undefined {
  if (options.json) return undefined
  const stream = options.stream ?? process.stdout
  const env = options.env ?? process.env
  if (stream.isTTY !== true || isCi(env)) return new PlainEnvironmentsProgress({...options, env, stream})
  return new TerminalEnvironmentsProgress({...options, env, stream})
}
