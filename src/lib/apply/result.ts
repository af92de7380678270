/**
 * What an apply run produced, as data: the result type, the exit code it maps to, the counts the
 * journal's end line records and the JSON form for `--json` and saved reports. Wording for people
 * lives in src/lib/ui/apply-report.ts.
 */
import type {Change} from '../plan/types.js'
import type {JournalEndResult} from './journal.js'

import {ExitCode, type ExitCodeValue} from '../errors.js'

export type StopReason = 'aborted' | 'api_unavailable' | 'failure' | 'journal' | 'lock_lost'

/** complete: everything done · partial: some done, some not · failed: nothing done · interrupted: Ctrl-C. */
export type ExecutionStatus = 'complete' | 'failed' | 'interrupted' | 'partial'

export interface DoneChange {
  change: Change
  durationMs: number
  /** The key Descope generated for a create whose change had none (`key` empty). */
  createdKey?: string
}

export interface FailedChange {
  change: Change
  /** What was thrown (a DescopeApiError for API failures). */
  error: unknown
  code: string
  message: string
  /** The exit code the error alone maps to (4 auth, 5 API…), when it has one. */
  exitCode?: number
  status?: number
  requestId?: string
  durationMs: number
}

export interface SkippedExecution {
  change: Change
  /** `dependency failed`: a change it needs failed or was skipped; `dependency not run`: it never ran. */
  reason: 'dependency failed' | 'dependency not run'
  /** The change id it waited for. */
  dependency: string
}

export interface ExecutionResult {
  runId?: string
  status: ExecutionStatus
  /** Why new work stopped early, if it did. */
  stopReason?: StopReason
  /** Details of a `journal` or `lock_lost` stop. */
  stopMessage?: string
  continueOnError: boolean
  done: DoneChange[]
  failed: FailedChange[]
  skipped: SkippedExecution[]
  /** Never started because work stopped (first failure, API down, Ctrl-C, journal, lost lock). */
  notStarted: Change[]
  /** Finished by an earlier run (resume); not run again. */
  alreadyDone: Change[]
  startedAt: string
  finishedAt: string
  durationMs: number
  /** Problems that did not stop the run (the audit log could not be written). */
  warnings: string[]
}

export function statusOf(result: Pick<ExecutionResult, 'done' | 'failed' | 'notStarted' | 'skipped'>, stopReason: StopReason | undefined): ExecutionStatus {
  if (result.failed.length === 0 && result.skipped.length === 0 && result.notStarted.length === 0) return 'complete'
  if (stopReason === 'aborted') return 'interrupted'
  return result.done.length === 0 ? 'failed' : 'partial'
}

/** The counts the journal's end line records. */
export function journalEndResult(result: ExecutionResult): JournalEndResult {
  return {
    alreadyDone: result.alreadyDone.length,
    done: result.done.length,
    failed: result.failed.length,
    notStarted: result.notStarted.length,
    skipped: result.skipped.length,
    status: result.status,
    ...(result.stopReason ? {stopReason: result.stopReason} : {}),
  }
}

/**
 * The exit code of an apply: 0 all done; 130 interrupted (Ctrl-C); 5 nothing done in this run
 * and the API failed (4 when every failure was an authentication failure; 1 when nothing failed
 * but the journal could not be written or the lock was lost); 6 partial (something done, something failed or not started).
 */
export function exitCodeFor(result: ExecutionResult): ExitCodeValue {
  switch (result.status) {
  case 'complete': {
    return ExitCode.Success
  }

  case 'failed': {
    if (result.failed.length === 0) return ExitCode.Unexpected
    return result.failed.every(failure => failure.exitCode === ExitCode.Auth) ? ExitCode.Auth : ExitCode.Api
  }

  case 'interrupted': {
    return ExitCode.Interrupted
  }

  case 'partial': {
    return ExitCode.Partial
  }
  }
}

function brief(change: Change): {action: string; id: string} {
  return {action: change.action, id: change.id}
}

/** The result as plain JSON (for `--json` and the saved report): ids, actions, codes and messages. */
export function resultToJson(result: ExecutionResult): Record<string, unknown> {
  return {
    status: result.status,
    ...(result.stopReason ? {stopReason: result.stopReason} : {}),
    ...(result.stopMessage ? {stopMessage: result.stopMessage} : {}),
    ...(result.runId ? {runId: result.runId} : {}),
    continueOnError: result.continueOnError,
    counts: {
      alreadyDone: result.alreadyDone.length,
      done: result.done.length,
      failed: result.failed.length,
      notStarted: result.notStarted.length,
      skipped: result.skipped.length,
    },
    startedAt: result.startedAt,
    finishedAt: result.finishedAt,
    durationMs: Math.round(result.durationMs),
    done: result.done.map(({change, durationMs}) => ({...brief(change), durationMs: Math.round(durationMs)})),
    failed: result.failed.map(failure => ({
      ...brief(failure.change),
      code: failure.code,
      message: failure.message,
      ...(failure.status === undefined ? {} : {status: failure.status}),
      ...(failure.requestId ? {requestId: failure.requestId} : {}),
    })),
    skipped: result.skipped.map(({change, dependency, reason}) => ({...brief(change), dependency, reason})),
    notStarted: result.notStarted.map(change => brief(change)),
    alreadyDone: result.alreadyDone.map(change => change.id),
    warnings: result.warnings,
  }
}
