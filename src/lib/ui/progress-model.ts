/**
 * The state of an apply's progress, fed by the run's observer events (src/lib/apply/hooks.ts):
 * per-kind groups, per-change state, counts and the ETA (eta.ts). It draws nothing:
 * `snapshot()` gives plain data that progress-render.ts turns into lines.
 *
 * Groups are keyed by environment and kind, so one model can later hold the runs of several
 * environments as groups of one tree; today a model holds one run.
 */
import type {RateLimitView, RetryInfo, WaitReason} from '../api/types.js'
import type {Change, ChangeAction} from '../plan/types.js'

import {
  estimateRemaining, type Eta, EtaTracker, requestsFor, type RequestsPerAction,
} from './eta.js'

/** queued: not started · waiting: held by the rate limiter · running: in flight · retrying: a request is sent again. */
export type ItemState = 'done' | 'failed' | 'queued' | 'retrying' | 'running' | 'skipped' | 'waiting'

export interface ItemProgress {
  change: Change
  state: ItemState
  /** The attempt being made when retrying (2 for the first retry), and why the last one failed. */
  attempt?: number
  retryReason?: string
  /** Rate-limit waits announced for this change, in total, and when the last one should be over. */
  waitMs: number
  waitUntil?: number
  /** What the last announced wait is for: the client's window, or Descope's backoff after a 429. */
  waitReason?: WaitReason
  durationMs?: number
  /** Why it failed or was skipped. */
  reason?: string
  /** Order of its last change of state, to show the most recent ones. */
  sequence: number
}

export interface GroupProgress {
  key: string
  environment?: string
  kind: string
  /** The kind's plural, as in the configuration: `tenants`. */
  noun: string
  /** The lowest phase of its changes: groups are shown in execution order. */
  phase: number
  items: ItemProgress[]
}

export interface RunInfo {
  changes: readonly Change[]
  /** The kinds of the changes; their display plural (`labels.plural`, else `plural`) names the groups. */
  kinds: ReadonlyArray<{name: string; plural: string; labels?: {plural: string}}>
  concurrency: number
  alreadyDone?: readonly string[]
  environment?: string
}

export interface ProgressModelOptions {
  /** The client's rate-limit view (`client.rateLimit`), for the ETA. */
  rateLimit?: RateLimitView
  requestsPerAction?: Readonly<RequestsPerAction>
  /** Tests: a clock in milliseconds. */
  now?: () => number
}

/** What a renderer needs of one change. */
export interface ItemSnapshot {
  action: ChangeAction
  key: string
  id: string
  state: ItemState
  attempt?: number
  retryReason?: string
  /** Time left of an announced rate-limit wait, and what it is for. */
  waitLeftMs?: number
  waitReason?: WaitReason
  durationMs?: number
  reason?: string
  /** Order of its last change of state. */
  sequence: number
}

export interface GroupSnapshot {
  key: string
  environment?: string
  noun: string
  total: number
  /** Done, failed or skipped. */
  settled: number
  failed: number
  skipped: number
  /** Something started and something is left. */
  active: boolean
  /** Time until this group is done (its remaining changes and those of the groups before it). */
  eta?: Eta
  items: ItemSnapshot[]
}

export interface ProgressSnapshot {
  environment?: string
  concurrency: number
  total: number
  settled: number
  failed: number
  retries: number
  alreadyDone: number
  elapsedMs: number
  eta: Eta
  /** The run has ended (the summary is printed elsewhere). */
  finished: boolean
  groups: GroupSnapshot[]
}

const SETTLED = new Set<ItemState>(['done', 'failed', 'skipped'])

/** `HTTP 503`, `ECONNRESET`: why a request is retried. */
export function retryReason(info: Pick<RetryInfo, 'code' | 'status'>): string {
  if (info.status !== undefined) return `HTTP ${info.status}`
  return info.code ?? 'network error'
}

