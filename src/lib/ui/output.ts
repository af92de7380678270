import {cellText, type Column, formatTable} from '@descope-mgmt/shared/table'
import {createRequire} from 'node:module'

/** `yaml` only when YAML is asked for; loaded synchronously so that formatting stays synchronous. */
const toYaml = (data: unknown): string => (createRequire(import.meta.url)('yaml') as typeof import('yaml')).stringify(data)

export const outputFormats = ['table', 'json', 'yaml', 'csv'] as const
export type OutputFormat = (typeof outputFormats)[number]

export {
  type Column, fitColumns, formatTable, type OutputStream, type TableOptions, tableWidth, truncateText,
} from '@descope-mgmt/shared/table'

function csvCell(value: unknown): string {
  const text = Array.isArray(value) ? value.map(item => cellText(item)).join(';') : cellText(value)
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

/** RFC 4180 CSV; list cells are joined with `;` so one value stays one cell. */
export function formatCsv<Row>(rows: Row[], columns: Array<Column<Row>>): string {
  const lines = [columns.map(column => csvCell(column.header)).join(',')]
  for (const row of rows) lines.push(columns.map(column => csvCell(column.get(row))).join(','))
  return lines.join('\n')
}

/** Renders data in the chosen format; `table` and `csv` use the columns, the others the raw data. */
export function formatOutput<Row>(format: OutputFormat, data: unknown, rows: Row[], columns: Array<Column<Row>>): string {
  switch (format) {
  case 'csv': {
    return formatCsv(rows, columns)
  }

  case 'json': {
    return JSON.stringify(data, null, 2)
  }

  case 'table': {
    return formatTable(rows, columns)
  }

  case 'yaml': {
    return toYaml(data).trimEnd()
  }
  }
}
