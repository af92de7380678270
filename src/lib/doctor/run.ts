/**
 * `doctor`: checks the connection and each assumption the tool makes about Descope, with reads
 * only, one after the other. Requests, with the client's own license handshake (unless an earlier
 * command remembered the tier) and no retries: license ×2, permission/all, role/all, tenant/all,
 * role/search, tenant/search (only when no tenant shows a parent), tenant?id — at most 8.
 */
import path from 'node:path'

import type {Connection} from '../connection.js'
import type {CheckResult, DoctorReport} from './types.js'

import {loadAllPermissions, PERMISSION_PATHS} from '../api/permissions.js'
import {loadRoleAll} from '../api/roles.js'
import {loadAllTenants} from '../api/tenants.js'
import {describeSource} from '../config/credentials.js'
import {observe} from './observe.js'
import {
  check, judgeBuiltIns, judgeKey, probeLicense, probeNotFound, probeTenantParent, probeTenantRoles, skipped,
} from './probes.js'
import {CHECK_IDS} from './types.js'

/** The client's retry policy for doctor: every probe is sent once, so it reports what it saw. */
export const DOCTOR_CLIENT_RETRY = Object.freeze({limit: 0, maxTotalMs: 0})

export type DoctorTarget = {connection: Connection} | {error: unknown}

/** Where the configuration, project, key and URL came from; never the key. */
export function describeConnection(connection: Connection, cwd = process.cwd()): string {
  const parts: string[] = []
  if (connection.loaded) {
    const file = path.relative(cwd, connection.loaded.file) || connection.loaded.file
    parts.push(`configuration ${file}${connection.environmentName ? `, environment ${connection.environmentName}` : ''}`)
  } else {
    parts.push('no configuration file')
  }

  const {sources} = connection
  if (connection.emulator) {
    const dataDir = sources && 'dataDir' in sources ? ` (data ${describeSource(sources.dataDir)})` : ''
    parts.push(`embedded emulator${dataDir}, project ${connection.projectId}`)
  } else {
    parts.push(
      `project ${connection.projectId}${from(sources?.projectId)}`,
      `management key${sources?.managementKey ? ` from ${describeSource(sources.managementKey)}` : ''} (not shown)`,
      `API ${connection.baseUrl}${sources && 'baseUrl' in sources ? from(sources.baseUrl) : ''}`,
    )
  }

  return parts.join('; ')
}

function from(source: Parameters<typeof describeSource>[0] | undefined): string {
  return source ? ` (${describeSource(source)})` : ''
}

export function summarise(checks: CheckResult[]): DoctorReport {
  const count = (status: CheckResult['status']) => checks.filter(result => result.status === status).length
  const summary = {fail: count('fail'), pass: count('pass'), unknown: count('unknown')}
  return {checks, ok: summary.fail === 0, summary}
}

function errorMessage(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]
}

export async function runDoctor(target: DoctorTarget): Promise<DoctorReport> {
  if ('error' in target) {
    const rest = CHECK_IDS.filter(id => id !== 'credentials').map(id => skipped(id, 'no connection'))
    return summarise([check('credentials', 'fail', errorMessage(target.error)), ...rest])
  }

  const {connection} = target
  const {client} = connection
  const results: CheckResult[] = [check('credentials', 'pass', describeConnection(connection), {emulator: connection.emulator, projectId: connection.projectId})]

  const license = await probeLicense(client)
  results.push(license.reachable, license.license, license.clock)
  const projectChecks = ['key', 'built-ins', 'tenant-roles', 'not-found', 'tenant-parent'] as const
  if (!license.reached) return summarise([...results, ...projectChecks.map(id => skipped(id, 'the API did not answer'))])

  const permissions = await observe(() => loadAllPermissions(client))
  const key = judgeKey(permissions, PERMISSION_PATHS.all)
  results.push(key.key)
  if (!key.accepted) return summarise([...results, ...projectChecks.filter(id => id !== 'key').map(id => skipped(id, 'the management key was not accepted'))])

  const roles = await observe(() => loadRoleAll(client))
  const tenants = await observe(() => loadAllTenants(client))
  results.push(
    judgeBuiltIns(permissions, roles),
    await probeTenantRoles(client, roles, tenants),
    await probeNotFound(client),
    await probeTenantParent(client, tenants),
  )
  return summarise(results)
}
