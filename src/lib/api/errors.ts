import {DescopeApiError, type DescopeApiErrorDetails} from '../errors.js'
import {classifyFailure} from './failure-kind.js'

/** What is known about one failed call; never holds request headers. */
export interface FailureInfo {
  method: string
  path: string
  baseUrl: string
  projectId: string
  status?: number
  /** Raw response body, if any. */
  body?: Buffer | string
  /** Response headers (only `retry-after` and request id headers are read). */
  headers?: Record<string, string | string[] | undefined>
  /** Node/got error code of a network failure (ECONNREFUSED, ETIMEDOUT…). */
  networkCode?: string
  retryCount?: number
  /** Milliseconds from the first attempt to the failure. */
  durationMs?: number
  /** The 429 asked for a longer wait than this client accepts (milliseconds it accepts). */
  retryAfterTooLongMs?: number
  /** Per-attempt timeout, for the timeout message. */
  timeoutMs?: number
  /** Strings that must not appear in the error (the management key): replaced by `***`. */
  secrets?: string[]
}

interface ErrorBody {
  errorCode?: string
  errorDescription?: string
  errorMessage?: string
}

const REQUEST_ID_HEADERS = ['x-request-id', 'x-descope-request-id', 'cf-ray']

export function redact(text: string, secrets: string[] = []): string {
  let out = text
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.split(secret).join('***')
  }

  return out
}

function header(headers: FailureInfo['headers'], name: string): string | undefined {
  const value = headers?.[name]
  return Array.isArray(value) ? value[0] : value
}

/** Reads the Descope error body; accepts non-JSON bodies and bodies without errorCode. */
export function parseErrorBody(body: Buffer | string | undefined, secrets: string[] = []): ErrorBody {
  const text = body === undefined ? '' : body.toString().trim()
  if (!text) return {}
  const clip = (value: string): string => redact(value.length > 300 ? `${value.slice(0, 300)}…` : value, secrets)
  try {
    const parsed: unknown = JSON.parse(text)
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      const record = parsed as Record<string, unknown>
      const pick = (key: string): string | undefined =>
        typeof record[key] === 'string' && record[key] ? clip(record[key]) : undefined
      // Infrastructure layers sometimes answer {message}: keep it as the description.
      return {
        errorCode: pick('errorCode'),
        errorDescription: pick('errorDescription') ?? pick('message') ?? pick('error'),
        errorMessage: pick('errorMessage'),
      }
    }
  } catch {
    // Not JSON: an HTML page from a proxy, or plain text.
  }

  // Keep plain text (short), never HTML.
  return text.startsWith('<') ? {} : {errorDescription: clip(text.split('\n')[0])}
}

/** Parses `Retry-After` (seconds or an HTTP date) into whole seconds. */
export function parseRetryAfter(value?: string, now = Date.now()): number | undefined {
  if (value === undefined || value.trim() === '') return undefined
  const seconds = Number(value)
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds))
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000))
}

function retried(count: number | undefined): string {
  if (!count) return ''
  return count === 1 ? ' after 1 retry' : ` after ${count} retries`
}

function describe(body: ErrorBody): string {
  const parts = [body.errorDescription, body.errorMessage].filter((part, index, all): part is string => Boolean(part) && all.indexOf(part) === index)
  const code = body.errorCode ? ` [${body.errorCode}]` : ''
  return parts.length > 0 ? `: ${parts.join(' — ')}${code}` : code
}

/**
 * Node's codes for a server certificate it refuses (OpenSSL's verify errors, and its own check of
 * the host name), with what each means. Such a failure is not retried, and no request was sent.
 */
const CERTIFICATE_ERRORS = new Map([
  ['CERT_HAS_EXPIRED', 'The server\'s certificate has expired.'],
  ['CERT_NOT_YET_VALID', 'The server\'s certificate is not valid yet (check this machine\'s clock).'],
  ['CERT_REVOKED', 'The server\'s certificate has been revoked.'],
  ['CERT_UNTRUSTED', 'The server\'s certificate is not trusted.'],
  ['DEPTH_ZERO_SELF_SIGNED_CERT', 'The server\'s certificate is self-signed.'],
  ['ERR_TLS_CERT_ALTNAME_INVALID', 'The server\'s certificate is for another host name.'],
  ['SELF_SIGNED_CERT_IN_CHAIN', 'The server\'s certificate chain ends in a certificate authority this machine does not trust.'],
  ['UNABLE_TO_GET_ISSUER_CERT', 'The server\'s certificate is signed by a certificate authority this machine does not know.'],
  ['UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'The server\'s certificate is signed by a certificate authority this machine does not know.'],
  ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'The server\'s certificate cannot be verified: its chain is incomplete or its authority unknown.'],
])

