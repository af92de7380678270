import {Args, Flags} from '@oclif/core'

import type {Tenant} from '../../lib/api/types.js'

import {loadTenant} from '../../lib/api/tenants.js'
import {writeFlags} from '../../lib/apply/flags.js'
import {BaseCommand} from '../../lib/base-command.js'
import {InputError} from '../../lib/errors.js'
import {changesFromFlags, tenantFieldFlags} from '../../lib/tenants/flags.js'
import {applyTenantUpdate} from '../../lib/tenants/operations.js'

export default class TenantUpdate extends BaseCommand<typeof TenantUpdate> {
  static override args = {
    id: Args.string({description: 'Id of the tenant to change.', required: true}),
  }
  static override description = `Changes the fields named by the flags and keeps every other field as it is (the tenant is read first, because Descope's update replaces all fields).
Like apply, it takes the project's lock and a backup first, and journals and audits the write.`
  static override examples = [
    {command: '<%= config.bin %> <%= command.id %> acme -e local --name "Acme Corporation"', description: 'Rename a tenant; its domains and attributes stay.'},
    {command: '<%= config.bin %> <%= command.id %> acme --domain acme.com --domain acme.io', description: 'Replace the self-provisioning domains.'},
    {command: '<%= config.bin %> <%= command.id %> acme --attribute plan=platinum --remove-attribute trial', description: 'Change one attribute and remove another.'},
    {command: '<%= config.bin %> <%= command.id %> acme --disabled', description: 'Disable a tenant (use --no-disabled to enable it again).'},
  ]
  static override flags = {
    ...tenantFieldFlags,
    'remove-attribute': Flags.string({description: 'Remove this custom attribute; repeat for several.', multiple: true}),
    ...writeFlags,
  }
  static override summary = 'Change a tenant.'

  async run(): Promise<Tenant> {
    const changes = changesFromFlags(this.flags)
    const given = Object.values(changes).some(value => value !== undefined) || this.flags['remove-attribute']
    if (!given) {
      throw new InputError('Nothing to change: give at least one field flag.', {hint: 'See `descope-mgmt tenant update --help` for the fields.'})
    }

    const connection = await this.connect()
    await applyTenantUpdate(this.writeContext(connection), this.args.id, {...changes, removeAttributes: this.flags['remove-attribute']})
    const tenant = await loadTenant(connection.client, this.args.id)
    this.log(`✓ Updated tenant ${tenant.id} (${tenant.name}).`)
    return tenant
  }
}
