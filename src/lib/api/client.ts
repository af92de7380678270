import {
  got, type Got, HTTPError, type PlainResponse, type Request, RequestError, type RetryObject,
} from 'got'
import {AsyncResource} from 'node:async_hooks'
import {setTimeout as sleep} from 'node:timers/promises'

import type {
  DescopeClient, DescopeClientOptions, HttpMethod, ListCollector, RequestEvents, RequestOptions,
} from './types.js'

import {DescopeApiError, InputError} from '../errors.js'
import {getCircuitBreaker} from './breaker.js'
import {invalidResponse, toDescopeApiError} from './errors.js'
import {JsonListReader, JsonListSyntaxError} from './json-list.js'
import {
  DEFAULT_RATE_LIMITS, getRateLimiter, hostKey, projectKey,
} from './rate-limiter.js'

export const SDK_NAME = 'descope-mgmt'

export const DEFAULT_RETRY = Object.freeze({
  baseDelayMs: 200,
  limit: 4,
  maxDelayMs: 10_000,
  maxRetryAfterMs: 60_000,
  maxTotalMs: 120_000,
})

export const DEFAULT_TIMEOUT_MS = 30_000

/** Statuses retried: 429 (honouring Retry-After) and the transient ones the Descope SDKs retry, plus 523. */
export const RETRY_STATUSES: readonly number[] = [429, 503, 520, 521, 522, 523, 524, 530]

/** Network failures retried. ENOTFOUND is not: a wrong host name does not heal by waiting. */
export const RETRY_ERROR_CODES: readonly string[] = ['ECONNRESET', 'ETIMEDOUT', 'ECONNREFUSED', 'EPIPE', 'EAI_AGAIN']

/**
 * Since Node 24.20, a request written to a socket that closes before it connects (a refused port,
 * say) also fails its write with this code, and got (before 16, which needs Node 22) rejects with
 * that bare error while it is scheduling the retry of the real one (sindresorhus/got#2469); once
 * its promise has settled, got drops that retry. Nothing was sent, so `request` carries the retry
 * out itself, and reports the real error.
 */
const CLOSED_BEFORE_CONNECTION = 'ERR_SOCKET_CLOSED_BEFORE_CONNECTION'

/** How long the license handshake may take before requests go on without its header. */
export const LICENSE_TIMEOUT_MS = 5000

/**
 * The rate-limit tier of each project (`GET /v1/mgmt/license`), asked once per process and
 * project, as the official SDKs do at construction (reference §4.4), unless `licenseTierMemo`
 * holds one an earlier process learnt; every management request then carries
 * `x-descope-license: <tier>` so it lands in the project's rate-limit bucket. A failed handshake
 * is remembered as "no tier": it never stops a command and is not repeated in the process.
 */
const licenseTiers = new Map<string, Promise<string | undefined>>()

/** For tests: forget the tiers learnt so far. */
export function resetLicenseTiers(): void {
  licenseTiers.clear()
}

/** State of one `request()` call across its attempts; travels in got's `context`. */
interface CallState {
  method: HttpMethod
  path: string
  attempts: number
  firstSentAt?: number
  /** Attempts that failed other than with a scheduled 429 (those count against `retry.limit`). */
  failedAttempts?: number
  /** Set when a 429 asked for a longer wait than `maxRetryAfterMs`. */
  retryAfterTooLongMs?: number
  /** The wait got was given for the retry of the current attempt, if it is to be retried. */
  retryScheduledMs?: number
  /** The code of the last network failure got saw (the real one behind CLOSED_BEFORE_CONNECTION). */
  lastNetworkCode?: string
}

/** Exponential backoff with full jitter: uniform in [1, min(cap, base·2^(n-1))]. */
export function backoffDelay(attempt: number, baseDelayMs: number, maxDelayMs: number, random = Math.random): number {
  const ceiling = Math.min(maxDelayMs, baseDelayMs * (2 ** (attempt - 1)))
  return Math.max(1, Math.round(random() * ceiling))
}

function callState(options: {context: Record<string, unknown>}): CallState | undefined {
  return options.context.descope as CallState | undefined
}

/** got's options of one call: its state travels in the context; POST and PUT send {} without a body. */
function gotOptions(state: CallState, method: HttpMethod, requestOptions: RequestOptions) {
  const json = requestOptions.json ?? (method === 'POST' || method === 'PUT' ? {} : undefined)
  return {
    context: {descope: state},
    method,
    ...(json === undefined ? {} : {json}),
    ...(requestOptions.searchParams ? {searchParams: requestOptions.searchParams} : {}),
  }
}

