import type {
  CustomAttributeValue, RoleInheritance, Tenant, TenantCreateRequest, TenantUpdateRequest,
} from '../api/types.js'

import {InputError} from '../errors.js'

export const tenantIdPattern = /^[A-Za-z0-9_-]{1,64}$/
// One label: letters, digits and inner hyphens; at least two labels, a TLD of letters.
const hostnamePattern = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/

/** The managed fields a `tenant update` sends (every one but `parent`, which cannot change). */
export type TenantUpdateFields = Omit<TenantUpdateRequest, 'authType' | 'federatedAppIds' | 'id'>

/** What the tenant create/update flags say; absent fields are left as they are. */
export interface TenantChanges {
  name?: string
  domains?: string[]
  attributes?: string[]
  removeAttributes?: string[]
  parent?: string
  enforceSSO?: boolean
  disabled?: boolean
  roleInheritance?: RoleInheritance
}

export function checkTenantId(id: string, flag = 'id'): string {
  if (!tenantIdPattern.test(id)) {
    throw new InputError(`Invalid tenant ${flag} "${id}": use 1-64 letters, digits, "_" or "-".`)
  }

  return id
}

export function normaliseDomain(domain: string): string {
  const lower = domain.trim().toLowerCase()
  if (!hostnamePattern.test(lower)) {
    throw new InputError(`Invalid domain "${domain}": expected a host name such as example.com.`)
  }

  return lower
}

/**
 * Parses `key=value`. Values that read as JSON (numbers, true/false, null, arrays of strings)
 * keep that type; anything else is a string. Quote to force a string: `code="10"`.
 */
export function parseAttribute(pair: string): [string, CustomAttributeValue] {
  const equals = pair.indexOf('=')
  if (equals <= 0) throw new InputError(`Invalid attribute "${pair}": expected key=value, e.g. plan=gold.`)
  const key = pair.slice(0, equals).trim()
  const raw = pair.slice(equals + 1)
  if (!/^[A-Za-z0-9_-]{1,20}$/.test(key)) {
    throw new InputError(`Invalid attribute key "${key}": use 1-20 letters, digits, "_" or "-".`)
  }

  try {
    const value: unknown = JSON.parse(raw)
    const isStringList = Array.isArray(value) && value.every(item => typeof item === 'string')
    if (value === null || ['boolean', 'number', 'string'].includes(typeof value) || isStringList) {
      return [key, value as CustomAttributeValue]
    }
  } catch {
    // Not JSON: a plain string.
  }

  return [key, raw]
}

function attributesFrom(pairs: string[] | undefined): Record<string, CustomAttributeValue> {
  return Object.fromEntries((pairs ?? []).map(pair => parseAttribute(pair)))
}

export function buildCreateRequest(id: string | undefined, changes: TenantChanges): TenantCreateRequest {
  if (!changes.name?.trim()) throw new InputError('A tenant needs a name: add --name.')
  const request: TenantCreateRequest = {name: changes.name.trim()}
  if (id !== undefined) request.id = checkTenantId(id)
  if (changes.domains) request.selfProvisioningDomains = changes.domains.map(domain => normaliseDomain(domain))
  if (changes.attributes) request.customAttributes = attributesFrom(changes.attributes)
  if (changes.parent !== undefined) request.parent = checkTenantId(changes.parent, 'parent')
  if (changes.enforceSSO !== undefined) request.enforceSSO = changes.enforceSSO
  if (changes.disabled !== undefined) request.disabled = changes.disabled
  if (changes.roleInheritance !== undefined) request.roleInheritance = changes.roleInheritance
  return request
}

/**
 * The managed fields of a `tenant update`: the live tenant's, changed where the flags say. The
 * update replaces every field, so the tenant kind adds the live fields the tool does not manage
 * (`federatedAppIds`, `authType`) when it sends them, as for `apply`.
 */
export function buildUpdateFields(live: Tenant, changes: TenantChanges): TenantUpdateFields {
  if (changes.parent !== undefined && changes.parent !== (live.parent ?? '')) {
    throw new InputError(`The parent of tenant "${live.id}" cannot change after creation.`, {
      hint: 'Descope sets the parent only when a tenant is created: delete and re-create the tenant to move it.',
    })
  }

  if (changes.name !== undefined && !changes.name.trim()) throw new InputError('--name cannot be empty.')
  const attributes: Record<string, CustomAttributeValue> = {...live.customAttributes, ...attributesFrom(changes.attributes)}
  for (const key of changes.removeAttributes ?? []) {
    if (!(key in attributes)) throw new InputError(`Tenant "${live.id}" has no attribute "${key}" to remove.`)
    delete attributes[key]
  }

  return {
    name: changes.name?.trim() ?? live.name,
    selfProvisioningDomains: changes.domains?.map(domain => normaliseDomain(domain)) ?? live.selfProvisioningDomains ?? [],
    customAttributes: attributes,
    enforceSSO: changes.enforceSSO ?? live.enforceSSO ?? false,
    enforceSSOExclusions: live.enforceSSOExclusions ?? [],
    disabled: changes.disabled ?? live.disabled ?? false,
    roleInheritance: changes.roleInheritance ?? live.roleInheritance ?? '',
  }
}
