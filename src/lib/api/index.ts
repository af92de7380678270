export {
  countsAsOutage, DEFAULT_BREAKER, getCircuitBreaker, ProjectBreaker, resetCircuitBreakers,
} from './breaker.js'
export type {BreakerOptions} from './breaker.js'
export {
  backoffDelay,
  createDescopeClient,
  DEFAULT_RETRY,
  DEFAULT_TIMEOUT_MS,
  RETRY_ERROR_CODES,
  RETRY_STATUSES,
  SDK_NAME,
} from './client.js'
export {
  apiErrorDetails,
  DescopeUnavailableError,
  isAlreadyExists,
  isAuthError,
  isNotFound,
  isUnknownEndpoint,
  parseErrorBody,
  parseRetryAfter,
  retryCountOf,
  toDescopeApiError,
} from './errors.js'
export type {FailureInfo} from './errors.js'
export {classifyFailure, KNOWN_ERROR_CODES} from './failure-kind.js'
export type {FailureKind, KnownErrorCode} from './failure-kind.js'
export {
  createPermission,
  createPermissions,
  deletePermission,
  deletePermissions,
  loadAllPermissions,
  PERMISSION_PATHS,
  permissionMatchesRequest,
  updatePermission,
  updatePermissions,
} from './permissions.js'
export {
  DEFAULT_RATE_LIMITS,
  getRateLimiter,
  hostKey,
  projectKey,
  resetRateLimiters,
  SlidingWindowRateLimiter,
  systemClock,
} from './rate-limiter.js'
export type {Clock, RateLimiterStats, RateLimits} from './rate-limiter.js'
export {
  createRole,
  createRoles,
  deleteRole,
  deleteRoles,
  loadAllRoles,
  loadRoleAll,
  ROLE_PATHS,
  ROLE_SEARCH_TENANT_CHUNK,
  roleMatchesRequest,
  searchRoles,
  updateRole,
  updateRoles,
} from './roles.js'
export {
  createTenant,
  deleteTenant,
  loadAllTenants,
  loadTenant,
  mapAllTenants,
  searchTenants,
  TENANT_PATHS,
  tenantMatchesRequest,
  updateTenant,
} from './tenants.js'
export type * from './types.js'
