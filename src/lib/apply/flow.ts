import type {Config as OclifConfig} from '@oclif/core'

import type {Connection} from '../connection.js'
import type {Plan} from '../plan/types.js'
import type {ResourceKind} from '../resources/types.js'

import {InputError} from '../errors.js'
import {fingerprintLive} from '../plan/build.js'
import {computePlan, readLive} from '../plan/compute.js'
import {selectKinds} from '../resources/index.js'
import {renderPlan} from '../ui/plan-render.js'
import {
  type ApplyOperation, type ApplyOutcome, checkSavedPlan, runPlan,
} from './run.js'

export interface PlanAndApplyOptions {
  connection: Connection
  config: OclifConfig
  kinds: ResourceKind[]
  /** A plan saved by `plan --out` (read before connecting), applied exactly as it is. */
  saved?: {file: string; plan: Plan}
  flags: ApplyRunFlags
  /** Whether --only was absent: then only the kinds the configuration declares are managed. */
  configuredKindsOnly: boolean
  operation: ApplyOperation
  command: string
  ui: RunUi
}

/** The flags of a run that plans and applies (apply, tenant sync). */
export interface ApplyRunFlags {
  prune: boolean
  allowProtected: boolean
  yes: boolean
  continueOnError: boolean
  resume: boolean
  json: boolean
  color: boolean
  backupDir?: string
  /** --lock-wait, in milliseconds. */
  lockWaitMs?: number
}

/** How a run talks to the user: prints, asks, and redacts what it prints. */
export interface RunUi {
  log(line: string): void
  confirm(question: string, yes: boolean): Promise<void>
  redact(text: string): string
}

export interface PlanAndApplyResult {
  plan: Plan
  outcome?: ApplyOutcome
}

async function checkedSavedPlan(options: PlanAndApplyOptions, {file, plan}: {file: string; plan: Plan}): Promise<Plan> {
  if (options.flags.prune || options.flags.allowProtected) {
    throw new InputError('--prune and --allow-protected shape a new plan; a saved plan is applied exactly as it was made.', {
      hint: 'Make the plan with those flags (`descope-mgmt plan --prune --out FILE`), then apply the file.',
    })
  }

  const kinds = selectKinds(plan.resources)
  const live = await readLive(options.connection.client, kinds)
  checkSavedPlan(plan, file, {fingerprint: fingerprintLive(live, kinds.map(kind => kind.name)), projectId: options.connection.projectId})
  return plan
}

/** The plan (fresh or saved), shown, then applied when it has changes. */
export async function planAndApply(options: PlanAndApplyOptions): Promise<PlanAndApplyResult> {
  const {connection, flags, ui} = options
  const fresh = () => computePlan({
    allowProtected: flags.allowProtected,
    configuredKindsOnly: options.configuredKindsOnly,
    connection,
    kinds: options.kinds,
    prune: flags.prune,
    tool: `descope-mgmt/${options.config.version}`,
  })
  const plan = options.saved ? await checkedSavedPlan(options, options.saved) : await fresh()
  if (!flags.json) ui.log(renderPlan(plan, {color: flags.color}))
  if (plan.changes.length === 0) return {plan}
  if (!flags.json) ui.log('')
  const kinds = selectKinds(plan.resources)
  const run = await runPlan({
    command: options.command,
    config: options.config,
    confirm: ui.confirm,
    connection,
    flags: {
      backupDir: flags.backupDir, continueOnError: flags.continueOnError, json: flags.json, lockWaitMs: flags.lockWaitMs, resume: flags.resume, yes: flags.yes,
    },
    kinds,
    log(line) {
      if (!flags.json) ui.log(line)
    },
    operation: options.operation,
    plan,
    redact: ui.redact,
    // After waiting for the lock (--lock-wait), the plan is made again: the holder changed the project.
    replan: options.saved
      ? undefined
      : async () => {
        const again = await fresh()
        if (!flags.json) ui.log(`The project may have changed while waiting for the lock; planned again:\n${renderPlan(again, {color: flags.color})}\n`)
        return again
      },
  })
  // The plan applied: made again after a wait for the lock.
  return {outcome: run.outcome, plan: run.plan}
}
