import {Args, Flags} from '@oclif/core'

import type {ApplyOutcome} from '../../lib/apply/run.js'
import type {FlowDiff} from '../../lib/flows/diff.js'

import {writeFlags} from '../../lib/apply/flags.js'
import {resolveBackupRoot} from '../../lib/backup/location.js'
import {BaseCommand} from '../../lib/base-command.js'
import {InputError} from '../../lib/errors.js'
import {FLOW_ID_PATTERN} from '../../lib/flows/format.js'
import {
  backupsOfFlow, chooseBackup, type FlowBackup, flowFromBackup,
} from '../../lib/flows/rollback.js'
import {writeFlows} from '../../lib/flows/write.js'
import {flowOfItem} from '../../lib/resources/flows.js'

export default class FlowRollback extends BaseCommand<typeof FlowRollback> {
  static override args = {
    id: Args.string({description: 'Id of the flow to roll back.', required: true}),
  }
  static override description = `Restores a flow from a backup: by default the newest backup taken by \`flow import --apply\` of it, i.e. the flow as it was before its last import; --to picks another one (see --list).
It shows the structural diff, asks for confirmation (or needs --yes), backs up the current flow, then imports the backed-up version.`
  static override examples = [
    {command: '<%= config.bin %> <%= command.id %> sign-up-or-in --list -e production', description: 'The backups that hold the flow, newest first.'},
    {command: '<%= config.bin %> <%= command.id %> sign-up-or-in -e production', description: 'Undo the last import of the flow, after confirming.'},
    {command: '<%= config.bin %> <%= command.id %> sign-up-or-in --to 20250512T103015Z-import --yes', description: 'Restore the flow from a chosen backup.'},
  ]
  static override flags = {
    ...writeFlags,
    'dry-run': Flags.boolean({default: false, description: 'Only show what the rollback would change.'}),
    list: Flags.boolean({default: false, description: 'List the backups holding the flow and stop.', exclusive: ['to']}),
    to: Flags.string({description: 'Id (or unambiguous prefix) of the backup to restore the flow from.'}),
    yes: Flags.boolean({char: 'y', default: false, description: 'Do not ask for confirmation.'}),
  }
  static override readCache: 'fresh' | 'use' = 'fresh'
  static override summary = 'Restore a flow from a backup.'

  async run(): Promise<{backups: FlowBackup[]} | {from: string; diff: FlowDiff; applied: boolean; backupId?: string; outcome?: ApplyOutcome}> {
    const {id} = this.args
    if (!FLOW_ID_PATTERN.test(id)) throw new InputError(`"${id}" is not a flow id.`)
    const connection = await this.connect()
    const root = resolveBackupRoot({dataDir: this.config.dataDir, flag: this.flags['backup-dir']})
    const backups = await backupsOfFlow(root, connection.projectId, id)
    if (this.flags.list) {
      if (!this.jsonEnabled()) {
        if (backups.length === 0) this.log(`No backup holds flow ${id}.`)
        for (const backup of backups) this.log(`${backup.id}  ${backup.createdAt}  ${backup.operation}${backup.label ? `  ${backup.label}` : ''}`)
      }

      return {backups}
    }

    const chosen = chooseBackup(backups, id, this.flags.to)
    const item = await flowFromBackup(root, connection.projectId, chosen.id, id)
    if (!this.jsonEnabled()) this.log(`Rolling back flow ${id} to backup ${chosen.id} (${chosen.operation}, ${chosen.createdAt}).`)
    const result = await writeFlows({
      apply: !this.flags['dry-run'],
      backupDir: this.flags['backup-dir'],
      lockWaitMs: this.flags['lock-wait'],
      command: `flow rollback ${id} --to ${chosen.id}`,
      config: this.config,
      connection,
      flows: [flowOfItem(item)],
      json: this.jsonEnabled(),
      operation: 'restore',
      ui: this.runUi(),
      yes: this.flags.yes,
    })
    if (!this.jsonEnabled() && result.plan.changes.length === 0) this.log('The live flow already matches the backup: nothing to do.')
    const json = {
      applied: result.applied, backupId: result.outcome?.backupId, diff: result.diffs[0], from: chosen.id, outcome: result.outcome,
    }
    if (result.outcome && result.outcome.exitCode !== 0) this.exitWith(result.outcome.exitCode, json)
    return json
  }
}
