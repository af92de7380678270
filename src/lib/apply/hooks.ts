/**
 * The engine's observer interface: what an apply run tells about itself, and what an observer
 * may answer. The journal, the audit log and the progress view each implement it; the executor
 * knows none of them.
 *
 * Modelled on Terraform's Hook: every event may return a HookAction. `halt` stops new work the
 * way a failure does (in-flight changes finish, the rest is reported as not started); returned
 * from `changeStarting`, it also keeps that change from being sent. `warn` adds a warning to the
 * result and changes nothing else. So the journal guards the run by halting when it cannot write
 * (a change is never sent without its journal line), the lock halts when it was lost (a change
 * is never sent without the project lock), the audit log only warns, and the progress
 * view returns nothing.
 *
 * Observers are called one after the other, in the order given, and awaited: an observer listed
 * first has finished (the journal line is on disk) before the next one hears of the event, and
 * before the change is sent. A halt from `changeStarting` is not passed on to later observers: the
 * change does not start. An observer that throws is ignored, so an observer that must be able to
 * stop the run catches its own failures and returns `halt`.
 *
 * `changeWaiting` and `changeRetrying` come from inside a request (the client's hooks): they are
 * notifications only, not awaited, and what they return is ignored.
 */
import type {RetryInfo, WaitReason} from '../api/types.js'
import type {Change} from '../plan/types.js'
import type {ResourceKind} from '../resources/types.js'
import type {ExecutionResult, FailedChange, SkippedExecution} from './result.js'

export type HookAction = HookContinue | HookHalt | HookWarn

export interface HookContinue {
  action: 'continue'
}

/** Stop new work; `reason` becomes the run's stop reason (the journal, or the project lock once lost). */
export interface HookHalt {
  action: 'halt'
  reason: 'journal' | 'lock_lost'
  message: string
}

/** Record a warning in the result; the run goes on. */
export interface HookWarn {
  action: 'warn'
  message: string
}

export type HookResult = HookAction | Promise<HookAction | void> | void

export interface RunStartInfo {
  /** Every change of the plan, in plan order, those of `alreadyDone` included. */
  changes: readonly Change[]
  /** The resource kinds the changes refer to (their nouns, their phases). */
  kinds: readonly ResourceKind[]
  /** Changes in flight at once. */
  concurrency: number
  /** Ids of changes finished by an earlier run (resume): not run again. */
  alreadyDone: readonly string[]
}

export interface ApplyObserver {
  runStarted?(info: RunStartInfo): HookResult
  /** About to send the change; `halt` keeps it from being sent. */
  changeStarting?(change: Change): HookResult
  /**
   * The change waits about `waitMs` before a request is sent: for the client's rate-limit window,
   * or (`reason` 'backoff') for the backoff Descope asked for with a 429.
   */
  changeWaiting?(change: Change, waitMs: number, reason?: WaitReason): void
  /** A request of the change is sent again (429 with Retry-After, 5xx, network); `info.attempt` is 1 for the first retry. */
  changeRetrying?(change: Change, info: RetryInfo): void
  /** `createdKey`: the key Descope generated for a create whose change had none. */
  changeDone?(change: Change, durationMs: number, createdKey?: string): HookResult
  changeFailed?(change: Change, failure: FailedChange): HookResult
  /** Not run: a change it depends on failed or never ran. */
  changeSkipped?(change: Change, skipped: SkippedExecution): HookResult
  runFinished?(result: ExecutionResult): HookResult
}

export const CONTINUE: HookAction = Object.freeze({action: 'continue'})