function parseJsonBody(raw: string): unknown {
  const text = raw.trim()
  return text === '' ? {} : JSON.parse(text)
}

/**
 * Creates a client for one project: one got instance with the auth headers, the host's shared
 * rate limiter (taken before every attempt, retries included), retries and the project's breaker.
 */
export function createDescopeClient(options: DescopeClientOptions, events: RequestEvents = {}): DescopeClient {
  const baseUrl = options.baseUrl.trim().replace(/\/+$/, '')
  try {
    const url = new URL(baseUrl)
    if (!/^https?:$/.test(url.protocol)) throw new Error('protocol')
  } catch {
    throw new InputError(`Invalid Descope base URL "${baseUrl}": expected http(s)://host[:port].`, {
      hint: 'Fix `--base-url`, DESCOPE_BASE_URL or the environment\'s baseUrl.',
    })
  }

  const {managementKey, projectId} = options
  const secrets = [managementKey, `${projectId}:${managementKey}`].filter(secret => secret.length > 0)
  const retry = {...DEFAULT_RETRY, ...stripUndefined(options.retry ?? {})}
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
  const version = options.version ?? 'unknown'
  const key = projectKey(baseUrl, projectId)
  const limiter = getRateLimiter(hostKey(baseUrl), options.rateLimit ?? DEFAULT_RATE_LIMITS)
  if (options.sharedBudget) limiter.shareWith(options.sharedBudget)
  const breaker = getCircuitBreaker(key, baseUrl, {
    halfOpenAfterMs: options.breaker?.halfOpenAfterMs ?? 30_000,
    threshold: options.breaker?.threshold ?? 5,
  })

  const retryDelay = (state: CallState | undefined, {attemptCount, code: errorCode, retryAfter, status}: {attemptCount: number; code?: string; retryAfter?: number; status?: number}): number => {
    if (!state) return 0
    // A 429 with Retry-After is the API scheduling the request, not a failure: in a 429 storm a
    // request can be refused more than `limit` times, so those retries are bounded by `maxTotalMs`
    // (below) and do not use up the `limit` left for real failures (5xx, network).
    if (!(status === 429 && retryAfter !== undefined)) {
      state.failedAttempts = (state.failedAttempts ?? 0) + 1
      if (state.failedAttempts > retry.limit) return 0
    }

    const code = status === undefined ? errorCode : undefined
    if (status === undefined ? !RETRY_ERROR_CODES.includes(errorCode ?? '') : !RETRY_STATUSES.includes(status)) return 0

    let delayMs: number
    const backoff = status === 429 && retryAfter !== undefined
    if (backoff) {
      if (retryAfter > retry.maxRetryAfterMs) {
        state.retryAfterTooLongMs = retry.maxRetryAfterMs
        return 0
      }

      delayMs = Math.max(1, retryAfter)
    } else {
      delayMs = backoffDelay(state.failedAttempts ?? attemptCount, retry.baseDelayMs, retry.maxDelayMs)
    }

    // Descope's backoff holds every request of the process to this host, not only this one.
    if (backoff) limiter.backoff(delayMs)
    const elapsed = Date.now() - (state.firstSentAt ?? Date.now())
    if (elapsed + delayMs > retry.maxTotalMs) return 0
    try {
      events.onRetry?.({
        attempt: attemptCount,
        delayMs,
        method: state.method,
        path: state.path,
        ...(status === undefined ? {code} : {status}),
      })
      if (backoff) events.onRateLimitWait?.(delayMs, 'backoff')
    } catch {
      // An observer's failure must not change the request.
    }

    return delayMs
  }

  const calculateDelay = ({attemptCount, error, retryAfter}: RetryObject): number => {
    // Left to `request`'s own retry, which counts it once.
    if (error.code === CLOSED_BEFORE_CONNECTION) return 0
    const state = callState(error.options)
    const status = error.response?.statusCode
    if (state && status === undefined) state.lastNetworkCode = error.code
    const delayMs = retryDelay(state, {
      attemptCount, code: error.code, retryAfter, status,
    })
    if (state) state.retryScheduledMs = delayMs > 0 ? delayMs : undefined
    return delayMs
  }

  const headers = {
    accept: 'application/json',
    authorization: `Bearer ${projectId}:${managementKey}`,
    'user-agent': `${SDK_NAME}/${version}`,
    'x-descope-project-id': projectId,
    'x-descope-sdk-name': SDK_NAME,
    'x-descope-sdk-node-version': process.versions.node,
    'x-descope-sdk-version': version,
  }

  /*
   * The limiter may report a wait later, from another request's context (a 429 elsewhere starts a
   * backoff): bind the report to the context of the request that waits.
   */
  const waitEvents = (): Pick<RequestEvents, 'onRateLimitWait'> => (
    events.onRateLimitWait ? {onRateLimitWait: AsyncResource.bind(events.onRateLimitWait.bind(events))} : {}
  )

  const askLicenseTier = async (): Promise<string | undefined> => {
    const remembered = await options.licenseTierMemo?.read()
    if (remembered) return remembered
    try {
      await limiter.acquire(waitEvents())
      const body = await got(`${baseUrl}/v1/mgmt/license`, {
        headers, responseType: 'json', retry: {limit: 0}, timeout: {request: Math.min(LICENSE_TIMEOUT_MS, timeoutMs)},
      }).json<{rateLimitTier?: unknown}>()
      const tier = typeof body?.rateLimitTier === 'string' && body.rateLimitTier ? body.rateLimitTier : undefined
      if (tier) await options.licenseTierMemo?.write(tier)
      return tier
    } catch {
      return undefined
    }
  }

  const licenseTier = async (): Promise<string | undefined> => {
    if (options.licenseHandshake === false) return undefined
    let tier = licenseTiers.get(key)
    if (!tier) {
      tier = askLicenseTier()
      licenseTiers.set(key, tier)
    }

    return tier
  }

  const http: Got = got.extend({
    headers,
    hooks: {
      beforeRequest: [
        async requestOptions => {
          const tier = await licenseTier()
          if (tier) requestOptions.headers['x-descope-license'] = tier
          // Runs before every attempt, retries included: each one takes a slot of the window.
          await limiter.acquire(waitEvents())
          const state = callState(requestOptions)
          if (state) {
            state.retryScheduledMs = undefined
            state.attempts++
            state.firstSentAt ??= Date.now()
          }
        },
      ],
    },
    prefixUrl: `${baseUrl}/`,
    responseType: 'text',
    retry: {
      calculateDelay,
      errorCodes: [...RETRY_ERROR_CODES],
      limit: retry.limit,
      methods: ['GET', 'POST', 'PUT', 'DELETE'],
      statusCodes: [...RETRY_STATUSES],
    },
    throwHttpErrors: true,
    timeout: {request: timeoutMs},
  })

  /** Tells `onResponse` about an answer; only the status, the timing and the `Date` header leave. */
  const reportResponse = (state: CallState, response: {headers: Record<string, string | string[] | undefined>; statusCode: number; timings?: {phases?: {total?: number}; response?: number}}): void => {
    if (!events.onResponse) return
    const {date} = response.headers
    try {
      events.onResponse({
        date: Array.isArray(date) ? date[0] : date,
        durationMs: response.timings?.phases?.total,
        method: state.method,
        path: state.path,
        receivedAt: response.timings?.response ?? Date.now(),
        status: response.statusCode,
      })
    } catch {
      // An observer's failure must not change the request.
    }
  }

  const fail = (state: CallState, error: unknown): DescopeApiError => {
    const retryCount = Math.max(0, state.attempts - 1)
    const durationMs = state.firstSentAt === undefined ? undefined : Date.now() - state.firstSentAt
    if (error instanceof DescopeApiError) return error
    const gotError = error as Partial<RequestError>
    if (error instanceof HTTPError || gotError.response) {
      const response = gotError.response!
      return toDescopeApiError({
        baseUrl,
        body: response.rawBody ?? (typeof response.body === 'string' ? response.body : undefined),
        durationMs,
        headers: response.headers,
        method: state.method,
        path: state.path,
        projectId,
        retryAfterTooLongMs: state.retryAfterTooLongMs,
        retryCount,
        secrets,
        status: response.statusCode,
      })
    }

    // Never the got error itself: its `options.headers` hold the key.
    const reported = gotError.code === CLOSED_BEFORE_CONNECTION ? state.lastNetworkCode ?? gotError.code : gotError.code
    const code = typeof reported === 'string' && reported !== 'ERR_GOT_REQUEST_ERROR' ? reported : 'network error'
    return toDescopeApiError({
      baseUrl,
      durationMs,
      method: state.method,
      networkCode: code,
      path: state.path,
      projectId,
      retryCount,
      secrets,
      timeoutMs,
    })
  }

  /**
   * Runs the attempts of one call under the project's breaker: got retries what it schedules; a
   * connection closed before it opened is retried here (see CLOSED_BEFORE_CONNECTION).
   */
  async function call<T>(method: HttpMethod, path: string, attempt: (state: CallState, relative: string) => Promise<T>): Promise<T> {
    const relative = path.replace(/^\/+/, '')
    const state: CallState = {attempts: 0, method, path: `/${relative}`}
    return breaker.execute(state, async () => {
      for (;;) {
        try {
          return await attempt(state, relative)
        } catch (error) {
          // What the answer's reader or its collector threw is not a failure of the request; a
          // connection closed before it opened comes bare, not as got's RequestError.
          const {code} = error as {code?: unknown}
          if (!(error instanceof RequestError) && code !== CLOSED_BEFORE_CONNECTION) throw error
          const response = error instanceof RequestError ? error.response : undefined
          if (response) reportResponse(state, response)
          const delayMs = code === CLOSED_BEFORE_CONNECTION
            ? state.retryScheduledMs ?? retryDelay(state, {attemptCount: state.attempts, code: state.lastNetworkCode ?? 'ECONNREFUSED'})
            : 0
          if (delayMs === 0) throw fail(state, error)
          state.retryScheduledMs = undefined
          await sleep(delayMs)
        }
      }
    })
  }

  const notJson = (state: CallState) => invalidResponse({
    baseUrl, method: state.method, path: state.path, retryCount: state.attempts - 1,
  }, 'the body is not JSON')

  async function request<T>(method: HttpMethod, path: string, requestOptions: RequestOptions = {}): Promise<T> {
    return call(method, path, async (state, relative) => {
      const response = await http(relative, gotOptions(state, method, requestOptions))
      reportResponse(state, response)
      try {
        return parseJsonBody(response.body) as T
      } catch {
        throw notJson(state)
      }
    })
  }

  /**
   * A list read: the answer streams through a JsonListReader into a collector. got schedules the
   * retries of a stream as of a request and hands over a new stream for each, which gets a new
   * collector: what a failed attempt collected is dropped.
   */
  function streamList<R>(state: CallState, relative: string, options: ReturnType<typeof gotOptions>, list: string, collect: () => ListCollector<R>): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      let current: Request | undefined
      const read = (stream: Request): void => {
        current = stream
        const collector = collect()
        const reader = new JsonListReader(list, value => collector.item(value))
        let response: PlainResponse | undefined
        const failed = (error: unknown) => {
          if (current !== stream) return
          current = undefined
          stream.destroy()
          reject(error instanceof JsonListSyntaxError ? notJson(state) : error)
        }

        stream.on('response', (answer: PlainResponse) => {
          response = answer
        })
        stream.on('data', (chunk: Buffer) => {
          try {
            collector.chunk?.(chunk)
            reader.write(chunk)
          } catch (error) {
            failed(error)
          }
        })
        stream.once('retry', (_count: number, _error: unknown, retryStream: () => Request) => {
          if (current === stream) read(retryStream())
        })
        stream.on('error', failed)
        stream.once('end', () => {
          if (current !== stream) return
          try {
            const result = collector.end(reader.end())
            if (response) reportResponse(state, response)
            current = undefined
            resolve(result)
          } catch (error) {
            failed(error)
          }
        })
      }

      read(http.stream(relative, options))
    })
  }

  async function requestList<R>(method: HttpMethod, path: string, list: string, collect: () => ListCollector<R>, requestOptions: RequestOptions = {}): Promise<R> {
    return call(method, path, (state, relative) => streamList(state, relative, gotOptions(state, method, requestOptions), list, collect))
  }

  return {
    baseUrl,
    projectId,
    rateLimit: {
      estimateMs: (n: number) => limiter.estimateMs(n),
      waitReason: () => limiter.reason(),
      waitTimeMs: () => limiter.waitTimeMs(),
    },
    request,
    requestList,
  }
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>
}
