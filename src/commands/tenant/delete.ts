import {Args, Flags} from '@oclif/core'

import {writeFlags} from '../../lib/apply/flags.js'
import {BaseCommand} from '../../lib/base-command.js'
import {applyTenantDelete} from '../../lib/tenants/operations.js'

export default class TenantDelete extends BaseCommand<typeof TenantDelete> {
  static override args = {
    id: Args.string({description: 'Id of the tenant to delete.', required: true}),
  }
  static override description = `Deletes one tenant after confirmation. On a terminal it asks first; in scripts and CI it refuses unless --yes is given.
Like apply, it takes the project's lock, backs up the tenants first (\`backup restore\` brings it back), and journals and audits the delete.`
  static override examples = [
    {command: '<%= config.bin %> <%= command.id %> acme -e local', description: 'Delete after confirming at the prompt.'},
    {command: '<%= config.bin %> <%= command.id %> acme -e staging --yes', description: 'Delete without a prompt (CI).'},
    {command: '<%= config.bin %> <%= command.id %> acme --cascade --yes', description: 'Also delete the users and access keys that belong only to this tenant.'},
  ]
  static override flags = {
    cascade: Flags.boolean({default: false, description: 'Also delete users and access keys associated only with this tenant.'}),
    yes: Flags.boolean({char: 'y', default: false, description: 'Do not ask for confirmation.'}),
    ...writeFlags,
  }
  static override summary = 'Delete a tenant.'

  async run(): Promise<{deleted: string; cascade: boolean; backupId?: string}> {
    const connection = await this.connect()
    const {backupId, tenant} = await applyTenantDelete(this.writeContext(connection), this.args.id, {cascade: this.flags.cascade, yes: this.flags.yes})
    this.log(`✓ Deleted tenant ${tenant.id} (${tenant.name}).`)
    return {backupId, cascade: this.flags.cascade, deleted: tenant.id}
  }
}
