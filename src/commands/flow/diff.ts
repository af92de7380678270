import {Args, Flags} from '@oclif/core'

import type {FlowDiff} from '../../lib/flows/diff.js'

import {exportFlow, listFlows} from '../../lib/api/flows.js'
import {BaseCommand} from '../../lib/base-command.js'
import {ExitCode} from '../../lib/errors.js'
import {diffFlows} from '../../lib/flows/diff.js'
import {readFlowFile} from '../../lib/flows/files.js'
import {describeDiffs} from '../../lib/flows/write.js'

export default class FlowDiffCommand extends BaseCommand<typeof FlowDiffCommand> {
  static override args = {
    file: Args.string({description: 'A flow file (v2 or v1).', required: true}),
  }
  static override description = `Compares a flow file with the live flow and shows a structural diff: metadata fields changed; tasks added, removed or changed (by task id, with the changed fields); screens added, removed or changed (by screen id); references changed.
Exit code 0 when they are the same, 2 when they differ (as plan and drift).`
  static override examples = [
    {command: '<%= config.bin %> <%= command.id %> flows/sign-up-or-in.json -e production', description: 'What differs between the file and production.'},
    {command: '<%= config.bin %> <%= command.id %> draft.json --flow-id sign-in -e staging', description: 'Compare a file with another flow id.'},
    {command: '<%= config.bin %> <%= command.id %> sign-in.json --json | jq .tasks.changed', description: 'The changed tasks, for a script.'},
  ]
  static override flags = {
    'flow-id': Flags.string({description: 'Compare with this flow id, whatever the file says.'}),
  }
  static override readCache: 'fresh' | 'use' = 'fresh'
  static override summary = 'Show a structural diff between a flow file and the live flow.'

  async run(): Promise<FlowDiff> {
    const loaded = await readFlowFile(this.args.file, this.flags['flow-id'])
    if (loaded.id.warning) this.warn(loaded.id.warning)
    const client = await this.client()
    const exists = (await listFlows(client, [loaded.id.id])).some(flow => flow.id === loaded.id.id)
    const live = exists ? await exportFlow(client, loaded.id.id) : undefined
    const diff = diffFlows(live, loaded.target)
    if (!this.jsonEnabled()) for (const line of describeDiffs([diff])) this.log(line)
    if (!diff.equal) this.exitWith(ExitCode.ChangesPending, diff)
    return diff
  }
}
