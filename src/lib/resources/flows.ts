/**
 * The flow kind: `flows: [{id, file}]` in the configuration, `flow:<id>` in plans, one file per flow
 * in backups and beside a configuration written by `init --from-live`.
 */
import {z} from 'zod'

import type {DescopeClient} from '../api/types.js'
import type {CheckContext} from '../config/resources/types.js'
import type {FlowDocument} from '../flows/format.js'
import type {
  ConfigSections, KindFiles, ResourceItem, ResourceKind,
} from './types.js'

import {
  deleteFlows, exportFlows, importFlow, listFlows,
} from '../api/flows.js'
import {BackupFileContentError} from '../backup/format.js'
import {isRecord} from '../config/path.js'
import {configFileError, ConfiguredFileError, readConfiguredFlow} from '../flows/config-files.js'
import {flowFromFields} from '../flows/diff.js'
import {
  FLOW_ID_PATTERN, flowFileName, flowFromV2, isObject, normaliseFlow, serialiseFlow,
} from '../flows/format.js'
import {defineKind} from './define.js'

export const flowConfigSchema = z
.strictObject({
  id: z.string().regex(FLOW_ID_PATTERN, {error: 'must contain only letters, digits, "_" and "-"'}).meta({
    title: 'Flow id',
    description: 'Id of the flow in the project; the file is imported as this id, whatever id the file names.',
    examples: ['sign-up-or-in'],
  }),
  file: z.string().trim().min(1, {error: 'must not be empty'}).meta({
    title: 'File',
    description: 'The flow file, as `flow export` writes it (v2; v1 is accepted), relative to this configuration file.',
    examples: ['flows/sign-up-or-in.json'],
  }),
})
.meta({title: 'Flow', description: 'One authentication flow, managed as a whole from its file.'})

export const flowsSchema = z
.array(flowConfigSchema)
.meta({title: 'Flows', description: 'Flows managed from files. Flows not listed here are left alone unless `apply --prune` is used.'})
.optional()

export type FlowConfig = z.infer<typeof flowConfigSchema>

function checkFlows(raw: Record<string, unknown>, context: CheckContext): void {
  if (!Array.isArray(raw.flows)) return
  const seen = new Map<string, number>()
  for (const [index, entry] of raw.flows.entries()) {
    if (!isRecord(entry) || typeof entry.id !== 'string' || !FLOW_ID_PATTERN.test(entry.id)) continue
    const first = seen.get(entry.id)
    if (first === undefined) seen.set(entry.id, index)
    else context.error(['flows', index, 'id'], `duplicate flow "${entry.id}": already declared at flows[${first}]`)
    if (typeof entry.file !== 'string' || entry.file.trim() === '') continue
    try {
      const {contentId} = readConfiguredFlow(context.configDir, entry.file.trim(), entry.id)
      if (contentId && contentId !== entry.id) {
        context.warn(['flows', index, 'file'], `${entry.file} holds flow "${contentId}"; it is managed as "${entry.id}"`)
      }
    } catch (error) {
      const hint = error instanceof ConfiguredFileError && !error.missing
        ? 'fix the file, or write it again with `descope-mgmt flow export ID --out FILE`'
        : 'the path is relative to the configuration file; write the file with `descope-mgmt flow export ID --out FILE`'
      context.error(['flows', index, 'file'], (error as Error).message.replace(/\.$/, ''), hint)
    }
  }
}

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

/**
 * The flows Descope puts in every new project. docs.descope.com/flows/manage-flows: "Some of the
 * out-of-the-box flows cannot be deleted. These flows are the step-up, sign-up-or-in, sign-up, and
 * sign-in flows"; update-user is the other out-of-the-box flow (docs.descope.com/use-cases/
 * authenticated-flows: "'step up' and 'update user'"). Known by id: the API marks no flow as built-in.
 */
export const BUILT_IN_FLOWS: readonly string[] = Object.freeze(['sign-up-or-in', 'sign-up', 'sign-in', 'step-up', 'update-user'])

export const FLOWS_INDEX_FILE = 'flows.json'

/**
 * Backup layout of flows: `flows.json` (the list of flow ids, always written so an empty kind is
 * recorded) and one file per flow, `flows/<flowId>.json`, in the format `flow export` writes.
 */
export const flowKindFiles: KindFiles = {
  fromFiles(files) {
    const flows = files.filter(file => file.path.startsWith('flows/') && file.path.endsWith('.json'))
    return flows
    .map(file => {
      if (!isObject(file.content) || typeof file.content.flowId !== 'string' || !isObject(file.content.contents)) {
        throw new BackupFileContentError(file.path, 'not an exported flow (no "flowId" or "contents")')
      }

      return flowItem(flowFromV2(file.content))
    })
    .sort((a, b) => (a.key < b.key ? -1 : (a.key > b.key ? 1 : 0)))
  },
  toFiles(items) {
    const sorted = [...items].sort((a, b) => (a.key < b.key ? -1 : (a.key > b.key ? 1 : 0)))
    return [
      {content: {flows: sorted.map(item => item.key)}, path: FLOWS_INDEX_FILE},
      ...sorted.map(item => ({content: normaliseFlow(flowOfItem(item)), path: `flows/${flowFileName(item.key)}`})),
    ]
  },
}

declare module './types.js' {
  interface ResourceKindNames {
    flow: true
  }
}

export const flowsKind = defineKind({
  backup: flowKindFiles,
  // Descope's default flows: kept by prune and restore, left out by init, managed only when named.
  builtIn: item => BUILT_IN_FLOWS.includes(item.key),
  config: {
    check: checkFlows,
    count: raw => (Array.isArray(raw.flows) ? raw.flows.length : 0),
    key: 'flows',
    schema: flowsSchema,
  },
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
  desired(config: ConfigSections, context) {
    return ((config.flows ?? []) as FlowConfig[]).map(entry => {
      try {
        return flowItem(readConfiguredFlow(context?.configDir, entry.file, entry.id).flow)
      } catch (error) {
        throw configFileError(`flows: ${(error as Error).message}`)
      }
    })
  },
  // The whole exported document is managed: an import replaces the flow.
  managedFields: ['metadata', 'contents', 'screens', 'references'],
  name: 'flow',
  // After roles: a flow may give roles to new users.
  phase: 3,
  plural: 'flows',
  readLive: client => readFlowItems(client),
  toConfig(items, config) {
    const sorted = [...items].sort((a, b) => a.key.localeCompare(b.key))
    const files = sorted.map(item => ({path: `flows/${flowFileName(item.key)}`, text: serialiseFlow(flowOfItem(item))}))
    if (files.length > 0) config.flows = sorted.map((item, index) => ({id: item.key, file: files[index].path}))
    return files
  },
  async update(client, desired) {
    await importFlow(client, desired.key, flowOfItem(desired))
  },
})
