/**
 * Errors in Descope's wire shape: `{errorCode, errorDescription, errorMessage}`.
 * Codes from the Descope reference where one exists; the not-found and already-exists codes are
 * the emulator's own (Descope documents none) and can be changed with `setErrorCodes`.
 *
 * Descope documents no status for a missing or duplicate tenant, role, permission or flow, so
 * the default error style is the conservative guess: HTTP 400 with a code and a text ("Tenant not
 * found"). The `rest` style answers 404 and 409 instead, so clients can be tried against both.
 * Unknown routes answer 404 in both styles, with a text about the route.
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
  notFound: {status: 400, errorCode: 'E011404', errorDescription: 'Not found'},
  alreadyExists: {status: 400, errorCode: 'E011409', errorDescription: 'Already exists'},
  routeNotFound: {status: 404, errorCode: 'E011405', errorDescription: 'Route not found'},
  methodNotAllowed: {status: 405, errorCode: 'E011406', errorDescription: 'Method not allowed'},
  rateLimited: {status: 429, errorCode: 'E130429', errorDescription: 'Rate limit exceeded'},
  internal: {status: 500, errorCode: 'E011500', errorDescription: 'Internal server error'},
  unavailable: {status: 503, errorCode: 'E011503', errorDescription: 'Service unavailable'},
} satisfies Record<string, ErrorSpec>

export type ErrorKind = keyof typeof defaultErrorCodes

/** `descope`: not found and already exists answer HTTP 400 (the default); `rest`: 404 and 409. */
export const errorStyles = ['descope', 'rest'] as const
export type ErrorStyle = typeof errorStyles[number]
export const defaultErrorStyle: ErrorStyle = 'descope'

/** The statuses the `rest` style uses instead of those of the table. */
const restStatuses: Partial<Record<ErrorKind, number>> = {alreadyExists: 409, notFound: 404}

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

/** The status and code of a kind in a style; the `rest` style answers not found and already exists with 404 and 409. */
export function errorSpec(kind: ErrorKind, style: ErrorStyle = defaultErrorStyle): ErrorSpec {
  const spec = errorCodes[kind]
  const restStatus = style === 'rest' ? restStatuses[kind] : undefined
  return restStatus === undefined ? spec : {...spec, status: restStatus}
}

export class EmulatorError extends Error {
  readonly kind: ErrorKind
  /** Extra headers, e.g. `Retry-After` on a 429. */
  readonly headers: Record<string, string>
  /** What is missing or taken ("Tenant", "Role"…), for a description such as "Tenant not found". */
  subject?: string

  constructor(kind: ErrorKind, message: string, headers: Record<string, string> = {}) {
    super(message)
    this.kind = kind
    this.headers = headers
  }

  /** A missing entity: the description says "<subject> not found", the message says which. */
  static notFound(subject: string, message: string): EmulatorError {
    return Object.assign(new EmulatorError('notFound', message), {subject})
  }

  /** A taken id or name: the description says "<subject> already exists", the message says which. */
  static alreadyExists(subject: string, message: string): EmulatorError {
    return Object.assign(new EmulatorError('alreadyExists', message), {subject})
  }

  /** The status in the default style; see statusIn. */
  get status(): number {
    return this.statusIn(defaultErrorStyle)
  }

  statusIn(style: ErrorStyle): number {
    return errorSpec(this.kind, style).status
  }

  toBody(): {errorCode: string; errorDescription: string; errorMessage: string} {
    const spec = errorSpec(this.kind)
    return {errorCode: spec.errorCode, errorDescription: this.description(spec), errorMessage: this.message}
  }

  private description(spec: ErrorSpec): string {
    if (this.subject && this.kind === 'notFound') return `${this.subject} not found`
    if (this.subject && this.kind === 'alreadyExists') return `${this.subject} already exists`
    return spec.errorDescription
  }
}

/** Checks an error style given by a user (option, flag, admin API). */
export function parseErrorStyle(value: unknown, where = 'errorStyle'): ErrorStyle {
  if (typeof value === 'string' && (errorStyles as readonly string[]).includes(value)) return value as ErrorStyle
  throw new EmulatorError('invalidArgument', `${where} must be one of ${errorStyles.join(', ')}, got ${JSON.stringify(value)}`)
}
