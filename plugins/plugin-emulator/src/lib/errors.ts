/**
 * Errors in Descope's wire shape: `{errorCode, errorDescription, errorMessage}`.
 * Codes from the Descope reference where one exists; the not-found and already-exists codes are
 * the emulator's own (Descope documents none) and can be changed with `setErrorCodes`.
 */

export interface ErrorSpec {
  status: number
  errorCode: string
  errorDescription: string
}

export const defaultErrorCodes = {
  badRequest: {status: 400, errorCode: 'E011001', errorDescription: 'Bad request'},
  missingArgument: {status: 400, errorCode: 'E011002', errorDescription: 'Missing arguments'},
  invalidArgument: {status: 400, errorCode: 'E011003', errorDescription: 'Request is invalid'},
  unauthorized: {status: 401, errorCode: 'E011101', errorDescription: 'Unauthorized'},
  forbidden: {status: 403, errorCode: 'E011102', errorDescription: 'Management key is not allowed for this project'},
  notFound: {status: 404, errorCode: 'E011404', errorDescription: 'Not found'},
  alreadyExists: {status: 409, errorCode: 'E011409', errorDescription: 'Already exists'},
  routeNotFound: {status: 404, errorCode: 'E011405', errorDescription: 'Route not found'},
  methodNotAllowed: {status: 405, errorCode: 'E011406', errorDescription: 'Method not allowed'},
  rateLimited: {status: 429, errorCode: 'E130429', errorDescription: 'Rate limit exceeded'},
  internal: {status: 500, errorCode: 'E011500', errorDescription: 'Internal server error'},
  unavailable: {status: 503, errorCode: 'E011503', errorDescription: 'Service unavailable'},
} satisfies Record<string, ErrorSpec>

export type ErrorKind = keyof typeof defaultErrorCodes

let errorCodes: Record<ErrorKind, ErrorSpec> = structuredClone(defaultErrorCodes)

/** Overrides the status and code of some error kinds (e.g. answer duplicates with 400). */
export function setErrorCodes(overrides: Partial<Record<ErrorKind, Partial<ErrorSpec>>>): void {
  for (const [kind, spec] of Object.entries(overrides) as Array<[ErrorKind, Partial<ErrorSpec>]>) {
    errorCodes[kind] = {...errorCodes[kind], ...spec}
  }
}

export function resetErrorCodes(): void {
  errorCodes = structuredClone(defaultErrorCodes)
}

export function errorSpec(kind: ErrorKind): ErrorSpec {
  return errorCodes[kind]
}

export class EmulatorError extends Error {
  readonly kind: ErrorKind
  /** Extra headers, e.g. `Retry-After` on a 429. */
  readonly headers: Record<string, string>

  constructor(kind: ErrorKind, message: string, headers: Record<string, string> = {}) {
    super(message)
    this.kind = kind
    this.headers = headers
  }

  get status(): number {
    return errorSpec(this.kind).status
  }

  toBody(): {errorCode: string; errorDescription: string; errorMessage: string} {
    const spec = errorSpec(this.kind)
    return {errorCode: spec.errorCode, errorDescription: spec.errorDescription, errorMessage: this.message}
  }
}
