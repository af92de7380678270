/**
 * Typed flow endpoints (reference §2.2): list and delete (v1), export and import (v2).
 * Flows travel in the v2 ("exported") shape; see src/lib/flows/format.ts for v1 files.
 */
import type {FlowDocument} from '../flows/format.js'
import type {DescopeClient} from './types.js'

import {flowFromV2, isObject} from '../flows/format.js'
import {invalidResponse} from './errors.js'

export const FLOW_PATHS = Object.freeze({
  delete: '/v1/mgmt/flow/delete',
  export: '/v2/mgmt/flow/export',
  import: '/v2/mgmt/flow/import',
  list: '/v1/mgmt/flow/list',
})

/** A `/v1/mgmt/flow/list` entry (the members this tool shows). */
export interface FlowListEntry {
  id: string
  name?: string
  description?: string
  disabled?: boolean
  modifiedTime?: string
  version?: number
}

/** Every flow of the project (optionally only `ids`), sorted by id. */
export async function listFlows(client: DescopeClient, ids?: string[]): Promise<FlowListEntry[]> {
  const body = await client.request<unknown>('POST', FLOW_PATHS.list, {json: ids ? {ids} : {}})
  const flows = isObject(body) ? body.flows : undefined
  if (flows === undefined || flows === null) return []
  if (!Array.isArray(flows)) throw invalidResponse({baseUrl: client.baseUrl, method: 'POST', path: FLOW_PATHS.list}, '"flows" is not a list')
  return flows
  .filter(flow => isObject(flow) && typeof flow.id === 'string')
  .map(flow => flow as unknown as FlowListEntry)
  .sort((a, b) => (a.id < b.id ? -1 : (a.id > b.id ? 1 : 0)))
}

/** One flow in the v2 shape, its keys in the canonical order. */
export async function exportFlow(client: DescopeClient, flowId: string): Promise<FlowDocument> {
  const body = await client.request<unknown>('POST', FLOW_PATHS.export, {json: {flowId}})
  const flow = isObject(body) ? body.flow : undefined
  if (!isObject(flow)) throw invalidResponse({baseUrl: client.baseUrl, method: 'POST', path: FLOW_PATHS.export}, 'no "flow" object')
  // Descope answers with the id asked for; the v2 import sets the target id the same way (go-sdk).
  return flowFromV2(flow, flowId)
}

/** Exports several flows concurrently; the client's rate limiter paces the requests. */
export async function exportFlows(client: DescopeClient, flowIds: string[]): Promise<FlowDocument[]> {
  return Promise.all(flowIds.map(flowId => exportFlow(client, flowId)))
}

/** Creates or replaces the flow `flowId` (the document's own id is overridden, as go-sdk does). */
export async function importFlow(client: DescopeClient, flowId: string, flow: FlowDocument): Promise<void> {
  await client.request<unknown>('POST', FLOW_PATHS.import, {json: {flow: {...flow, flowId}}})
}

export async function deleteFlows(client: DescopeClient, flowIds: string[]): Promise<void> {
  await client.request<unknown>('POST', FLOW_PATHS.delete, {json: {ids: flowIds}})
}
