/**
 * Which Management API calls the read cache may answer, and which cached reads a write makes
 * stale. This is the only list of endpoints the cache knows: add a read here and it is cached,
 * add a coupling here and writes invalidate it.
 */

/** Resource families: a write bumps the generation of its families, and reads of those miss. */
export const FAMILIES = [
  'tenant', 'role', 'permission', 'flow', 'theme', 'project', 'audit', 'accesskey', 'user', 'sso', 'other',
] as const

export type Family = (typeof FAMILIES)[number]

/**
 * POST endpoints that only read (Descope's searches and exports). Every GET is a read too.
 * Anything else (POST, PUT, DELETE) is a write, except the calls in PASS_THROUGH.
 */
export const POST_READS: Readonly<Record<string, Family>> = Object.freeze({
  '/v1/mgmt/accesskey/search': 'accesskey',
  '/v1/mgmt/audit/search': 'audit',
  '/v1/mgmt/flow/export': 'flow',
  '/v1/mgmt/flow/list': 'flow',
  '/v1/mgmt/project/export': 'project',
  '/v1/mgmt/project/snapshot/export': 'project',
  '/v1/mgmt/projects/list': 'project',
  '/v1/mgmt/role/search': 'role',
  '/v1/mgmt/tenant/search': 'tenant',
  '/v1/mgmt/theme/export': 'theme',
  '/v1/mgmt/user/search': 'user',
  '/v2/mgmt/flow/export': 'flow',
  '/v2/mgmt/theme/export': 'theme',
  '/v2/mgmt/user/search': 'user',
})

/** Calls that neither read state worth keeping nor change it: never cached, never invalidate. */
export const PASS_THROUGH: readonly string[] = Object.freeze([
  '/v1/mgmt/project/snapshot/validate',
])

/** The first path segment after `/vN/mgmt/`, mapped to its family. */
const SEGMENT_FAMILIES: Readonly<Record<string, Family>> = Object.freeze({
  accesskey: 'accesskey',
  audit: 'audit',
  flow: 'flow',
  permission: 'permission',
  project: 'project',
  projects: 'project',
  role: 'role',
  sso: 'sso',
  tenant: 'tenant',
  theme: 'theme',
  user: 'user',
})

/**
 * What else a write of a family changes, as far as the API couples them:
 * - tenant: deleting a tenant deletes its tenant-scoped roles, SSO settings and, with `cascade`,
 *   the users and access keys that belong only to it;
 * - role: tenants name default roles and access keys name roles, so a rename or delete shows there;
 * - permission: roles list permission names, so a permission rename or delete changes roles;
 * - sso: SSO settings answers embed the tenant;
 * - project: a snapshot import replaces flows, theme, roles and permissions; a rename changes
 *   the project list: it drops everything.
 * Every write also bumps `audit` (Descope records an audit event for it).
 */
export const COUPLED: Readonly<Record<Family, readonly Family[]>> = Object.freeze({
  accesskey: ['accesskey'],
  audit: ['audit'],
  flow: ['flow'],
  other: FAMILIES,
  permission: ['permission', 'role'],
  project: FAMILIES,
  role: ['role', 'tenant', 'accesskey', 'user'],
  sso: ['sso', 'tenant'],
  tenant: ['tenant', 'role', 'accesskey', 'user', 'sso'],
  theme: ['theme'],
  user: ['user'],
})

export type RequestKind = {family: Family; kind: 'read'} | {families: Family[]; kind: 'write'} | {kind: 'pass'}

/** `/v1/mgmt/tenant/all` for `v1/mgmt/tenant/all/`, without query. */
export function normalisePath(path: string): string {
  const bare = path.split('?')[0].replace(/\/+$/, '').replace(/^\/*/, '/')
  return bare === '' ? '/' : bare
}

/** The family of a path by its segment after `/vN/mgmt/`; `other` when unknown. */
export function familyOf(path: string): Family {
  const match = /^\/v\d+\/mgmt\/([^/]+)/.exec(normalisePath(path))
  return (match && SEGMENT_FAMILIES[match[1]]) || 'other'
}

/** Read (cacheable, with its family), write (with every family it invalidates) or neither. */
export function classify(method: string, path: string): RequestKind {
  const normal = normalisePath(path)
  const verb = method.toUpperCase()
  if (PASS_THROUGH.includes(normal)) return {kind: 'pass'}
  if (verb === 'GET') return {family: familyOf(normal), kind: 'read'}
  if (verb === 'POST' && normal in POST_READS) return {family: POST_READS[normal], kind: 'read'}
  const families = new Set<Family>(['audit', ...COUPLED[familyOf(normal)]])
  return {families: FAMILIES.filter(family => families.has(family)), kind: 'write'}
}
