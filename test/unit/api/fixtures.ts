import nock from 'nock'
import {createServer, type IncomingMessage, type ServerResponse} from 'node:http'
import {inspect} from 'node:util'

import type {DescopeClientOptions, RequestEvents} from '../../../src/lib/api/types.js'

import {resetCircuitBreakers} from '../../../src/lib/api/breaker.js'
import {createDescopeClient, resetLicenseTiers} from '../../../src/lib/api/client.js'
import {resetRateLimiters} from '../../../src/lib/api/rate-limiter.js'

export const BASE = 'https://api.descope.test'
export const PROJECT = 'P2TestProject000000000000001'
export const KEY = 'K2SeCrEtMgmtKey0123456789abcdefXYZ'

/** Short delays everywhere: the suite must not wait for real backoffs. */
export function testClient(options: Partial<DescopeClientOptions> = {}, events: RequestEvents = {}) {
  return createDescopeClient(
    {
      baseUrl: BASE,
      managementKey: KEY,
      projectId: PROJECT,
      version: '1.2.3',
      // The handshake has its own tests; elsewhere it would add a request to every count.
      licenseHandshake: false,
      ...options,
      retry: {baseDelayMs: 1, maxDelayMs: 5, ...options.retry},
    },
    events,
  )
}

/** Records every event payload, to check none carries the key. */
export function recordEvents(): RequestEvents & {calls: Array<{name: string; payload: unknown; reason?: string}>} {
  const calls: Array<{name: string; payload: unknown; reason?: string}> = []
  return {
    calls,
    onRateLimitWait(waitMs, reason) {
      calls.push({name: 'onRateLimitWait', payload: waitMs, ...(reason ? {reason} : {})})
    },
    onRetry(info) {
      calls.push({name: 'onRetry', payload: info})
    },
  }
}

export async function failure(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await promise
  } catch (error) {
    return error as Error & Record<string, unknown>
  }

  throw new Error('expected a failure')
}

/** Every way an error can end up printed or logged. */
export function renderings(error: unknown): string[] {
  const err = error as Error
  return [err.message, JSON.stringify(err), String(err), err.stack ?? '', inspect(err, {depth: 10, showHidden: true})]
}

export function resetApiState(): void {
  resetRateLimiters()
  resetCircuitBreakers()
  resetLicenseTiers()
  nock.cleanAll()
}

/**
 * A Node-like network error for `nock(...).replyWithError()`. nock 15 forwards only errors with
 * `code` and `errno` as network errors; a plain `{code}` object becomes a broken 500 response.
 */
export function networkError(code: string): Error {
  return Object.assign(new Error(`${code} (simulated)`), {code, errno: -1, syscall: 'read'})
}

/**
 * A real server on loopback, for timeouts. nock 15's socket mock re-emits got's timeout error on
 * the ClientRequest after got stopped listening (an uncaught error), with `delay()` or with
 * pass-through alike; so nock is switched off while the server runs and back on at `close()`.
 */
export async function localServer(handler: (request: IncomingMessage, response: ServerResponse, index: number) => void): Promise<{url: string; requests: number; close(): Promise<void>}> {
  let index = 0
  nock.restore()
  const server = createServer((request, response) => {
    request.resume()
    handler(request, response, index++)
  })
  await new Promise<void>(resolve => {
    server.listen(0, '127.0.0.1', resolve)
  })
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return {
    async close() {
      server.closeAllConnections()
      await new Promise(resolve => {
        server.close(resolve)
      })
      if (!nock.isActive()) nock.activate()
    },
    get requests() {
      return index
    },
    url: `http://127.0.0.1:${port}`,
  }
}
