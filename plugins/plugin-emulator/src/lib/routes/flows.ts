import type {
  FlowRecord, JsonObject, ProjectState, RouteContext, RouteDefinition,
} from '../types.js'

/**
 * Flow routes: list, delete, and export/import in both API generations (v1 for node-sdk and
 * python-sdk, v2 for go-sdk and descopecli). Flows are stored in the v2 shape; see flow-format.ts.
 *
 * Where the reference is silent:
 * - `list` sorts by flow id; `{ids: [...]}` keeps the listed flows (unknown ids are skipped) and
 *   an empty or absent `ids` lists every flow; `total` is the number of flows returned. Entries
 *   carry every v1 flow field except the `dsl` graph (use export for that).
 * - `delete` requires a non-empty `ids`; unknown ids are ignored, as Descope batch deletes are.
 * - import creates or overrides the flow; `version` starts at 1 and grows by one per import,
 *   `modifiedTime` is the import time in epoch milliseconds (a numeric string on the v1 wire, as
 *   int64 values are in Descope's JSON).
 * - v1 import targets the request's `flowId` (the `flow.id` inside may name the source flow).
 *   v1 `screens` may be absent (node-sdk makes it optional): the flow then has no screens.
 * - v2 import takes the id from `flow.flowId`; `skipRender` and `changelog` are accepted and
 *   ignored.
 */
import {
  Checker, checkFlowV1, checkFlowV1Screens, checkFlowV2,
} from '../content-checks.js'
import {EmulatorError} from '../errors.js'
import {
  FLOW_ID_PATTERN,
  flowListEntryFromRecord,
  flowRecordFromV1,
  flowRecordFromV2,
  flowV1ExportFromRecord,
  flowV2FromRecord,
} from '../flow-format.js'

function findFlow(project: ProjectState, flowId: string): FlowRecord {
  const flow = project.flows.get(flowId)
  if (!flow) throw EmulatorError.notFound('Flow', `Flow "${flowId}" does not exist`)
  return flow
}

/** The server fields of the next version of `flowId`. */
function nextServerFields(context: RouteContext, flowId: string): {modifiedTime: number; version: number} {
  const previous = context.project.flows.get(flowId)
  return {version: (previous?.version ?? 0) + 1, modifiedTime: context.now}
}

function list(context: RouteContext): unknown {
  const check = new Checker()
  const ids = check.stringArray(context.body, 'ids', 'ids')
  check.throwIfAny()
  const wanted = ids && ids.length > 0 ? new Set(ids) : undefined
  const flows = [...context.project.flows.values()]
  .filter(flow => !wanted || wanted.has(flow.flowId))
  .sort((a, b) => a.flowId.localeCompare(b.flowId))
  .map(flow => flowListEntryFromRecord(flow))
  return {flows, total: flows.length}
}

function remove(context: RouteContext): unknown {
  const check = new Checker()
  const ids = check.stringArray(context.body, 'ids', 'ids', true)
  if (ids?.length === 0) check.missing('ids')
  check.throwIfAny()
  const deleted = (ids ?? []).filter(id => context.project.flows.delete(id))
  context.audit('flow.delete', {flowIds: deleted})
  return {}
}

function exportFlowId(context: RouteContext): string {
  const check = new Checker()
  const flowId = check.string(context.body, 'flowId', 'flowId', {pattern: FLOW_ID_PATTERN, required: true})
  check.throwIfAny()
  return flowId as string
}

function exportV1(context: RouteContext): unknown {
  return flowV1ExportFromRecord(findFlow(context.project, exportFlowId(context)))
}

function importV1(context: RouteContext): unknown {
  const {body} = context
  const check = new Checker()
  const flowId = check.string(body, 'flowId', 'flowId', {pattern: FLOW_ID_PATTERN, required: true})
  const flow = check.object(body, 'flow', 'flow', true)
  if (flow) checkFlowV1(check, flow, 'flow')
  const screens = check.array(body, 'screens', 'screens') ?? []
  checkFlowV1Screens(check, screens, 'screens')
  check.throwIfAny()

  const record = flowRecordFromV1(flowId as string, flow as JsonObject, screens as JsonObject[], nextServerFields(context, flowId as string))
  context.project.flows.set(record.flowId, record)
  context.audit('flow.import', {flowId: record.flowId, version: record.version})
  return flowV1ExportFromRecord(record)
}

function exportV2(context: RouteContext): unknown {
  return {flow: flowV2FromRecord(findFlow(context.project, exportFlowId(context)))}
}

function importV2(context: RouteContext): unknown {
  const {body} = context
  const check = new Checker()
  const flow = check.object(body, 'flow', 'flow', true)
  if (flow) checkFlowV2(check, flow, 'flow')
  check.boolean(body, 'skipRender', 'skipRender')
  check.string(body, 'changelog', 'changelog')
  check.throwIfAny()

  const flowId = (flow as JsonObject).flowId as string
  const record = flowRecordFromV2(flowId, flow as JsonObject, nextServerFields(context, flowId))
  context.project.flows.set(flowId, record)
  context.audit('flow.import', {flowId, version: record.version})
  return {}
}

export const flowRoutes: RouteDefinition[] = [
  {method: 'POST', path: '/v1/mgmt/flow/list', handler: list},
  {
    method: 'POST', path: '/v1/mgmt/flow/delete', mutation: true, handler: remove,
  },
  {method: 'POST', path: '/v1/mgmt/flow/export', handler: exportV1},
  {
    method: 'POST', path: '/v1/mgmt/flow/import', mutation: true, handler: importV1,
  },
  {method: 'POST', path: '/v2/mgmt/flow/export', handler: exportV2},
  {
    method: 'POST', path: '/v2/mgmt/flow/import', mutation: true, handler: importV2,
  },
]
