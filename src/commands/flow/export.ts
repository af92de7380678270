import {Args, Flags} from '@oclif/core'
import {mkdir, stat} from 'node:fs/promises'
import path from 'node:path'

import {exportFlows, listFlows} from '../../lib/api/flows.js'
import {BaseCommand} from '../../lib/base-command.js'
import {InputError} from '../../lib/errors.js'
import {
  FLOW_ID_PATTERN, flowFileName, type FlowFormat, serialiseFlow,
} from '../../lib/flows/format.js'
import {writePrivateFile} from '../../lib/private-file.js'

async function isDirectory(target: string): Promise<boolean> {
  return (await stat(target).catch(() => {}))?.isDirectory() ?? false
}

export default class FlowExport extends BaseCommand<typeof FlowExport> {
  static override args = {
    ids: Args.string({description: 'Ids of the flows to export.'}),
  }
  static override description = `Writes each flow to its own pretty-printed JSON file, <flowId>.json, keys in a stable order so that git diffs show only real changes.
--out is a folder (default: the current one), or a file name when exporting exactly one flow. The flows are exported concurrently within the project's rate limit. The v2 format (the default) is what descopecli and the Go SDK write; v1 is the node-sdk "console" format. The id is inside the file, so a renamed file still imports into the same flow.`
  static override examples = [
    {command: '<%= config.bin %> <%= command.id %> sign-up-or-in -e staging', description: 'Write ./sign-up-or-in.json.'},
    {command: '<%= config.bin %> <%= command.id %> --all --out flows/ -e production', description: 'Export every flow into flows/, one file each.'},
    {command: '<%= config.bin %> <%= command.id %> sign-up-or-in --out backup.json', description: 'Export one flow to a chosen file name (it still imports into sign-up-or-in).'},
    {command: '<%= config.bin %> <%= command.id %> sign-in --format v1', description: 'The node-sdk ("console") format.'},
  ]
  static override flags = {
    all: Flags.boolean({default: false, description: 'Export every flow of the project.'}),
    format: Flags.string({default: 'v2', description: 'File format.', options: ['v2', 'v1']}),
    out: Flags.string({char: 'o', description: 'Folder to write into (default: current folder), or a .json file name for a single flow.'}),
  }
  static override strict = false
  static override summary = 'Export flows to JSON files.'

  async run(): Promise<{files: Array<{flowId: string; file: string}>}> {
    const {argv} = await this.parse(FlowExport)
    const ids = [...new Set(argv as string[])]
    if (ids.length === 0 && !this.flags.all) throw new InputError('Name the flows to export, or use --all.', {hint: 'See the flows with `descope-mgmt flow list`.'})
    if (ids.length > 0 && this.flags.all) throw new InputError('Give flow ids or --all, not both.')
    for (const id of ids) if (!FLOW_ID_PATTERN.test(id)) throw new InputError(`"${id}" is not a flow id.`)
    const client = await this.client()
    let targets = ids
    if (this.flags.all) {
      targets = (await listFlows(client)).map(flow => flow.id)
    } else {
      const known = new Set((await listFlows(client, ids)).map(flow => flow.id))
      const missing = ids.filter(id => !known.has(id))
      if (missing.length > 0) throw new InputError(`No flow ${missing.map(id => `"${id}"`).join(', ')} in the project.`, {code: 'flow_not_found', hint: 'See the flows with `descope-mgmt flow list`.'})
    }

    const out = this.flags.out ?? '.'
    const singleFile = out.toLowerCase().endsWith('.json') && !(await isDirectory(out))
    if (singleFile && targets.length !== 1) {
      throw new InputError(`--out ${out} is a file name, but ${targets.length} flows are exported.`, {hint: 'Give a folder to write one file per flow.'})
    }

    const flows = await exportFlows(client, targets)
    if (!singleFile) await mkdir(out, {recursive: true})
    const files: Array<{flowId: string; file: string}> = []
    for (const flow of flows) {
      const file = singleFile ? out : path.join(out, flowFileName(flow.flowId))
      await writePrivateFile(file, serialiseFlow(flow, this.flags.format as FlowFormat))
      files.push({file, flowId: flow.flowId})
      if (!this.jsonEnabled()) this.log(`✓ ${flow.flowId} → ${file}`)
    }

    if (!this.jsonEnabled() && flows.length === 0) this.log('The project has no flows.')
    return {files}
  }
}
