/**
 * One change applied by the engine: an imperative write (`tenant create|update|delete`) is a plan
 * of one change, run by `runPlan` like `apply` — lock, backup, journal, executor, audit, exit
 * codes — but quietly: the command prints its own one line instead of the plan, the progress and
 * the report.
 */
import type {Config as OclifConfig} from '@oclif/core'

import type {Connection} from '../connection.js'
import type {Change, Plan} from '../plan/types.js'
import type {ResourceKind} from '../resources/types.js'

import {CliError} from '../errors.js'
import {fingerprintLive} from '../plan/build.js'
import {type ApplyOperation, runPlan} from './run.js'

/** The change to make, built under the lock, and the question to ask before making it. */
export interface PreparedChange {
  change: Change
  /** Asked before the backup (or --yes required without a terminal); absent: no prompt. */
  question?: string
}

export interface ApplyOneChangeOptions {
  connection: Connection
  config: OclifConfig
  /** The kind of the change: the backup covers every item of it. */
  kind: ResourceKind
  /** Shown to another process the lock refuses, e.g. `tenant delete acme`. */
  command: string
  /** Named in the backup taken before the write. */
  operation: ApplyOperation
  /** Builds the change once the lock is held, from live state read there; throws to refuse (nothing written). */
  prepare(): Promise<PreparedChange>
  /** The error the command reports when the write fails (e.g. "not found" → tenant_not_found); default: the error as is. */
  explainFailure?(error: unknown, change: Change): unknown
  yes?: boolean
  json: boolean
  backupDir?: string
  /** --lock-wait, in milliseconds. */
  lockWaitMs?: number
  ui: {log(line: string): void; confirm(question: string, yes: boolean): Promise<void>; redact(text: string): string}
}

export interface OneChangeResult {
  /** The key of the resource written: the one Descope generated for a create without key. */
  key: string
  /** The backup taken before the write. */
  backupId?: string
  /** The run id of the journal and of the audit record. */
  runId?: string
}

/** A plan holding exactly `change`; its fingerprint is that of the one live item it was made from. */
export function oneChangePlan(change: Change, context: {kind: ResourceKind; connection: Connection; tool: string; now?: Date}): Plan {
  const {connection, kind} = context
  const live = change.live ? [{fields: change.live, key: change.key, kind: change.kind}] : []
  const count = (action: Change['action']) => (change.action === action ? 1 : 0)
  return {
    changes: [change],
    createdAt: (context.now ?? new Date()).toISOString(),
    environment: connection.environmentName,
    fingerprint: fingerprintLive(live, [kind.name]),
    formatVersion: 1,
    projectId: connection.projectId,
    prune: false,
    resources: [kind.plural],
    skipped: [],
    summary: {
      create: count('create'), delete: count('delete'), skipped: 0, unmanaged: 0, update: count('update'),
    },
    tool: context.tool,
  }
}

/**
 * Applies one change through the engine. Resolves when it was made; otherwise throws: the
 * explained failure of the write (its own exit code: 3, 4 or 5), or why it was not started
 * (interrupted: 130; the journal could not be written: 1), with the exit code `apply` would use.
 */
export async function applyOneChange(options: ApplyOneChangeOptions): Promise<OneChangeResult> {
  const {config, connection, json, ui} = options
  let prepared: PreparedChange | undefined
  const run = await runPlan({
    command: options.command,
    config,
    confirm: ui.confirm,
    connection,
    flags: {
      backupDir: options.backupDir, continueOnError: false, json, lockWaitMs: options.lockWaitMs, yes: options.yes ?? false,
    },
    kinds: [options.kind],
    log(line) {
      if (!json) ui.log(line)
    },
    operation: options.operation,
    async plan() {
      prepared = await options.prepare()
      return oneChangePlan(prepared.change, {connection, kind: options.kind, tool: `descope-mgmt/${config.version}`})
    },
    question: () => prepared?.question,
    oneChange: true,
    redact: ui.redact,
  })
  const {execution, outcome} = run
  const [done] = execution.done
  if (done) return {backupId: outcome.backupId, key: done.createdKey ?? done.change.key, runId: execution.runId}
  const [failure] = execution.failed
  if (failure) throw options.explainFailure ? options.explainFailure(failure.error, failure.change) : failure.error
  // Not started (Ctrl-C, or the journal could not be written): nothing was sent.
  const [change] = run.plan.changes
  const why = execution.stopReason === 'aborted' ? 'Interrupted' : `Stopped (${execution.stopMessage ?? execution.stopReason ?? 'not started'})`
  throw new CliError(`${why} before the ${change.action} of ${change.id}; nothing was changed.`, {
    code: execution.stopReason ?? 'not_applied',
    exitCode: outcome.exitCode,
    ...(execution.stopReason === 'journal' ? {hint: 'Free disk space or fix the permissions of the data folder, then run again.'} : {}),
    ...(execution.stopReason === 'lock_lost' ? {hint: 'Check that the coordination Redis is reachable, then run the command again.'} : {}),
  })
}
