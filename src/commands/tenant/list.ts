import {Flags} from '@oclif/core'

import type {Tenant} from '../../lib/api/types.js'

import {loadAllTenants} from '../../lib/api/tenants.js'
import {BaseCommand} from '../../lib/base-command.js'
import {filterTenants, sortTenants, tenantColumns} from '../../lib/tenants/present.js'
import {formatOutput, type OutputFormat, outputFormats} from '../../lib/ui/output.js'

export default class TenantList extends BaseCommand<typeof TenantList> {
  static override description = 'Lists the tenants of the project, sorted by id. Filters apply on the client side.'
  static override examples = [
    {command: '<%= config.bin %> <%= command.id %> -e local', description: 'List the tenants of the local emulator environment.'},
    {command: '<%= config.bin %> <%= command.id %> -e staging --name-contains acme', description: 'Only tenants whose name contains "acme" (any case).'},
    {command: '<%= config.bin %> <%= command.id %> -e production --output csv > tenants.csv', description: 'Export a spreadsheet of the production tenants.'},
    {command: '<%= config.bin %> <%= command.id %> --id acme --id globex --json', description: 'Two tenants as JSON, for scripts.'},
  ]
  static override flags = {
    id: Flags.string({description: 'Only this tenant id; repeat for several.', multiple: true}),
    'name-contains': Flags.string({description: 'Only tenants whose name contains this text (case-insensitive).'}),
    output: Flags.string({
      char: 'o', default: 'table', description: 'Output format.', options: [...outputFormats],
    }),
  }
  static override summary = 'List tenants.'

  async run(): Promise<Tenant[]> {
    const tenants = sortTenants(filterTenants(await loadAllTenants(await this.client()), {ids: this.flags.id, nameContains: this.flags['name-contains']}))
    if (!this.jsonEnabled()) {
      const format = this.flags.output as OutputFormat
      if (format === 'table' && tenants.length === 0) this.log('No tenants found.')
      else this.log(formatOutput(format, tenants, tenants, tenantColumns))
    }

    return tenants
  }
}
