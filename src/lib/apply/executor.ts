/**
 * The apply executor: runs the changes of a plan phase by phase, at most `concurrency` at a time,
 * with a journal line before and after each change, an audit record per write and progress events.
 *
 * Concurrency is bounded by a small scheduler of our own rather than p-queue: the executor also
 * needs dependency checks at start time, "stop new work but let in-flight work finish", and an
 * exact list of what never started; with p-queue that means clearing its queue and reconstructing
 * what was dropped, for no gain. The rate limit needs nothing here: the client waits for a slot
 * in its request hook, before each request is sent.
 */
import {AsyncLocalStorage} from 'node:async_hooks'
import {performance} from 'node:perf_hooks'

import type {DescopeClient, RequestEvents, RetryInfo} from '../api/types.js'
import type {AuditLog} from '../audit/log.js'
import type {Change, Plan} from '../plan/types.js'
import type {ResourceFields, ResourceItem, ResourceKind} from '../resources/types.js'
import type {ProgressReporter} from '../ui/progress.js'
import type {Journal, JournalEndResult} from './journal.js'

import {apiErrorDetails} from '../api/errors.js'
import {ExitCode, type ExitCodeValue, InputError} from '../errors.js'
import {qualifiedId} from '../resources/types.js'

export const DEFAULT_CONCURRENCY = 4

export interface ExecuteOptions {
  plan: Partial<Plan> & Pick<Plan, 'changes'>
  /** The resource kinds the plan's changes refer to. */
  kinds: ResourceKind[]
  client: DescopeClient
  /** Changes in flight at once (default 4). */
  concurrency?: number
  /** Do everything possible instead of stopping new work at the first failure. */
  continueOnError?: boolean
  journal?: Journal
  audit?: AuditLog
  progress?: ProgressReporter
  /** Ctrl-C: stop new work, let in-flight work finish, report. */
  signal?: AbortSignal
  /**
   * Fresh live fields by change id (`kind:key`), used instead of the plan's `live` for updates
   * and deletes (a saved plan's copy may be older than the live state read just before applying).
   */
  liveByKey?: Map<string, ResourceFields>
  /** Change ids finished by an earlier run (`findResumable(...).done`): not run again. */
  alreadyDone?: Iterable<string>
}

export type StopReason = 'aborted' | 'api_unavailable' | 'failure' | 'journal'

/** complete: everything done · partial: some done, some not · failed: nothing done · interrupted: Ctrl-C. */
export type ExecutionStatus = 'complete' | 'failed' | 'interrupted' | 'partial'

export interface DoneChange {
  change: Change
  durationMs: number
  /** The key Descope generated for a create whose change had none (`key` empty). */
  createdKey?: string
}

export interface FailedChange {
  change: Change
  /** What was thrown (a DescopeApiError for API failures). */
  error: unknown
  code: string
  message: string
  /** The exit code the error alone maps to (4 auth, 5 API…), when it has one. */
  exitCode?: number
  status?: number
  requestId?: string
  durationMs: number
}

export interface SkippedExecution {
  change: Change
  /** `dependency failed`: a change it needs failed or was skipped; `dependency not run`: it never ran. */
  reason: 'dependency failed' | 'dependency not run'
  /** The change id it waited for. */
  dependency: string
}

export interface ExecutionResult {
  runId?: string
  status: ExecutionStatus
  /** Why new work stopped early, if it did. */
  stopReason?: StopReason
  /** Details of a `journal` stop. */
  stopMessage?: string
  continueOnError: boolean
  done: DoneChange[]
  failed: FailedChange[]
  skipped: SkippedExecution[]
  /** Never started because work stopped (first failure, API down, Ctrl-C, journal). */
  notStarted: Change[]
  /** Finished by an earlier run (resume); not run again. */
  alreadyDone: Change[]
  startedAt: string
  finishedAt: string
  durationMs: number
  /** Problems that did not stop the run (the audit log could not be written). */
  warnings: string[]
}

type ChangeState = 'alreadyDone' | 'done' | 'failed' | 'notStarted' | 'pending' | 'running' | 'skipped'

