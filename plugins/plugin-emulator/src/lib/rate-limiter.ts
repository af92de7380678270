import type {RateLimit} from './knobs.js'

/**
 * A sliding-window rate limiter: a request is allowed when fewer than `limit.requests` requests
 * were allowed in the last `limit.windowMs`. Refused requests do not use up the window. With a
 * `backoffMs`, the first refusal blocks the key for that long (Descope's documented "60-second
 * backoff"); requests during the block are refused without extending it.
 */
export class SlidingWindowLimiter {
  /** End of the backoff of each blocked key. */
  private readonly blockedUntil = new Map<string, number>()
  /** Times (ms) of the allowed requests of each key, oldest first. */
  private readonly windows = new Map<string, number[]>()

  clear(): void {
    this.blockedUntil.clear()
    this.windows.clear()
  }

  /** Allows the request (and records it), or says in how many whole seconds to retry (≥ 1). */
  tryAcquire(key: string, limit: RateLimit, now: number): {allowed: false; retryAfterSeconds: number} | {allowed: true} {
    const blocked = this.blockedUntil.get(key)
    if (blocked !== undefined) {
      if (now < blocked) return {allowed: false, retryAfterSeconds: wholeSeconds(blocked - now)}
      this.blockedUntil.delete(key)
    }

    let times = this.windows.get(key)
    if (!times) {
      times = []
      this.windows.set(key, times)
    }

    const windowStart = now - limit.windowMs
    let expired = 0
    while (expired < times.length && times[expired] <= windowStart) expired++
    if (expired > 0) times.splice(0, expired)
    if (times.length < limit.requests) {
      times.push(now)
      return {allowed: true}
    }

    if (limit.backoffMs !== undefined) {
      this.blockedUntil.set(key, now + limit.backoffMs)
      return {allowed: false, retryAfterSeconds: wholeSeconds(limit.backoffMs)}
    }

    // The slot that frees first is the one of the oldest request still inside the window,
    // or later ones if the limit was lowered since they were recorded.
    const freesAt = times[times.length - limit.requests] + limit.windowMs
    return {allowed: false, retryAfterSeconds: wholeSeconds(freesAt - now)}
  }
}

function wholeSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000))
}
