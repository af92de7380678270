/** Tenants (reference §2.1, constraints §5). */
import type {
  JsonObject, ProjectState, RouteDefinition, TenantRecord,
} from '../types.js'

import {EmulatorError} from '../errors.js'
import {randomId} from '../secrets.js'
import {
  optionalBoolean,
  optionalEnum,
  optionalNumber,
  optionalObject,
  optionalString,
  optionalStringArray,
  requiredQuery,
  requiredString,
} from '../validate.js'

const roleInheritanceValues = ['none', 'userOnly'] as const

function isCustomAttributeValue(value: unknown): boolean {
  return (
    value === null
    || ['boolean', 'number', 'string'].includes(typeof value)
    || (Array.isArray(value) && value.every(item => typeof item === 'string'))
  )
}

function customAttributes(body: JsonObject): Record<string, unknown> | undefined {
  const attributes = optionalObject(body, 'customAttributes')
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (!isCustomAttributeValue(value)) {
      throw new EmulatorError('invalidArgument', `"customAttributes.${name}" must be a string, number, boolean, array of strings or null`)
    }
  }

  return attributes
}

/** The fields create and update both set; absent ones get their empty value (update overrides all). */
function writableFields(body: JsonObject) {
  return {
    customAttributes: customAttributes(body) ?? {},
    disabled: optionalBoolean(body, 'disabled') ?? false,
    enforceSSO: optionalBoolean(body, 'enforceSSO') ?? false,
    enforceSSOExclusions: optionalStringArray(body, 'enforceSSOExclusions') ?? [],
    federatedAppIds: optionalStringArray(body, 'federatedAppIds') ?? [],
    name: requiredString(body, 'name'),
    roleInheritance: optionalEnum(body, 'roleInheritance', roleInheritanceValues) ?? ('' as const),
    selfProvisioningDomains: optionalStringArray(body, 'selfProvisioningDomains') ?? [],
  }
}

function existingTenant(project: ProjectState, id: string): TenantRecord {
  const tenant = project.tenants.get(id)
  if (!tenant) throw EmulatorError.notFound('Tenant', `Tenant "${id}" does not exist`)
  return tenant
}

/**
 * Tenant ids by name, per tenants Map, so a create does not scan every tenant. Create and update
 * record names here; entries that deletes and renames leave behind are caught by checking the
 * tenant they point to. Only these routes add tenants (a restored project has a new Map).
 */
const tenantIdsByName = new WeakMap<ProjectState['tenants'], Map<string, string>>()

function namesOf(project: ProjectState): Map<string, string> {
  let index = tenantIdsByName.get(project.tenants)
  if (!index) {
    index = new Map([...project.tenants.values()].map(tenant => [tenant.name, tenant.id]))
    tenantIdsByName.set(project.tenants, index)
  }

  return index
}

function refuseDuplicateName(project: ProjectState, name: string, exceptId?: string): void {
  const id = namesOf(project).get(name)
  const holder = id === undefined ? undefined : project.tenants.get(id)
  if (holder?.name === name && holder.id !== exceptId) throw EmulatorError.alreadyExists('Tenant', `A tenant named "${name}" already exists (id "${holder.id}")`)
}

function childrenOf(project: ProjectState, id: string): string[] {
  return [...project.tenants.values()].filter(tenant => tenant.parent === id).map(tenant => tenant.id)
}

/** Direct sub-tenant ids by parent id, built once for a response that lists many tenants. */
function successorsByParent(project: ProjectState): Map<string, string[]> {
  const successors = new Map<string, string[]>()
  for (const tenant of project.tenants.values()) {
    if (!tenant.parent) continue
    const siblings = successors.get(tenant.parent)
    if (siblings) siblings.push(tenant.id)
    else successors.set(tenant.parent, [tenant.id])
  }

  return successors
}

/**
 * The wire form: the record without its settings, plus the ids of its direct sub-tenants. It
 * shares arrays with the store, which is safe because the server serialises it at once.
 */
