/** Borderless text tables fitted to the terminal, for the host's and the plugins' commands. */

export interface Column<Row> {
  header: string
  get(row: Row): unknown
}

export function cellText(value: unknown): string {
  if (value === undefined || value === null) return ''
  if (Array.isArray(value)) return value.map(item => cellText(item)).join(', ')
  if (typeof value === 'object') return JSON.stringify(value)
  return String(value)
}

/** Something that may be a terminal, like `process.stdout`. */
export interface OutputStream {
  isTTY?: boolean
  columns?: number
}

/**
 * The width a table must fit: `COLUMNS` when it is set, else the width of the terminal; no limit
 * when the output goes to a pipe or a file, so scripts get every character.
 */
export function tableWidth(stream: OutputStream = process.stdout, env: NodeJS.ProcessEnv = process.env): number | undefined {
  const columns = Number(env.COLUMNS)
  if (env.COLUMNS && Number.isInteger(columns) && columns > 0) return columns
  return stream.isTTY && stream.columns && stream.columns > 0 ? stream.columns : undefined
}

const GAP = 2
const ELLIPSIS = '…'
/** A column is never shrunk below its header, nor below this (unless its content is narrower). */
const MIN_COLUMN = 6

/** Characters of a line (code points, so that one accented letter or symbol counts once). */
function lineWidth(line: string): number {
  // A loop rather than a regular expression: V8 interprets a new expression for its first calls,
  // which made the widths of a 1,000-row table cost about 20 ms.
  for (let index = 0; index < line.length; index++) {
    const code = line.codePointAt(index)!
    if (code < 0x20 || code > 0x7E) return [...line].length
  }

  return line.length
}

function textWidth(text: string): number {
  if (!text.includes('\n')) return lineWidth(text)
  let widest = 0
  for (const line of text.split('\n')) widest = Math.max(widest, lineWidth(line))
  return widest
}

/** Cuts every line of `text` to `width` characters, the last one an ellipsis. */
export function truncateText(text: string, width: number): string {
  return text.split('\n').map(line => {
    const characters = [...line]
    return characters.length <= width ? line : `${characters.slice(0, Math.max(0, width - 1)).join('')}${ELLIPSIS}`
  }).join('\n')
}

/**
 * Column widths whose total (with the gaps between columns) fits `width`: the widest column
 * loses one character at a time, so the widest shrink first and end up equal; a column never
 * goes below its minimum. When even the minimums do not fit, they are returned.
 */
export function fitColumns(natural: number[], minimum: number[], width: number): number[] {
  const widths = [...natural]
  let excess = widths.reduce((sum, columnWidth) => sum + columnWidth, 0) + (GAP * Math.max(0, widths.length - 1)) - width
  while (excess > 0) {
    let widest = -1
    for (const [index, columnWidth] of widths.entries()) {
      if (columnWidth > minimum[index] && (widest === -1 || columnWidth > widths[widest])) widest = index
    }

    if (widest === -1) break
    widths[widest] -= 1
    excess -= 1
  }

  return widths
}

export interface TableOptions {
  /** The width to fit; undefined: cells are never truncated. Without the option: `tableWidth()`. */
  width?: number
}

/**
 * A borderless, kubectl-style table, one line per row. When it is wider than `width`, the widest
 * columns shrink and their cells end with an ellipsis (rather than wrap, which would break the
 * one-line-per-row layout that grep and head rely on); --output json, yaml or csv give everything.
 */
export function formatTable<Row>(rows: Row[], columns: Array<Column<Row>>, options: TableOptions = {}): string {
  const width = 'width' in options ? options.width : tableWidth()
  const head = columns.map(column => column.header)
  let body = rows.map(row => columns.map(column => cellText(column.get(row))))
  if (width !== undefined) {
    const natural = columnWidths(head, body)
    const minimum = head.map((header, index) => Math.min(natural[index], Math.max(textWidth(header), MIN_COLUMN)))
    const widths = fitColumns(natural, minimum, width)
    // Only cells wider than their column are cut (most are not: the copy is the cost at 1,000 rows).
    if (widths.some((columnWidth, index) => columnWidth < natural[index])) {
      body = body.map(cells => cells.map((cell, index) => (widths[index] < natural[index] ? truncateText(cell, widths[index]) : cell)))
    }
  }

  // Padded by hand rather than with cli-table3, which took about 0.3 s for 1,000 rows. One-line
  // cells (nearly all) take a path without splitting, which halves the time of 1,000 rows.
  const widths = columnWidths(head, body)
  const gap = ' '.repeat(GAP)
  const lines: string[] = []
  for (const cells of [head, ...body]) {
    if (!cells.some(cell => cell.includes('\n'))) {
      let line = ''
      for (const [index, cell] of cells.entries()) {
        line += index === 0 ? cell : gap + cell
        if (index < cells.length - 1) line += ' '.repeat(Math.max(0, widths[index] - lineWidth(cell)))
      }

      lines.push(line.trimEnd())
      continue
    }

    const cellLines = cells.map(cell => cell.split('\n'))
    const height = Math.max(...cellLines.map(parts => parts.length))
    for (let line = 0; line < height; line++) {
      const text = cellLines.map((parts, index) => {
        const part = parts[line] ?? ''
        return part + ' '.repeat(Math.max(0, widths[index] - lineWidth(part)))
      })
      lines.push(text.join(gap).trimEnd())
    }
  }

  return lines.join('\n')
}

/** The widest line of each column, header included. */
function columnWidths(head: string[], body: string[][]): number[] {
  const widths = head.map(header => textWidth(header))
  for (const cells of body) {
    for (const [index, cell] of cells.entries()) {
      const cellWidth = textWidth(cell)
      if (cellWidth > widths[index]) widths[index] = cellWidth
    }
  }

  return widths
}
