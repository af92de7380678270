/**
 * apply across environments: every plan first (concurrently), all of them shown, one confirmation
 * for all, then the applies concurrently. Each environment keeps its own lock, backup, journal and
 * audit records (src/lib/apply/run.ts); one that fails, before or during its run, never stops the
 * others. Their lines (backup, report) are kept and printed per environment after the progress.
 */
import type {Config as OclifConfig} from '@oclif/core'

import type {ApplyRunFlags, RunUi} from '../apply/flow.js'
import type {Connection} from '../connection.js'
import type {Plan} from '../plan/types.js'
import type {ResourceKind} from '../resources/types.js'

import {type ApplyOutcome, applyPlan, flowDeleteWarning} from '../apply/run.js'
import {type CliError, ExitCode, InputError} from '../errors.js'
import {computePlan} from '../plan/compute.js'
import {selectKinds} from '../resources/index.js'
import {renderPlan} from '../ui/plan-render.js'
import {firstLine} from './read.js'
import {
  type EnvironmentEntryFields, environmentHeading, type EnvironmentSummary, runInEnvironments,
} from './run.js'

export interface ApplyEnvironmentEntry extends EnvironmentEntryFields {
  projectId?: string
  plan?: Plan
  outcome?: ApplyOutcome
  error?: Record<string, unknown>
}

export interface ApplyAcrossOptions {
  environments: string[]
  connect(environment: string): Promise<Connection>
  toCliError(error: Error): CliError
  config: OclifConfig
  kinds: ResourceKind[]
  configuredKindsOnly: boolean
  flags: ApplyRunFlags
  ui: RunUi
  concurrency?: number
}

export interface EnvironmentApply {
  environment: string
  projectId?: string
  /** Planning and applying, without the time spent waiting for the confirmation. */
  durationMs: number
  plan?: Plan
  outcome?: ApplyOutcome
  error?: CliError
}

