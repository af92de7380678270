import {Flags} from '@oclif/core'

import {auditFilterFlags, filtersFromFlags, hasFilters} from '../../lib/audit/flags.js'
import {
  auditFile, type AuditRecord, auditTableColumns, readAudit,
} from '../../lib/audit/log.js'
import {BaseCommand} from '../../lib/base-command.js'
import {formatTable} from '../../lib/ui/output.js'

export default class AuditList extends BaseCommand<typeof AuditList> {
  static override description = [
    'Lists the writes this tool made to Descope projects from this machine, newest first: who, when, which environment and',
    'project, what operation on which resource, the result and how long it took.',
    '',
    'The audit log is a JSON-lines file in the data folder (<%= config.dataDir %>/audit.jsonl, which follows XDG_DATA_HOME);',
    'apply and the tenant commands append one line per write. It never contains credentials.',
  ].join('\n')
  static override examples = [
    {command: '<%= config.bin %> <%= command.id %>', description: 'The 50 most recent writes.'},
    {command: '<%= config.bin %> <%= command.id %> --since 2h --failed', description: 'Writes that failed in the last two hours.'},
    {command: '<%= config.bin %> <%= command.id %> --resource "tenant:acme-*" --operation delete', description: 'Deletes of tenants whose id starts with acme-.'},
    {command: '<%= config.bin %> <%= command.id %> --since 2024-05-01 --limit 500 --json', description: 'Up to 500 records since 1 May 2024 as JSON, for scripts.'},
  ]
  static override flags = {
    ...auditFilterFlags,
    limit: Flags.integer({default: 50, description: 'Show at most this many records (the newest).', min: 1}),
  }
  static override summary = 'List the audit log of writes.'

  async run(): Promise<AuditRecord[]> {
    const file = auditFile(this.config.dataDir)
    const records = await readAudit(file, {...filtersFromFlags(this.flags), limit: this.flags.limit})
    if (!this.jsonEnabled()) {
      if (records.length === 0) this.log(`No audit records found${hasFilters(this.flags) ? ' that match the filters' : ''} in ${file}.`)
      else this.log(formatTable(records, auditTableColumns))
    }

    return records
  }
}