interface ChangeContext {
  change: Change
  progress?: ProgressReporter
}

const changeContext = new AsyncLocalStorage<ChangeContext>()

/**
 * Request events that report rate-limit waits and retries against the change being applied
 * (found through AsyncLocalStorage). Pass them to the client factory
 * (`services.getClient(options, applyRequestEvents)`) for exact ⏳ states; without them the
 * executor still asks the limiter for its wait when a change starts.
 */
export const applyRequestEvents: RequestEvents = {
  onRateLimitWait(waitMs: number) {
    const context = changeContext.getStore()
    if (context?.progress) safely(() => context.progress!.changeWaiting(context.change, waitMs))
  },
  onRetry(info: RetryInfo) {
    const context = changeContext.getStore()
    if (context?.progress?.changeRetrying) safely(() => context.progress!.changeRetrying!(context.change, info))
  },
}

function safely(fn: () => unknown): void {
  try {
    const value = fn()
    if (value instanceof Promise) value.catch(() => {})
  } catch {
    // A progress renderer's failure must never change what is applied.
  }
}

/** The circuit breaker's error, also from another copy of the api module (plugins). */
export function isApiUnavailable(error: unknown): boolean {
  return Boolean(error && typeof error === 'object' && ((error as {code?: unknown}).code === 'api_unavailable' || (error as {name?: unknown}).name === 'DescopeUnavailableError'))
}

function itemOf(change: Change, fields: ResourceFields | undefined): ResourceItem {
  return {fields: fields ?? {}, key: change.key, kind: change.kind}
}

function describeError(change: Change, error: unknown, durationMs: number): FailedChange {
  const details = apiErrorDetails(error)
  const object = error && typeof error === 'object' ? (error as {code?: unknown; exitCode?: unknown; message?: unknown}) : {}
  return {
    change,
    code: typeof object.code === 'string' ? object.code : 'error',
    durationMs,
    error,
    ...(typeof object.exitCode === 'number' ? {exitCode: object.exitCode} : {}),
    message: typeof object.message === 'string' && object.message ? object.message : String(error),
    ...(details?.requestId ? {requestId: details.requestId} : {}),
    ...(details?.status === undefined ? {} : {status: details.status}),
  }
}

/** Refuses a plan the executor cannot run, before anything is sent. */
function validate(changes: Change[], kinds: Map<string, ResourceKind>): void {
  const seen = new Set<string>()
  for (const change of changes) {
    if (seen.has(change.id)) throw new InputError(`The plan has the change ${change.id} twice.`, {hint: 'Make the plan again with `descope-mgmt plan --out`.'})
    seen.add(change.id)
    if (!kinds.has(change.kind)) {
      throw new InputError(`The plan changes a ${change.kind}, a resource kind this apply does not cover.`, {hint: 'Apply without --only, or make the plan again.'})
    }

    if (change.action !== 'delete' && !change.desired) {
      throw new InputError(`The plan's ${change.action} of ${change.id} has no desired fields.`, {hint: 'Make the plan again with `descope-mgmt plan --out`.'})
    }
  }
}

