import {Flags} from '@oclif/core'

import type {Tenant} from '../../lib/api/types.js'

import {loadTenant} from '../../lib/api/tenants.js'
import {writeFlags} from '../../lib/apply/flags.js'
import {BaseCommand} from '../../lib/base-command.js'
import {changesFromFlags, tenantFieldFlags} from '../../lib/tenants/flags.js'
import {buildCreateRequest} from '../../lib/tenants/input.js'
import {applyTenantCreate} from '../../lib/tenants/operations.js'

export default class TenantCreate extends BaseCommand<typeof TenantCreate> {
  static override description = `Creates one tenant. Without --id Descope generates the id. To manage many tenants, declare them in the configuration and use \`plan\` and \`apply\`.
Like apply, it takes the project's lock and a backup first, and journals and audits the write.`
  static override examples = [
    {command: '<%= config.bin %> <%= command.id %> -e local --id acme --name "Acme Inc" --domain acme.com', description: 'Create a tenant with a self-provisioning domain.'},
    {command: '<%= config.bin %> <%= command.id %> --id acme-eu --name "Acme EU" --parent acme --role-inheritance userOnly', description: 'Create a sub-tenant of "acme".'},
    {command: '<%= config.bin %> <%= command.id %> --id globex --name Globex --attribute plan=gold --attribute seats=25', description: 'Set custom attributes; numbers and booleans keep their type.'},
    {command: '<%= config.bin %> <%= command.id %> --name "Initech" --json', description: 'Let Descope generate the id and print the new tenant as JSON.'},
  ]
  static override flags = {
    id: Flags.string({description: 'Id of the new tenant (1-64 letters, digits, "_" or "-"); generated when omitted.'}),
    ...tenantFieldFlags,
    name: Flags.string({description: 'Display name of the tenant (unique in the project).', required: true}),
    ...writeFlags,
  }
  static override summary = 'Create a tenant.'

  async run(): Promise<Tenant> {
    const request = buildCreateRequest(this.flags.id, changesFromFlags(this.flags))
    const connection = await this.connect()
    const {id} = await applyTenantCreate(this.writeContext(connection), request)
    const tenant = await loadTenant(connection.client, id)
    this.log(`✓ Created tenant ${tenant.id} (${tenant.name}).`)
    return tenant
  }
}