/** The first line of an error's message. */
export function errorMessage(error: unknown): string {
  const {message} = (error && typeof error === 'object' ? error : {}) as {message?: unknown}
  return (typeof message === 'string' && message ? message : String(error)).split('\n')[0]
}

export class ProgressModel {
  readonly groups: GroupProgress[] = []
  private readonly items = new Map<string, ItemProgress>()
  private readonly groupOf = new Map<string, GroupProgress>()
  private readonly now: () => number
  private eta: EtaTracker
  private startedAt?: number
  private concurrency = 1
  private environment?: string
  private alreadyDone = 0
  private retries = 0
  private finished = false
  private sequence = 0

  constructor(private readonly options: ProgressModelOptions = {}) {
    this.now = options.now ?? Date.now
    this.eta = this.tracker(1)
  }

  get total(): number {
    return this.items.size
  }

  done(change: Change, durationMs: number): void {
    const item = this.item(change)
    if (!item) return
    // The latency sample leaves out the announced rate-limit wait: that part is the limiter's term.
    this.eta.observe(change.action, Math.max(0, durationMs - item.waitMs))
    this.set(item, 'done', {durationMs})
  }

  failed(change: Change, reason: string): void {
    const item = this.item(change)
    if (item) this.set(item, 'failed', {reason})
  }

  finish(): void {
    this.finished = true
  }

  retrying(change: Change, info: RetryInfo): void {
    const item = this.item(change)
    if (!item || SETTLED.has(item.state)) return
    this.retries++
    this.set(item, 'retrying', {attempt: info.attempt + 1, retryReason: retryReason(info)})
  }

  skipped(change: Change, reason: string): void {
    const item = this.item(change)
    if (item) this.set(item, 'skipped', {reason})
  }

  /** Starts a run: its changes become queued items in per-kind groups (those done by an earlier run are left out). */
  start(info: RunInfo): void {
    this.startedAt = this.now()
    this.concurrency = info.concurrency
    this.environment = info.environment
    this.eta = this.tracker(info.concurrency)
    const earlier = new Set(info.alreadyDone ?? [])
    this.alreadyDone = earlier.size
    const plurals = new Map(info.kinds.map(kind => [kind.name, kind.labels?.plural ?? kind.plural]))
    for (const change of info.changes) {
      if (earlier.has(change.id)) continue
      const key = `${info.environment ?? ''}|${change.kind}`
      let group = this.groups.find(candidate => candidate.key === key)
      if (!group) {
        group = {
          environment: info.environment, items: [], key, kind: change.kind, noun: plurals.get(change.kind) ?? change.kind, phase: change.phase,
        }
        this.groups.push(group)
      }

      const item: ItemProgress = {
        change, sequence: 0, state: 'queued', waitMs: 0,
      }
      group.items.push(item)
      group.phase = Math.min(group.phase, change.phase)
      this.items.set(change.id, item)
      this.groupOf.set(change.id, group)
    }

    this.groups.sort((a, b) => a.phase - b.phase)
  }

  started(change: Change): void {
    const item = this.item(change)
    if (item) this.set(item, 'running', {})
  }

  waiting(change: Change, waitMs: number, reason: WaitReason = 'window'): void {
    const item = this.item(change)
    if (!item || SETTLED.has(item.state)) return
    item.waitMs += waitMs
    this.set(item, 'waiting', {waitReason: reason, waitUntil: this.now() + waitMs})
  }

  snapshot(): ProgressSnapshot {
    const now = this.now()
    const all = [...this.items.values()]
    const remaining = all.filter(item => !SETTLED.has(item.state)).map(item => item.change)
    let before: Change[] = []
    const groups = this.groups.map(group => {
      const left = group.items.filter(item => !SETTLED.has(item.state)).map(item => item.change)
      const upTo = [...before, ...left]
      before = upTo
      return this.groupSnapshot(group, left.length, upTo, now)
    })
    return {
      alreadyDone: this.alreadyDone,
      concurrency: this.concurrency,
      elapsedMs: this.startedAt === undefined ? 0 : now - this.startedAt,
      environment: this.environment,
      eta: this.eta.estimate(remaining, now),
      failed: all.filter(item => item.state === 'failed').length,
      finished: this.finished,
      groups,
      retries: this.retries,
      settled: all.length - remaining.length,
      total: all.length,
    }
  }

