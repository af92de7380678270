import type {HttpMethod, ServiceClient} from '@descope-mgmt/shared/services'

/** What `cache warm` prefetches: the reads the resource commands, plan and drift start from. */
export interface WarmTarget {
  name: string
  method: HttpMethod
  path: string
  json?: unknown
  /** How many items the answer holds (for the summary). */
  count(body: unknown): number | undefined
  /** Reads that depend on another answer, in place of the one request (returns the item count). */
  read?(client: ServiceClient): Promise<number | undefined>
}

/**
 * Tenants per `role/search`: the same chunks as the tool's role read (ROLE_SEARCH_TENANT_CHUNK in
 * src/lib/api/roles.ts), so that the warmed answers are the ones it asks for.
 */
export const ROLE_SEARCH_TENANT_CHUNK = 50

/**
 * Roles the way the tool reads them: `role/search` with `includeProjectRoles` over every tenant,
 * in chunks (the request bodies must match the tool's exactly to be found in the cache); `role/all`
 * for a project without tenants.
 */
async function readRoles(client: ServiceClient): Promise<number | undefined> {
  const {tenants = []} = await client.request<{tenants?: Array<{id?: string}>}>('GET', '/v1/mgmt/tenant/all', {})
  const tenantIds = [...new Set(tenants.map(tenant => tenant.id).filter(Boolean))].sort()
  if (tenantIds.length === 0) return listLength('roles')(await client.request<unknown>('GET', '/v1/mgmt/role/all', {}))
  const roles = new Set<string>()
  for (let start = 0; start < tenantIds.length; start += ROLE_SEARCH_TENANT_CHUNK) {
    const json = {includeProjectRoles: true, tenantIds: tenantIds.slice(start, start + ROLE_SEARCH_TENANT_CHUNK)}
    const {roles: found = []} = await client.request<{roles?: Array<{name?: string; tenantId?: string}>}>('POST', '/v1/mgmt/role/search', {json})
    for (const role of found) roles.add(`${role.tenantId ?? ''}\u0000${role.name}`)
  }

  return roles.size
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
    count: listLength('roles'), method: 'POST', name: 'roles', path: '/v1/mgmt/role/search', read: readRoles,
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
    const items = target.read
      ? await target.read(client)
      : target.count(await client.request<unknown>(target.method, target.path, target.json === undefined ? {} : {json: target.json}))
    return {
      items, ms: now() - started, name: target.name, ok: true, path: target.path,
    }
  } catch (error) {
    return {
      error: (error as Error).message, ms: now() - started, name: target.name, ok: false, path: target.path,
    }
  }
}
