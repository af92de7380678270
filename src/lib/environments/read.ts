/** plan and drift across environments: each environment's plan (or drift report) computed concurrently. */
import type {Connection} from '../connection.js'
import type {CliError} from '../errors.js'
import type {Plan} from '../plan/types.js'
import type {ResourceKind} from '../resources/types.js'

import {ExitCode} from '../errors.js'
import {computePlan} from '../plan/compute.js'
import {driftFromPlan, type DriftReport} from '../plan/drift.js'
import {
  type EnvironmentEntryFields, type EnvironmentRun, type EnvironmentSummary, runInEnvironments,
} from './run.js'

export interface PlanEnvironmentEntry extends EnvironmentEntryFields {
  projectId?: string
  plan?: Plan
  error?: Record<string, unknown>
}

export type DriftEnvironmentEntry = (DriftReport & EnvironmentEntryFields) | (EnvironmentEntryFields & {error: Record<string, unknown>})

export interface ReadAcrossOptions {
  environments: string[]
  connect(environment: string): Promise<Connection>
  toCliError(error: Error): CliError
  kinds: ResourceKind[]
  configuredKindsOnly: boolean
  tool: string
  concurrency?: number
}

/** The first line of an error, for a table cell. */
export function firstLine(text: string): string {
  return text.split('\n')[0]
}

function failed(run: EnvironmentRun<unknown>): EnvironmentSummary {
  return {
    durationMs: run.durationMs, environment: run.environment, error: firstLine(run.error!.message), exitCode: run.error!.exitCode, result: 'failed',
  }
}

/** `plan` in each environment. */
export function planEnvironments(options: ReadAcrossOptions & {prune: boolean; allowProtected: boolean}): Promise<Array<EnvironmentRun<Plan>>> {
  return runInEnvironments(options.environments, async environment => computePlan({
    allowProtected: options.allowProtected,
    configuredKindsOnly: options.configuredKindsOnly,
    connection: await options.connect(environment),
    kinds: options.kinds,
    prune: options.prune,
    tool: options.tool,
  }), options)
}

export function planSummary(run: EnvironmentRun<Plan>): EnvironmentSummary {
  if (!run.value) return failed(run)
  const changes = run.value.changes.length
  return {
    changes, durationMs: run.durationMs, environment: run.environment, exitCode: changes > 0 ? ExitCode.ChangesPending : ExitCode.Success, result: changes > 0 ? 'changes' : 'no-changes',
  }
}

/** One `--json` entry of `plan` across environments. */
export function planEntry(run: EnvironmentRun<Plan>): PlanEnvironmentEntry {
  const summary = planSummary(run)
  return {
    environment: run.environment,
    ...(run.value ? {projectId: run.value.projectId} : {}),
    exitCode: summary.exitCode,
    result: summary.result,
    durationMs: Math.round(run.durationMs),
    ...(run.value ? {plan: run.value} : {}),
    ...(run.error ? {error: run.error.toJSON()} : {}),
  }
}

/** `drift` in each environment: a plan without pruning or protection, read the other way round. */
export function driftEnvironments(options: ReadAcrossOptions & {ignoreUnmanaged: boolean}): Promise<Array<EnvironmentRun<DriftReport>>> {
  return runInEnvironments(options.environments, async environment => driftFromPlan(await computePlan({
    allowProtected: true,
    configuredKindsOnly: options.configuredKindsOnly,
    connection: await options.connect(environment),
    kinds: options.kinds,
    prune: false,
    tool: options.tool,
  }), {ignoreUnmanaged: options.ignoreUnmanaged}), options)
}

export function driftSummary(run: EnvironmentRun<DriftReport>): EnvironmentSummary {
  if (!run.value) return failed(run)
  const report = run.value
  const changes = report.missing.length + report.changed.length + report.unmanaged.length
  return {
    changes, durationMs: run.durationMs, environment: run.environment, exitCode: report.inSync ? ExitCode.Success : ExitCode.ChangesPending, result: report.inSync ? 'in-sync' : 'drift',
  }
}

/** One `--json` entry of `drift` across environments: the drift report (or the error), with the run's code, result and time. */
export function driftEntry(run: EnvironmentRun<DriftReport>): DriftEnvironmentEntry {
  const summary = driftSummary(run)
  const fields = {
    durationMs: Math.round(run.durationMs), environment: run.environment, exitCode: summary.exitCode, result: summary.result,
  }
  return run.value ? {...run.value, ...fields} : {error: run.error!.toJSON(), ...fields}
}
