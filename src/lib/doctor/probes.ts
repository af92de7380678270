/**
 * The doctor's probes: each makes at most a read or two and judges what the answer says about
 * an assumption the tool makes about Descope. None of them writes anything.
 */
import {randomBytes} from 'node:crypto'

import type {
  DescopeClient, Permission, Role, Tenant,
} from '../api/types.js'
import type {CheckFact, CheckId, CheckResult} from './types.js'

import {isNotFound} from '../api/errors.js'
import {searchRoles} from '../api/roles.js'
import {searchTenants, TENANT_PATHS} from '../api/tenants.js'
import {BUILT_IN_PERMISSIONS} from '../resources/permissions.js'
import {
  failureDetails, failureMessage, type Observation, observe,
} from './observe.js'

export const LICENSE_PATH = '/v1/mgmt/license'

/**
 * Beyond this, local timestamps (backups, journal, audit log) and Descope's (audit events,
 * createdTime) no longer line up; five minutes is the usual tolerance for clock drift.
 */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000

/** How many tenants the role/search probe asks about: enough to find tenant roles, one request. */
export const ROLE_PROBE_TENANTS = 10

/** The preconfigured role of every new Descope project (docs: role-based-access-control). */
export const BUILT_IN_ROLES: readonly string[] = Object.freeze(['Tenant Admin'])

export const CHECK_TITLES: Readonly<Record<CheckId, string>> = Object.freeze({
  'built-ins': 'Descope\'s built-ins',
  clock: 'Clock skew',
  credentials: 'Configuration and credentials',
  key: 'Management key accepted',
  license: 'License tier',
  'not-found': 'Not-found answer',
  reachable: 'API reachable',
  'tenant-parent': 'parent in tenant/all',
  'tenant-roles': 'Tenant roles in role/all',
})

export function check(id: CheckId, status: CheckResult['status'], detail: string, facts: Record<string, CheckFact> = {}): CheckResult {
  return {
    detail, facts, id, status, title: CHECK_TITLES[id],
  }
}

export function skipped(id: CheckId, reason: string): CheckResult {
  return check(id, 'unknown', `skipped: ${reason}`)
}

function answered(observation: Observation<unknown>): string {
  const details = failureDetails(observation)
  const status = details?.status ?? observation.response?.status
  const parts = [status === undefined ? 'no answer' : `HTTP ${status}`, details?.errorCode].filter(Boolean)
  return parts.join(' ')
}

function seconds(ms: number): string {
  const value = Math.round(Math.abs(ms) / 1000)
  return `${value} s`
}

// ── license: reachable, tier, clock ─────────────────────────────────────────────────────────

export interface LicenseProbe {
  reachable: CheckResult
  license: CheckResult
  clock: CheckResult
  /** Whether any HTTP answer came back: without one, every other probe is skipped. */
  reached: boolean
}

/** `GET /v1/mgmt/license`: whether the API answers, how fast, its rate-limit tier and its clock. */
export async function probeLicense(client: DescopeClient): Promise<LicenseProbe> {
  const observation = await observe(() => client.request<{rateLimitTier?: unknown}>('GET', LICENSE_PATH))
  const {response} = observation
  if (!response) {
    const reason = 'the API did not answer'
    return {
      clock: skipped('clock', reason),
      license: skipped('license', reason),
      reachable: check('reachable', 'fail', failureMessage(observation)),
      reached: false,
    }
  }

  const latency = response.durationMs === undefined ? undefined : Math.round(response.durationMs)
  const reachable = check(
    'reachable',
    'pass',
    `${client.baseUrl} answered GET ${LICENSE_PATH} with HTTP ${response.status}${latency === undefined ? '' : ` in ${latency} ms`}`,
    {latencyMs: latency ?? null, status: response.status},
  )
  return {
    clock: judgeClock(response.date, response.receivedAt), license: judgeLicense(observation), reachable, reached: true,
  }
}

function judgeLicense(observation: Observation<{rateLimitTier?: unknown}>): CheckResult {
  const noHeader = 'requests go without x-descope-license, as the official SDKs do when the handshake fails'
  if (observation.error !== undefined) {
    return check('license', 'unknown', `no tier (${answered(observation)}: ${failureMessage(observation)}); ${noHeader}`, {rateLimitTier: null})
  }

  const tier = observation.body?.rateLimitTier
  if (typeof tier === 'string' && tier) return check('license', 'pass', `rate-limit tier "${tier}", sent as x-descope-license`, {rateLimitTier: tier})
  return check('license', 'unknown', `the answer has no rateLimitTier; ${noHeader}`, {rateLimitTier: null})
}

