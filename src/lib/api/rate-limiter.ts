import type {SharedBudget} from '../coordination/budget.js'
import type {RequestEvents, WaitReason} from './types.js'

/*
 * Own sliding-window log rather than p-throttle 7 (not installed; no ETA introspection, no
 * injectable clock) or bottleneck/limiter (token buckets): an ETA needs `estimateMs(n)`, and a
 * 429 from Descope must pause every waiter of the host and then pace them, which needs the log.
 * Other processes are kept in step by a shared budget (src/lib/coordination/budget.ts) that every
 * grant also reserves a slot in: it is the authority on when a slot is free.
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
/**
 * The margin of a shared budget: 5% of the window, at most 1 s. Between the moment a process is
 * granted a slot and the moment its request reaches the server lies that process's own event loop,
 * which on a busy machine runs hundreds of milliseconds late; one process's late request and
 * another's prompt one would otherwise both land in the server's window.
 */
const SHARED_GUARD_FRACTION = 0.05
const MAX_SHARED_GUARD_MS = 1000

export interface Clock {
  now(): number
  sleep(ms: number): Promise<void>
}

/**
 * Descope's documented limit: "100 requests per 60 seconds with a 60-second backoff", counted per
 * source IP for most operations (docs.descope.com/rate-limiting).
 */
export const DEFAULT_RATE_LIMITS: Readonly<RateLimits> = Object.freeze({requests: 100, windowMs: 60_000})

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
function checkLimits(limits: RateLimits): void {
  if (!Number.isInteger(limits.requests) || limits.requests < 1) {
    throw new RangeError(`rate limit requests must be a positive integer, got ${limits.requests}`)
  }

  if (!Number.isFinite(limits.windowMs) || limits.windowMs <= 0) {
    throw new RangeError(`rate limit window must be a positive number of milliseconds, got ${limits.windowMs}`)
  }
}

function guardOf(limits: RateLimits): number {
  return limits.guardMs ?? Math.min(MAX_GUARD_MS, Math.round(limits.windowMs * GUARD_FRACTION))
}

interface Waiter {
  resolve: () => void
  events?: Pick<RequestEvents, 'onRateLimitWait'>
}

export class SlidingWindowRateLimiter {
  private limits: {guardMs: number; requests: number; windowMs: number}
  private readonly clock: Clock
  private granted = 0
  /** Grant times, ascending, only those still inside the window after `prune` (may lie ahead after a backoff). */
  private log: number[] = []
  /** End of the last backoff Descope asked for (a 429 with Retry-After); 0 when none. */
  private pausedUntil = 0
  private pumping = false
  private readonly queue: Waiter[] = []
  /** The budget shared with other processes, when there is one. */
  private shared?: SharedBudget
  /** When the shared budget last said the next slot frees (for estimates), and why it was taken. */
  private sharedFreeAt = 0
  private sharedReason: WaitReason = 'window'

  constructor(limits: RateLimits, clock: Clock = systemClock) {
    checkLimits(limits)
    this.limits = {guardMs: guardOf(limits), requests: limits.requests, windowMs: limits.windowMs}
    this.clock = clock
  }

  get guardMs(): number {
    return this.limits.guardMs
  }

  get requests(): number {
    return this.limits.requests
  }

  get windowMs(): number {
    return this.limits.windowMs
  }

  /** Resolves when a request may be sent; reports the expected wait, and why, through `onRateLimitWait`. */
  acquire(events?: Pick<RequestEvents, 'onRateLimitWait'>): Promise<void> {
    const now = this.clock.now()
    const free = this.queue.length === 0 && this.nextSlotAt(now) <= now
    if (free && !this.shared) {
      this.grant(now)
      return Promise.resolve()
    }

    // With a shared budget even a free local slot is confirmed by the store (asynchronously).
    if (!free) this.announce(events, this.estimateMs(1), this.reason(now))
    return new Promise<void>(resolve => {
      this.queue.push({events, resolve})
      this.pump().catch(() => {})
    })
  }

  /**
   * Descope answered 429 and asked to wait `waitMs` (Retry-After): nothing more is granted until
   * then, and afterwards requests are paced at the allowed rate (one every window/requests), not
   * released in a burst: the server's count is not ours (other clients share it), so a full window
   * sent at once would likely earn another backoff. Every waiter is told it now waits for the backoff.
   */
  backoff(waitMs: number): void {
    const now = this.clock.now()
    const resumeAt = now + Math.max(0, waitMs)
    if (resumeAt <= this.pausedUntil) return
    this.pausedUntil = resumeAt
    const {guardMs, requests, windowMs} = this.limits
    const spacing = windowMs / requests
    // A full window of grants ending at `resumeAt`, evenly spaced: the oldest leaves the window
    // at `resumeAt`, then one more every `spacing` ms, which is exactly the paced restart.
    this.log = Array.from({length: requests}, (_, k) => resumeAt - windowMs - guardMs + (k * spacing))
    for (const [position, waiter] of this.queue.entries()) {
      this.announce(waiter.events, this.estimateAt(position + 1, now), 'backoff')
    }

    // Every other process of the budget pauses too (the store keeps the later of two backoffs).
    this.shared?.pause(waitMs, this.sharedLimits()).catch(() => {})
    this.pump().catch(() => {})
  }

