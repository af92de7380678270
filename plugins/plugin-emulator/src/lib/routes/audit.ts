/** Audit search and events (reference §2.5). */
import type {
  AuditRecord, JsonObject, ProjectState, RouteDefinition,
} from '../types.js'

import {EmulatorError} from '../errors.js'
import {
  optionalBoolean, optionalEnum, optionalNumber, optionalObject, optionalObjectArray, optionalString, optionalStringArray, requiredString,
} from '../validate.js'

const defaultPageSize = 100
const maxPageSize = 1000

/** The wire form: `occurred` is epoch milliseconds as a numeric string. */
export function auditToWire(record: AuditRecord): JsonObject {
  return {...record, occurred: String(record.occurred)}
}

/**
 * `from`/`to` in epoch ms, as a number or a numeric string (the OpenAPI types them as strings).
 * Zero or negative means "unset": go sends `time.Time{}` as -62135596800000 when not given.
 */
function optionalTime(body: JsonObject, field: string): number | undefined {
  const value = typeof body[field] === 'string' && body[field] !== '' ? Number(body[field]) : optionalNumber(body, field)
  if (value !== undefined && !Number.isFinite(value)) throw new EmulatorError('invalidArgument', `"${field}" must be epoch milliseconds`)
  return value !== undefined && value > 0 ? value : undefined
}

/** A filter on a single-valued field: absent or empty matches everything. */
function oneOf(wanted: string[] | undefined, value: string): boolean {
  return !wanted?.length || wanted.includes(value)
}

function anyOf(wanted: string[] | undefined, values: string[]): boolean {
  return !wanted?.length || values.some(value => wanted.includes(value))
}

function searchAudits(project: ProjectState, body: JsonObject): {audits: JsonObject[]; total: number} {
  const userIds = optionalStringArray(body, 'userIds')
  const actorIds = optionalStringArray(body, 'actorIds')
  const actions = optionalStringArray(body, 'actions')
  const excludedActions = optionalStringArray(body, 'excludedActions') ?? []
  const devices = optionalStringArray(body, 'devices')
  const methods = optionalStringArray(body, 'methods')
  const geos = optionalStringArray(body, 'geos')
  const remoteAddresses = optionalStringArray(body, 'remoteAddresses')
  const externalIds = optionalStringArray(body, 'externalIds')
  const tenants = optionalStringArray(body, 'tenants')
  const auditTypes = optionalStringArray(body, 'auditTypes')
  const noTenants = optionalBoolean(body, 'noTenants') ?? false
  const text = optionalString(body, 'text')?.toLowerCase()
  const from = optionalTime(body, 'from')
  const to = optionalTime(body, 'to')
  const oldestFirst = optionalBoolean(body, 'oldestFirst') ?? false
  const requestedSize = optionalNumber(body, 'size') ?? 0
  const size = requestedSize > 0 ? Math.min(Math.floor(requestedSize), maxPageSize) : defaultPageSize
  const page = Math.max(0, Math.floor(optionalNumber(body, 'page') ?? 0))

  const matches = project.audits.filter(record =>
    oneOf(userIds, record.userId)
    && oneOf(actorIds, record.actorId)
    && oneOf(actions, record.action)
    && !excludedActions.includes(record.action)
    && oneOf(devices, record.device)
    && oneOf(methods, record.method)
    && oneOf(geos, record.geo)
    && oneOf(remoteAddresses, record.remoteAddress)
    && oneOf(auditTypes, record.type)
    && anyOf(externalIds, record.externalIds)
    && anyOf(tenants, record.tenants)
    && (!noTenants || record.tenants.length === 0)
    && (from === undefined || record.occurred >= from)
    && (to === undefined || record.occurred <= to)
    && (text === undefined || JSON.stringify(record).toLowerCase().includes(text)))
  // Records are kept oldest first; Descope answers newest first unless asked otherwise.
  const ordered = oldestFirst ? matches : matches.reverse()
  return {audits: ordered.slice(page * size, (page + 1) * size).map(record => auditToWire(record)), total: matches.length}
}

export const auditRoutes: RouteDefinition[] = [
  {
    handler: ({body, project}) => searchAudits(project, body),
    method: 'POST',
    path: '/v1/mgmt/audit/search',
  },
  {
    handler({audit, body}) {
      const action = requiredString(body, 'action')
      const type = optionalEnum(body, 'type', ['info', 'warn', 'error'] as const)
      if (type === undefined) throw new EmulatorError('missingArgument', '"type" is required')
      const actorId = requiredString(body, 'actorId')
      const tenantId = requiredString(body, 'tenantId')
      const userId = optionalString(body, 'userId') ?? ''
      audit(action, optionalObject(body, 'data') ?? {}, [tenantId], {actorId, type, userId})
      return {}
    },
    method: 'POST',
    mutation: true,
    path: '/v1/mgmt/audit/event',
  },
  {
    handler({body}) {
      requiredString(body, 'name')
      for (const field of ['description', 'url', 'hmacSecret']) optionalString(body, field)
      for (const field of ['authentication', 'headers']) optionalObject(body, field)
      optionalBoolean(body, 'insecure')
      optionalObjectArray(body, 'filters')
      // Validated and acknowledged; the emulator delivers no audit events to webhooks.
      return {}
    },
    method: 'POST',
    mutation: true,
    path: '/v2/mgmt/connector/audit/web/set',
  },
]