/**
 * The skew between Descope's clock (the `Date` header, whole seconds) and ours when the answer
 * arrived. The header is truncated to the second, so its middle is compared.
 */
export function judgeClock(date: string | undefined, receivedAt: number): CheckResult {
  const serverMs = date === undefined ? Number.NaN : Date.parse(date)
  if (Number.isNaN(serverMs)) {
    return check('clock', 'unknown', date === undefined ? 'the answer has no Date header' : `the Date header "${date}" is not a date`, {skewSeconds: null})
  }

  const skewMs = serverMs + 500 - receivedAt
  const skewSeconds = Math.round(skewMs / 1000)
  if (Math.abs(skewMs) <= 1500) return check('clock', 'pass', 'the local clock agrees with Descope\'s (Date header) to the second', {skewSeconds})
  const direction = skewMs > 0 ? 'behind' : 'ahead of'
  const detail = `the local clock is ${seconds(skewMs)} ${direction} Descope's (Date header)`
  if (Math.abs(skewMs) <= MAX_CLOCK_SKEW_MS) return check('clock', 'pass', detail, {skewSeconds})
  return check('clock', 'fail', `${detail}: local timestamps (backups, audit log) will not line up with Descope's; sync the clock (NTP)`, {skewSeconds})
}

// ── key ──────────────────────────────────────────────────────────────────────────────────────

export interface KeyProbe {
  key: CheckResult
  /** Whether the key was accepted: without it, the probes that read the project are skipped. */
  accepted: boolean
}

/** Judges the key by a management read (the license endpoint does not prove the key). */
export function judgeKey(observation: Observation<unknown>, path: string): KeyProbe {
  if (observation.error === undefined) {
    return {accepted: true, key: check('key', 'pass', `GET ${path} answered HTTP ${observation.response?.status ?? 200}`, {status: observation.response?.status ?? 200})}
  }

  const status = failureDetails(observation)?.status ?? null
  const rejected = status === 401 || status === 403
  const detail = rejected ? `rejected: ${failureMessage(observation)}` : `could not tell: ${failureMessage(observation)}`
  return {accepted: false, key: check('key', 'fail', detail, {status})}
}

// ── built-ins ────────────────────────────────────────────────────────────────────────────────

/** Whether Descope's preconfigured permissions and role are there, as the tool assumes. */
export function judgeBuiltIns(permissions: Observation<Permission[]>, roles: Observation<Role[]>): CheckResult {
  if (permissions.error !== undefined) return check('built-ins', 'fail', `could not read the permissions: ${failureMessage(permissions)}`)
  if (roles.error !== undefined) return check('built-ins', 'fail', `could not read the roles: ${failureMessage(roles)}`)
  const permissionNames = new Set((permissions.body ?? []).map(permission => permission.name))
  const projectRoleNames = new Set((roles.body ?? []).filter(role => !role.tenantId).map(role => role.name))
  const missing = [
    ...BUILT_IN_PERMISSIONS.filter(name => !permissionNames.has(name)).map(name => `permission ${name}`),
    ...BUILT_IN_ROLES.filter(name => !projectRoleNames.has(name)).map(name => `role ${name}`),
  ]
  const expected = `permissions ${BUILT_IN_PERMISSIONS.join(', ')} and role ${BUILT_IN_ROLES.join(', ')}`
  if (missing.length === 0) return check('built-ins', 'pass', `${expected} are present`, {missing: []})
  return check(
    'built-ins',
    'fail',
    `missing: ${missing.join(', ')}; the configuration may name Descope's built-ins without declaring them, so roles that use a missing one fail to apply`,
    {missing},
  )
}

// ── tenant roles ─────────────────────────────────────────────────────────────────────────────

const roleKey = (role: Role): string => `${role.tenantId ?? ''}/${role.name}`

/** The tenants to ask role/search about: those role/all shows with roles first, then the others. */
export function tenantsToAsk(roles: Role[], tenants: Tenant[], limit = ROLE_PROBE_TENANTS): string[] {
  const ids = [...roles.map(role => role.tenantId ?? ''), ...tenants.map(tenant => tenant.id)].filter(Boolean)
  return [...new Set(ids)].slice(0, limit)
}

/**
 * Compares role/all with role/search {tenantIds, includeProjectRoles: true}: the search is how the
 * SDKs load tenant roles, so it must find every tenant role and project role that role/all lists;
 * whether role/all carries tenant roles at all is the fact recorded.
 */
