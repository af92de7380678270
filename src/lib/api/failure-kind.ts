/**
 * What a failed Descope call means for the caller: the resource is not there, it is there
 * already, or the endpoint itself is unknown. Descope documents codes for users only, so for
 * tenants, roles, permissions and flows the answer is read from the body's text; a 404 is never
 * taken for "resource not found" on its status alone, since gateways answer unknown routes with 404.
 */
import type {DescopeApiErrorDetails} from '../errors.js'

export type FailureKind = 'already_exists' | 'not_found' | 'unknown_endpoint'

export interface KnownErrorCode {
  kind: Exclude<FailureKind, 'unknown_endpoint'>
  meaning: string
  source: string
}

/** Descope error codes whose meaning is documented or seen in Descope's own SDKs and tools. */
export const KNOWN_ERROR_CODES: Readonly<Record<string, KnownErrorCode>> = Object.freeze({
  E011008: {kind: 'not_found', meaning: 'project not found', source: 'descopecli project/crud.go errProjectNotFound'},
  E062107: {kind: 'already_exists', meaning: 'user already exists', source: 'go-sdk ErrUserAlreadyExists, java USER_ALREADY_EXISTS'},
  E062108: {kind: 'not_found', meaning: 'user not found (auth API)', source: 'node-sdk DescopeErrors.userNotFound'},
  E112102: {kind: 'not_found', meaning: 'management user not found (HTTP 404)', source: 'go-sdk ErrManagementUserNotFound, ruby-sdk integration test'},
})

const NOT_FOUND_TEXT = /not[\s_-]?found|does not exist|doesn't exist|no such/i
const EXISTS_TEXT = /already[\s_-]?exists?|duplicate|already (?:in use|taken|used)/i
/** Words of a router or gateway, not of a resource: "route not found", "no handler for path". */
const ROUTE_TEXT = /\b(?:route|path|endpoint|method|url|handler)s?\b/i

/** Quoted parts name things (a tenant called "route"); they must not decide what the text says. */
function withoutQuotes(text: string): string {
  return text.replaceAll(/"[^"]*"|“[^”]*”|'[^']*'|`[^`]*`/g, '""')
}

type FailureDetails = Pick<DescopeApiErrorDetails, 'errorCode' | 'errorDescription' | 'errorMessage' | 'status'>

/**
 * The kind of a failed call, from its status and its body as parsed into `details`:
 * - not found: a Descope body (non-empty errorCode) with status 400 or 404, whose code is a
 *   known not-found code or whose text says not found / does not exist;
 * - already exists: a Descope body with status 400 or 409, whose code is a known exists code or
 *   whose text says already exists / duplicate;
 * - unknown endpoint: a 404 or 405 without a Descope body (HTML, empty, plain text, JSON without
 *   errorCode), or whose text speaks of a route, path, endpoint or method.
 */
export function classifyFailure(details: FailureDetails): FailureKind | undefined {
  const {errorCode, status} = details
  const text = withoutQuotes(`${details.errorDescription ?? ''} ${details.errorMessage ?? ''}`)
  const descopeBody = typeof errorCode === 'string' && errorCode !== ''
  const known = descopeBody ? KNOWN_ERROR_CODES[errorCode] : undefined
  if (known?.kind === 'not_found' && (status === 400 || status === 404)) return 'not_found'
  if (known?.kind === 'already_exists' && (status === 400 || status === 409)) return 'already_exists'
  const speaksOfRoute = ROUTE_TEXT.test(text)
  if ((status === 404 || status === 405) && (!descopeBody || speaksOfRoute)) return 'unknown_endpoint'
  if (!descopeBody || speaksOfRoute) return undefined
  if ((status === 400 || status === 409) && EXISTS_TEXT.test(text)) return 'already_exists'
  if ((status === 400 || status === 404) && NOT_FOUND_TEXT.test(text)) return 'not_found'
  return undefined
}
