import type {HttpMethod, ServiceClient} from '@descope-mgmt/shared/services'

/** What `cache warm` prefetches: the reads the resource commands, plan and drift start from. */
export interface WarmTarget {
  name: string
  method: HttpMethod
  path: string
  json?: unknown
  /** How many items the answer holds (for the summary). */
  count(body: unknown): number | undefined
}

function listLength(field: string): (body: unknown) => number | undefined {
  return body => {
    const value = (body as Record<string, unknown> | undefined)?.[field]
    return Array.isArray(value) ? value.length : undefined
  }
}

export const WARM_TARGETS: readonly WarmTarget[] = Object.freeze([
  {
    count: listLength('tenants'), method: 'GET', name: 'tenants', path: '/v1/mgmt/tenant/all',
  },
  {
    count: listLength('roles'), method: 'GET', name: 'roles', path: '/v1/mgmt/role/all',
  },
  {
    count: listLength('permissions'), method: 'GET', name: 'permissions', path: '/v1/mgmt/permission/all',
  },
  {
    count: listLength('flows'), json: {}, method: 'POST', name: 'flows', path: '/v1/mgmt/flow/list',
  },
  {
    count: () => undefined as number | undefined, json: {}, method: 'POST', name: 'theme', path: '/v2/mgmt/theme/export',
  },
])

export interface WarmOutcome {
  name: string
  path: string
  ok: boolean
  items?: number
  ms: number
  error?: string
}

/** Fetches one target through the host's client (which stores the answer in the cache). */
export async function warmOne(client: ServiceClient, target: WarmTarget, now: () => number = Date.now): Promise<WarmOutcome> {
  const started = now()
  try {
    const body = await client.request<unknown>(target.method, target.path, target.json === undefined ? {} : {json: target.json})
    return {
      items: target.count(body), ms: now() - started, name: target.name, ok: true, path: target.path,
    }
  } catch (error) {
    return {
      error: (error as Error).message, ms: now() - started, name: target.name, ok: false, path: target.path,
    }
  }
}
