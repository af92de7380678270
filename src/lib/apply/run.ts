/**
 * One apply run, shared by `apply`, `tenant sync --apply`, `backup restore --apply`, the flow and
 * theme writes, and the one-change writes (`tenant create|update|delete`, see single.ts):
 * lock → confirm → backup → journal → execute with progress and audit → retention.
 */
import type {Config as OclifConfig} from '@oclif/core'

import type {Connection} from '../connection.js'
import type {Plan} from '../plan/types.js'
import type {ResourceItem, ResourceKind} from '../resources/types.js'
import type {ApplyObserver} from './hooks.js'

import {AuditLog} from '../audit/log.js'
import {createBackup} from '../backup/create.js'
import {resolveBackupRoot} from '../backup/location.js'
import {pruneAfterApply} from '../backup/retention.js'
import {CliError, ExitCode, type ExitCodeValue} from '../errors.js'
import {jsonEqual} from '../plan/diff.js'
import {qualifiedId} from '../resources/types.js'
import {applyReportLines} from '../ui/apply-report.js'
import {summaryLine} from '../ui/plan-render.js'
import {DEFAULT_CONCURRENCY, executePlan} from './executor.js'
import {findResumable, Journal, journalDir} from './journal.js'
import {acquireLock} from './lock.js'
import {auditObserver, journalObserver, lockObserver} from './observers.js'
import {type ExecutionResult, exitCodeFor, resultToJson} from './result.js'

/** What caused the run; named in the backup taken before it. */
export type ApplyOperation = 'apply' | 'create' | 'delete' | 'import' | 'restore' | 'sync' | 'update'

/** A plan made once the lock is held, from live state read under it; may throw to refuse (nothing was written). */
export type PlanUnderLock = () => Promise<Plan>

export interface ApplyPlanOptions {
  /** The plan, or how to make it under the lock (a one-change command reads the resource it changes there). */
  plan: Plan | PlanUnderLock
  /**
   * How to make the plan again from live state read under the lock, used instead of `plan` when
   * the lock had to be waited for (--lock-wait): the run that held it has probably changed the
   * project meanwhile. Absent (a saved plan is applied exactly): the plan is checked as usual and
   * refused if it no longer fits.
   */
  replan?: PlanUnderLock
  kinds: ResourceKind[]
  connection: Connection
  config: OclifConfig
  flags: {yes: boolean; continueOnError: boolean; json: boolean; resume?: boolean; backupDir?: string; lockWaitMs?: number}
  operation: ApplyOperation
  /** Asks the user (or requires --yes); throws when declined. */
  confirm(question: string, yes: boolean): Promise<void>
  /** Human output (suppressed by the caller in --json mode). */
  log(line: string): void
  /** Redacts secrets from text written to the journal and the audit log. */
  redact(text: string): string
  /** The command to suggest for a resume, e.g. `apply` or `tenant sync --apply`. */
  command: string
  /**
   * The confirmation question for this plan; undefined: no prompt (a one-change create or update,
   * which never asked). Default: the apply question, naming the target and counting deletes.
   */
  question?: (plan: Plan) => string | undefined
  /**
   * A one-change command (single.ts): it prints its own one line, so no backup line, no progress
   * and no report (warnings are still logged); and `--resume` never continues its journal.
   */
  oneChange?: boolean
  /** The progress view instead of one made for this run: a run across environments passes its part of one shared view. */
  progress?: ApplyObserver
}

export interface ApplyOutcome {
  exitCode: ExitCodeValue
  backupId?: string
  resumedFrom?: string
  result: Record<string, unknown>
}

/** What a run did, for callers that render it themselves (the one-change commands). */
export interface PlanRun {
  outcome: ApplyOutcome
  plan: Plan
  execution: ExecutionResult
}

function confirmationQuestion(plan: Plan, connection: Connection): string {
  const target = connection.environmentName ? `environment "${connection.environmentName}" (${connection.projectId})` : `project ${connection.projectId}`
  const deletes = plan.summary.delete > 0 ? ` — including ${plan.summary.delete} DELETE${plan.summary.delete === 1 ? '' : 'S'}` : ''
  return `Apply ${plan.changes.length} change${plan.changes.length === 1 ? '' : 's'} to ${target}${deletes}? ${summaryLine(plan)}`
}

/** What deleting flows breaks, naming each: an app that starts a deleted flow can no longer sign users in through it. */
export function flowDeleteWarning(plan: Pick<Plan, 'changes'>): string | undefined {
  const flows = plan.changes.filter(change => change.kind === 'flow' && change.action === 'delete').map(change => change.key)
  if (flows.length === 0) return undefined
  const named = flows.map(id => `"${id}"`).join(', ')
  const them = flows.length === 1 ? 'it' : 'them'
  return `Warning: deleting flow${flows.length === 1 ? '' : 's'} ${named}: sign-in through ${them} stops working, and apps that start ${them} get an error.`
}