function toWire(tenant: TenantRecord, successors: string[]): JsonObject {
  return {
    authType: tenant.authType,
    createdTime: tenant.createdTime,
    customAttributes: tenant.customAttributes,
    defaultRoles: tenant.defaultRoles,
    disabled: tenant.disabled,
    domains: tenant.domains,
    enforceSSO: tenant.enforceSSO,
    enforceSSOExclusions: tenant.enforceSSOExclusions,
    federatedAppIds: tenant.federatedAppIds,
    id: tenant.id,
    name: tenant.name,
    parent: tenant.parent,
    roleInheritance: tenant.roleInheritance,
    selfProvisioningDomains: tenant.selfProvisioningDomains,
    successors,
  }
}

function listToWire(project: ProjectState, tenants: Iterable<TenantRecord>): {tenants: JsonObject[]} {
  const successors = successorsByParent(project)
  return {tenants: [...tenants].map(tenant => toWire(tenant, successors.get(tenant.id) ?? []))}
}

/** Creates a tenant (also used to load seed files, so seeds are validated like requests). */
export function createTenant(project: ProjectState, body: JsonObject, now: number): TenantRecord {
  const fields = writableFields(body)
  const authType = optionalString(body, 'authType') ?? 'none'
  const parent = optionalString(body, 'parent') ?? ''
  let id = optionalString(body, 'id')
  if (id === undefined) {
    do id = randomId('T')
    while (project.tenants.has(id))
  } else if (project.tenants.has(id)) {
    throw EmulatorError.alreadyExists('Tenant', `A tenant with id "${id}" already exists`)
  }

  refuseDuplicateName(project, fields.name)
  if (parent) existingTenant(project, parent)
  const tenant: TenantRecord = {
    ...structuredClone(fields),
    authType,
    createdTime: Math.floor(now / 1000),
    defaultRoles: [],
    domains: [],
    id,
    parent,
    settings: structuredClone(tenantSettingsDefaults),
  }
  project.tenants.set(id, tenant)
  namesOf(project).set(tenant.name, id)
  return tenant
}

/** Whether a tenant's custom attribute satisfies a search filter value (a list means "any of"). */
function attributeMatches(actual: unknown, wanted: unknown): boolean {
  if (Array.isArray(wanted) && !Array.isArray(actual)) return wanted.includes(actual)
  return JSON.stringify(actual) === JSON.stringify(wanted)
}

function overlaps(values: string[], wanted: string[] | undefined): boolean {
  return !wanted?.length || values.some(value => wanted.includes(value))
}

function searchTenants(project: ProjectState, body: JsonObject): TenantRecord[] {
  const ids = optionalStringArray(body, 'tenantIds')
  const names = optionalStringArray(body, 'tenantNames')
  const selfProvisioningDomains = optionalStringArray(body, 'tenantSelfProvisioningDomains')
  const attributes = optionalObject(body, 'customAttributes')
  const authType = optionalString(body, 'authType')
  const ssoDomains = optionalStringArray(body, 'tenantSSODomains')
  const parentTenantId = optionalString(body, 'parentTenantId')
  const topLevelOnly = optionalBoolean(body, 'topLevelOnly') ?? false
  return [...project.tenants.values()].filter(tenant =>
    (!ids?.length || ids.includes(tenant.id))
    && (!names?.length || names.includes(tenant.name))
    && overlaps(tenant.selfProvisioningDomains, selfProvisioningDomains)
    && overlaps(tenant.domains, ssoDomains)
    && Object.entries(attributes ?? {}).every(([name, wanted]) => attributeMatches(tenant.customAttributes[name], wanted))
    && (authType === undefined || tenant.authType === authType)
    && (parentTenantId === undefined || tenant.parent === parentTenantId)
    && (!topLevelOnly || tenant.parent === ''))
}

const expirationUnits = ['minutes', 'hours', 'days', 'weeks'] as const
const minutesPer: Record<(typeof expirationUnits)[number], number> = {
  days: 24 * 60, hours: 60, minutes: 1, weeks: 7 * 24 * 60,
}

/**
 * The session settings of a tenant never configured, and of any field a configure call leaves out
 * (it overrides everything). Descope documents no tenant defaults: these are its project defaults
 * (inferred), and what descope-mgmt assumes too.
 */