  /**
   * The snapshot of a change's group once every change of it is settled, else undefined: what a
   * line-per-event view needs after each event, without the cost of a whole snapshot (which grows
   * with the run, so that calling it on every event would cost the square of the run's size).
   */
  settledGroup(change: Change): GroupSnapshot | undefined {
    const group = this.groupOf.get(change.id)
    if (!group || !group.items.every(item => SETTLED.has(item.state))) return undefined
    return this.groupSnapshot(group, 0, [], this.now())
  }

  /** The group a change belongs to, for renderers that print one line per event. */
  groupFor(change: Change): GroupProgress | undefined {
    return this.groupOf.get(change.id)
  }

  itemFor(change: Change): ItemSnapshot | undefined {
    const item = this.items.get(change.id)
    return item ? this.itemSnapshot(item, this.now()) : undefined
  }

  /** Unsmoothed: the smoothing of the overall ETA keeps one history, not one per group. */
  private groupEta(remaining: Change[]): Eta {
    const requests = requestsFor(remaining, this.options.requestsPerAction)
    return estimateRemaining({
      concurrency: this.concurrency,
      meanLatencyMs: this.eta.meanLatencyMs,
      rateLimitMs: requests > 0 ? this.options.rateLimit?.estimateMs(requests) : 0,
      remainingRequests: requests,
    })
  }

  /** One group's snapshot; `upTo` is what is left of it and of the groups before it (for its ETA). */
  private groupSnapshot(group: GroupProgress, left: number, upTo: Change[], now: number): GroupSnapshot {
    const settled = group.items.length - left
    return {
      active: settled < group.items.length && group.items.some(item => item.state !== 'queued'),
      ...(left > 0 && !this.finished ? {eta: this.groupEta(upTo)} : {}),
      environment: group.environment,
      failed: group.items.filter(item => item.state === 'failed').length,
      items: group.items.map(item => this.itemSnapshot(item, now)),
      key: group.key,
      noun: group.noun,
      settled,
      skipped: group.items.filter(item => item.state === 'skipped').length,
      total: group.items.length,
    }
  }

  private item(change: Change): ItemProgress | undefined {
    return this.items.get(change.id)
  }

  private itemSnapshot(item: ItemProgress, now: number): ItemSnapshot {
    const waitLeft = item.state === 'waiting' && item.waitUntil !== undefined ? item.waitUntil - now : undefined
    // A wait that is over means the request is on its way.
    const state = item.state === 'waiting' && !(waitLeft !== undefined && waitLeft > 0) ? 'running' : item.state
    return {
      action: item.change.action,
      id: item.change.id,
      key: item.change.key,
      sequence: item.sequence,
      state,
      ...(item.attempt === undefined ? {} : {attempt: item.attempt}),
      ...(item.retryReason === undefined ? {} : {retryReason: item.retryReason}),
      ...(waitLeft !== undefined && waitLeft > 0 ? {waitLeftMs: waitLeft, waitReason: item.waitReason ?? 'window'} : {}),
      ...(item.durationMs === undefined ? {} : {durationMs: item.durationMs}),
      ...(item.reason === undefined ? {} : {reason: item.reason}),
    }
  }

  private set(item: ItemProgress, state: ItemState, fields: Partial<ItemProgress>): void {
    Object.assign(item, fields, {sequence: ++this.sequence, state})
  }

  private tracker(concurrency: number): EtaTracker {
    return new EtaTracker({concurrency, rateLimit: this.options.rateLimit, requestsPerAction: this.options.requestsPerAction})
  }
}