  /**
   * Shares this limiter's window with other processes through `budget`: from now on a slot is
   * granted only once the budget has one too. The first budget given stays.
   */
  shareWith(budget: SharedBudget): void {
    this.shared ??= budget
  }

  /**
   * Adopts a stricter limit when another connection to the same host asks for one: the fewest
   * requests in the longest window, which respects both limits.
   */
  tighten(limits: RateLimits): void {
    checkLimits(limits)
    const {guardMs, requests, windowMs} = this.limits
    this.limits = {
      guardMs: Math.max(guardMs, guardOf(limits)),
      requests: Math.min(requests, limits.requests),
      windowMs: Math.max(windowMs, limits.windowMs),
    }
  }

  /** Why a request asked for now would wait: inside a backoff Descope asked for, or for the window. */
  reason(now = this.clock.now()): WaitReason {
    if (now < this.pausedUntil) return 'backoff'
    return now < this.sharedFreeAt ? this.sharedReason : 'window'
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
    return this.estimateAt(this.queue.length + n, this.clock.now())
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

  private announce(events: Pick<RequestEvents, 'onRateLimitWait'> | undefined, waitMs: number, reason: WaitReason): void {
    try {
      events?.onRateLimitWait?.(waitMs, reason)
    } catch {
      // An observer's failure must not change the request.
    }
  }

  /** How long from `now` until the `total`-th request from now (waiters included) can be sent. */
  private estimateAt(total: number, now: number): number {
    if (total <= 0) return 0
    // Another process holds the shared window until `sharedFreeAt`: count from then.
    if (this.sharedFreeAt > now) return (this.sharedFreeAt - now) + this.estimateAt(total, this.sharedFreeAt)
    this.prune(now)
    const R = this.requests
    const W = this.windowMs + this.guardMs
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

  /**
   * Reserves a slot in the shared budget: 0 when granted (or when there is no budget), else how
   * long until the budget expects one. Waiters are told when the budget makes them wait longer.
   */
  private async reserveShared(): Promise<number> {
    if (!this.shared) return 0
    let answer
    try {
      answer = await this.shared.reserve(this.sharedLimits())
    } catch {
      // A budget never throws by contract; should one do so, this process keeps to its own limiter.
      this.shared = undefined
      return 0
    }

    const now = this.clock.now()
    if (answer.granted) {
      this.sharedFreeAt = 0
      return 0
    }

    this.sharedFreeAt = now + answer.waitMs
    this.sharedReason = answer.reason
    for (const [position, waiter] of this.queue.entries()) {
      this.announce(waiter.events, this.estimateAt(position + 1, now), answer.reason)
    }

    return answer.waitMs
  }

  private sharedLimits(): {guardMs: number; requests: number; windowMs: number} {
    const {guardMs, requests, windowMs} = this.limits
    return {guardMs: Math.max(guardMs, Math.min(MAX_SHARED_GUARD_MS, Math.round(windowMs * SHARED_GUARD_FRACTION))), requests, windowMs}
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

        const sharedWait = await this.reserveShared()
        if (sharedWait > 0) {
          await this.clock.sleep(sharedWait)
          continue
        }

        this.grant(this.clock.now())
        this.queue.shift()!.resolve()
      }
    } finally {
      this.pumping = false
    }
  }
}

const limiters = new Map<string, SlidingWindowRateLimiter>()

/** The key of the breaker of one project at one API. */
export function projectKey(baseUrl: string, projectId: string): string {
  return `${baseUrl.replace(/\/+$/, '')}|${projectId}`
}

/**
 * The key of the limiter of one API host (`host[:port]`): Descope counts most operations per
 * source address, not per project, so every project reached through one host spends one budget.
 */
export function hostKey(baseUrl: string): string {
  try {
    return new URL(baseUrl.trim()).host.toLowerCase()
  } catch {
    return baseUrl.trim().replace(/\/+$/, '').toLowerCase()
  }
}

/**
 * The process-wide limiter for `key` (see `hostKey`): every client and every concurrent task of
 * the process that talks to that host shares one window. When callers ask for different limits,
 * the limiter keeps the stricter combination (see `tighten`).
 */
export function getRateLimiter(key: string, limits: RateLimits = DEFAULT_RATE_LIMITS, clock?: Clock): SlidingWindowRateLimiter {
  let limiter = limiters.get(key)
  if (limiter) {
    if (limits.requests !== limiter.requests || limits.windowMs !== limiter.windowMs) limiter.tighten(limits)
  } else {
    limiter = new SlidingWindowRateLimiter(limits, clock)
    limiters.set(key, limiter)
  }

  return limiter
}

/** Forgets every limiter (tests). Requests still waiting on an old limiter are still served by it. */
export function resetRateLimiters(): void {
  limiters.clear()
}
