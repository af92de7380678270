/**
 * The tenant settings kind: `settings:` inside a tenant of the configuration, `tenantSettings:<id>`
 * in plans. Session settings of one tenant (`GET|POST /v1/mgmt/tenant/settings`). They exist as
 * long as the tenant does, so they are configured, never created nor deleted: removing `settings`
 * from a tenant stops managing them.
 */
import {z} from 'zod'

import type {DescopeClient} from '../api/types.js'
import type {CheckContext} from '../config/resources/types.js'
import type {
  ConfigSections, ResourceFields, ResourceItem,
} from './types.js'

import {configureTenantSettings, loadAllTenants, loadTenantSettings} from '../api/tenants.js'
import {isRecord, type PathSegment} from '../config/path.js'
import {CliError, ExitCode} from '../errors.js'
import {defineKind, fieldDefaults, managed} from './define.js'

export const expirationUnits = ['minutes', 'hours', 'days', 'weeks'] as const
const minutesPer: Record<(typeof expirationUnits)[number], number> = {
  days: 24 * 60, hours: 60, minutes: 1, weeks: 7 * 24 * 60,
}

/** Descope's limits (docs; terraform's project-level equivalents): in minutes. */
export const MIN_TOKEN_MINUTES = 3
export const MIN_INACTIVITY_MINUTES = 10

const duration = (title: string, description: string) =>
  z.int({error: 'must be a whole number'}).min(1, {error: 'must be at least 1'}).meta({title, description})
const unit = (title: string) =>
  z.enum(expirationUnits).meta({title, description: 'minutes, hours, days or weeks.'})

/**
 * The managed settings with Descope's values for a tenant never configured (inferred: Descope
 * documents no tenant defaults; these are its project defaults, and what the emulator answers).
 */
export const tenantSettingsSchema = z
.strictObject({
  enabled: managed(z.boolean().meta({title: 'Enabled', description: 'Use these session settings for the tenant instead of the project\'s.'}).optional(), false),
  sessionTokenExpiration: managed(
    duration('Session token expiration', `How long a session token lives; at least ${MIN_TOKEN_MINUTES} minutes and at most the refresh token expiration.`).optional(),
    10,
  ),
  sessionTokenExpirationUnit: managed(unit('Session token expiration unit').optional(), 'minutes'),
  refreshTokenExpiration: managed(duration('Refresh token expiration', `How long a refresh token lives; at least ${MIN_TOKEN_MINUTES} minutes.`).optional(), 4),
  refreshTokenExpirationUnit: managed(unit('Refresh token expiration unit').optional(), 'weeks'),
  stepupTokenExpiration: managed(
    duration('Step-up token expiration', `How long a step-up token lives; at least ${MIN_TOKEN_MINUTES} minutes.`).optional(),
    10,
  ),
  stepupTokenExpirationUnit: managed(unit('Step-up token expiration unit').optional(), 'minutes'),
  enableInactivity: managed(z.boolean().meta({title: 'Enable inactivity', description: 'Sign users out after a time without activity.'}).optional(), false),
  inactivityTime: managed(duration('Inactivity time', `Time without activity after which users are signed out; at least ${MIN_INACTIVITY_MINUTES} minutes.`).optional(), 12),
  inactivityTimeUnit: managed(unit('Inactivity time unit').optional(), 'hours'),
  JITDisabled: managed(z.boolean().meta({title: 'JIT disabled', description: 'Do not provision users just in time at their first SSO sign-in.'}).optional(), false),
})
.meta({
  title: 'Tenant settings',
  description: 'Session settings of the tenant. Only the fields given are managed; the others keep their live value. Removing `settings` stops managing them (they are never deleted).',
})

export type TenantSettingsConfig = z.infer<typeof tenantSettingsSchema>

const settingsDefaults = fieldDefaults(tenantSettingsSchema)
const managedFields = Object.keys(settingsDefaults)

/**
 * Settings fields the GET answers that the configuration does not manage. The configure call
 * overrides every setting, so they are sent back as read (and so is any field Descope adds later).
 */
const passthroughFields = ['domains', 'selfProvisioningDomains', 'authType', 'ssoSetupSuiteSettings'] as const

/** The settings item of a tenant: managed fields only, Descope's defaults where the API leaves one out. */
export function tenantSettingsItem(tenantId: string, settings: Record<string, unknown>, onlySet = false): ResourceItem {
  const fields: ResourceFields = {}
  for (const field of managedFields) {
    const value = settings[field]
    if (value === undefined || value === null) {
      if (!onlySet) fields[field] = settingsDefaults[field]
      continue
    }

    fields[field] = value
  }

  return {fields, key: tenantId, kind: 'tenantSettings'}
}

/**
 * The configure body: every field the live GET returns right now (read just before the write, so
 * a tenant's domains changed earlier in the same run are not reverted), then the managed ones.
 */
export async function configureBody(client: DescopeClient, desired: ResourceItem): Promise<Record<string, unknown> & {tenantId: string}> {
  const live = await loadTenantSettings(client, desired.key)
  return {...live, ...desired.fields, tenantId: desired.key}
}

async function configure(client: DescopeClient, desired: ResourceItem): Promise<void> {
  await configureTenantSettings(client, await configureBody(client, desired))
}