interface Planned {
  connection: Connection
  plan: Plan
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`
}

/** The one question for every environment with changes. */
export function environmentsQuestion(planned: ReadonlyArray<{environment: string; projectId: string; plan: Plan}>): string {
  const total = planned.reduce((sum, entry) => sum + entry.plan.changes.length, 0)
  const each = planned.map(({environment, plan, projectId}) => {
    const deletes = plan.summary.delete > 0 ? ` — including ${plan.summary.delete} DELETE${plan.summary.delete === 1 ? '' : 'S'}` : ''
    return `${environment} (${projectId}): ${plural(plan.changes.length, 'change')}${deletes}`
  })
  return `Apply ${plural(total, 'change')} to ${plural(planned.length, 'environment')}? ${each.join('; ')}`
}

export async function applyEnvironments(options: ApplyAcrossOptions): Promise<EnvironmentApply[]> {
  const {flags, ui} = options
  const log = (line: string) => {
    if (!flags.json) ui.log(line)
  }

  const planFor = (connection: Connection) => computePlan({
    allowProtected: flags.allowProtected,
    configuredKindsOnly: options.configuredKindsOnly,
    connection,
    kinds: options.kinds,
    prune: flags.prune,
    tool: `descope-mgmt/${options.config.version}`,
  })
  const planned = await runInEnvironments<Planned>(options.environments, async environment => {
    const connection = await options.connect(environment)
    return {connection, plan: await planFor(connection)}
  }, options)
  const results: EnvironmentApply[] = planned.map(run => ({
    durationMs: run.durationMs, environment: run.environment, error: run.error, plan: run.value?.plan, projectId: run.value?.connection.projectId,
  }))

  // Two environments of one project would race for its lock (and apply the same changes twice).
  const projects = new Map<string, string>()
  for (const [index, run] of planned.entries()) {
    if (!run.value || run.value.plan.changes.length === 0) continue
    const key = `${run.value.connection.baseUrl}|${run.value.connection.projectId}`
    const first = projects.get(key)
    if (first === undefined) {
      projects.set(key, run.environment)
      continue
    }

    results[index].error = new InputError(`Environments "${first}" and "${run.environment}" are the same project (${run.value.connection.projectId}); "${run.environment}" was not applied.`, {
      hint: 'Apply one of them only, or each in its own run.',
    })
  }

  for (const result of results) {
    log(environmentHeading(result.environment, result.projectId))
    if (result.plan) log(renderPlan(result.plan, {color: flags.color}))
    if (result.error) log(`✗ ${result.environment}: ${result.error.message}`)
    log('')
  }

  const pending = planned.filter((run, index) => run.value && run.value.plan.changes.length > 0 && !results[index].error)
  if (pending.length === 0) return results
  for (const run of pending) {
    const warning = flowDeleteWarning(run.value!.plan)
    if (warning) log(`${run.environment}: ${warning}`)
  }

  await ui.confirm(environmentsQuestion(pending.map(run => ({environment: run.environment, plan: run.value!.plan, projectId: run.value!.connection.projectId}))), flags.yes)

  const progress = await import('../ui/environments-progress.js').then(({createEnvironmentsProgress}) => createEnvironmentsProgress({
    environments: pending.map(run => run.environment), json: flags.json,
  }))
  const lines = new Map<string, string[]>(pending.map(run => [run.environment, []]))
  const applied = await runInEnvironments(pending.map(run => run.environment), async environment => {
    const {connection, plan} = pending.find(run => run.environment === environment)!.value!
    try {
      const outcome = await applyPlan({
        command: 'apply',
        config: options.config,
        // Confirmed once for every environment above.
        async confirm() {},
        connection,
        flags: {
          backupDir: flags.backupDir, continueOnError: flags.continueOnError, json: flags.json, lockWaitMs: flags.lockWaitMs, resume: flags.resume, yes: true,
        },
        kinds: selectKinds(plan.resources),
        log(line) {
          lines.get(environment)!.push(line)
        },
        operation: 'apply',
        plan,
        // After waiting for the lock (--lock-wait), planned again: the holder changed the project.
        replan: () => planFor(connection),
        progress: progress?.observer(environment, connection.client.rateLimit),
        question() {},
        redact: ui.redact,
      })
      progress?.settle(environment, outcome.exitCode === ExitCode.Success ? '✓ applied' : `✗ ${outcomeResult(outcome)}`)
      return outcome
    } catch (error) {
      progress?.settle(environment, `✗ ${firstLine(options.toCliError(error as Error).message)}`)
      throw error
    }
  }, options)
  progress?.finish()

  for (const run of applied) {
    const result = results.find(candidate => candidate.environment === run.environment)!
    result.durationMs += run.durationMs
    result.outcome = run.value
    result.error = run.error
    if (flags.json) continue
    const own = lines.get(run.environment) ?? []
    if (own.length === 0 && !run.error) continue
    ui.log('')
    ui.log(environmentHeading(run.environment, result.projectId))
    for (const line of own) ui.log(line)
    if (run.error) ui.log(`✗ ${run.error.message}${run.error.hint ? `\n  Hint: ${run.error.hint}` : ''}`)
  }

  return results
}

/** `partial`, `interrupted` or `failed`: how an apply that ran ended. */
function outcomeResult(outcome: ApplyOutcome): 'applied' | 'failed' | 'interrupted' | 'partial' {
  switch (outcome.exitCode) {
  case ExitCode.Success: {
    return 'applied'
  }

  case ExitCode.Partial: {
    return 'partial'
  }

  case ExitCode.Interrupted: {
    return 'interrupted'
  }

  default: {
    return 'failed'
  }
  }
}

export function applySummary(result: EnvironmentApply): EnvironmentSummary {
  const base = {changes: result.plan?.changes.length, durationMs: result.durationMs, environment: result.environment}
  if (result.error) return {
    ...base, error: firstLine(result.error.message), exitCode: result.error.exitCode, result: 'failed',
  }
  if (!result.outcome) return {...base, exitCode: ExitCode.Success, result: 'no-changes'}
  const counts = result.outcome.result.counts as {done: number} | undefined
  return {
    ...base, done: counts?.done, exitCode: result.outcome.exitCode, result: outcomeResult(result.outcome),
  }
}

/** One `--json` entry of `apply` across environments. */
export function applyEntry(result: EnvironmentApply): ApplyEnvironmentEntry {
  const summary = applySummary(result)
  return {
    environment: result.environment,
    ...(result.projectId ? {projectId: result.projectId} : {}),
    exitCode: summary.exitCode,
    result: summary.result,
    durationMs: Math.round(result.durationMs),
    ...(result.plan ? {plan: result.plan} : {}),
    ...(result.outcome ? {outcome: result.outcome} : {}),
    ...(result.error ? {error: result.error.toJSON()} : {}),
  }
}
