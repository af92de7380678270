/**
 * The one place where the read cache meets the Descope client: a DescopeClient whose `request`
 * goes through a ReadCache, and which creates the got-based client only when a request has to
 * be sent. A warm run answered from the cache never imports got (about 150-400 ms here).
 */
import type {
  DescopeClient, DescopeClientOptions, HttpMethod, ListCollector, RateLimitView, RequestOptions,
} from '../api/types.js'
import type {ReadCache} from './read-cache.js'

import {readList} from '../api/json-list.js'
import {DEFAULT_RATE_LIMITS, getRateLimiter, hostKey} from '../api/rate-limiter.js'

/** What identifies a request to the cache; the body is the one the real client sends: POST and PUT default to {}. */
function identity(method: HttpMethod, path: string, requestOptions: RequestOptions) {
  return {
    json: requestOptions.json ?? (method === 'POST' || method === 'PUT' ? {} : undefined), method, path, searchParams: requestOptions.searchParams,
  }
}

export function createCachedClient(
  options: DescopeClientOptions,
  cache: ReadCache,
  load: () => Promise<DescopeClient>,
): DescopeClient {
  const baseUrl = options.baseUrl.trim().replace(/\/+$/, '')
  const target = {baseUrl, managementKey: options.managementKey, projectId: options.projectId}
  let client: Promise<DescopeClient> | undefined
  const real = (): Promise<DescopeClient> => {
    client ??= load()
    return client
  }

  // The same process-wide limiter the real client takes (the first caller's limits win).
  const limits = options.rateLimit ?? DEFAULT_RATE_LIMITS
  const rateLimit: RateLimitView = {
    estimateMs: (n: number) => getRateLimiter(hostKey(baseUrl), limits).estimateMs(n),
    waitReason: () => getRateLimiter(hostKey(baseUrl), limits).reason(),
    waitTimeMs: () => getRateLimiter(hostKey(baseUrl), limits).waitTimeMs(),
  }

  return {
    baseUrl,
    projectId: options.projectId,
    rateLimit,
    request<T>(method: HttpMethod, path: string, requestOptions: RequestOptions = {}): Promise<T> {
      return cache.request<T>(target, identity(method, path, requestOptions), async () => (await real()).request<T>(method, path, requestOptions))
    },
    requestList<R>(method: HttpMethod, path: string, list: string, collect: () => ListCollector<R>, requestOptions: RequestOptions = {}): Promise<R> {
      return cache.requestList<R>(
        target,
        identity(method, path, requestOptions),
        list,
        collect,
        async attempt => readList(await real(), method, path, list, attempt, requestOptions),
      )
    },
  }
}
