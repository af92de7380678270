/** Wire types of the Descope Management API (field names exactly as on the wire). */
import type {SharedBudget} from '../coordination/budget.js'

export type CustomAttributeValue = boolean | null | number | string | string[]

export type RoleInheritance = '' | 'none' | 'userOnly'

export interface Tenant {
  id: string
  name: string
  selfProvisioningDomains?: string[]
  customAttributes?: Record<string, CustomAttributeValue>
  authType?: string
  domains?: string[]
  createdTime?: number
  disabled?: boolean
  enforceSSO?: boolean
  enforceSSOExclusions?: string[]
  federatedAppIds?: string[]
  parent?: string
  successors?: string[]
  defaultRoles?: string[]
  roleInheritance?: RoleInheritance
}

/** Body of `tenant/create`. `id` empty or absent lets the server generate one. */
export interface TenantCreateRequest {
  id?: string
  name: string
  selfProvisioningDomains?: string[]
  customAttributes?: Record<string, CustomAttributeValue>
  enforceSSO?: boolean
  enforceSSOExclusions?: string[]
  disabled?: boolean
  parent?: string
  roleInheritance?: RoleInheritance
}

/**
 * Body of `tenant/update`: overrides all fields, and cannot change `parent`. `federatedAppIds`
 * and the deprecated `authType` are accepted too: a read-modify-write sends back what it read.
 */
export type TenantUpdateRequest = Omit<TenantCreateRequest, 'id' | 'parent'> & {id: string; federatedAppIds?: string[]; authType?: string}

export interface TenantSearchRequest {
  tenantIds?: string[]
  tenantNames?: string[]
  tenantSelfProvisioningDomains?: string[]
  customAttributes?: Record<string, CustomAttributeValue>
  authType?: string
  tenantSSODomains?: string[]
  parentTenantId?: string
  topLevelOnly?: boolean
}

/** A permission (reference §2.7). Name is its identity; `systemDefault` ones come with every project. */
export interface Permission {
  id?: string
  name: string
  description?: string
  systemDefault?: boolean
}

/** Body of `permission/create`. */
export interface PermissionCreateRequest {
  name: string
  description?: string
}

/** Body of `permission/update`: overrides the description; `newName` is required (the same name keeps it). */
export interface PermissionUpdateRequest {
  name: string
  newName: string
  description?: string
}

/** A role (reference §2.6). Unique by (name, tenantId); `tenantId` "" or absent is a project role. */
export interface Role {
  id?: string
  name: string
  description?: string
  permissionNames?: string[]
  createdTime?: number
  tenantId?: string
  default?: boolean
  private?: boolean
}

/** Body of `role/create`; `tenantId` makes it a role of that tenant. */
export interface RoleCreateRequest {
  name: string
  description?: string
  permissionNames?: string[]
  tenantId?: string
  default?: boolean
  private?: boolean
}

/**
 * Body of `role/update`: the role is found by `name` (within `tenantId` for a tenant role) and
 * every field is overridden; `newName` is required (the same name keeps it).
 */
export type RoleUpdateRequest = RoleCreateRequest & {newName: string}

export interface RoleSearchRequest {
  tenantIds?: string[]
  roleNames?: string[]
  /** Case-insensitive "contains". */
  roleNameLike?: string
  /** Roles that have any of these permissions. */
  permissionNames?: string[]
  /** With `tenantIds`: also return project roles. */
  includeProjectRoles?: boolean
}

export type HttpMethod = 'DELETE' | 'GET' | 'POST' | 'PUT'

export interface RequestOptions {
  /** JSON body for POST/PUT. */
  json?: unknown
  searchParams?: Record<string, string>
}

