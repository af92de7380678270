/**
 * A structural diff of two flows, as a reviewer thinks of them: metadata fields changed, tasks
 * added / removed / changed (by task id, with the changed fields), screens added / removed /
 * changed (by screen id), references changed, and any other member of the graph.
 */
import type {FlowDocument, JsonObject} from './format.js'

import {diffValues, type FieldChange, jsonEqual} from '../plan/diff.js'
import {isObject} from './format.js'

export interface ItemDiff {
  id: string
  /** A short label: task name and type, or the screen's name when it has one. */
  label?: string
  /** For a changed item: the fields that differ, paths relative to the item. */
  fields: FieldChange[]
}

export interface SectionDiff {
  added: ItemDiff[]
  removed: ItemDiff[]
  changed: ItemDiff[]
}

export interface FlowDiff {
  flowId: string
  /** No live flow: everything is new. */
  created: boolean
  /** Nothing differs. */
  equal: boolean
  metadata: FieldChange[]
  /** `contents` members other than `tasks` (e.g. `startTask`). */
  graph: FieldChange[]
  tasks: SectionDiff
  screens: SectionDiff
  references: FieldChange[]
}

const byId = (a: {id: string}, b: {id: string}) => (a.id < b.id ? -1 : (a.id > b.id ? 1 : 0))

function taskLabel(task: unknown): string | undefined {
  if (!isObject(task)) return undefined
  const parts = [typeof task.name === 'string' ? task.name : '', typeof task.type === 'string' ? `(${task.type}${typeof task.action === 'string' ? `: ${task.action}` : ''})` : '']
  return parts.filter(Boolean).join(' ') || undefined
}

function diffSection(before: Record<string, unknown>, after: Record<string, unknown>, label: (item: unknown) => string | undefined): SectionDiff {
  const result: SectionDiff = {added: [], changed: [], removed: []}
  for (const id of Object.keys(after)) {
    if (!(id in before)) result.added.push({fields: [], id, label: label(after[id])})
    else if (!jsonEqual(before[id], after[id])) result.changed.push({fields: diffValues(before[id], after[id]), id, label: label(after[id])})
  }

  for (const id of Object.keys(before)) if (!(id in after)) result.removed.push({fields: [], id, label: label(before[id])})
  result.added.sort(byId)
  result.changed.sort(byId)
  result.removed.sort(byId)
  return result
}

/** The graph members besides `tasks` (e.g. `startTask`). */
const graphOf = (contents: JsonObject) => Object.fromEntries(Object.entries(contents).filter(([key]) => key !== 'tasks'))

const emptySection = (section: SectionDiff) => section.added.length + section.removed.length + section.changed.length === 0

/** The flow diff from `before` (live; undefined when the flow does not exist) to `after` (the file). */
export function diffFlows(before: FlowDocument | undefined, after: FlowDocument): FlowDiff {
  const base = before ?? {
    contents: {}, flowId: after.flowId, metadata: {}, references: {}, screens: [],
  }
  const tasksOf = (flow: Pick<FlowDocument, 'contents'>) => (isObject(flow.contents.tasks) ? flow.contents.tasks : {})
  const screensOf = (flow: Pick<FlowDocument, 'screens'>) => Object.fromEntries(flow.screens.map(screen => [screen.screenId, screen as unknown as JsonObject]))
  const diff: FlowDiff = {
    created: before === undefined,
    equal: false,
    flowId: after.flowId,
    graph: diffValues(graphOf(base.contents), graphOf(after.contents)),
    metadata: diffValues(base.metadata, after.metadata),
    references: diffValues(base.references, after.references),
    screens: diffSection(screensOf(base), screensOf(after), () => {}),
    tasks: diffSection(tasksOf(base), tasksOf(after), taskLabel),
  }
  diff.equal = diff.metadata.length === 0 && diff.graph.length === 0 && diff.references.length === 0 && emptySection(diff.tasks) && emptySection(diff.screens)
  return diff
}

/** The diff of a flow held as engine fields (`metadata`, `contents`, `screens`, `references`). */
export function flowFromFields(flowId: string, fields: Record<string, unknown> | undefined): FlowDocument | undefined {
  if (!fields) return undefined
  return {
    contents: isObject(fields.contents) ? fields.contents : {},
    flowId,
    metadata: isObject(fields.metadata) ? fields.metadata : {},
    references: isObject(fields.references) ? fields.references : {},
    screens: Array.isArray(fields.screens) ? fields.screens as FlowDocument['screens'] : [],
  }
}
