import {type FlowListEntry, listFlows} from '../../lib/api/flows.js'
import {BaseCommand} from '../../lib/base-command.js'
import {type Column, formatOutput} from '../../lib/ui/output.js'

/** `modifiedTime` is epoch milliseconds (a numeric string on the wire): shown as an ISO time. */
export function modifiedAt(entry: FlowListEntry): string {
  const ms = Number(entry.modifiedTime)
  return entry.modifiedTime && Number.isFinite(ms) && ms > 0 ? new Date(ms).toISOString() : (entry.modifiedTime ?? '')
}

const columns: Array<Column<FlowListEntry>> = [
  {get: flow => flow.id, header: 'ID'},
  {get: flow => flow.name ?? '', header: 'NAME'},
  {get: flow => flow.description ?? '', header: 'DESCRIPTION'},
  {get: flow => (flow.disabled ? 'yes' : 'no'), header: 'DISABLED'},
  {get: flow => modifiedAt(flow), header: 'MODIFIED'},
]

export default class FlowList extends BaseCommand<typeof FlowList> {
  static override description = 'Lists the authentication flows of the project, sorted by id: id, name, description, whether it is disabled, and when it was last modified.'
  static override examples = [
    {command: '<%= config.bin %> <%= command.id %> -e local', description: 'List the flows of the local emulator environment.'},
    {command: '<%= config.bin %> <%= command.id %> -e production --json | jq -r \'.[].id\'', description: 'Only the flow ids, for a script.'},
  ]
  static override summary = 'List flows.'

  async run(): Promise<Array<{id: string; name: string; description: string; disabled: boolean; modifiedTime: string}>> {
    const flows = await listFlows(await this.client())
    const rows = flows.map(flow => ({
      description: flow.description ?? '', disabled: flow.disabled === true, id: flow.id, modifiedTime: modifiedAt(flow), name: flow.name ?? '',
    }))
    if (!this.jsonEnabled()) this.log(flows.length === 0 ? 'No flows found.' : formatOutput('table', rows, flows, columns))
    return rows
  }
}