export const tenantSettingsDefaults: Readonly<JsonObject> = Object.freeze({
  enabled: false,
  enableInactivity: false,
  inactivityTime: 12,
  inactivityTimeUnit: 'hours',
  JITDisabled: false,
  refreshTokenExpiration: 4,
  refreshTokenExpirationUnit: 'weeks',
  sessionTokenExpiration: 10,
  sessionTokenExpirationUnit: 'minutes',
  stepupTokenExpiration: 10,
  stepupTokenExpirationUnit: 'minutes',
})

/** node-sdk sends these two capitalised; go, java and the OpenAPI do not (reference §2.1). */
const capitalisedSettings: Record<string, string> = {InactivityTime: 'inactivityTime', InactivityTimeUnit: 'inactivityTimeUnit'}

const durations = ['refreshTokenExpiration', 'sessionTokenExpiration', 'stepupTokenExpiration', 'inactivityTime'] as const

/** Descope's limits (docs and terraform): tokens at least 3 minutes, the session at most the refresh token, inactivity at least 10 minutes. */
function checkSettingLimits(settings: JsonObject): void {
  const minutes = (field: string) => (settings[field] as number) * minutesPer[settings[`${field}Unit`] as (typeof expirationUnits)[number]]
  for (const field of ['sessionTokenExpiration', 'refreshTokenExpiration', 'stepupTokenExpiration']) {
    if (minutes(field) < 3) throw new EmulatorError('invalidArgument', `"${field}" must be at least 3 minutes`)
  }

  if (minutes('sessionTokenExpiration') > minutes('refreshTokenExpiration')) {
    throw new EmulatorError('invalidArgument', '"sessionTokenExpiration" must not be longer than "refreshTokenExpiration"')
  }

  if (minutes('inactivityTime') < 10) throw new EmulatorError('invalidArgument', '"inactivityTime" must be at least 10 minutes')
}

/** Validates a configure call: the settings it sends, defaults for the others (it overrides them all). */
function parseSettings(body: JsonObject): JsonObject {
  const normalised = {...body}
  for (const [capitalised, wire] of Object.entries(capitalisedSettings)) {
    if (normalised[wire] === undefined && normalised[capitalised] !== undefined) normalised[wire] = normalised[capitalised]
  }

  const given: JsonObject = {}
  for (const field of ['enabled', 'enableInactivity', 'JITDisabled']) given[field] = optionalBoolean(normalised, field)
  for (const field of durations) {
    const amount = optionalNumber(normalised, field)
    if (amount !== undefined && (!Number.isInteger(amount) || amount < 1)) throw new EmulatorError('invalidArgument', `"${field}" must be a whole number of at least 1`)
    given[field] = amount
    given[`${field}Unit`] = optionalEnum(normalised, `${field}Unit`, expirationUnits)
  }

  given.ssoSetupSuiteSettings = optionalObject(normalised, 'ssoSetupSuiteSettings')
  const settings = {...structuredClone(tenantSettingsDefaults), ...Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined))}
  checkSettingLimits(settings)
  return settings
}

/** The wire form of a tenant's settings: its tenant-level fields, then the settings (defaults under what was stored before they existed). */
function settingsToWire(tenant: TenantRecord): JsonObject {
  return {
    authType: tenant.authType,
    domains: tenant.domains,
    selfProvisioningDomains: tenant.selfProvisioningDomains,
    ...tenantSettingsDefaults,
    ...tenant.settings,
  }
}

function deleteTenant(project: ProjectState, body: JsonObject): void {
  const id = requiredString(body, 'id')
  // `cascade` removes users and access keys tied only to this tenant; the emulator has neither.
  optionalBoolean(body, 'cascade')
  existingTenant(project, id)
  const children = childrenOf(project, id)
  if (children.length > 0) {
    // Descope does not document what happens to sub-tenants; refusing keeps data safe and makes
    // clients delete bottom-up, which works whatever the real server does.
    throw new EmulatorError('invalidArgument', `Tenant "${id}" has sub-tenants (${children.join(', ')}); delete them first`)
  }

  project.tenants.delete(id)
  for (const [roleId, role] of project.roles) if (role.tenantId === id) project.roles.delete(roleId)
}

