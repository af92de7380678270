import {Flags} from '@oclif/core'

import {auditFilterFlags, filtersFromFlags} from '../../lib/audit/flags.js'
import {
  auditCsvColumns, auditFile, type AuditRecord, readAudit,
} from '../../lib/audit/log.js'
import {BaseCommand} from '../../lib/base-command.js'
import {writePrivateFile} from '../../lib/private-file.js'
import {formatCsv} from '../../lib/ui/output.js'

const formats = ['json', 'csv'] as const

type AuditExportFormat = (typeof formats)[number]

/** The records exported, or with --out the file written. */
export type AuditExportResult = {count: number; format: AuditExportFormat; out: string} | {count: number; format: AuditExportFormat; records: AuditRecord[]}

export default class AuditExport extends BaseCommand<typeof AuditExport> {
  static override description = [
    'Exports the audit log, oldest record first, as a JSON array or as CSV with one column per field (time, user,',
    'environment, projectId, operation, resource, result, errorCode, error, requestId, durationMs, toolVersion, runId).',
    '',
    'Without --out the export goes to standard output. A new file written with --out is readable by you only (0600), like',
    'the log itself. The filters of `audit list` apply; without them everything is exported.',
  ].join('\n')
  static override examples = [
    {command: '<%= config.bin %> <%= command.id %> --format csv --out audit.csv', description: 'The whole log as a spreadsheet.'},
    {command: '<%= config.bin %> <%= command.id %> --since 30d > last-month.json', description: 'The last 30 days as a JSON array.'},
    {command: '<%= config.bin %> <%= command.id %> --format csv --failed --since 7d', description: 'Failed writes of the last week, as CSV on standard output.'},
  ]
  static override flags = {
    ...auditFilterFlags,
    format: Flags.option({
      char: 'f', default: 'json', description: 'Export format.', options: formats,
    })(),
    out: Flags.string({char: 'o', description: 'Write to this file instead of standard output.'}),
  }
  static override summary = 'Export the audit log as JSON or CSV.'

  async run(): Promise<AuditExportResult> {
    const records = (await readAudit(auditFile(this.config.dataDir), filtersFromFlags(this.flags))).reverse()
    const {format, out} = this.flags
    const text = format === 'csv' ? formatCsv(records, auditCsvColumns) : JSON.stringify(records, null, 2)
    if (out) {
      await writePrivateFile(out, `${text}\n`)
      if (!this.jsonEnabled()) this.logToStderr(`Exported ${records.length} audit record${records.length === 1 ? '' : 's'} to ${out}.`)
      return {count: records.length, format, out}
    }

    if (!this.jsonEnabled()) this.log(text)
    return {count: records.length, format, records}
  }
}
