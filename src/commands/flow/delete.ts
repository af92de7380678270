import {Args, Flags} from '@oclif/core'

import type {ApplyOutcome} from '../../lib/apply/run.js'

import {listFlows} from '../../lib/api/flows.js'
import {writeFlags} from '../../lib/apply/flags.js'
import {BaseCommand} from '../../lib/base-command.js'
import {InputError} from '../../lib/errors.js'
import {buildPlan} from '../../lib/plan/build.js'
import {flowsKindFor} from '../../lib/resources/flows.js'

export default class FlowDelete extends BaseCommand<typeof FlowDelete> {
  static override args = {
    ids: Args.string({description: 'Ids of the flows to delete.', required: true}),
  }
  static override description = `Deletes flows after confirmation, naming each: sign-in through a deleted flow stops working.
On a terminal it asks first; in scripts and CI it refuses unless --yes is given. Unknown ids are refused before anything is deleted.
The flows are backed up first (\`flow rollback ID\` brings one back), and each delete is journaled and audited like an apply.`
  static override examples = [
    {command: '<%= config.bin %> <%= command.id %> old-sign-in -e staging', description: 'Delete one flow after confirming at the prompt.'},
    {command: '<%= config.bin %> <%= command.id %> test-a test-b -e local --yes', description: 'Delete two flows without a prompt.'},
  ]
  static override flags = {
    ...writeFlags,
    yes: Flags.boolean({char: 'y', default: false, description: 'Do not ask for confirmation.'}),
  }
  static override readCache: 'fresh' | 'use' = 'fresh'
  static override strict = false
  static override summary = 'Delete flows, backing them up first.'

  async run(): Promise<{deleted: string[]; backupId?: string; outcome: ApplyOutcome}> {
    const {argv} = await this.parse(FlowDelete)
    const ids = [...new Set(argv as string[])]
    const connection = await this.connect()
    const known = new Set((await listFlows(connection.client, ids)).map(flow => flow.id))
    const missing = ids.filter(id => !known.has(id))
    if (missing.length > 0) throw new InputError(`No flow ${missing.map(id => `"${id}"`).join(', ')} in the project; nothing was deleted.`, {code: 'flow_not_found'})
    // A plan that deletes exactly these flows (the kind reads only them), applied by the engine:
    // lock, confirmation, backup of the flows, journal, audit.
    // Named on the command line: Descope's default flows are deleted too, not kept as built-ins.
    const kind = {...flowsKindFor(ids), builtIn: () => false}
    const plan = buildPlan({
      desired: [],
      environment: connection.environmentName,
      kinds: [kind],
      live: await kind.readLive(connection.client),
      projectId: connection.projectId,
      prune: true,
      tool: `descope-mgmt/${this.config.version}`,
    })
    const {applyPlan} = await import('../../lib/apply/run.js')
    const outcome = await applyPlan({
      command: `flow delete ${ids.join(' ')}`,
      config: this.config,
      confirm: (question, yes) => this.confirm(question, yes),
      connection,
      flags: {
        backupDir: this.flags['backup-dir'], lockWaitMs: this.flags['lock-wait'], continueOnError: false, json: this.jsonEnabled(), yes: this.flags.yes,
      },
      kinds: [kind],
      log: line => {
        if (!this.jsonEnabled()) this.log(line)
      },
      // Passed only to createBackup, which records any BackupOperation.
      operation: 'delete',
      plan,
      redact: text => this.redact(text),
    })
    const json = {backupId: outcome.backupId, deleted: ids, outcome}
    if (outcome.exitCode !== 0) this.exitWith(outcome.exitCode, json)
    return json
  }
}