/** Runs a plan; never throws for a failed change (see the result), only for a plan it refuses. */
export async function executePlan(options: ExecuteOptions): Promise<ExecutionResult> {
  const {client, journal, audit, progress, signal} = options
  const {changes} = options.plan
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new InputError(`Concurrency must be a whole number of at least 1, got ${concurrency}.`)
  const continueOnError = options.continueOnError ?? false
  const kinds = new Map(options.kinds.map(kind => [kind.name as string, kind]))
  validate(changes, kinds)

  const startedAt = new Date()
  const t0 = performance.now()
  const state = new Map<string, ChangeState>()
  const previouslyDone = new Set(options.alreadyDone ?? [])
  const result: Omit<ExecutionResult, 'durationMs' | 'finishedAt' | 'status'> = {
    alreadyDone: [],
    continueOnError,
    done: [],
    failed: [],
    notStarted: [],
    runId: journal?.runId,
    skipped: [],
    startedAt: startedAt.toISOString(),
    warnings: [],
  }

  for (const change of changes) {
    if (previouslyDone.has(change.id)) {
      state.set(change.id, 'alreadyDone')
      result.alreadyDone.push(change)
    } else {
      state.set(change.id, 'pending')
    }
  }

  let stopReason: StopReason | undefined
  const stop = (reason: StopReason, message?: string) => {
    if (stopReason) return
    stopReason = reason
    if (message) result.stopMessage = message
  }

  const onAbort = () => stop('aborted')
  if (signal?.aborted) stop('aborted')
  signal?.addEventListener('abort', onAbort, {once: true})

  if (progress) safely(() => progress.start(options.plan as Plan, {alreadyDone: result.alreadyDone.map(change => change.id), concurrency}))

  let auditWarned = false
  const auditWrite = async (change: Change, durationMs: number, error?: unknown, createdKey?: string) => {
    if (!audit) return
    try {
      await audit.record({
        durationMs,
        operation: change.action,
        resource: createdKey ? qualifiedId({key: createdKey, kind: change.kind}) : change.id,
        ...(error === undefined ? {} : {error}),
      })
    } catch (auditError) {
      if (!auditWarned) result.warnings.push(`The audit log could not be written: ${(auditError as Error).message}`)
      auditWarned = true
    }
  }

  const journalWrite = async (write: () => Promise<void>): Promise<boolean> => {
    try {
      await write()
      return true
    } catch (error) {
      stop('journal', `The journal could not be written: ${(error as Error).message}`)
      return false
    }
  }

  /** Resolves to the generated key of a create without one. */
  const perform = async (change: Change): Promise<string | undefined> => {
    const kind = kinds.get(change.kind)!
    const live = options.liveByKey?.get(change.id) ?? change.live
    switch (change.action) {
    case 'create': {
      const created = await kind.create(client, itemOf(change, change.desired))
      return change.key === '' && typeof created === 'string' && created ? created : undefined
    }

    case 'delete': {
      await kind.delete(client, itemOf(change, live), change.writeOptions)
      return undefined
    }

    case 'update': {
      await kind.update(client, itemOf(change, change.desired), itemOf(change, live))
      return undefined
    }
    }
  }

  const runChange = async (change: Change): Promise<void> => {
    state.set(change.id, 'running')
    if (journal && !(await journalWrite(() => journal.started(change.id)))) {
      // Nothing was sent: without a journal line it must not be sent.
      state.set(change.id, 'pending')
      return
    }

    if (progress) {
      safely(() => progress.changeStarted(change))
      const waitMs = client.rateLimit?.waitTimeMs() ?? 0
      if (waitMs > 0) safely(() => progress.changeWaiting(change, waitMs))
    }

    const began = performance.now()
    let failure: FailedChange | undefined
    let createdKey: string | undefined
    try {
      createdKey = await changeContext.run({change, progress}, () => perform(change))
    } catch (error) {
      failure = describeError(change, error, performance.now() - began)
    }

    const durationMs = performance.now() - began
    if (failure) {
      state.set(change.id, 'failed')
      result.failed.push(failure)
      if (isApiUnavailable(failure.error)) stop('api_unavailable')
      else if (!continueOnError) stop('failure')
      if (journal) await journalWrite(() => journal.failed(change.id, failure.error))
      await auditWrite(change, durationMs, failure.error)
      if (progress) safely(() => progress.changeFailed(change, failure.error))
      return
    }

    state.set(change.id, 'done')
    result.done.push({change, durationMs, ...(createdKey ? {createdKey} : {})})
    if (journal) await journalWrite(() => journal.done(change.id, createdKey))
    await auditWrite(change, durationMs, undefined, createdKey)
    if (progress) safely(() => progress.changeDone(change, durationMs))
  }

  const skip = (change: Change, reason: SkippedExecution['reason'], dependency: string) => {
    state.set(change.id, 'skipped')
    result.skipped.push({change, dependency, reason})
    if (progress) safely(() => progress.changeSkipped(change, `${reason} (${dependency})`))
  }

  const blocking = new Set<ChangeState | undefined>(['failed', 'notStarted', 'skipped'])
  const unfinished = new Set<ChangeState | undefined>(['pending', 'running'])

  /** Starts the changes of `queue` whose dependencies are done, up to the concurrency; skips those whose dependencies failed. */
  const launchReady = (queue: Change[], running: Set<Promise<void>>) => {
    for (let index = 0; index < queue.length && running.size < concurrency;) {
      const change = queue[index]
      const blocker = change.after.find(id => blocking.has(state.get(id)))
      if (blocker) {
        queue.splice(index, 1)
        skip(change, 'dependency failed', blocker)
        continue
      }

      if (change.after.some(id => unfinished.has(state.get(id)))) {
        index++
        continue
      }

      queue.splice(index, 1)
      const task: Promise<void> = runChange(change).finally(() => running.delete(task))
      running.add(task)
    }
  }

  const phases = [...new Set(changes.filter(change => state.get(change.id) === 'pending').map(change => change.phase))].sort((a, b) => a - b)

  try {
    for (const phase of phases) {
      if (stopReason) break
      const queue = changes.filter(change => change.phase === phase && state.get(change.id) === 'pending')
      const running = new Set<Promise<void>>()
      for (;;) {
        if (!stopReason) launchReady(queue, running)
        if (running.size === 0) break
        await Promise.race(running)
      }

      if (stopReason) break
      // Waiting on a change of a later phase, or a cycle: a malformed plan; never run blind.
      for (const change of queue) {
        skip(change, 'dependency not run', change.after.find(id => unfinished.has(state.get(id))) ?? change.after[0] ?? '')
      }
    }
  } finally {
    signal?.removeEventListener('abort', onAbort)
  }

  result.notStarted = changes.filter(change => state.get(change.id) === 'pending')
  for (const change of result.notStarted) state.set(change.id, 'notStarted')
  const finishedAt = new Date()
  const final: ExecutionResult = {
    ...result,
    durationMs: performance.now() - t0,
    finishedAt: finishedAt.toISOString(),
    status: statusOf(result, stopReason),
    ...(stopReason ? {stopReason} : {}),
  }

  if (journal) {
    try {
      await journal.end(journalEndResult(final))
    } catch (error) {
      final.warnings.push(`The journal could not be closed: ${(error as Error).message}`)
    }
  }

  if (progress) {
    try {
      await progress.finish(final)
    } catch {
      // The result matters more than its rendering.
    }
  }

  return final
}

