import type {DescopeClient} from '../api/types.js'
import type {FlowDocument} from '../flows/format.js'
import type {ResourceItem, ResourceKind} from './types.js'

import {
  deleteFlows, exportFlows, importFlow, listFlows,
} from '../api/flows.js'
import {configFileError, readConfiguredFlow} from '../flows/config-files.js'
import {flowFromFields} from '../flows/diff.js'
import {normaliseFlow} from '../flows/format.js'

/**
 * A flow as the engine sees it: key = flow id, fields = the normalised v2 document without its
 * id (`metadata`, `contents`, `screens`, `references`). A flow is replaced as a whole by an import,
 * so every field is managed.
 */
export function flowItem(flow: FlowDocument): ResourceItem {
  const {contents, metadata, references, screens} = normaliseFlow(flow)
  return {
    fields: {
      contents, metadata, references, screens,
    }, key: flow.flowId, kind: 'flow',
  }
}

export function flowOfItem(item: Pick<ResourceItem, 'fields' | 'key'>): FlowDocument {
  return normaliseFlow(flowFromFields(item.key, item.fields)!)
}

/** The live flows (all, or only those of `ids` that exist), exported concurrently. */
export async function readFlowItems(client: DescopeClient, ids?: string[]): Promise<ResourceItem[]> {
  const listed = await listFlows(client, ids)
  const wanted = ids ? listed.filter(entry => ids.includes(entry.id)) : listed
  return (await exportFlows(client, wanted.map(entry => entry.id))).map(flow => flowItem(flow))
}

/** The flows kind restricted to some flow ids: backups and plans of `flow import` cover only those. */
export function flowsKindFor(ids: string[]): ResourceKind {
  return {...flowsKind, readLive: client => readFlowItems(client, ids)}
}

export const flowsKind: ResourceKind = {
  async create(client, desired) {
    await importFlow(client, desired.key, flowOfItem(desired))
  },
  defaults: {
    contents: {}, metadata: {}, references: {}, screens: [],
  },
  async delete(client, live) {
    await deleteFlows(client, [live.key])
  },
  dependsOn() {
    return []
  },
  // `flows: [{id, file}]`: each file read relative to the configuration file, as its id.
  desired(config, context) {
    return (config.flows ?? []).map(entry => {
      try {
        return flowItem(readConfiguredFlow(context?.configDir, entry.file, entry.id).flow)
      } catch (error) {
        throw configFileError(`flows: ${(error as Error).message}`)
      }
    })
  },
  name: 'flow',
  // After roles: a flow may give roles to new users.
  phase: 3,
  plural: 'flows',
  readLive: client => readFlowItems(client),
  async update(client, desired) {
    await importFlow(client, desired.key, flowOfItem(desired))
  },
}
