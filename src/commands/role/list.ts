import {Flags} from '@oclif/core'

import type {Role} from '../../lib/api/types.js'

import {loadAllRoles} from '../../lib/api/roles.js'
import {BaseCommand} from '../../lib/base-command.js'
import {filterRoles, roleColumns, sortRoles} from '../../lib/roles/present.js'
import {formatOutput, type OutputFormat, outputFormats} from '../../lib/ui/output.js'

export default class RoleList extends BaseCommand<typeof RoleList> {
  static override description = `Lists the project roles and the roles of every tenant: project roles first, then by tenant, each sorted by name.
TENANT is "(project)" for a project role. Filters apply on the client side.`
  static override examples = [
    {command: '<%= config.bin %> <%= command.id %> -e local', description: 'List the roles of the local emulator environment.'},
    {command: '<%= config.bin %> <%= command.id %> -e staging --tenant acme', description: 'Only the roles of tenant "acme".'},
    {command: '<%= config.bin %> <%= command.id %> -e production --output csv > roles.csv', description: 'Export a spreadsheet of the production roles (permissions joined with ";").'},
    {command: '<%= config.bin %> <%= command.id %> --json | jq \'.[] | select(.default)\'', description: 'The roles as JSON (wire field names), for scripts: here the default roles.'},
  ]
  static override flags = {
    output: Flags.string({
      char: 'o', default: 'table', description: 'Output format.', options: [...outputFormats],
    }),
    tenant: Flags.string({description: 'Only the roles of this tenant id; repeat for several.', multiple: true}),
  }
  static override summary = 'List roles.'

  async run(): Promise<Role[]> {
    const roles = sortRoles(filterRoles(await loadAllRoles(await this.client()), {tenantIds: this.flags.tenant}))
    if (!this.jsonEnabled()) {
      const format = this.flags.output as OutputFormat
      if (format === 'table' && roles.length === 0) this.log(this.flags.tenant?.length ? `No roles found for tenant ${this.flags.tenant.join(', ')}.` : 'No roles found.')
      else this.log(formatOutput(format, roles, roles, roleColumns))
    }

    return roles
  }
}
