/**
 * Remaining-time estimates for apply. Pure: no clock, no I/O; the caller passes times and the
 * rate limiter's own estimate, so every number here can be unit-tested.
 *
 * remaining = max(remaining requests × mean latency ÷ concurrency, limiter.estimateMs(remaining requests))
 *
 * The first term is what the API's speed allows, the second what the client-side rate limit
 * allows; whichever is larger is the bottleneck, and the display says so.
 */
import type {RateLimitView} from '../api/types.js'
import type {ChangeAction} from '../plan/types.js'

export type RequestsPerAction = Record<ChangeAction, number>

/** HTTP requests one change costs, per action (the tenant kind makes one call per write). */
export const DEFAULT_REQUESTS_PER_ACTION: Readonly<RequestsPerAction> = Object.freeze({create: 1, delete: 1, update: 1})

/** Total requests for some changes. */
export function requestsFor(changes: Iterable<{action: ChangeAction}>, perAction: Readonly<RequestsPerAction> = DEFAULT_REQUESTS_PER_ACTION): number {
  let total = 0
  for (const change of changes) total += perAction[change.action] ?? 1
  return total
}

export type EtaLimit = 'done' | 'latency' | 'rate-limit' | 'unknown'

export interface EtaInput {
  remainingRequests: number
  /** Requests that may be in flight at once. */
  concurrency: number
  /** Smoothed latency of one request; undefined before the first sample. */
  meanLatencyMs?: number
  /** The rate limiter's `estimateMs(remainingRequests)`; 0 or undefined without a limiter. */
  rateLimitMs?: number
}

export interface Eta {
  /** Milliseconds left; undefined while unknown (no latency sample yet and the limiter is free). */
  ms?: number
  /** What the bottleneck is: the API's latency, or the rate limit. */
  limitedBy: EtaLimit
  /** The latency-bound term, when known. */
  latencyMs?: number
  /** The rate-limit-bound term. */
  rateLimitMs: number
}

/** The estimate itself: the larger of the latency-bound and the rate-limit-bound time. */
export function estimateRemaining(input: EtaInput): Eta {
  const remaining = Math.max(0, input.remainingRequests)
  if (remaining === 0) return {limitedBy: 'done', ms: 0, rateLimitMs: 0}
  const rateLimitMs = Math.max(0, input.rateLimitMs ?? 0)
  // A few remaining requests cannot use all the concurrency.
  const parallel = Math.max(1, Math.min(Math.floor(input.concurrency) || 1, remaining))
  const latencyMs = input.meanLatencyMs === undefined ? undefined : (remaining * Math.max(0, input.meanLatencyMs)) / parallel
  if (latencyMs === undefined) {
    return rateLimitMs > 0 ? {limitedBy: 'rate-limit', ms: rateLimitMs, rateLimitMs} : {limitedBy: 'unknown', rateLimitMs}
  }

  return rateLimitMs > latencyMs
    ? {
      latencyMs, limitedBy: 'rate-limit', ms: rateLimitMs, rateLimitMs,
    }
    : {
      latencyMs, limitedBy: 'latency', ms: latencyMs, rateLimitMs,
    }
}

/** Exponentially weighted moving average: recent samples count more, one slow request does not dominate. */
export class Ewma {
  private current?: number

  constructor(private readonly alpha = 0.3) {
    if (!(alpha > 0 && alpha <= 1)) throw new RangeError(`alpha must be in (0, 1], got ${alpha}`)
  }

  get value(): number | undefined {
    return this.current
  }

  add(sample: number): number {
    this.current = this.current === undefined ? sample : (this.alpha * sample) + ((1 - this.alpha) * this.current)
    return this.current
  }
}

/**
 * Smooths the displayed ETA: the previous estimate, counted down by the time since, blended with
 * the new one. Without this the display jumps with every finished request.
 */
export function smoothEta(previous: {ms: number; at: number} | undefined, nextMs: number, now: number, alpha = 0.3): number {
  if (!previous) return nextMs
  const projected = Math.max(0, previous.ms - (now - previous.at))
  return (alpha * nextMs) + ((1 - alpha) * projected)
}

export interface EtaTrackerOptions {
  concurrency: number
  rateLimit?: RateLimitView
  requestsPerAction?: Readonly<RequestsPerAction>
  /** Weight of a new latency sample and of a new estimate (0..1]. */
  alpha?: number
}

/** Keeps the latency average and the last displayed ETA; `estimate` is called with the current time. */
export class EtaTracker {
  private readonly latency: Ewma
  private readonly alpha: number
  private readonly perAction: Readonly<RequestsPerAction>
  private last?: {ms: number; at: number}

  constructor(private readonly options: EtaTrackerOptions) {
    this.alpha = options.alpha ?? 0.3
    this.latency = new Ewma(this.alpha)
    this.perAction = options.requestsPerAction ?? DEFAULT_REQUESTS_PER_ACTION
  }

  get meanLatencyMs(): number | undefined {
    return this.latency.value
  }

  /** One finished change: its duration without rate-limit waits, spread over its requests. */
  observe(action: ChangeAction, durationMs: number): void {
    const requests = Math.max(1, this.perAction[action] ?? 1)
    this.latency.add(Math.max(0, durationMs) / requests)
  }

  estimate(remaining: Iterable<{action: ChangeAction}>, now: number): Eta {
    const remainingRequests = requestsFor(remaining, this.perAction)
    const eta = estimateRemaining({
      concurrency: this.options.concurrency,
      meanLatencyMs: this.latency.value,
      rateLimitMs: remainingRequests > 0 ? this.options.rateLimit?.estimateMs(remainingRequests) : 0,
      remainingRequests,
    })
    if (eta.ms === undefined || eta.limitedBy === 'done') {
      this.last = eta.ms === undefined ? this.last : {at: now, ms: 0}
      return eta
    }

    const ms = smoothEta(this.last, eta.ms, now, this.alpha)
    this.last = {at: now, ms}
    return {...eta, ms}
  }
}

/** `850 ms`, `4.2 s`, `12 s`, `3m 05s`, `1h 02m`. */
export function formatDuration(ms: number): string {
  const value = Math.max(0, Math.round(ms))
  if (value < 1000) return `${value} ms`
  const seconds = value / 1000
  if (seconds < 10) return `${seconds.toFixed(1)} s`
  if (seconds < 60) return `${Math.round(seconds)} s`
  const totalSeconds = Math.round(seconds)
  const hours = Math.floor(totalSeconds / 3600)
  const minutes = Math.floor((totalSeconds % 3600) / 60)
  const rest = totalSeconds % 60
  if (hours > 0) return `${hours}h ${String(minutes).padStart(2, '0')}m`
  return `${minutes}m ${String(rest).padStart(2, '0')}s`
}

/** `ETA 20 s`, `ETA 3m 05s (waiting for rate limit)`, `ETA estimating…`. */
export function formatEta(eta: Eta): string {
  if (eta.limitedBy === 'done') return 'ETA 0 s'
  if (eta.ms === undefined) return 'ETA estimating…'
  return `ETA ${formatDuration(eta.ms)}${eta.limitedBy === 'rate-limit' ? ' (waiting for rate limit)' : ''}`
}