export const tenantRoutes: RouteDefinition[] = [
  {
    handler: ({body, now, project}) => ({id: createTenant(project, body, now).id}),
    method: 'POST',
    mutation: true,
    path: '/v1/mgmt/tenant/create',
  },
  {
    handler({behaviour, body, project}) {
      const tenant = existingTenant(project, requiredString(body, 'id'))
      const fields = writableFields(body)
      // Descope's update overrides every field: one left out gets its empty value, so a client that
      // drops a field it does not manage loses it. Whether that holds for the deprecated authType is
      // not documented: the harder case by default, the other behind a knob.
      const authType = optionalString(body, 'authType') ?? (behaviour?.tenantUpdateKeepsAuthType ? tenant.authType : 'none')
      refuseDuplicateName(project, fields.name, tenant.id)
      // `parent` can only be set on create; an update that sends one is ignored like other unknown fields.
      Object.assign(tenant, structuredClone(fields), {authType})
      namesOf(project).set(tenant.name, tenant.id)
      return {}
    },
    method: 'POST',
    mutation: true,
    path: '/v1/mgmt/tenant/update',
  },
  {
    handler({body, project}) {
      deleteTenant(project, body)
      return {}
    },
    method: 'POST',
    mutation: true,
    path: '/v1/mgmt/tenant/delete',
  },
  {
    handler({project, query}) {
      const tenant = existingTenant(project, requiredQuery(query, 'id'))
      return toWire(tenant, childrenOf(project, tenant.id))
    },
    method: 'GET',
    path: '/v1/mgmt/tenant',
  },
  {
    handler: ({project}) => listToWire(project, project.tenants.values()),
    method: 'GET',
    path: '/v1/mgmt/tenant/all',
  },
  {
    handler: ({body, project}) => listToWire(project, searchTenants(project, body)),
    method: 'POST',
    path: '/v1/mgmt/tenant/search',
  },
  {
    handler({project, query}) {
      return settingsToWire(existingTenant(project, requiredQuery(query, 'id')))
    },
    method: 'GET',
    path: '/v1/mgmt/tenant/settings',
  },
  {
    handler({body, project}) {
      const tenant = existingTenant(project, requiredString(body, 'tenantId'))
      const domains = optionalStringArray(body, 'domains') ?? []
      const selfProvisioningDomains = optionalStringArray(body, 'selfProvisioningDomains') ?? []
      const authType = optionalString(body, 'authType') ?? 'none'
      const settings = parseSettings(body)
      // Reference: configuring settings overrides everything currently set, even with defaults.
      Object.assign(tenant, structuredClone({
        authType, domains, selfProvisioningDomains, settings,
      }))
      return {}
    },
    method: 'POST',
    mutation: true,
    path: '/v1/mgmt/tenant/settings',
  },
  {
    handler({body, project}) {
      const tenant = existingTenant(project, requiredString(body, 'id'))
      const defaultRoles = optionalStringArray(body, 'defaultRoles') ?? []
      const projectRoles = new Set([...project.roles.values()].filter(role => role.tenantId === '').map(role => role.name))
      const unknown = defaultRoles.filter(name => !projectRoles.has(name))
      if (unknown.length > 0) throw new EmulatorError('invalidArgument', `Default roles must be project roles; unknown: ${unknown.join(', ')}`)
      tenant.defaultRoles = [...defaultRoles]
      return {}
    },
    method: 'POST',
    mutation: true,
    path: '/v1/mgmt/tenant/updateDefaultRoles',
  },
  {
    handler({body, project}) {
      const tenant = existingTenant(project, requiredString(body, 'tenantId'))
      const expireTime = optionalNumber(body, 'expireTime')
      if (expireTime !== undefined && expireTime < 0) throw new EmulatorError('invalidArgument', '"expireTime" must not be negative')
      for (const field of ['ssoId', 'email', 'templateId', 'actorId']) optionalString(body, field)
      // The emulator serves no SSO setup suite; the link only has the shape clients expect.
      return {adminSSOConfigurationLink: `http://127.0.0.1/emulator/sso-setup/${encodeURIComponent(tenant.id)}?token=${randomId('L')}`}
    },
    method: 'POST',
    path: '/v2/mgmt/tenant/adminlinks/sso/generate',
  },
]