/** Ctrl-C stops new work (in-flight changes finish and are journaled); a second Ctrl-C exits at once. */
function abortOnInterrupt(): {signal: AbortSignal; dispose(): void} {
  const controller = new AbortController()
  const onSignal = () => {
    if (controller.signal.aborted) process.exit(ExitCode.Interrupted)
    process.stderr.write('\nStopping: waiting for the changes in flight to finish (Ctrl-C again to quit at once)…\n')
    controller.abort()
  }

  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  return {
    dispose() {
      process.off('SIGINT', onSignal)
      process.off('SIGTERM', onSignal)
    },
    signal: controller.signal,
  }
}

/** File-system failures a user can act on (full disk, quota, permissions, read-only mount). */
const FILE_WRITE_ERRORS = new Set(['EACCES', 'EDQUOT', 'ENOSPC', 'EPERM', 'EROFS'])

/** A file needed before the first write (lock, backup, journal) could not be written: nothing was changed. */
function beforeFirstWrite(what: string, error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  if (!code || !FILE_WRITE_ERRORS.has(code)) return error
  return new CliError(`Could not write the ${what}: ${(error as Error).message}. Nothing was changed in the project.`, {
    cause: error,
    code: 'file_write_failed',
    hint: 'Free disk space or fix the permissions of that folder (backups can go elsewhere with --backup-dir), then run again.',
  })
}

export async function applyPlan(options: ApplyPlanOptions): Promise<ApplyOutcome> {
  return (await runPlan(options)).outcome
}

/** `applyPlan`, also returning the plan run and the executor's result. */
export async function runPlan(options: ApplyPlanOptions): Promise<PlanRun> {
  const {config, connection, flags} = options
  const {dataDir} = config
  // On the coordination Redis when there is one (several machines), else a file. A lock that is
  // lost mid-run (Redis gone, or the key expired) stops the run before its next change: see
  // lockObserver. The wait is said on stderr, so --json output stays one document.
  let waited = false
  const lock = await acquireLock({
    command: options.command,
    coordination: connection.coordination,
    dataDir,
    onWait(line) {
      waited = true
      process.stderr.write(`${options.redact(line)}\n`)
    },
    projectId: connection.projectId,
    waitMs: flags.lockWaitMs,
  }).catch(error => {
    throw beforeFirstWrite('lock of the project', error)
  })
  try {
    const journals = journalDir(dataDir, connection.projectId)
    const resumable = flags.resume ? await findResumable(journals) : undefined
    if (flags.resume) {
      options.log(resumable
        ? `Resuming run ${resumable.runId}: ${resumable.done.size} change(s) finished before it stopped; the plan above was computed fresh, so they are not repeated.`
        : 'No interrupted run to resume for this project; applying the plan above.')
    }

    const replan = waited && typeof options.plan !== 'function' ? options.replan : undefined
    const madeUnderLock = typeof options.plan === 'function' || replan !== undefined
    let plan: Plan
    if (replan) plan = await replan()
    else plan = typeof options.plan === 'function' ? await options.plan() : options.plan
    if (replan && plan.changes.length === 0) {
      options.log('Nothing left to apply: the run that held the lock made these changes.')
      const execution = await executePlan({client: connection.client, kinds: options.kinds, plan})
      return {execution, outcome: {exitCode: ExitCode.Success, result: resultToJson(execution)}, plan}
    }

    // Said even with --yes: it is what the run is about to break.
    const flowWarning = flowDeleteWarning(plan)
    if (flowWarning) options.log(flowWarning)
    const question = options.question ? options.question(plan) : confirmationQuestion(plan, connection)
    if (question !== undefined) await options.confirm(question, flags.yes)

    const touched = new Set(plan.changes.map(change => change.kind))
    const backupRoot = resolveBackupRoot({dataDir, flag: flags.backupDir})
    const liveNow: ResourceItem[] = []
    const backup = await createBackup({
      client: connection.client,
      onRead(_kind, items) {
        liveNow.push(...items)
      },
      dir: backupRoot,
      environment: connection.environmentName,
      kinds: options.kinds.filter(kind => touched.has(kind.name)),
      operation: options.operation,
      projectId: connection.projectId,
      toolVersion: config.version,
    }).catch(error => {
      throw beforeFirstWrite(`backup in ${backupRoot}`, error)
    })
    if (!options.oneChange) options.log(`Backup ${backup.id} taken before the first write (restore with \`descope-mgmt backup restore ${backup.id}\`).`)
    // A plan computed before the lock: another run may have changed the project meanwhile. One made
    // under the lock is left to the API to judge (a create of an existing id gets Descope's own answer).
    if (!madeUnderLock) checkPlanStillApplies(plan, liveNow, resumable?.done)

    const journal = await Journal.create(journals, {
      changes: plan.changes.map(change => change.id),
      environment: connection.environmentName,
      planFingerprint: plan.fingerprint,
      projectId: connection.projectId,
      redact: options.redact,
      resumable: !options.oneChange,
      resumedFrom: resumable?.runId,
    }).catch(error => {
      throw beforeFirstWrite(`journal in ${journals}`, error)
    })
    const audit = AuditLog.forDataDir(dataDir, {
      environment: connection.environmentName,
      projectId: connection.projectId,
      redact: options.redact,
      runId: journal.runId,
      toolVersion: config.version,
    })
    const environment = connection.environmentName ? connection.loaded?.config.environments[connection.environmentName] : undefined
    const concurrency = environment?.concurrency ?? DEFAULT_CONCURRENCY
    // The progress view (and log-update) loads here, not when the command module loads; a
    // one-change command prints its own single line instead.
    const progress = options.progress ?? (options.oneChange
      ? undefined
      : await import('../ui/progress.js').then(({createProgressView}) => createProgressView({
        environment: connection.environmentName, json: flags.json, rateLimit: connection.client.rateLimit,
      })))
    const interrupt = abortOnInterrupt()
    let result: ExecutionResult
    try {
      result = await executePlan({
        client: connection.client,
        concurrency,
        continueOnError: flags.continueOnError,
        kinds: options.kinds,
        // The lock first: no change starts once it is lost, not even in the journal. Then the
        // journal: its line is on disk before the change is sent (see hooks.ts).
        observers: [lockObserver(lock), journalObserver(journal), auditObserver(audit), ...(progress ? [progress] : [])],
        // Updates send back the unmanaged fields as they are now, not as a saved plan saw them.
        liveItems: new Map(liveNow.map(item => [qualifiedId(item), item])),
        plan,
        runId: journal.runId,
        signal: interrupt.signal,
      })
    } finally {
      interrupt.dispose()
      await journal.close()
    }

    const reportLines = options.oneChange
      ? result.warnings.map(warning => `warning: ${warning}`)
      : applyReportLines(result, {command: options.command, environment: connection.environmentName})
    for (const line of reportLines) options.log(line)
    const exitCode = exitCodeFor(result)
    if (exitCode === ExitCode.Success) {
      const retention = await pruneAfterApply({
        dir: resolveBackupRoot({dataDir, flag: flags.backupDir}),
        projectId: connection.projectId,
        retentionDays: connection.loaded?.config.backupRetentionDays,
      })
      if (retention.warning) options.log(`warning: ${retention.warning}`)
    }

    return {
      execution: result,
      outcome: {
        backupId: backup.id, exitCode, result: resultToJson(result), resumedFrom: resumable?.runId,
      },
      plan,
    }
  } finally {
    await lock.release()
  }
}

