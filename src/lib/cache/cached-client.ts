/**
 * The one place where the read cache meets the Descope client: a DescopeClient whose `request`
 * goes through a ReadCache, and which creates the got-based client only when a request has to
 * be sent. A warm run answered from the cache never imports got (about 150-400 ms here).
 */
import type {
  DescopeClient, DescopeClientOptions, HttpMethod, RateLimitView, RequestOptions,
} from '../api/types.js'
import type {ReadCache} from './read-cache.js'

import {DEFAULT_RATE_LIMITS, getRateLimiter, hostKey} from '../api/rate-limiter.js'

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
      // The body the real client sends: POST and PUT default to {}.
      const json = requestOptions.json ?? (method === 'POST' || method === 'PUT' ? {} : undefined)
      return cache.request<T>(
        target,
        {
          json, method, path, searchParams: requestOptions.searchParams,
        },
        async () => (await real()).request<T>(method, path, requestOptions),
      )
    },
  }
}