function statusOf(result: Pick<ExecutionResult, 'done' | 'failed' | 'notStarted' | 'skipped'>, stopReason: StopReason | undefined): ExecutionStatus {
  if (result.failed.length === 0 && result.skipped.length === 0 && result.notStarted.length === 0) return 'complete'
  if (stopReason === 'aborted') return 'interrupted'
  return result.done.length === 0 ? 'failed' : 'partial'
}

/** The counts the journal's end line records. */
export function journalEndResult(result: ExecutionResult): JournalEndResult {
  return {
    alreadyDone: result.alreadyDone.length,
    done: result.done.length,
    failed: result.failed.length,
    notStarted: result.notStarted.length,
    skipped: result.skipped.length,
    status: result.status,
    ...(result.stopReason ? {stopReason: result.stopReason} : {}),
  }
}

/**
 * The exit code of an apply: 0 all done; 130 interrupted (Ctrl-C); 5 nothing done in this run
 * and the API failed (4 when every failure was an authentication failure; 1 when nothing failed
 * but the journal could not be written); 6 partial (something done, something failed or not started).
 */
export function exitCodeFor(result: ExecutionResult): ExitCodeValue {
  switch (result.status) {
  case 'complete': {
    return ExitCode.Success
  }

  case 'failed': {
    if (result.failed.length === 0) return ExitCode.Unexpected
    return result.failed.every(failure => failure.exitCode === ExitCode.Auth) ? ExitCode.Auth : ExitCode.Api
  }

  case 'interrupted': {
    return ExitCode.Interrupted
  }

  case 'partial': {
    return ExitCode.Partial
  }
  }
}