/** Options that shape one Descope client (one per project per process). */
export interface DescopeClientOptions {
  baseUrl: string
  projectId: string
  managementKey: string
  /**
   * Client-side rate limit, applied before each request is sent; shared by every client of the
   * process that talks to the same host (the strictest combination wins). Default 100 per 60 s.
   */
  rateLimit?: {requests: number; windowMs: number; guardMs?: number}
  /** The budget this process shares with others for the host (see src/lib/coordination/budget.ts). */
  sharedBudget?: SharedBudget
  timeoutMs?: number
  retry?: {
    /** Attempts after the first; 0 disables retries. */
    limit?: number
    /** Upper bound for the whole retry sequence of one request. */
    maxTotalMs?: number
    /** Base delay for exponential backoff (before jitter). */
    baseDelayMs?: number
    /** Longest `Retry-After` that will be waited; longer ones fail at once. */
    maxRetryAfterMs?: number
    /** Cap of one backoff delay (before jitter); default 10 s. */
    maxDelayMs?: number
  }
  breaker?: {
    /** Consecutive failures that open the breaker. */
    threshold?: number
    /** How long the breaker stays open before it lets one request through. */
    halfOpenAfterMs?: number
  }
  /** Sent as `x-descope-sdk-version`. */
  version?: string
  /**
   * Ask the project's rate-limit tier once (`GET /v1/mgmt/license`) and send it as
   * `x-descope-license` on every request, as the official SDKs do. Default true.
   */
  licenseHandshake?: boolean
  /** Where the tier learnt by an earlier process is kept, to skip the handshake (see license-tier.ts). */
  licenseTierMemo?: LicenseTierMemo
}

/** A tier remembered across processes; both calls swallow their own failures. */
export interface LicenseTierMemo {
  /** The remembered tier, or undefined when there is none (or it is too old). */
  read(): Promise<string | undefined>
  write(tier: string): Promise<void>
}

/**
 * Why a request waits before it is sent: `window` is the client's own limit (the budget of the
 * window is spent); `backoff` is Descope's: it answered 429 with Retry-After.
 */
export type WaitReason = 'backoff' | 'window'

/** Observes requests for progress, ETA and statistics. Never receives headers. */
export interface RequestEvents {
  onRateLimitWait?: (waitMs: number, reason?: WaitReason) => void
  onRetry?: (info: RetryInfo) => void
  /** An HTTP answer arrived (any status), for diagnostics such as `doctor`. */
  onResponse?: (info: ResponseInfo) => void
}

/** One HTTP answer: its status, how long the attempt took, and the server's clock. */
export interface ResponseInfo {
  method: string
  path: string
  status: number
  /** Milliseconds from sending the attempt to the end of the answer, when measured. */
  durationMs?: number
  /** Epoch ms when the answer's headers arrived (local clock). */
  receivedAt: number
  /** The answer's `Date` header, as sent. */
  date?: string
}

/** One retry about to happen: `attempt` is 1 for the first retry; `delayMs` is the wait before it. */
export interface RetryInfo {
  method: string
  path: string
  attempt: number
  status?: number
  /** Network error code (ECONNRESET, ETIMEDOUT…) when there was no response. */
  code?: string
  delayMs: number
}

/** What the shared rate limiter of a project can tell about waits ahead (for an ETA). */
export interface RateLimitView {
  /** How long a request asked for now would wait. */
  waitTimeMs(): number
  /** How long until n more requests can all have been sent. */
  estimateMs(n: number): number
  /** Why a request asked for now would wait: Descope's backoff, or the client's own window. */
  waitReason?(): WaitReason
}

/**
 * Takes the elements of a list answer one by one (see `DescopeClient.requestList`), and makes the
 * result of the read from them.
 */
export interface ListCollector<R> {
  /** One element of the list, parsed. */
  item(value: unknown): void
  /** The rest of the answer (its list emptied, or as it came when that is not a list): the result. */
  end(rest: unknown): R
  /** Each chunk of the answer's bytes as it arrives, before its elements (the read cache keeps small answers). */
  chunk?(bytes: Buffer): void
}

export interface DescopeClient {
  readonly projectId: string
  readonly baseUrl: string
  request<T>(method: HttpMethod, path: string, options?: RequestOptions): Promise<T>
  /**
   * A read whose answer is an object with one large list (`tenant/all`): each element goes to a
   * collector as soon as it is parsed, so that the answer is never held whole. Every attempt (a
   * retry) starts a new collector from `collect`; the result is the successful one's. Optional:
   * `readList` (json-list.ts) reads through `request` without it.
   */
  requestList?<R>(method: HttpMethod, path: string, list: string, collect: () => ListCollector<R>, options?: RequestOptions): Promise<R>
  /** The host's shared rate limiter, when the client has one. */
  readonly rateLimit?: RateLimitView
}