const minutesOf = (amount: unknown, unitName: unknown): number | undefined =>
  typeof amount === 'number' && (expirationUnits as readonly unknown[]).includes(unitName) ? amount * minutesPer[unitName as (typeof expirationUnits)[number]] : undefined

/** A configured duration in minutes; a duration whose unit is not given is read in its default unit. */
function minutesOfField(settings: Record<string, unknown>, field: string): number | undefined {
  return minutesOf(settings[field], settings[`${field}Unit`] ?? settingsDefaults[`${field}Unit`])
}

/** Descope's limits on the durations given; a duration whose unit is not given is read in its default unit. */
function checkSettings(raw: Record<string, unknown>, context: CheckContext): void {
  if (!Array.isArray(raw.tenants)) return
  const tenants = raw.tenants as unknown[]
  // eslint-disable-next-line unicorn/no-for-loop -- entries() makes an iterator result and a pair per tenant
  for (let index = 0; index < tenants.length; index++) {
    const tenant = tenants[index]
    if (!isRecord(tenant) || !isRecord(tenant.settings)) continue
    const {settings} = tenant
    const at = (field: string): PathSegment[] => ['tenants', index, 'settings', field]
    const session = minutesOfField(settings, 'sessionTokenExpiration')
    const refresh = minutesOfField(settings, 'refreshTokenExpiration')
    for (const field of ['sessionTokenExpiration', 'refreshTokenExpiration', 'stepupTokenExpiration']) {
      const value = minutesOfField(settings, field)
      if (value !== undefined && value < MIN_TOKEN_MINUTES) {
        context.error(at(field), `${field} is ${value} minute${value === 1 ? '' : 's'}; Descope requires at least ${MIN_TOKEN_MINUTES} minutes`, `raise it, or use a larger ${field}Unit`)
      }
    }

    if (session !== undefined && refresh !== undefined && session > refresh) {
      const sessionText = `${settings.sessionTokenExpiration} ${String(settings.sessionTokenExpirationUnit ?? settingsDefaults.sessionTokenExpirationUnit)}`
      const refreshText = `${settings.refreshTokenExpiration} ${String(settings.refreshTokenExpirationUnit ?? settingsDefaults.refreshTokenExpirationUnit)}`
      context.error(
        at('sessionTokenExpiration'),
        `the session token (${sessionText}) would outlive the refresh token (${refreshText})`,
        'make sessionTokenExpiration at most refreshTokenExpiration',
      )
    }

    const inactivity = minutesOfField(settings, 'inactivityTime')
    if (inactivity !== undefined && inactivity < MIN_INACTIVITY_MINUTES) {
      const message = `inactivityTime is ${inactivity} minute${inactivity === 1 ? '' : 's'}; Descope requires at least ${MIN_INACTIVITY_MINUTES} minutes`
      context.error(at('inactivityTime'), message, 'raise it, or use a larger inactivityTimeUnit')
    }
  }
}

type TenantWithSettings = {id: string; settings?: TenantSettingsConfig}

declare module './types.js' {
  interface ResourceKindNames {
    tenantSettings: true
  }
}

export const tenantSettingsKind = defineKind({
  config: {
    check: checkSettings,
    entryFields: {settings: tenantSettingsSchema.optional()},
    key: 'tenants',
    schema: undefined,
  },
  configured: config => ((config.tenants ?? []) as TenantWithSettings[]).some(tenant => tenant.settings !== undefined),
  // Configuring settings of a tenant created in the same run: the tenant comes first (see dependsOn).
  create: configure,
  defaults: settingsDefaults,
  async delete() {
    throw new CliError('Tenant settings are never deleted: they go with their tenant.', {code: 'tenant_settings_not_deletable', exitCode: ExitCode.InvalidInput})
  },
  dependsOn: item => [`tenant:${item.key}`],
  // A new tenant has the default settings: restoring or comparing defaults creates nothing.
  implicit: true,
  desired(config: ConfigSections) {
    return ((config.tenants ?? []) as TenantWithSettings[]).flatMap(tenant => (tenant.settings ? [tenantSettingsItem(tenant.id, tenant.settings, true)] : []))
  },
  labels: {plural: 'tenant settings', singular: 'tenant settings', title: 'Tenant settings'},
  managedFields,
  name: 'tenantSettings',
  passthroughFields,
  // Right after tenants: the settings need their tenant.
  phase: 1.5,
  plural: 'tenantSettings',
  async readLive(client) {
    const tenants = await loadAllTenants(client)
    return Promise.all(tenants.map(async tenant => tenantSettingsItem(tenant.id, await loadTenantSettings(client, tenant.id))))
  },
  toConfig(items, config) {
    const byId = new Map(items.map(item => [item.key, item]))
    for (const tenant of (config.tenants ?? []) as Array<Record<string, unknown>>) {
      const item = byId.get(String(tenant.id))
      if (!item) continue
      const changed = Object.fromEntries(managedFields.filter(field => item.fields[field] !== settingsDefaults[field]).map(field => [field, item.fields[field]]))
      if (Object.keys(changed).length > 0) tenant.settings = changed
    }

    return []
  },
  undeletable: true,
  update: (client, desired) => configure(client, desired),
})