/** Refuses a saved plan for another project, or one whose live state moved since it was made. */
/**
 * Refuses a plan that no longer fits the live state read under the lock: a create whose resource
 * now exists, an update or delete whose resource is gone or changed. Changes finished by the run
 * being resumed are not judged.
 */
export function checkPlanStillApplies(plan: Plan, live: ResourceItem[], done: ReadonlySet<string> = new Set()): void {
  const byId = new Map(live.map(item => [qualifiedId(item), item]))
  const moved = plan.changes.filter(change => {
    if (done.has(change.id)) return false
    const current = byId.get(change.id)
    return change.action === 'create' ? current !== undefined : current === undefined || !jsonEqual(current.fields, change.live ?? {})
  })
  if (moved.length === 0) return
  const shown = `${moved.slice(0, 5).map(change => `${change.action} ${change.id}`).join(', ')}${moved.length > 5 ? ', …' : ''}`
  const count = `${moved.length} change${moved.length === 1 ? '' : 's'}`
  throw new CliError(`The project changed after this plan was made (${count} no longer fit: ${shown}). Nothing was changed.`, {
    code: 'plan_stale',
    exitCode: ExitCode.InvalidInput,
    hint: 'Another run may have finished while this one waited: run the command again for a fresh plan.',
  })
}

export function checkSavedPlan(saved: Plan, file: string, current: {projectId: string; fingerprint: string}): void {
  if (saved.projectId !== current.projectId) {
    throw new CliError(`${file} was made for project ${saved.projectId}, not ${current.projectId}.`, {
      code: 'plan_wrong_project',
      exitCode: ExitCode.InvalidInput,
      hint: 'Apply it to the environment it was made for, or make a new plan for this one.',
    })
  }

  if (saved.fingerprint !== current.fingerprint) {
    throw new CliError(`The live project changed since ${file} was made: the plan may no longer be right. Nothing was changed.`, {
      code: 'plan_stale',
      exitCode: ExitCode.InvalidInput,
      hint: 'Make a fresh plan with `descope-mgmt plan --out FILE`, review it, then apply that.',
    })
  }
}
