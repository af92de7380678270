import type {Tenant} from '../api/types.js'
import type {Connection} from '../connection.js'

import {isAlreadyExists, isNotFound} from '../api/errors.js'
import {loadTenant} from '../api/tenants.js'
import {CliError, ExitCode} from '../errors.js'

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

/** Runs a write and turns "not found" and "already exists" into errors that say what to do. */
export async function explainTenantWrite<T>(connection: Connection, id: string | undefined, write: () => Promise<T>): Promise<T> {
  try {
    return await write()
  } catch (error) {
    if (id !== undefined && isNotFound(error)) throw new TenantNotFoundError(id, connection, error)
    if (isAlreadyExists(error)) {
      throw new CliError(`A tenant with this id or name already exists in ${where(connection)}.`, {
        cause: error,
        code: 'tenant_exists',
        exitCode: ExitCode.InvalidInput,
        hint: `Change it with \`descope-mgmt tenant update ${id ?? '<id>'}\`, or manage tenants declaratively with \`descope-mgmt plan\` and \`apply\`.`,
      })
    }

    throw error
  }
}
