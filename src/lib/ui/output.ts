import Table from 'cli-table3'
import {stringify as toYaml} from 'yaml'

export const outputFormats = ['table', 'json', 'yaml', 'csv'] as const
export type OutputFormat = (typeof outputFormats)[number]

export interface Column<Row> {
  header: string
  get(row: Row): unknown
}

function cellText(value: unknown): string {
  if (value === undefined || value === null) return ''
  if (Array.isArray(value)) return value.map(item => cellText(item)).join(', ')
  if (typeof value === 'object') return JSON.stringify(value)
  return String(value)
}

/** A borderless, kubectl-style table; cells never wrap, so columns stay greppable. */
export function formatTable<Row>(rows: Row[], columns: Array<Column<Row>>): string {
  const table = new Table({
    chars: {
      top: '', 'top-mid': '', 'top-left': '', 'top-right': '',
      bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '',
      left: '', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '', middle: '  ',
    },
    head: columns.map(column => column.header),
    style: {
      border: [], compact: true, head: [], 'padding-left': 0, 'padding-right': 0,
    },
  })
  for (const row of rows) table.push(columns.map(column => cellText(column.get(row))))
  return table.toString().split('\n').map(line => line.trimEnd()).join('\n')
}

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
