/**
 * The project lock, the journal and the audit log as observers of an apply run (see hooks.ts):
 * the lock halts the run once it is lost, the journal halts it when it cannot write, the audit
 * log warns once and lets the run go on.
 */
import type {AuditLog} from '../audit/log.js'
import type {HeldLock} from '../lock/types.js'
import type {ApplyObserver, HookAction} from './hooks.js'
import type {Journal} from './journal.js'

import {qualifiedId} from '../resources/types.js'
import {journalEndResult} from './result.js'

/**
 * Halts before the next change is sent once the project lock is lost (a Redis lock whose renewal
 * failed): another process may hold it by now. Listed before the journal, so a change kept back
 * gets no `started` line; changes in flight finish and are journaled as usual.
 */
export function lockObserver(lock: Pick<HeldLock, 'lost'>): ApplyObserver {
  return {
    changeStarting() {
      const {lost} = lock
      if (lost) return {action: 'halt', message: lost.message, reason: 'lock_lost'}
    },
    runFinished(result) {
      // Every change was started while the lock was held, but the last ones finished without it.
      const {lost} = lock
      if (lost && result.status === 'complete') return {action: 'warn', message: `${lost.message}; every change had started before, and all finished`}
    },
  }
}

/** Writes a journal line; a line that cannot be written halts the run. */
async function writeJournal(line: () => Promise<void>): Promise<HookAction | void> {
  try {
    await line()
  } catch (error) {
    return {action: 'halt', message: `The journal could not be written: ${(error as Error).message}`, reason: 'journal'}
  }
}

/** A `started` line before each change is sent, `done` or `failed` after it, an `end` line with the counts. */
export function journalObserver(journal: Journal): ApplyObserver {
  return {
    changeDone: (change, _durationMs, createdKey) => writeJournal(() => journal.done(change.id, createdKey)),
    changeFailed: (change, failure) => writeJournal(() => journal.failed(change.id, failure.error)),
    changeStarting: change => writeJournal(() => journal.started(change.id)),
    async runFinished(result) {
      try {
        await journal.end(journalEndResult(result))
      } catch (error) {
        return {action: 'warn', message: `The journal could not be closed: ${(error as Error).message}`}
      }
    },
  }
}

/** One audit record per write, failed writes included; a log that cannot be written is one warning. */
export function auditObserver(audit: AuditLog): ApplyObserver {
  let warned = false
  const record = async (entry: Parameters<AuditLog['record']>[0]): Promise<HookAction | void> => {
    try {
      await audit.record(entry)
    } catch (error) {
      if (warned) return
      warned = true
      return {action: 'warn', message: `The audit log could not be written: ${(error as Error).message}`}
    }
  }

  return {
    changeDone: (change, durationMs, createdKey) => record({
      durationMs, operation: change.action, resource: createdKey ? qualifiedId({key: createdKey, kind: change.kind}) : change.id,
    }),
    changeFailed: (change, failure) => record({
      durationMs: failure.durationMs, error: failure.error, operation: change.action, resource: change.id,
    }),
  }
}
