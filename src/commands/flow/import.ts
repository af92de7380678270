import {Args, Flags} from '@oclif/core'

import type {ApplyOutcome} from '../../lib/apply/run.js'
import type {FlowDiff} from '../../lib/flows/diff.js'
import type {FlowFormat, ResolvedFlowId} from '../../lib/flows/format.js'

import {writeFlags} from '../../lib/apply/flags.js'
import {BaseCommand} from '../../lib/base-command.js'
import {InputError} from '../../lib/errors.js'
import {readFlowFiles} from '../../lib/flows/files.js'
import {writeFlows} from '../../lib/flows/write.js'

interface ImportedFlow {
  file: string
  flowId: string
  idFrom: ResolvedFlowId['source']
  format: FlowFormat
  diff: FlowDiff
}

export default class FlowImport extends BaseCommand<typeof FlowImport> {
  static override args = {
    files: Args.string({description: 'Flow files (v2 as `flow export` writes them, or v1).', required: true}),
  }
  static override description = `Imports flow files, replacing the flows of the same id. Without --apply it only shows, for each flow, a structural diff against the live flow (the default is a dry run).
The flow id comes from --flow-id, else from the file (v2 "flowId", v1 "flow.id"), and only as a last resort from the file name, with a warning: a renamed export still imports into the flow it came from.
With --apply: it asks for confirmation (or needs --yes), backs up the current version of exactly these flows (see \`flow rollback\`), then imports them with progress, a journal and an audit record per flow.`
  static override examples = [
    {command: '<%= config.bin %> <%= command.id %> sign-up-or-in.json -e staging', description: 'Show what importing the file would change.'},
    {command: '<%= config.bin %> <%= command.id %> flows/*.json -e staging --apply', description: 'Import several flows after confirming; each is backed up first.'},
    {command: '<%= config.bin %> <%= command.id %> draft.json --flow-id sign-in-test -e local --apply --yes', description: 'Import a file as another flow id.'},
  ]
  static override flags = {
    apply: Flags.boolean({default: false, description: 'Import (after confirmation and a backup).', exclusive: ['dry-run']}),
    ...writeFlags,
    'dry-run': Flags.boolean({default: false, description: 'Only show the changes (the default).', exclusive: ['apply']}),
    'flow-id': Flags.string({description: 'Import the (single) file as this flow id, whatever the file says.'}),
    resume: Flags.boolean({default: false, description: 'After a failed or interrupted import: do not repeat the flows already imported.'}),
    yes: Flags.boolean({char: 'y', default: false, description: 'Do not ask for confirmation.'}),
  }
  static override readCache: 'fresh' | 'use' = 'fresh'
  static override strict = false
  static override summary = 'Import flows from files, with a diff and a backup first.'

  async run(): Promise<{flows: ImportedFlow[]; applied: boolean; backupId?: string; outcome?: ApplyOutcome}> {
    const {argv} = await this.parse(FlowImport)
    const files = argv as string[]
    if (files.length === 0) throw new InputError('Give the flow files to import.')
    const loaded = await readFlowFiles(files, this.flags['flow-id'])
    for (const flow of loaded) if (flow.id.warning) this.warn(flow.id.warning)
    const connection = await this.connect()
    const result = await writeFlows({
      apply: this.flags.apply,
      backupDir: this.flags['backup-dir'],
      lockWaitMs: this.flags['lock-wait'],
      command: 'flow import --apply',
      config: this.config,
      connection,
      flows: loaded.map(flow => flow.target),
      json: this.jsonEnabled(),
      operation: 'import',
      resume: this.flags.resume,
      ui: this.runUi(),
      yes: this.flags.yes,
    })
    const json = {
      applied: result.applied,
      backupId: result.outcome?.backupId,
      flows: loaded.map((flow, index) => ({
        diff: result.diffs[index], file: flow.file, flowId: flow.id.id, format: flow.format, idFrom: flow.id.source,
      })),
      outcome: result.outcome,
    }
    if (!this.jsonEnabled()) {
      if (result.plan.changes.length === 0) this.log('\nThe live flows already match the files: nothing to import.')
      else if (!this.flags.apply) this.log(`\nDry run: nothing was changed. Import with \`descope-mgmt flow import ${files.join(' ')} --apply\`.`)
    }

    if (result.outcome && result.outcome.exitCode !== 0) this.exitWith(result.outcome.exitCode, json)
    return json
  }
}
