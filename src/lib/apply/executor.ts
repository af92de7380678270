/**
 * The apply executor: runs the changes of a plan phase by phase, at most `concurrency` at a time,
 * and tells its observers (hooks.ts: the journal, the audit log, the progress view) about each
 * step. A journal line before each change is sent is the journal observer's business: it halts
 * the run when it cannot write.
 *
 * Concurrency is bounded by a small scheduler of our own rather than p-queue: the executor also
 * needs dependency checks at start time, "stop new work but let in-flight work finish", and an
 * exact list of what never started; with p-queue that means clearing its queue and reconstructing
 * what was dropped, for no gain. The rate limit needs nothing here: the client waits for a slot
 * in its request hook, before each request is sent.
 */
import {performance} from 'node:perf_hooks'

import type {DescopeClient} from '../api/types.js'
import type {Change, Plan} from '../plan/types.js'
import type {ResourceFields, ResourceItem, ResourceKind} from '../resources/types.js'
import type {ApplyObserver, HookAction, HookResult} from './hooks.js'

import {apiErrorDetails} from '../api/errors.js'
import {withRequestEvents} from '../api/request-context.js'
import {InputError} from '../errors.js'
import {
  type ExecutionResult, type FailedChange, type SkippedExecution, statusOf, type StopReason,
} from './result.js'

export type {
  DoneChange, ExecutionResult, ExecutionStatus, FailedChange, SkippedExecution, StopReason,
} from './result.js'
export {exitCodeFor, journalEndResult, resultToJson} from './result.js'

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
  /** Told about each step, in this order (the journal first: see hooks.ts). */
  observers?: ApplyObserver[]
  /** The id of this run (the journal's), recorded in the result. */
  runId?: string
  /** Ctrl-C: stop new work, let in-flight work finish, report. */
  signal?: AbortSignal
  /**
   * Fresh live items by change id (`kind:key`), read under the lock: used instead of the plan's
   * `live` for updates and deletes (a saved plan's copy may be older, and holds no passthrough
   * fields, which an update must send back as they are now).
   */
  liveItems?: ReadonlyMap<string, ResourceItem>
  /** Change ids finished by an earlier run (`findResumable(...).done`): not run again. */
  alreadyDone?: Iterable<string>
}

type ChangeState = 'alreadyDone' | 'done' | 'failed' | 'notStarted' | 'pending' | 'running' | 'skipped'

type EventName = Exclude<keyof ApplyObserver, 'changeRetrying' | 'changeWaiting'>
type EventArgs<E extends EventName> = Parameters<NonNullable<ApplyObserver[E]>>

/** The circuit breaker's error, also from another copy of the api module (plugins). */
export function isApiUnavailable(error: unknown): boolean {
  return Boolean(error && typeof error === 'object' && ((error as {code?: unknown}).code === 'api_unavailable' || (error as {name?: unknown}).name === 'DescopeUnavailableError'))
}

