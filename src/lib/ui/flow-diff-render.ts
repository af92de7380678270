/** A structural flow diff as readable lines (no JSON blob). */
import type {FlowDiff, ItemDiff, SectionDiff} from '../flows/diff.js'
import type {ThemeDiff} from '../flows/theme.js'
import type {FieldChange} from '../plan/diff.js'

const MAX_VALUE = 80

function value(data: unknown): string {
  if (data === undefined) return '(unset)'
  const text = JSON.stringify(data)
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 1)}…` : text
}

export function fieldLine(field: FieldChange): string {
  const name = field.path || '(value)'
  if (field.kind === 'changed') return `${name}: ${value(field.before)} → ${value(field.after)}`
  if (field.path.endsWith('[]')) return `${name}: ${field.kind === 'added' ? '+' : '-'} ${value(field.kind === 'added' ? field.after : field.before)}`
  return field.kind === 'added' ? `${name}: + ${value(field.after)}` : `${name}: ${value(field.before)} → (unset)`
}

function itemName(item: ItemDiff): string {
  return item.label ? `${item.id} ${item.label}` : item.id
}

function section(title: string, diff: SectionDiff, indent: string): string[] {
  const lines: string[] = []
  for (const item of diff.added) lines.push(`${indent}+ ${itemName(item)}`)
  for (const item of diff.removed) lines.push(`${indent}- ${itemName(item)}`)
  for (const item of diff.changed) {
    lines.push(`${indent}~ ${itemName(item)}`)
    for (const field of item.fields) lines.push(`${indent}    ${fieldLine(field)}`)
  }

  if (lines.length === 0) return []
  const counts = [`${diff.added.length} added`, `${diff.removed.length} removed`, `${diff.changed.length} changed`].join(', ')
  return [`${indent.slice(2)}${title} (${counts}):`, ...lines]
}

function fields(title: string, changes: FieldChange[], indent: string): string[] {
  if (changes.length === 0) return []
  return [`${indent.slice(2)}${title}:`, ...changes.map(change => `${indent}${fieldLine(change)}`)]
}

/** The body of a flow diff, each line prefixed with `indent`. */
export function renderFlowDiff(diff: FlowDiff, indent = ''): string[] {
  if (diff.equal) return [`${indent}No differences.`]
  const inner = `${indent}    `
  return [
    ...fields('Metadata', diff.metadata, inner),
    ...fields('Graph', diff.graph, inner),
    ...section('Tasks', diff.tasks, inner),
    ...section('Screens', diff.screens, inner),
    ...fields('References', diff.references, inner),
  ]
}

/** A theme diff: the style variables that change, by mode, then the other members. */
export function renderThemeDiff(diff: ThemeDiff, indent = ''): string[] {
  if (diff.equal) return [`${indent}No differences.`]
  const lines: string[] = []
  for (const [mode, changes] of Object.entries(diff.styles)) {
    lines.push(`${indent}${mode} (${changes.length} change${changes.length === 1 ? '' : 's'}):`, ...changes.map(change => `${indent}    ${fieldLine(change)}`))
  }

  if (diff.other.length > 0) lines.push(`${indent}Other:`, ...diff.other.map(change => `${indent}    ${fieldLine(change)}`))
  return lines
}
