/**
 * Shape checks of a flow file, before anything is sent: the members Descope reads must have the
 * right type, every screen needs an id and contents. Without them a wrong member would be dropped
 * silently on import (a screen list that is not a list imports a flow with no screens).
 * The rules are those the Management API applies to `/v2/mgmt/flow/import` and `/v1/mgmt/flow/import`.
 */
import {FLOW_ID_PATTERN} from '@descope-mgmt/shared/flow-format'

import {describeJson} from '../config/json-text.js'
import {formatPath, isRecord as isObject, type PathSegment} from '../config/path.js'

type JsonObject = Record<string, unknown>

export {FLOW_ID_PATTERN} from '@descope-mgmt/shared/flow-format'

export interface FlowShapeProblem {
  path: PathSegment[]
  message: string
}

const isAbsent = (value: unknown): boolean => value === undefined || value === null

class Checks {
  readonly problems: FlowShapeProblem[] = []

  array(container: JsonObject, key: string, path: PathSegment[], required = false): unknown[] | undefined {
    const value = container[key]
    if (isAbsent(value)) {
      if (required) this.missing(key, path)
      return undefined
    }

    if (!Array.isArray(value)) return this.wrong([...path, key], 'a list', value)
    return value
  }

  boolean(container: JsonObject, key: string, path: PathSegment[]): void {
    const value = container[key]
    if (!isAbsent(value) && typeof value !== 'boolean') this.wrong([...path, key], 'true or false', value)
  }

  missing(key: string, path: PathSegment[]): undefined {
    this.problems.push({message: `missing required field "${key}"`, path: [...path, key]})
    return undefined
  }

  object(container: JsonObject, key: string, path: PathSegment[], required = false): JsonObject | undefined {
    const value = container[key]
    if (isAbsent(value)) {
      if (required) this.missing(key, path)
      return undefined
    }

    if (!isObject(value)) return this.wrong([...path, key], 'an object', value)
    return value
  }

  string(container: JsonObject, key: string, path: PathSegment[], options: {id?: boolean; required?: boolean} = {}): string | undefined {
    const value = container[key]
    if (isAbsent(value) || value === '') {
      if (options.required) this.missing(key, path)
      return undefined
    }

    if (typeof value !== 'string') return this.wrong([...path, key], 'text', value)
    if (options.id && !FLOW_ID_PATTERN.test(value)) {
      this.problems.push({message: `"${value}" is not a valid id: use letters, digits, "_" and "-"`, path: [...path, key]})
      return undefined
    }

    return value
  }

  stringArray(container: JsonObject, key: string, path: PathSegment[]): void {
    const list = this.array(container, key, path)
    if (!list) return
    for (const [index, item] of list.entries()) if (typeof item !== 'string') this.wrong([...path, key, index], 'text', item)
  }

  wrong(path: PathSegment[], expected: string, value: unknown): undefined {
    this.problems.push({message: `must be ${expected}, not ${describeJson(value)}`, path})
    return undefined
  }
}

/** `contents` (v2) or `dsl` (v1): the flow graph. */
function checkContents(check: Checks, contents: JsonObject, path: PathSegment[]): void {
  check.string(contents, 'startTask', path)
  const tasks = check.object(contents, 'tasks', path)
  if (!tasks) return
  for (const [taskId, task] of Object.entries(tasks)) if (!isObject(task)) check.wrong([...path, 'tasks', taskId], 'an object', task)
}

/** Screen ids must be unique within a flow. */
function checkUniqueIds(check: Checks, ids: Array<{id: string | undefined; path: PathSegment[]}>): void {
  const seen = new Map<string, PathSegment[]>()
  for (const {id, path} of ids) {
    if (id === undefined) continue
    const first = seen.get(id)
    if (first) check.problems.push({message: `duplicate screen id "${id}": already used by ${formatPath(first)}`, path})
    else seen.set(id, path)
  }
}

function checkV2(check: Checks, flow: JsonObject, path: PathSegment[]): void {
  check.string(flow, 'flowId', path)
  const metadata = check.object(flow, 'metadata', path, true)
  if (metadata) {
    const at = [...path, 'metadata']
    for (const key of ['name', 'description', 'componentsVersion']) check.string(metadata, key, at)
    for (const key of ['disabled', 'fingerprint', 'widget', 'management', 'referencesGlobalStrings']) check.boolean(metadata, key, at)
    const translation = check.object(metadata, 'translation', at)
    if (translation) {
      const translationAt = [...at, 'translation']
      check.boolean(translation, 'enabled', translationAt)
      check.string(translation, 'connectorId', translationAt)
      check.string(translation, 'sourceLanguage', translationAt)
      check.stringArray(translation, 'targetLanguages', translationAt)
    }

    check.array(metadata, 'sharedInteractions', at)
    check.object(metadata, 'managementConfig', at)
  }

  const contents = check.object(flow, 'contents', path, true)
  if (contents) checkContents(check, contents, [...path, 'contents'])
  const screens = check.array(flow, 'screens', path) ?? []
  const ids: Array<{id: string | undefined; path: PathSegment[]}> = []
  for (const [index, screen] of screens.entries()) {
    const at = [...path, 'screens', index]
    if (!isObject(screen)) {
      check.wrong(at, 'an object', screen)
      continue
    }

    ids.push({id: check.string(screen, 'screenId', at, {id: true, required: true}), path: [...at, 'screenId']})
    check.array(screen, 'interactions', at)
    check.object(screen, 'contents', at, true)
  }

  checkUniqueIds(check, ids)
  check.object(flow, 'references', path)
}

function checkV1(check: Checks, content: JsonObject): void {
  const flow = content.flow as JsonObject
  const at: PathSegment[] = ['flow']
  check.string(flow, 'id', at)
  for (const key of ['name', 'description', 'translateConnectorID', 'translateSourceLang']) check.string(flow, key, at)
  for (const key of ['disabled', 'translate', 'fingerprint', 'widget', 'management', 'referencesGlobalStrings']) check.boolean(flow, key, at)
  check.stringArray(flow, 'translateTargetLangs', at)
  check.array(flow, 'sharedInteractions', at)
  check.object(flow, 'managementConfig', at)
  const dsl = check.object(flow, 'dsl', at, true)
  if (dsl) checkContents(check, dsl, [...at, 'dsl'])
  const screens = check.array(content, 'screens', []) ?? []
  const ids: Array<{id: string | undefined; path: PathSegment[]}> = []
  for (const [index, screen] of screens.entries()) {
    const screenAt: PathSegment[] = ['screens', index]
    if (!isObject(screen)) {
      check.wrong(screenAt, 'an object', screen)
      continue
    }

    ids.push({id: check.string(screen, 'id', screenAt, {id: true, required: true}), path: [...screenAt, 'id']})
    check.object(screen, 'htmlTemplate', screenAt, true)
    check.array(screen, 'interactions', screenAt)
    check.array(screen, 'inputs', screenAt)
    check.string(screen, 'componentsVersion', screenAt)
  }

  checkUniqueIds(check, ids)
}

/** Every shape problem of parsed flow file content of a detected format, in file order of the checks. */
export function checkFlowShape(content: JsonObject, format: 'v1' | 'v2'): FlowShapeProblem[] {
  const check = new Checks()
  if (format === 'v1') checkV1(check, content)
  else if (isObject(content.flow)) checkV2(check, content.flow, ['flow'])
  else checkV2(check, content, [])
  return check.problems
}