function itemOf(change: Change, fields: ResourceFields | undefined, passthrough?: ResourceFields): ResourceItem {
  return {
    fields: fields ?? {}, key: change.key, kind: change.kind, ...(passthrough ? {passthrough} : {}),
  }
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

/** Calls a notification-only hook; whatever happens there stays there. */
function notify(run: () => unknown): void {
  try {
    const value = run()
    if (value instanceof Promise) value.catch(() => {})
  } catch {
    // An observer's failure must never change what is applied.
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
  const {client, signal} = options
  const observers = options.observers ?? []
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
    ...(options.runId ? {runId: options.runId} : {}),
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

  /** Tells every observer, in order; returns false when one halted (later ones are not told). */
  const emit = async <E extends EventName>(event: E, ...args: EventArgs<E>): Promise<boolean> => {
    for (const observer of observers) {
      let action: HookAction | void
      try {
        const hook = observer[event] as ((...hookArgs: EventArgs<E>) => HookResult) | undefined
        action = await hook?.apply(observer, args)
      } catch {
        continue
      }

      if (action?.action === 'warn' && !result.warnings.includes(action.message)) result.warnings.push(action.message)
      if (action?.action === 'halt') {
        stop(action.reason, action.message)
        return false
      }
    }

    return true
  }

  const notifyAll = (event: 'changeRetrying' | 'changeWaiting', call: (observer: ApplyObserver) => unknown) => {
    for (const observer of observers) if (observer[event]) notify(() => call(observer))
  }

  const onAbort = () => stop('aborted')
  if (signal?.aborted) stop('aborted')
  signal?.addEventListener('abort', onAbort, {once: true})

  await emit('runStarted', {
    alreadyDone: result.alreadyDone.map(change => change.id), changes, concurrency, kinds: options.kinds,
  })

  /** Resolves to the generated key of a create without one. */
  const perform = async (change: Change): Promise<string | undefined> => {
    const kind = kinds.get(change.kind)!
    const live = options.liveItems?.get(change.id) ?? itemOf(change, change.live)
    switch (change.action) {
    case 'create': {
      const created = await kind.create(client, itemOf(change, change.desired, change.passthrough))
      return change.key === '' && typeof created === 'string' && created ? created : undefined
    }

    case 'delete': {
      await kind.delete(client, live, change.writeOptions)
      return undefined
    }

    case 'update': {
      await kind.update(client, itemOf(change, change.desired), live)
      return undefined
    }
    }
  }

  const runChange = async (change: Change): Promise<void> => {
    state.set(change.id, 'running')
    if (!(await emit('changeStarting', change))) {
      // Nothing was sent: an observer (the journal) could not record the start, so it must not be sent.
      state.set(change.id, 'pending')
      return
    }

    // Without request events from the client, the limiter's own view says whether this change waits.
    const waitMs = client.rateLimit?.waitTimeMs() ?? 0
    const waitReason = client.rateLimit?.waitReason?.() ?? 'window'
    if (waitMs > 0) notifyAll('changeWaiting', observer => observer.changeWaiting!(change, waitMs, waitReason))

    const began = performance.now()
    let failure: FailedChange | undefined
    let createdKey: string | undefined
    try {
      // Requests made for this change report their rate-limit waits and retries against it.
      createdKey = await withRequestEvents({
        onRateLimitWait: (ms, reason) => notifyAll('changeWaiting', observer => observer.changeWaiting!(change, ms, reason)),
        onRetry: info => notifyAll('changeRetrying', observer => observer.changeRetrying!(change, info)),
      }, () => perform(change))
    } catch (error) {
      failure = describeError(change, error, performance.now() - began)
    }

    const durationMs = performance.now() - began
    if (failure) {
      state.set(change.id, 'failed')
      result.failed.push(failure)
      if (isApiUnavailable(failure.error)) stop('api_unavailable')
      else if (!continueOnError) stop('failure')
      await emit('changeFailed', change, failure)
      return
    }

    state.set(change.id, 'done')
    result.done.push({change, durationMs, ...(createdKey ? {createdKey} : {})})
    await emit('changeDone', change, durationMs, createdKey)
  }

  const skip = async (change: Change, reason: SkippedExecution['reason'], dependency: string) => {
    state.set(change.id, 'skipped')
    const skipped: SkippedExecution = {change, dependency, reason}
    result.skipped.push(skipped)
    await emit('changeSkipped', change, skipped)
  }

  const blocking = new Set<ChangeState | undefined>(['failed', 'notStarted', 'skipped'])
  const unfinished = new Set<ChangeState | undefined>(['pending', 'running'])

  /** Starts the changes of `queue` whose dependencies are done, up to the concurrency; skips those whose dependencies failed. */
  const launchReady = async (queue: Change[], running: Set<Promise<void>>) => {
    for (let index = 0; index < queue.length && running.size < concurrency;) {
      const change = queue[index]
      const blocker = change.after.find(id => blocking.has(state.get(id)))
      if (blocker) {
        queue.splice(index, 1)
        await skip(change, 'dependency failed', blocker)
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
        if (!stopReason) await launchReady(queue, running)
        if (running.size === 0) break
        await Promise.race(running)
      }

      if (stopReason) break
      // Waiting on a change of a later phase, or a cycle: a malformed plan; never run blind.
      for (const change of queue) {
        await skip(change, 'dependency not run', change.after.find(id => unfinished.has(state.get(id))) ?? change.after[0] ?? '')
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

  // Observers see the final result; the journal's end line may still add a warning to it.
  await emit('runFinished', final)
  return final
}
