// styleText is stable enough since Node 20.12, and engines require 20.19.
// eslint-disable-next-line n/no-unsupported-features/node-builtins
import {styleText} from 'node:util'

import type {FieldChange} from '../plan/diff.js'
import type {Change, Plan, SkippedChange} from '../plan/types.js'

import {diffFlows, flowFromFields} from '../flows/diff.js'
import {resourceKinds} from '../resources/index.js'
import {renderFlowDiff} from './flow-diff-render.js'

export interface RenderOptions {
  color: boolean
  /** How many unmanaged resources to name before summarising the rest. */
  maxListed?: number
  /** What to say when nothing changes. */
  emptyMessage?: string
}

type Style = Parameters<typeof styleText>[0]

const symbols = {create: '+', delete: '-', update: '~'} as const
const styles: Record<Change['action'], Style> = {create: 'green', delete: 'red', update: 'yellow'}
const kindTitles: Record<string, string> = Object.fromEntries(resourceKinds.map(kind => [kind.name, kind.labels.title]))
const kindLabels = new Map(resourceKinds.map(kind => [kind.name as string, kind.labels]))

/** Whether to colour output: a TTY, and neither NO_COLOR nor --no-color. */
export function useColor(stream: NodeJS.WriteStream = process.stdout, noColorFlag = false): boolean {
  return Boolean(stream.isTTY) && !noColorFlag && !('NO_COLOR' in process.env) && process.env.TERM !== 'dumb'
}

function value(data: unknown): string {
  return data === undefined ? '(unset)' : JSON.stringify(data)
}

function fieldLine(field: FieldChange): string {
  if (field.kind === 'changed') return `${field.path}: ${value(field.before)} → ${value(field.after)}`
  if (field.path.endsWith('[]')) return `${field.path}: ${field.kind === 'added' ? '+' : '-'} ${value(field.kind === 'added' ? field.after : field.before)}`
  return field.kind === 'added' ? `${field.path}: ${value(field.after)}` : `${field.path}: ${value(field.before)} → (unset)`
}

function skippedLine(skip: SkippedChange): string {
  switch (skip.reason) {
  case 'immutable': {
    return `! ${skip.kind} ${skip.key}: not updated, ${skip.detail ?? 'a field cannot change'} (delete and re-create it to change that)`
  }

  case 'protected': {
    return `! ${skip.kind} ${skip.key}: protected, not ${skip.action === 'delete' ? 'deleted' : 'updated'} (use --allow-protected)`
  }

  case 'unmanaged': {
    return `· ${skip.kind} ${skip.key}`
  }
  }
}

export function summaryLine(plan: Pick<Plan, 'summary'>): string {
  const {create, delete: deletes, skipped, update} = plan.summary
  const parts = [`${create} to create`, `${update} to update`, `${deletes} to delete`]
  if (skipped > 0) parts.push(`${skipped} skipped`)
  return `Plan: ${parts.join(', ')}.`
}

/**
 * One line on the Descope-provided items a pruning plan keeps (built-in roles and permissions,
 * default flows), or undefined when it keeps none: they are counted once, not listed.
 */
export function builtInLine(plan: Pick<Plan, 'builtIns'>): string | undefined {
  const kept = plan.builtIns ?? []
  if (kept.length === 0) return undefined
  const counts = new Map<string, number>()
  for (const item of kept) counts.set(item.kind, (counts.get(item.kind) ?? 0) + 1)
  const parts = [...counts].map(([kind, count]) => {
    const labels = kindLabels.get(kind)
    return `${count} ${count === 1 ? (labels?.singular ?? kind) : (labels?.plural ?? `${kind}s`)}`
  })
  return `Kept: ${parts.join(', ')} that Descope provides; name them in the configuration to manage them (built-in permissions cannot be).`
}

/** The plan as readable text: one block per resource kind, field-level old → new values. */
export function renderPlan(plan: Plan, options: RenderOptions): string {
  // The caller decides about colour (TTY, NO_COLOR, --no-color); styleText must not guess again.
  const paint = (style: Style, text: string) => (options.color ? styleText(style, text, {validateStream: false}) : text)
  const maxListed = options.maxListed ?? 10
  const lines: string[] = []
  const kinds = [...new Set([...plan.changes.map(change => change.kind), ...plan.skipped.map(skip => skip.kind)])]

  for (const kind of kinds) {
    const changes = plan.changes.filter(change => change.kind === kind)
    const skipped = plan.skipped.filter(skip => skip.kind === kind)
    const unmanaged = skipped.filter(skip => skip.reason === 'unmanaged')
    if (changes.length === 0 && skipped.length === unmanaged.length && unmanaged.length === 0) continue
    lines.push(paint('bold', kindTitles[kind] ?? kind))
    for (const change of changes) {
      lines.push(paint(styles[change.action], `  ${symbols[change.action]} ${change.kind} ${change.key}`))
      if (change.action !== 'delete') {
        // A flow reads better as its structure (tasks, screens by id) than as JSON paths.
        const detail = change.kind === 'flow'
          ? renderFlowDiff(diffFlows(flowFromFields(change.key, change.live), flowFromFields(change.key, change.desired)!), '  ')
          : change.fields.map(field => `      ${fieldLine(field)}`)
        for (const line of detail) lines.push(paint(styles[change.action], line))
      }
    }

    for (const skip of skipped.filter(item => item.reason !== 'unmanaged')) lines.push(paint('magenta', `  ${skippedLine(skip)}`))
    if (unmanaged.length > 0) {
      const named = unmanaged.slice(0, maxListed).map(skip => skip.key).join(', ')
      const more = unmanaged.length > maxListed ? ` and ${unmanaged.length - maxListed} more` : ''
      lines.push(paint('dim', `  · ${unmanaged.length} ${kind}${unmanaged.length === 1 ? '' : 's'} not in the configuration, kept (use --prune to delete): ${named}${more}`))
    }

    lines.push('')
  }

  if (plan.changes.length === 0) lines.push(options.emptyMessage ?? 'No changes: the live project matches the configuration.')
  else lines.push(paint('bold', summaryLine(plan)))
  // Only a pruning plan would have deleted them: say once why it does not.
  const kept = plan.prune ? builtInLine(plan) : undefined
  if (kept) lines.push(paint('dim', kept))
  return lines.join('\n')
}
