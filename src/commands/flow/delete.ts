import {Args, Flags} from '@oclif/core'

import {deleteFlows, listFlows} from '../../lib/api/flows.js'
import {BaseCommand} from '../../lib/base-command.js'
import {InputError} from '../../lib/errors.js'

export default class FlowDelete extends BaseCommand<typeof FlowDelete> {
  static override args = {
    ids: Args.string({description: 'Ids of the flows to delete.', required: true}),
  }
  static override description = `Deletes flows after confirmation. On a terminal it asks first; in scripts and CI it refuses unless --yes is given. Unknown ids are refused before anything is deleted.
Export the flows first (\`flow export ID\`) if you may want them back.`
  static override examples = [
    {command: '<%= config.bin %> <%= command.id %> old-sign-in -e staging', description: 'Delete one flow after confirming at the prompt.'},
    {command: '<%= config.bin %> <%= command.id %> test-a test-b -e local --yes', description: 'Delete two flows without a prompt.'},
  ]
  static override flags = {
    yes: Flags.boolean({char: 'y', default: false, description: 'Do not ask for confirmation.'}),
  }
  static override strict = false
  static override summary = 'Delete flows.'

  async run(): Promise<{deleted: string[]}> {
    const {argv} = await this.parse(FlowDelete)
    const ids = [...new Set(argv as string[])]
    const connection = await this.connect()
    const known = new Set((await listFlows(connection.client, ids)).map(flow => flow.id))
    const missing = ids.filter(id => !known.has(id))
    if (missing.length > 0) throw new InputError(`No flow ${missing.map(id => `"${id}"`).join(', ')} in the project; nothing was deleted.`, {code: 'flow_not_found'})
    const target = connection.environmentName ? `environment "${connection.environmentName}"` : `project ${connection.projectId}`
    await this.confirm(`Delete flow${ids.length === 1 ? '' : 's'} ${ids.join(', ')} from ${target}?`, this.flags.yes)
    await deleteFlows(connection.client, ids)
    if (!this.jsonEnabled()) this.log(`✓ Deleted flow${ids.length === 1 ? '' : 's'} ${ids.join(', ')}.`)
    return {deleted: ids}
  }
}
