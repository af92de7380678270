/**
 * The table printed after a command run across environments: one row per environment with its
 * changes, its result and its time, then the exit code the command ends with. Pure: data in, text out.
 *
 *   ENVIRONMENT  CHANGES  RESULT                                      TIME
 *   staging      4/4      applied                                     1.2 s
 *   production   0        no changes                                  310 ms
 *   broken       –        failed (exit 4): The management key was…    95 ms
 */
import type {EnvironmentResult, EnvironmentSummary} from '../environments/run.js'

import {formatDuration} from './eta.js'
import {type Column, formatTable, type TableOptions} from './output.js'

const RESULT_WORDS: Record<EnvironmentResult, string> = {
  applied: 'applied',
  changes: 'changes pending',
  drift: 'drift',
  failed: 'failed',
  'in-sync': 'in sync',
  interrupted: 'interrupted',
  'no-changes': 'no changes',
  partial: 'partial',
}

/** `4/5` (done of planned) for an apply, `5` for a plan or drift, `–` when unknown. */
export function changesCell(summary: EnvironmentSummary): string {
  if (summary.changes === undefined) return '–'
  return summary.done === undefined ? String(summary.changes) : `${summary.done}/${summary.changes}`
}

/** `applied`, `failed (exit 4): why`, `partial (exit 6)`. */
export function resultCell(summary: EnvironmentSummary): string {
  const words = RESULT_WORDS[summary.result]
  const failed = summary.result === 'failed' || summary.result === 'partial' || summary.result === 'interrupted'
  const code = failed ? ` (exit ${summary.exitCode})` : ''
  return `${words}${code}${summary.error ? `: ${summary.error}` : ''}`
}

const COLUMNS: Array<Column<EnvironmentSummary>> = [
  {get: summary => summary.environment, header: 'ENVIRONMENT'},
  {get: summary => changesCell(summary), header: 'CHANGES'},
  {get: summary => resultCell(summary), header: 'RESULT'},
  {get: summary => formatDuration(summary.durationMs), header: 'TIME'},
]

/** The table, then `Exit code N: the worst of the environments.` */
export function renderEnvironmentsSummary(summaries: readonly EnvironmentSummary[], exitCode: number, options: TableOptions = {}): string {
  return `${formatTable([...summaries], COLUMNS, options)}\nExit code ${exitCode}: the worst of the ${summaries.length} environments.`
}