export async function probeTenantRoles(client: DescopeClient, roles: Observation<Role[]>, tenants: Observation<Tenant[]>): Promise<CheckResult> {
  if (roles.error !== undefined) return check('tenant-roles', 'fail', `could not read the roles (role/all): ${failureMessage(roles)}`)
  if (tenants.error !== undefined) return check('tenant-roles', 'fail', `could not read the tenants (tenant/all): ${failureMessage(tenants)}`)
  const allRoles = roles.body ?? []
  const tenantIds = tenantsToAsk(allRoles, tenants.body ?? [])
  if (tenantIds.length === 0) {
    return check('tenant-roles', 'unknown', 'the project has no tenants, so no tenant roles to look for', {roleAllCarriesTenantRoles: null, tenantsAsked: 0})
  }

  const search = await observe(() => searchRoles(client, {includeProjectRoles: true, tenantIds}))
  if (search.error !== undefined) {
    return check('tenant-roles', 'fail', `role/search failed (${answered(search)}): ${failureMessage(search)}`, {roleAllCarriesTenantRoles: null, tenantsAsked: tenantIds.length})
  }

  const asked = new Set(tenantIds)
  const found = search.body ?? []
  const foundKeys = new Set(found.map(role => roleKey(role)))
  const listedKeys = new Set(allRoles.map(role => roleKey(role)))
  const listedTenantRoles = allRoles.filter(role => role.tenantId && asked.has(role.tenantId))
  const foundTenantRoles = found.filter(role => role.tenantId && asked.has(role.tenantId))
  const facts = {tenantRolesFound: foundTenantRoles.length, tenantsAsked: tenantIds.length}

  const missedProjectRoles = allRoles.filter(role => !role.tenantId && !foundKeys.has(roleKey(role))).map(role => role.name)
  if (missedProjectRoles.length > 0) {
    return check('tenant-roles', 'fail', `role/search with includeProjectRoles left out project roles that role/all lists: ${missedProjectRoles.join(', ')}`, {
      ...facts, roleAllCarriesTenantRoles: null,
    })
  }

  const missedTenantRoles = listedTenantRoles.filter(role => !foundKeys.has(roleKey(role))).map(role => roleKey(role))
  if (missedTenantRoles.length > 0) {
    return check('tenant-roles', 'fail', `role/search left out tenant roles that role/all lists: ${missedTenantRoles.join(', ')}`, {
      ...facts, roleAllCarriesTenantRoles: true,
    })
  }

  if (foundTenantRoles.length === 0) {
    return check('tenant-roles', 'unknown', `no tenant roles in the ${tenantIds.length} tenant${tenantIds.length === 1 ? '' : 's'} asked, so cannot tell whether role/all carries them`, {
      ...facts, roleAllCarriesTenantRoles: null,
    })
  }

  const listed = foundTenantRoles.filter(role => listedKeys.has(roleKey(role))).length
  const carries = listed === foundTenantRoles.length
  const count = `${foundTenantRoles.length} tenant role${foundTenantRoles.length === 1 ? '' : 's'} in ${tenantIds.length} tenant${tenantIds.length === 1 ? '' : 's'}`
  const detail = carries
    ? `role/all carries tenant roles: it lists all ${count} that role/search finds`
    : `role/all leaves out tenant roles: it lists ${listed} of the ${count} that role/search finds; tenant roles are read with role/search`
  return check('tenant-roles', 'pass', detail, {...facts, roleAllCarriesTenantRoles: carries})
}

// ── not found ────────────────────────────────────────────────────────────────────────────────

/** A tenant id no project holds: letters and digits only, so it is not refused as malformed. */
export function impossibleTenantId(): string {
  return `Tdoctorprobe${randomBytes(10).toString('hex')}`
}

/**
 * Loads a tenant that cannot exist and records how Descope says "not found": the tool relies on
 * reading it as such (isNotFound), and on it being Descope's answer, not a proxy's or a wrong URL's.
 */
