import type {RequestEvents} from './types.js'

/*
 * Own sliding-window log rather than p-throttle 7 (not installed; no ETA introspection, no
 * injectable clock) or bottleneck/limiter (token buckets): an ETA needs `estimateMs(n)`.
 */

export interface RateLimits {
  /** Requests allowed in any window of `windowMs`. */
  requests: number
  windowMs: number
  /**
   * Extra wait before a slot is reused (default: 1% of the window, at most 250 ms). A request
   * reaches the server a few milliseconds sooner or later than the one whose slot it reuses; without
   * this margin the server now and then counts one too many in its window and answers 429.
   */
  guardMs?: number
}

const GUARD_FRACTION = 0.01
const MAX_GUARD_MS = 250

export interface Clock {
  now(): number
  sleep(ms: number): Promise<void>
}

export const DEFAULT_RATE_LIMITS: Readonly<RateLimits> = Object.freeze({requests: 200, windowMs: 60_000})

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: ms =>
    new Promise(resolve => {
      setTimeout(resolve, ms)
    }),
}

export interface RateLimiterStats {
  requests: number
  windowMs: number
  /** Requests sent within the current window. */
  inWindow: number
  /** Requests waiting for a slot. */
  waiting: number
  /** Requests let through since the limiter was created. */
  granted: number
}

/**
 * Client-side sliding-window limiter: at most `requests` grants in any `windowMs`. Waiters are
 * served first in, first out; a new caller never overtakes a waiting one, even when a slot is free.
 */
export class SlidingWindowRateLimiter {
  readonly requests: number
  readonly windowMs: number
  readonly guardMs: number
  private readonly clock: Clock
  private granted = 0
  /** Grant times, ascending, only those still inside the window after `prune`. */
  private log: number[] = []
  private pumping = false
  private readonly queue: Array<() => void> = []

  constructor(limits: RateLimits, clock: Clock = systemClock) {
    if (!Number.isInteger(limits.requests) || limits.requests < 1) {
      throw new RangeError(`rate limit requests must be a positive integer, got ${limits.requests}`)
    }

    if (!Number.isFinite(limits.windowMs) || limits.windowMs <= 0) {
      throw new RangeError(`rate limit window must be a positive number of milliseconds, got ${limits.windowMs}`)
    }

    this.requests = limits.requests
    this.windowMs = limits.windowMs
    this.guardMs = limits.guardMs ?? Math.min(MAX_GUARD_MS, Math.round(limits.windowMs * GUARD_FRACTION))
    this.clock = clock
  }

  /** Resolves when a request may be sent; reports the expected wait through `onRateLimitWait`. */
  acquire(events?: Pick<RequestEvents, 'onRateLimitWait'>): Promise<void> {
    const now = this.clock.now()
    if (this.queue.length === 0 && this.nextSlotAt(now) <= now) {
      this.grant(now)
      return Promise.resolve()
    }

    try {
      events?.onRateLimitWait?.(this.estimateMs(1))
    } catch {
      // An observer's failure must not change the request.
    }

    return new Promise<void>(resolve => {
      this.queue.push(resolve)
      this.pump().catch(() => {})
    })
  }

  /** How long a request asked for now would wait (0 when it would go at once). */
  waitTimeMs(): number {
    return this.estimateMs(1)
  }

  /**
   * How long until the last of `n` more requests, queued behind the current waiters, can be sent,
   * given the window and the requests already sent in it. 0 when all `n` fit now.
   */
  estimateMs(n: number): number {
    if (n <= 0) return 0
    const now = this.clock.now()
    this.prune(now)
    const R = this.requests
    const W = this.windowMs + this.guardMs
    const total = this.queue.length + n
    // Simulate at most R new grants: after that the schedule repeats every window
    // (grant k goes at grant k-R plus one window, since grant k-R is already >= now).
    const times = [...this.log]
    const fresh: number[] = []
    for (let k = 0; k < Math.min(total, R); k++) {
      const index = times.length
      const at = index >= R ? Math.max(now, times[index - R] + W) : now
      times.push(at)
      fresh.push(at)
    }

    const periods = Math.floor((total - 1) / R)
    const last = fresh[(total - 1) % R] + (periods * W)
    return Math.max(0, last - now)
  }

  stats(): RateLimiterStats {
    this.prune(this.clock.now())
    return {
      granted: this.granted,
      inWindow: this.log.length,
      requests: this.requests,
      waiting: this.queue.length,
      windowMs: this.windowMs,
    }
  }

  private grant(now: number): void {
    this.log.push(now)
    this.granted++
  }

  /** The earliest time a request may be granted, ignoring the waiters. */
  private nextSlotAt(now: number): number {
    this.prune(now)
    if (this.log.length < this.requests) return now
    return this.log[this.log.length - this.requests] + this.windowMs + this.guardMs
  }

  private prune(now: number): void {
    const cutoff = now - this.windowMs - this.guardMs
    let drop = 0
    while (drop < this.log.length && this.log[drop] <= cutoff) drop++
    if (drop > 0) this.log = this.log.slice(drop)
  }

  private async pump(): Promise<void> {
    if (this.pumping) return
    this.pumping = true
    try {
      while (this.queue.length > 0) {
        const now = this.clock.now()
        const wait = this.nextSlotAt(now) - now
        if (wait > 0) {
          await this.clock.sleep(wait)
          continue
        }

        this.grant(now)
        this.queue.shift()!()
      }
    } finally {
      this.pumping = false
    }
  }
}

const limiters = new Map<string, SlidingWindowRateLimiter>()

/** The key of the limiter (and breaker) of one project at one API. */
export function projectKey(baseUrl: string, projectId: string): string {
  return `${baseUrl.replace(/\/+$/, '')}|${projectId}`
}

/**
 * The process-wide limiter for `key` (see `projectKey`). The first caller's limits win: every
 * client and every concurrent task for that project shares one window.
 */
export function getRateLimiter(key: string, limits: RateLimits = DEFAULT_RATE_LIMITS, clock?: Clock): SlidingWindowRateLimiter {
  let limiter = limiters.get(key)
  if (!limiter) {
    limiter = new SlidingWindowRateLimiter(limits, clock)
    limiters.set(key, limiter)
  }

  return limiter
}

/** Forgets every limiter (tests). Requests still waiting on an old limiter are still served by it. */
export function resetRateLimiters(): void {
  limiters.clear()
}
