import {Args, Flags} from '@oclif/core'

import {deleteTenant} from '../../lib/api/tenants.js'
import {BaseCommand} from '../../lib/base-command.js'
import {loadTenantOrFail, tenantWrite} from '../../lib/tenants/operations.js'

export default class TenantDelete extends BaseCommand<typeof TenantDelete> {
  static override args = {
    id: Args.string({description: 'Id of the tenant to delete.', required: true}),
  }
  static override description
    = 'Deletes one tenant after confirmation. On a terminal it asks first; in scripts and CI it refuses unless --yes is given.'
  static override examples = [
    {command: '<%= config.bin %> <%= command.id %> acme -e local', description: 'Delete after confirming at the prompt.'},
    {command: '<%= config.bin %> <%= command.id %> acme -e staging --yes', description: 'Delete without a prompt (CI).'},
    {command: '<%= config.bin %> <%= command.id %> acme --cascade --yes', description: 'Also delete the users and access keys that belong only to this tenant.'},
  ]
  static override flags = {
    cascade: Flags.boolean({default: false, description: 'Also delete users and access keys associated only with this tenant.'}),
    yes: Flags.boolean({char: 'y', default: false, description: 'Do not ask for confirmation.'}),
  }
  static override summary = 'Delete a tenant.'

  async run(): Promise<{deleted: string; cascade: boolean}> {
    const connection = await this.connect()
    const tenant = await loadTenantOrFail(connection, this.args.id)
    const target = connection.environmentName ? `environment "${connection.environmentName}"` : `project ${connection.projectId}`
    const extra = this.flags.cascade ? ' and the users and access keys that belong only to it' : ''
    await this.confirm(`Delete tenant ${tenant.id} (${tenant.name})${extra} from ${target}?`, this.flags.yes)
    await tenantWrite(connection, {audit: this.auditLog(connection), id: tenant.id, operation: 'delete'}, () => deleteTenant(connection.client, tenant.id, {cascade: this.flags.cascade}))
    this.log(`✓ Deleted tenant ${tenant.id} (${tenant.name}).`)
    return {cascade: this.flags.cascade, deleted: tenant.id}
  }
}
