/**
 * Writing flows (`flow import`, `flow rollback`): the flows become the desired state of a plan
 * restricted to their ids, and that plan goes through the apply engine (`applyPlan`): lock,
 * confirmation, a backup of exactly those flows as they are now (operation `import` or
 * `restore`), journal, executor with progress and one audit record per flow.
 */
import type {Config as OclifConfig} from '@oclif/core'

import type {ApplyOutcome} from '../apply/run.js'
import type {Connection} from '../connection.js'
import type {Plan} from '../plan/types.js'
import type {FlowDocument} from './format.js'

import {buildPlan} from '../plan/build.js'
import {flowItem, flowOfItem, flowsKindFor} from '../resources/flows.js'
import {renderFlowDiff} from '../ui/flow-diff-render.js'
import {diffFlows, type FlowDiff} from './diff.js'

export interface FlowWriteOptions {
  connection: Connection
  config: OclifConfig
  flows: FlowDocument[]
  /** Recorded in the backup's metadata: `import` or `restore` (a rollback). */
  operation: 'import' | 'restore'
  apply: boolean
  resume?: boolean
  yes: boolean
  json: boolean
  backupDir?: string
  /** --lock-wait, in milliseconds. */
  lockWaitMs?: number
  /** The command to suggest for a resume. */
  command: string
  ui: {log(line: string): void; confirm(question: string, yes: boolean): Promise<void>; redact(text: string): string}
}

export interface FlowWriteResult {
  diffs: FlowDiff[]
  plan: Plan
  applied: boolean
  outcome?: ApplyOutcome
}

/** The structural diff of each flow against the live one, as lines. */
export function describeDiffs(diffs: FlowDiff[]): string[] {
  const lines: string[] = []
  for (const diff of diffs) {
    if (diff.equal) {
      lines.push(`= flow ${diff.flowId}: no changes`)
      continue
    }

    lines.push(diff.created ? `+ flow ${diff.flowId} (new)` : `~ flow ${diff.flowId}`, ...renderFlowDiff(diff))
  }

  return lines
}

export async function writeFlows(options: FlowWriteOptions): Promise<FlowWriteResult> {
  const {connection, ui} = options
  const ids = options.flows.map(flow => flow.flowId)
  const kind = flowsKindFor(ids)
  const live = await kind.readLive(connection.client)
  const liveById = new Map(live.map(item => [item.key, flowOfItem(item)]))
  const diffs = options.flows.map(flow => diffFlows(liveById.get(flow.flowId), flow))
  const plan = buildPlan({
    desired: options.flows.map(flow => flowItem(flow)),
    environment: connection.environmentName,
    kinds: [kind],
    live,
    projectId: connection.projectId,
    prune: false,
    tool: `descope-mgmt/${options.config.version}`,
  })
  if (!options.json) for (const line of describeDiffs(diffs)) ui.log(line)
  if (!options.apply || plan.changes.length === 0) return {applied: false, diffs, plan}
  if (!options.json) ui.log('')
  const {applyPlan} = await import('../apply/run.js')
  const outcome = await applyPlan({
    command: options.command,
    config: options.config,
    confirm: ui.confirm,
    connection,
    flags: {
      backupDir: options.backupDir, continueOnError: false, json: options.json, lockWaitMs: options.lockWaitMs, resume: options.resume, yes: options.yes,
    },
    kinds: [kind],
    log(line) {
      if (!options.json) ui.log(line)
    },
    operation: options.operation,
    plan,
    redact: ui.redact,
  })
  return {
    applied: true, diffs, outcome, plan,
  }
}
