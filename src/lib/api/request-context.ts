/**
 * Request events that follow the async context: a client is created once per project, but what
 * its retries and rate-limit waits concern (the change being applied) is only known where the
 * request is made. Whoever makes requests runs them inside `withRequestEvents(events, …)`; the
 * client, created with `contextRequestEvents`, reports to the events of the context it runs in.
 */
import {AsyncLocalStorage} from 'node:async_hooks'

import type {
  RequestEvents, ResponseInfo, RetryInfo, WaitReason,
} from './types.js'

const current = new AsyncLocalStorage<RequestEvents>()

function safely(report: () => void): void {
  try {
    report()
  } catch {
    // A listener's failure must never change what a request does.
  }
}

/** Pass these to the client factory; they forward to the events of the current context, if any. */
export const contextRequestEvents: RequestEvents = {
  onRateLimitWait(waitMs: number, reason?: WaitReason) {
    const events = current.getStore()
    if (events?.onRateLimitWait) safely(() => events.onRateLimitWait!(waitMs, reason))
  },
  onResponse(info: ResponseInfo) {
    const events = current.getStore()
    if (events?.onResponse) safely(() => events.onResponse!(info))
  },
  onRetry(info: RetryInfo) {
    const events = current.getStore()
    if (events?.onRetry) safely(() => events.onRetry!(info))
  },
}

/** Runs `work` so that requests made within it report to `events`. */
export function withRequestEvents<T>(events: RequestEvents, work: () => T): T {
  return current.run(events, work)
}