export async function probeNotFound(client: DescopeClient, tenantId = impossibleTenantId()): Promise<CheckResult> {
  const observation = await observe(() => client.request<unknown>('GET', TENANT_PATHS.load, {searchParams: {id: tenantId}}))
  const request = `GET ${TENANT_PATHS.load}?id=${tenantId}`
  if (observation.error === undefined) {
    return check('not-found', 'fail', `${request} answered HTTP ${observation.response?.status ?? 200} for a tenant that cannot exist: a missing tenant cannot be told from a present one`, {
      readAsNotFound: false, status: observation.response?.status ?? 200,
    })
  }

  const details = failureDetails(observation)
  if (details?.status === undefined) return check('not-found', 'fail', `no answer: ${failureMessage(observation)}`, {readAsNotFound: false, status: null})
  const readAsNotFound = isNotFound(observation.error)
  const description = details.errorDescription ?? details.errorMessage
  const facts = {
    errorCode: details.errorCode ?? null, errorDescription: description ?? null, readAsNotFound, status: details.status,
  }
  const shape = `HTTP ${details.status}${details.errorCode ? ` ${details.errorCode}` : ''}${description ? ` "${description}"` : ''}`
  if (!details.errorCode) {
    const risk = readAsNotFound ? 'yet it is read as not found, so a wrong URL or a proxy would look like a missing tenant' : 'so it cannot tell a missing tenant'
    return check('not-found', 'fail', `${shape} without Descope's error body (no errorCode): not Descope's answer, ${risk}`, facts)
  }

  if (readAsNotFound) return check('not-found', 'pass', `${shape}: read as not found`, facts)

  return check('not-found', 'fail', `${shape}: not read as not found, so commands that meet a missing tenant stop with an error (extend the recognition in src/lib/api/errors.ts)`, facts)
}

// ── parent ───────────────────────────────────────────────────────────────────────────────────

/**
 * Whether tenant/all carries `parent`: seen on a sub-tenant, or disproved by a tenant listing
 * `successors` or by tenant/search {topLevelOnly} leaving tenants out while none has a parent.
 */
export async function probeTenantParent(client: DescopeClient, tenants: Observation<Tenant[]>): Promise<CheckResult> {
  if (tenants.error !== undefined) return check('tenant-parent', 'fail', `could not read the tenants (tenant/all): ${failureMessage(tenants)}`)
  const all = tenants.body ?? []
  const withParent = all.filter(tenant => typeof tenant.parent === 'string' && tenant.parent)
  if (withParent.length > 0) {
    return check('tenant-parent', 'pass', `tenant/all carries parent: ${withParent.length} sub-tenant${withParent.length === 1 ? '' : 's'} (e.g. ${withParent[0].id} under ${withParent[0].parent})`, {
      subTenants: withParent.length, tenantAllCarriesParent: true,
    })
  }

  const consequence = 'plans would see sub-tenants as top-level tenants and their parent as changed'
  const parents = all.filter(tenant => Array.isArray(tenant.successors) && tenant.successors.length > 0)
  if (parents.length > 0) {
    return check('tenant-parent', 'fail', `tenant ${parents[0].id} lists sub-tenants (successors) but no tenant in tenant/all carries parent: ${consequence}`, {
      subTenants: null, tenantAllCarriesParent: false,
    })
  }

  const cannotTell = 'create a sub-tenant to check'
  if (all.length < 2) {
    return check('tenant-parent', 'unknown', `no sub-tenant (${all.length} tenant${all.length === 1 ? '' : 's'}), so cannot tell; ${cannotTell}`, {subTenants: 0, tenantAllCarriesParent: null})
  }

  const topLevel = await observe(() => searchTenants(client, {topLevelOnly: true}))
  if (topLevel.error !== undefined) {
    return check('tenant-parent', 'unknown', `no tenant carries parent and tenant/search {topLevelOnly} failed (${answered(topLevel)}), so cannot tell; ${cannotTell}`, {
      subTenants: null, tenantAllCarriesParent: null,
    })
  }

  const topLevelIds = new Set((topLevel.body ?? []).map(tenant => tenant.id))
  const subTenants = all.filter(tenant => !topLevelIds.has(tenant.id))
  if (topLevelIds.size > 0 && subTenants.length > 0) {
    const leftOut = `${subTenants.length} tenant${subTenants.length === 1 ? '' : 's'} (e.g. ${subTenants[0].id})`
    return check('tenant-parent', 'fail', `tenant/search {topLevelOnly} leaves out ${leftOut}, yet none carries parent in tenant/all: ${consequence}`, {
      subTenants: subTenants.length, tenantAllCarriesParent: false,
    })
  }

  return check('tenant-parent', 'unknown', `no sub-tenant found among ${all.length} tenants, so cannot tell; ${cannotTell}`, {subTenants: 0, tenantAllCarriesParent: null})
}