function shellWord(value: string): string {
  return /^[\w./:@=-]+$/.test(value) ? value : `'${value.replaceAll("'", String.raw`'\''`)}'`
}

export interface NextCommandOptions {
  /** The environment applied (`-e`); omitted when undefined. */
  environment?: string
  /** Default `descope-mgmt`. */
  bin?: string
  /** The command that resumes: default `apply`; `tenant sync --apply` for the sync command. */
  command?: string
}

/** What to run next after an incomplete apply: `descope-mgmt apply -e staging --resume`; undefined when complete. */
export function suggestNextCommand(result: ExecutionResult, options: NextCommandOptions = {}): string | undefined {
  if (result.status === 'complete') return undefined
  const environment = options.environment === undefined ? '' : ` -e ${shellWord(options.environment)}`
  return `${options.bin ?? 'descope-mgmt'} ${options.command ?? 'apply'}${environment} --resume`
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`
}

/** One or two sentences on why an apply did not complete and what to do; undefined when complete. */
export function describeStop(result: ExecutionResult): string | undefined {
  if (result.status === 'complete') return undefined
  const notStarted = result.notStarted.length > 0 ? ` ${plural(result.notStarted.length, 'change')} ${result.notStarted.length === 1 ? 'was' : 'were'} not started.` : ''
  switch (result.stopReason) {
  case 'aborted': {
    return `Interrupted: changes in flight finished.${notStarted} Resume to continue; finished changes are not repeated.`
  }

  case 'api_unavailable': {
    return `Stopped early: the Descope API looks unavailable.${notStarted} Wait for it to recover, then resume.`
  }

  case 'failure': {
    return `Stopped at the first failure.${notStarted} Fix the cause and resume, or resume with --continue-on-error to apply everything else first.`
  }

  case 'journal': {
    return `Stopped: ${result.stopMessage ?? 'the journal could not be written'}.${notStarted} Free disk space or fix the permissions of the data folder, then resume.`
  }

  default: {
    const skipped = result.skipped.length > 0 ? `, ${plural(result.skipped.length, 'change')} skipped because a change ${result.skipped.length === 1 ? 'it needs' : 'they need'} failed` : ''
    return `${plural(result.failed.length, 'change')} failed${skipped}. Fix the causes, then resume; finished changes are not repeated.`
  }
  }
}

function brief(change: Change): {action: string; id: string} {
  return {action: change.action, id: change.id}
}

/** The result as plain JSON (for `--json` and the saved report): ids, actions, codes and messages. */
export function resultToJson(result: ExecutionResult): Record<string, unknown> {
  return {
    status: result.status,
    ...(result.stopReason ? {stopReason: result.stopReason} : {}),
    ...(result.stopMessage ? {stopMessage: result.stopMessage} : {}),
    ...(result.runId ? {runId: result.runId} : {}),
    continueOnError: result.continueOnError,
    counts: {
      alreadyDone: result.alreadyDone.length,
      done: result.done.length,
      failed: result.failed.length,
      notStarted: result.notStarted.length,
      skipped: result.skipped.length,
    },
    startedAt: result.startedAt,
    finishedAt: result.finishedAt,
    durationMs: Math.round(result.durationMs),
    done: result.done.map(({change, durationMs}) => ({...brief(change), durationMs: Math.round(durationMs)})),
    failed: result.failed.map(failure => ({
      ...brief(failure.change),
      code: failure.code,
      message: failure.message,
      ...(failure.status === undefined ? {} : {status: failure.status}),
      ...(failure.requestId ? {requestId: failure.requestId} : {}),
    })),
    skipped: result.skipped.map(({change, dependency, reason}) => ({...brief(change), dependency, reason})),
    notStarted: result.notStarted.map(change => brief(change)),
    alreadyDone: result.alreadyDone.map(change => change.id),
    warnings: result.warnings,
  }
}
