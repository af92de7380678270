/**
 * Runs one task per environment, concurrently, so that a failure in one never stops the others:
 * each run ends with its value or its error, and its time. The few lines of the bounded pool are
 * kept here rather than adding a dependency (p-limit) for them.
 */
import type {CliError} from '../errors.js'

/** The line above the output of one environment. */
export function environmentHeading(environment: string, projectId?: string): string {
  return `── ${environment}${projectId ? ` (${projectId})` : ''} ──`
}

/** Environments in flight at once: all of a handful; more wait their turn. */
export const MAX_CONCURRENT_ENVIRONMENTS = 8

export interface EnvironmentRun<T> {
  environment: string
  durationMs: number
  value?: T
  /** Why the run failed; undefined when it produced its value. */
  error?: CliError
}

/** Runs `task` for every environment, at most `concurrency` at once; results keep the order of `environments`. */
export async function runInEnvironments<T>(
  environments: readonly string[],
  task: (environment: string) => Promise<T>,
  options: {concurrency?: number; toCliError(error: Error): CliError; now?: () => number},
): Promise<Array<EnvironmentRun<T>>> {
  const now = options.now ?? (() => performance.now())
  const runs: Array<EnvironmentRun<T>> = []
  let next = 0
  const worker = async () => {
    while (next < environments.length) {
      const index = next++
      const environment = environments[index]
      const startedAt = now()
      try {
        const value = await task(environment)
        runs[index] = {durationMs: now() - startedAt, environment, value}
      } catch (error) {
        runs[index] = {durationMs: now() - startedAt, environment, error: options.toCliError(error instanceof Error ? error : new Error(String(error)))}
      }
    }
  }

  const workers = Math.max(1, Math.min(options.concurrency ?? MAX_CONCURRENT_ENVIRONMENTS, environments.length))
  await Promise.all(Array.from({length: workers}, () => worker()))
  return runs
}

/** What the summary table and the `--json` entries say of one environment. */
export type EnvironmentResult = 'applied' | 'changes' | 'drift' | 'failed' | 'in-sync' | 'interrupted' | 'no-changes' | 'partial'

export interface EnvironmentSummary {
  environment: string
  /** Changes planned (plan, apply) or resources drifted (drift); absent when it could not be computed. */
  changes?: number
  /** Changes done (apply). */
  done?: number
  result: EnvironmentResult
  exitCode: number
  durationMs: number
  /** The first line of the error of a failed environment. */
  error?: string
}

/** The fields every `--json` entry of a run across environments has. */
export interface EnvironmentEntryFields {
  environment: string
  exitCode: number
  result: EnvironmentResult
  durationMs: number
}

/** The `--json` output of a command run across environments. */
export interface EnvironmentsOutput<Entry> {
  /** The worst exit code of the environments (see exit-code.ts): the command's own. */
  exitCode: number
  environments: Entry[]
}