function networkFailure(info: FailureInfo, details: DescopeApiErrorDetails): DescopeApiError {
  const code = info.networkCode ?? 'network error'
  const request = `${info.method} ${info.path}`
  const hint = 'Check `--base-url`/DESCOPE_BASE_URL and your network.'
  if (code === 'ETIMEDOUT') {
    const within = info.timeoutMs ? ` within ${info.timeoutMs < 1000 ? `${info.timeoutMs} ms` : `${Math.round(info.timeoutMs / 1000)} s`}` : ''
    return new DescopeApiError(`No answer from ${info.baseUrl}${within} for ${request}${retried(info.retryCount)}.`, details, {
      code: 'timeout',
      hint: `${hint} If Descope is slow rather than unreachable, retry later.`,
    })
  }

  if (CERTIFICATE_ERRORS.has(code)) {
    return new DescopeApiError(`The certificate of ${info.baseUrl} was refused (${code}) for ${request}: nothing was sent.`, details, {
      code: 'certificate',
      hint: [
        CERTIFICATE_ERRORS.get(code),
        'Check `--base-url`/DESCOPE_BASE_URL. Behind a proxy that inspects TLS, trust its certificate authority with NODE_EXTRA_CA_CERTS=<file of PEM certificates>.',
      ].join(' '),
    })
  }

  return new DescopeApiError(`Cannot reach ${info.baseUrl} (${code}) for ${request}${retried(info.retryCount)}.`, details, {
    code: 'network',
    hint,
  })
}

/** Maps a failed call to a DescopeApiError with a message a user can act on and a hint. */
export function toDescopeApiError(info: FailureInfo): DescopeApiError {
  const secrets = info.secrets ?? []
  const body = parseErrorBody(info.body, secrets)
  const {status} = info
  const requestId = REQUEST_ID_HEADERS.map(name => header(info.headers, name)).find(Boolean)
  const details: DescopeApiErrorDetails = {
    method: info.method,
    path: info.path,
    retryCount: info.retryCount ?? 0,
    ...(status === undefined ? {} : {status}),
    ...body,
    ...(requestId ? {requestId: redact(requestId, secrets)} : {}),
    ...(info.networkCode ? {networkCode: info.networkCode} : {}),
    ...(info.durationMs === undefined ? {} : {durationMs: info.durationMs}),
  }
  for (const key of Object.keys(details) as Array<keyof DescopeApiErrorDetails>) {
    if (details[key] === undefined) delete details[key]
  }

  if (status === undefined) return networkFailure(info, details)

  const request = `${info.method} ${info.path}`
  const what = describe(body)
  const again = retried(info.retryCount)

  if (status === 401) {
    return new DescopeApiError(`Descope rejected the credentials for ${request} (HTTP 401)${what}.`, details, {
      hint: `Check the management key and the project id (${info.projectId}; DESCOPE_MANAGEMENT_KEY / DESCOPE_PROJECT_ID or the environment's settings) — the key must belong to the project.`,
    })
  }

  if (status === 403) {
    return new DescopeApiError(`The management key is not allowed to do ${request} in project ${info.projectId} (HTTP 403)${what}.`, details, {
      hint: 'Use a management key created for this project, or a company key not limited to other projects.',
    })
  }

  if (status === 429) {
    const retryAfter = parseRetryAfter(header(info.headers, 'retry-after'))
    if (retryAfter !== undefined) details.retryAfter = retryAfter
    if (info.retryAfterTooLongMs !== undefined) {
      const limit = Math.round(info.retryAfterTooLongMs / 1000)
      return new DescopeApiError(
        `Descope's rate limit was hit for ${request}${again} and it asked to wait ${retryAfter ?? '?'} s, longer than the ${limit} s this client waits.`,
        details,
        {hint: `Retry in ${retryAfter ?? 'a few'} s, or lower \`rateLimit\` for this environment.`},
      )
    }

    return new DescopeApiError(`Descope's rate limit was hit for ${request}${again} (HTTP 429)${what}.`, details, {
      hint: 'Lower `rateLimit` for this environment, or retry later.',
    })
  }

  const kind = classifyFailure({...body, status})
  if (kind === 'already_exists') {
    return new DescopeApiError(`Already exists: ${request} (HTTP ${status})${what}.`, details, {
      code: body.errorCode ?? 'already_exists',
      hint: 'Change it with `descope-mgmt tenant update`, or let `descope-mgmt plan` and `apply` reconcile it.',
    })
  }

  if (kind === 'not_found') {
    return new DescopeApiError(`Not found: ${request} (HTTP ${status})${what}.`, details, {
      code: body.errorCode ?? 'not_found',
      hint: 'Check the id; `descope-mgmt tenant list` shows what exists.',
    })
  }

  if (kind === 'unknown_endpoint') {
    return new DescopeApiError(`${info.baseUrl} does not know the endpoint ${request} (HTTP ${status})${what}.`, details, {
      code: 'unknown_endpoint',
      hint: `Check that ${info.baseUrl} is the Descope API (\`--base-url\`/DESCOPE_BASE_URL), and that this descope-mgmt version supports it (\`descope-mgmt --version\`; update it if it is old).`,
    })
  }

  if (status >= 500) {
    return new DescopeApiError(`Descope is having trouble: ${request} failed with HTTP ${status}${again}${what}.`, details, {
      hint: 'This is usually temporary: retry in a few minutes. If it persists, check Descope’s status page.',
    })
  }

  if (status >= 200 && status < 300) {
    return new DescopeApiError(`Descope answered ${request} with a body that is not JSON (HTTP ${status}).`, details, {
      code: 'invalid_response',
      hint: `Check that ${info.baseUrl} is the Descope API (\`--base-url\`/DESCOPE_BASE_URL), not a proxy or a web page.`,
    })
  }

  return new DescopeApiError(`Descope refused ${request} (HTTP ${status})${what}.`, details, {
    hint: status === 400 ? 'The request was invalid: check the values given.' : undefined,
  })
}

