/**
 * The words after an apply: the one summary of what was done, what failed and was not started,
 * why the run stopped and what to run next. Pure: a result in, lines out.
 */
import type {ExecutionResult} from '../apply/result.js'

function shellWord(value: string): string {
  return /^[\w./:@=-]+$/.test(value) ? value : `'${value.replaceAll("'", String.raw`'\''`)}'`
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`
}

export interface NextCommandOptions {
  /** The environment applied (`-e`); omitted when undefined. */
  environment?: string
  /** Default `descope-mgmt`. */
  bin?: string
  /** The command that resumes: default `apply`; `tenant sync --apply` for the sync command. */
  command?: string
}

/** What to run next after an incomplete apply: `descope-mgmt apply -e staging --resume`; undefined when complete. */
export function suggestNextCommand(result: ExecutionResult, options: NextCommandOptions = {}): string | undefined {
  if (result.status === 'complete') return undefined
  const environment = options.environment === undefined ? '' : ` -e ${shellWord(options.environment)}`
  return `${options.bin ?? 'descope-mgmt'} ${options.command ?? 'apply'}${environment} --resume`
}

/** One or two sentences on why an apply did not complete and what to do; undefined when complete. */
export function describeStop(result: ExecutionResult): string | undefined {
  if (result.status === 'complete') return undefined
  const notStarted = result.notStarted.length > 0 ? ` ${plural(result.notStarted.length, 'change')} ${result.notStarted.length === 1 ? 'was' : 'were'} not started.` : ''
  switch (result.stopReason) {
  case 'aborted': {
    return `Interrupted: changes in flight finished.${notStarted} Resume to continue; finished changes are not repeated.`
  }

  case 'api_unavailable': {
    return `Stopped early: the Descope API looks unavailable.${notStarted} Wait for it to recover, then resume.`
  }

  case 'failure': {
    return `Stopped at the first failure.${notStarted} Fix the cause and resume, or resume with --continue-on-error to apply everything else first.`
  }

  case 'journal': {
    return `Stopped: ${result.stopMessage ?? 'the journal could not be written'}.${notStarted} Free disk space or fix the permissions of the data folder, then resume.`
  }

  case 'lock_lost': {
    const inFlight = 'No change was started without the lock; the changes in flight finished and are in the journal.'
    return `Stopped: ${result.stopMessage ?? 'lost the project lock'}. ${inFlight}${notStarted} Once Redis is reachable again, resume; finished changes are not repeated.`
  }

  default: {
    const skipped = result.skipped.length > 0 ? `, ${plural(result.skipped.length, 'change')} skipped because a change ${result.skipped.length === 1 ? 'it needs' : 'they need'} failed` : ''
    return `${plural(result.failed.length, 'change')} failed${skipped}. Fix the causes, then resume; finished changes are not repeated.`
  }
  }
}

/** The summary printed once after an apply, with the next command when it did not complete. */
export function applyReportLines(result: ExecutionResult, options: NextCommandOptions = {}): string[] {
  const lines: string[] = []
  const done = result.done.length
  const warnings = result.warnings.map(warning => `warning: ${warning}`)
  if (result.status === 'complete') {
    lines.push(`✓ Applied ${plural(done, 'change')}${result.alreadyDone.length > 0 ? ` (${result.alreadyDone.length} already done before the resume)` : ''}.`)
    return [...lines, ...warnings]
  }

  const total = done + result.failed.length + result.skipped.length + result.notStarted.length
  lines.push(`\n${done} of ${total} changes done, ${result.failed.length} failed, ${result.skipped.length + result.notStarted.length} not started.`)
  for (const failure of result.failed) lines.push(`  ✗ ${failure.change.action} ${failure.change.id}: ${failure.message}`)
  for (const skipped of result.skipped) lines.push(`  - ${skipped.change.action} ${skipped.change.id}: skipped, ${skipped.reason} (${skipped.dependency})`)
  if (result.notStarted.length > 0) lines.push(`  Not started: ${result.notStarted.map(change => change.id).join(', ')}`)
  const stop = describeStop(result)
  if (stop) lines.push(stop)
  const next = suggestNextCommand(result, options)
  if (next) lines.push(`Next: ${next}`)
  return [...lines, ...warnings]
}
