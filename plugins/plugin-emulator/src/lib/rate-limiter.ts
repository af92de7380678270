import type {RateLimit} from './knobs.js'

/**
 * A sliding-window rate limiter: a request is allowed when fewer than `limit.requests` requests
 * were allowed in the last `limit.windowMs`. Refused requests do not use up the window.
 */
export class SlidingWindowLimiter {
  /** Times (ms) of the allowed requests of each key, oldest first. */
  private readonly windows = new Map<string, number[]>()

  clear(): void {
    this.windows.clear()
  }

  /** Allows the request (and records it), or says in how many whole seconds a slot frees up (≥ 1). */
  tryAcquire(key: string, limit: RateLimit, now: number): {allowed: false; retryAfterSeconds: number} | {allowed: true} {
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

    // The slot that frees first is the one of the oldest request still inside the window,
    // or later ones if the limit was lowered since they were recorded.
    const freesAt = times[times.length - limit.requests] + limit.windowMs
    return {allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((freesAt - now) / 1000))}
  }
}
