/**
 * Tenant reads with errors that say what to do, and the writes of `tenant create|update|delete`:
 * each is one change applied by the engine (src/lib/apply/single.ts), so it takes the project's
 * lock, a backup, a journal and an audit record like `apply`.
 */
import type {Config as OclifConfig} from '@oclif/core'

import type {Tenant, TenantCreateRequest} from '../api/types.js'
import type {Connection} from '../connection.js'
import type {Change} from '../plan/types.js'
import type {TenantChanges} from './input.js'

import {isAlreadyExists, isNotFound} from '../api/errors.js'
import {loadTenant} from '../api/tenants.js'
import {applyOneChange} from '../apply/single.js'
import {CliError, ExitCode} from '../errors.js'
import {diffValues} from '../plan/diff.js'
import {tenantItem, tenantsKind} from '../resources/tenants.js'
import {qualifiedId} from '../resources/types.js'
import {buildUpdateFields} from './input.js'

function where(connection: Connection): string {
  return connection.environmentName ? `environment "${connection.environmentName}"` : `project ${connection.projectId}`
}

export class TenantNotFoundError extends CliError {
  constructor(id: string, connection: Connection, cause?: unknown) {
    super(`Tenant "${id}" does not exist in ${where(connection)}.`, {
      cause,
      code: 'tenant_not_found',
      exitCode: ExitCode.InvalidInput,
      hint: 'List the tenants with `descope-mgmt tenant list`, or create it with `descope-mgmt tenant create`.',
    })
  }
}

/** Loads a tenant; "not found" becomes an error that says what to run instead. */
export async function loadTenantOrFail(connection: Connection, id: string): Promise<Tenant> {
  try {
    return await loadTenant(connection.client, id)
  } catch (error) {
    if (isNotFound(error)) throw new TenantNotFoundError(id, connection, error)
    throw error
  }
}

/** The tenant a failed write was about; on a create, the parent it names ("not found" then means the parent). */
export interface TenantTarget {
  /** Absent on a create whose id Descope generates. */
  id?: string
  parent?: string
}

/** "Not found" and "already exists" from a tenant write, as errors that say what to do; others as they are. */
export function explainTenantError(connection: Connection, target: TenantTarget, error: unknown): unknown {
  const {id, parent} = target
  if (isNotFound(error) && (parent !== undefined || id !== undefined)) {
    return new TenantNotFoundError((parent ?? id)!, connection, error)
  }

  if (isAlreadyExists(error)) {
    return new CliError(`A tenant with this id or name already exists in ${where(connection)}.`, {
      cause: error,
      code: 'tenant_exists',
      exitCode: ExitCode.InvalidInput,
      hint: `Change it with \`descope-mgmt tenant update ${id ?? '<id>'}\`, or manage tenants declaratively with \`descope-mgmt plan\` and \`apply\`.`,
    })
  }

  return error
}

/** What a tenant write needs from the command: where to write, and how to talk to the user. */
export interface TenantWriteContext {
  connection: Connection
  config: OclifConfig
  json: boolean
  backupDir?: string
  /** --lock-wait, in milliseconds. */
  lockWaitMs?: number
  ui: {log(line: string): void; confirm(question: string, yes: boolean): Promise<void>; redact(text: string): string}
}

export interface TenantWriteResult {
  /** The tenant written (the generated id after a create without --id). */
  id: string
  /** The backup taken before the write. */
  backupId?: string
}

/** The id of a create change whose tenant id Descope generates (its key is empty until then). */
export const GENERATED_TENANT_CHANGE_ID = 'tenant:(generated)'

// A one-change plan has no order to keep; the phase buildPlan gives a top-level tenant.
const PHASE = tenantsKind.phase * 100

/** A request's fields: the id is the change's key. */
function withoutId(request: {id?: string}): Record<string, unknown> {
  return Object.fromEntries(Object.entries(request).filter(([field]) => field !== 'id'))
}

function common(context: TenantWriteContext) {
  return {
    backupDir: context.backupDir, config: context.config, connection: context.connection, json: context.json, kind: tenantsKind, lockWaitMs: context.lockWaitMs, ui: context.ui,
  }
}

/** `tenant create`: the request as the flags give it; without an id Descope generates one. */
export async function applyTenantCreate(context: TenantWriteContext, request: TenantCreateRequest): Promise<TenantWriteResult> {
  const {id} = request
  const desired = withoutId(request)
  const key = id ?? ''
  const change: Change = {
    action: 'create',
    after: [],
    desired,
    fields: diffValues({}, desired),
    id: id ? qualifiedId({key, kind: 'tenant'}) : GENERATED_TENANT_CHANGE_ID,
    key,
    kind: 'tenant',
    phase: PHASE,
  }
  const result = await applyOneChange({
    ...common(context),
    command: `tenant create ${id ?? '(generated id)'}`,
    explainFailure: error => explainTenantError(context.connection, {id, parent: request.parent}, error),
    operation: 'create',
    prepare: async () => ({change}),
  })
  return {backupId: result.backupId, id: result.key}
}

/**
 * `tenant update`: the tenant is read under the lock and its managed fields changed as the flags
 * say; the tenant kind sends them with the live fields the tool does not manage, as for `apply`.
 */
export async function applyTenantUpdate(context: TenantWriteContext, id: string, changes: TenantChanges): Promise<TenantWriteResult> {
  const {connection} = context
  const result = await applyOneChange({
    ...common(context),
    command: `tenant update ${id}`,
    explainFailure: error => explainTenantError(connection, {id}, error),
    operation: 'update',
    async prepare() {
      const live = await loadTenantOrFail(connection, id)
      const desired = buildUpdateFields(live, changes)
      const before = buildUpdateFields(live, {})
      const item = tenantItem(live)
      return {
        change: {
          action: 'update',
          after: [],
          desired,
          fields: diffValues(before, desired),
          id: qualifiedId(item),
          key: item.key,
          kind: 'tenant',
          live: item.fields,
          phase: PHASE,
        },
      }
    },
  })
  return {backupId: result.backupId, id: result.key}
}

/** `tenant delete`: read under the lock, confirmed (or --yes), then deleted; `cascade` also removes the users and access keys only it had. */
export async function applyTenantDelete(
  context: TenantWriteContext,
  id: string,
  options: {cascade: boolean; yes: boolean},
): Promise<TenantWriteResult & {tenant: Tenant}> {
  const {connection} = context
  let tenant: Tenant | undefined
  const result = await applyOneChange({
    ...common(context),
    command: `tenant delete ${id}`,
    explainFailure: error => explainTenantError(connection, {id}, error),
    operation: 'delete',
    async prepare() {
      tenant = await loadTenantOrFail(connection, id)
      const item = tenantItem(tenant)
      const extra = options.cascade ? ' and the users and access keys that belong only to it' : ''
      return {
        change: {
          action: 'delete',
          after: [],
          fields: diffValues(item.fields, {}),
          id: qualifiedId(item),
          key: item.key,
          kind: 'tenant',
          live: item.fields,
          phase: PHASE,
          writeOptions: {cascade: options.cascade},
        },
        question: `Delete tenant ${tenant.id} (${tenant.name})${extra} from ${where(connection)}?`,
      }
    },
    yes: options.yes,
  })
  return {backupId: result.backupId, id: result.key, tenant: tenant!}
}