/** Builds the error for a response that arrived but could not be used. */
export function invalidResponse(info: Pick<FailureInfo, 'baseUrl' | 'method' | 'path' | 'retryCount'>, problem: string): DescopeApiError {
  return new DescopeApiError(
    `Descope answered ${info.method} ${info.path} with an unexpected body: ${problem}.`,
    {
      method: info.method, path: info.path, retryCount: info.retryCount ?? 0, status: 200,
    },
    {
      code: 'invalid_response',
      hint: `Check that ${info.baseUrl} is the Descope API (\`--base-url\`/DESCOPE_BASE_URL), not a proxy or a web page.`,
    },
  )
}

/** The circuit breaker of this project is open: too many requests in a row failed. */
export class DescopeUnavailableError extends DescopeApiError {
  constructor(baseUrl: string, failures: number, request: {method: string; path: string}, retryInMs: number) {
    super(
      `Descope API at ${baseUrl} looks unavailable: ${failures} requests in a row failed; stopped early.`,
      {method: request.method, path: request.path},
      {
        code: 'api_unavailable',
        hint: `Check your network and Descope's status page, then run the command again (a new attempt is let through after ${Math.max(1, Math.round(retryInMs / 1000))} s).`,
      },
    )
    this.name = 'DescopeUnavailableError'
  }
}

/** The details of a DescopeApiError, also from another copy of this module (plugins). */
export function apiErrorDetails(error: unknown): DescopeApiErrorDetails | undefined {
  if (error instanceof DescopeApiError) return error.details
  if (error && typeof error === 'object' && 'details' in error && (error as {name?: unknown}).name === 'DescopeApiError') {
    const {details} = error as {details: unknown}
    if (details && typeof details === 'object') return details as DescopeApiErrorDetails
  }

  return undefined
}

/** A Descope error body with 400 or 404 whose code or text says "not found"; never a 404 of an unknown route. */
export function isNotFound(error: unknown): boolean {
  const details = apiErrorDetails(error)
  return details !== undefined && classifyFailure(details) === 'not_found'
}

/** A Descope error body with 400 or 409 whose code or text says "already exists" or "duplicate". */
export function isAlreadyExists(error: unknown): boolean {
  const details = apiErrorDetails(error)
  return details !== undefined && classifyFailure(details) === 'already_exists'
}

/** A 404 or 405 of a route the server does not have (no Descope body, or one about the route). */
export function isUnknownEndpoint(error: unknown): boolean {
  const details = apiErrorDetails(error)
  return details !== undefined && classifyFailure(details) === 'unknown_endpoint'
}

/** 401 or 403. */
export function isAuthError(error: unknown): boolean {
  const status = apiErrorDetails(error)?.status
  return status === 401 || status === 403
}

/** How many times the failed request was retried (0 when it failed at the first attempt). */
export function retryCountOf(error: unknown): number {
  return apiErrorDetails(error)?.retryCount ?? 0
}
