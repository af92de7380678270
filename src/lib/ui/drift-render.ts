// styleText is stable enough since Node 20.12, and engines require 20.19.
// eslint-disable-next-line n/no-unsupported-features/node-builtins
import {styleText} from 'node:util'

import type {FieldChange} from '../plan/diff.js'
import type {DriftReport} from '../plan/drift.js'

function value(data: unknown): string {
  return data === undefined ? '(unset)' : JSON.stringify(data)
}

/** A field difference read as live vs configuration (the plan reads it as old → new). */
function fieldLine(field: FieldChange): string {
  if (field.path.endsWith('[]')) {
    return field.kind === 'added' ? `${field.path}: ${value(field.after)} only in the configuration` : `${field.path}: ${value(field.before)} only live`
  }

  return `${field.path}: live ${value(field.before)}, configuration ${value(field.after)}`
}

/** One block per environment: missing, changed (field by field), unmanaged. */
export function renderDrift(report: DriftReport, options: {color: boolean}): string {
  const paint = (style: Parameters<typeof styleText>[0], text: string) => (options.color ? styleText(style, text, {validateStream: false}) : text)
  const name = report.environment ? `${report.environment} (${report.projectId})` : report.projectId
  if (report.inSync) return paint('green', `✓ ${name}: in sync with the configuration.`)
  const count = report.missing.length + report.changed.length + report.unmanaged.length
  const lines = [paint('bold', `✗ ${name}: ${count} resource${count === 1 ? '' : 's'} drifted`)]
  for (const id of report.missing) lines.push(paint('green', `  missing    ${id}`))
  for (const change of report.changed) {
    lines.push(paint('yellow', `  changed    ${change.id}`))
    if (change.detail) lines.push(`               ${change.detail}`)
    for (const field of change.fields) lines.push(`               ${fieldLine(field)}`)
  }

  for (const id of report.unmanaged) lines.push(paint('red', `  unmanaged  ${id}`))
  return lines.join('\n')
}
