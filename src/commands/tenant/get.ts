import {Args, Flags} from '@oclif/core'

import type {Tenant} from '../../lib/api/types.js'

import {BaseCommand} from '../../lib/base-command.js'
import {loadTenantOrFail} from '../../lib/tenants/operations.js'
import {describeTenant} from '../../lib/tenants/present.js'
import {formatOutput, type OutputFormat} from '../../lib/ui/output.js'

export default class TenantGet extends BaseCommand<typeof TenantGet> {
  static override args = {
    id: Args.string({description: 'Id of the tenant.', required: true}),
  }
  static override description = 'Shows every field of one tenant, including its sub-tenants and custom attributes.'
  static override examples = [
    {command: '<%= config.bin %> <%= command.id %> acme -e local', description: 'Show the tenant "acme".'},
    {command: '<%= config.bin %> <%= command.id %> acme -e production --json', description: 'The tenant as JSON, as the Descope API returns it.'},
    {command: '<%= config.bin %> <%= command.id %> acme -o yaml', description: 'The tenant as YAML, ready to paste into a configuration.'},
  ]
  static override flags = {
    output: Flags.string({
      char: 'o', default: 'text', description: 'Output format.', options: ['text', 'json', 'yaml'],
    }),
  }
  static override summary = 'Show one tenant.'

  async run(): Promise<Tenant> {
    const tenant = await loadTenantOrFail(await this.connect(), this.args.id)
    if (!this.jsonEnabled()) {
      this.log(this.flags.output === 'text' ? describeTenant(tenant) : formatOutput(this.flags.output as OutputFormat, tenant, [], []))
    }

    return tenant
  }
}
