/** How backups read on a terminal: sizes, counts, ages, the list table and the show block. */
import type {BackupMetadata} from './format.js'
import type {ListedBackup} from './store.js'

import {InputError} from '../errors.js'
import {type Column} from '../ui/output.js'

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  const units = ['KiB', 'MiB', 'GiB']
  let value = bytes / 1024
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }

  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`
}

/** `tenants 12, roles 3`, in the order the backup lists its resources. */
export function formatCounts(resources: string[], counts: Record<string, number>): string {
  // The backup's order first, then any count it does not list.
  const names = [...resources, ...Object.keys(counts).filter(name => !resources.includes(name))]
  return names.map(name => `${name} ${counts[name] ?? 0}`).join(', ')
}

/** `2025-05-12 10:30:15Z`. */
export function formatTime(iso: string): string {
  return iso ? iso.replace('T', ' ').replace(/\.\d{3}Z$/, 'Z') : '?'
}

const AGE_UNITS: Record<string, number> = {
  d: 1, h: 1 / 24, m: 1 / (24 * 60), w: 7,
}

/** `30d`, `12h`, `2w`, `90m` or a plain number of days, as days. */
export function parseAge(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([dhmw]?)\s*$/i.exec(text)
  if (!match) {
    throw new InputError(`"${text}" is not an age.`, {hint: 'Use a number with a unit: 30d (days), 12h (hours), 2w (weeks), 90m (minutes).'})
  }

  return Number(match[1]) * AGE_UNITS[(match[2] || 'd').toLowerCase()]
}

export function listColumns(withProject: boolean): Array<Column<ListedBackup>> {
  return [
    {get: row => row.id, header: 'ID'},
    ...(withProject ? [{get: (row: ListedBackup) => row.projectId, header: 'PROJECT'}] : []),
    {get: row => formatTime(row.createdAt), header: 'TIME'},
    {get: row => row.environment ?? '', header: 'ENV'},
    {get: row => (row.damaged ? 'DAMAGED' : row.operation), header: 'OPERATION'},
    {get: row => row.label ?? '', header: 'LABEL'},
    {get: row => (row.damaged || formatCounts(row.resources, row.counts)), header: 'RESOURCES'},
    {get: row => (row.damaged ? '' : formatSize(row.size)), header: 'SIZE'},
  ]
}

/** The metadata of one backup as aligned `Name: value` lines. */
export function renderMetadata(id: string, folder: string, metadata: BackupMetadata): string {
  const rows: Array<[string, string | undefined]> = [
    ['Backup', id],
    ['Folder', folder],
    ['Project', metadata.projectId],
    ['Environment', metadata.environment],
    ['Taken', formatTime(metadata.createdAt)],
    ['Operation', metadata.operation],
    ['Label', metadata.label],
    ['User', metadata.user],
    ['Git commit', metadata.gitCommit],
    ['Tool', `${metadata.tool} ${metadata.toolVersion}`],
    ['Format', `version ${metadata.formatVersion}`],
    ['Size', formatSize(metadata.size)],
  ]
  const lines = rows.filter(([, value]) => value !== undefined && value !== '').map(([name, value]) => `${`${name}:`.padEnd(13)}${value}`)
  lines.push('Resources:')
  for (const plural of metadata.resources) lines.push(`  ${plural.padEnd(12)} ${metadata.counts[plural] ?? 0}`)
  lines.push('Files:')
  for (const [file, entry] of Object.entries(metadata.files).sort(([a], [b]) => (a < b ? -1 : 1))) {
    lines.push(`  ${file}  ${formatSize(entry.size)}  sha256:${entry.sha256}`)
  }

  return lines.join('\n')
}
