import type {JsonObject} from './types.js'

/**
 * Shape checks for flow, theme and snapshot payloads. A `Checker` collects every problem (so a
 * snapshot validation can report them all) and turns them into one EmulatorError on request:
 * any missing required field → `missingArgument` (E011002), otherwise `invalidArgument` (E011003).
 * Optional fields set to `""` or `null` count as not provided (go-sdk sends zero values).
 */
import {EmulatorError} from './errors.js'
import {FLOW_ID_PATTERN, isObject} from './flow-format.js'

export interface Problem {
  kind: 'invalid' | 'missing'
  message: string
}

const isAbsent = (value: unknown): boolean => value === undefined || value === null

export class Checker {
  readonly problems: Problem[] = []

  get ok(): boolean {
    return this.problems.length === 0
  }

  missing(path: string): void {
    this.problems.push({kind: 'missing', message: `"${path}" is required`})
  }

  invalid(path: string, message: string): void {
    this.problems.push({kind: 'invalid', message: `"${path}" ${message}`})
  }

  /** A string member; `""`/null count as absent. With `pattern`, a present value must match it. */
  string(container: JsonObject, key: string, path: string, options: {pattern?: RegExp; required?: boolean} = {}): string | undefined {
    const value = container[key]
    if (isAbsent(value) || value === '') {
      if (options.required) this.missing(path)
      return undefined
    }

    if (typeof value !== 'string') {
      this.invalid(path, 'must be a string')
      return undefined
    }

    if (options.pattern && !options.pattern.test(value)) {
      this.invalid(path, `must match ${options.pattern.source}`)
      return undefined
    }

    return value
  }

  object(container: JsonObject, key: string, path: string, required = false): JsonObject | undefined {
    const value = container[key]
    if (isAbsent(value)) {
      if (required) this.missing(path)
      return undefined
    }

    if (!isObject(value)) {
      this.invalid(path, 'must be an object')
      return undefined
    }

    return value
  }

  array(container: JsonObject, key: string, path: string, required = false): unknown[] | undefined {
    const value = container[key]
    if (isAbsent(value)) {
      if (required) this.missing(path)
      return undefined
    }

    if (!Array.isArray(value)) {
      this.invalid(path, 'must be an array')
      return undefined
    }

    return value
  }

  stringArray(container: JsonObject, key: string, path: string, required = false): string[] | undefined {
    const value = this.array(container, key, path, required)
    if (value === undefined) return undefined
    if (!value.every(item => typeof item === 'string')) {
      this.invalid(path, 'must be an array of strings')
      return undefined
    }

    return value as string[]
  }

  boolean(container: JsonObject, key: string, path: string): boolean | undefined {
    const value = container[key]
    if (isAbsent(value)) return undefined
    if (typeof value !== 'boolean') {
      this.invalid(path, 'must be a boolean')
      return undefined
    }

    return value
  }

  number(container: JsonObject, key: string, path: string): number | undefined {
    const value = container[key]
    if (isAbsent(value)) return undefined
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      this.invalid(path, 'must be a number')
      return undefined
    }

    return value
  }

  /** The problems as one message, e.g. for a snapshot failure list. */
  messages(): string[] {
    return this.problems.map(problem => problem.message)
  }

  /** Throws one EmulatorError describing every problem, if there are any. */
  throwIfAny(): void {
    if (this.ok) return
    const kind = this.problems.some(problem => problem.kind === 'missing') ? 'missingArgument' : 'invalidArgument'
    throw new EmulatorError(kind, this.messages().join('; '))
  }
}

// ---------------------------------------------------------------------------------------------
// Flows

/** Checks the v2 flow metadata members the emulator reads (unknown members are kept as given). */
export function checkFlowMetadata(check: Checker, metadata: JsonObject, path: string): void {
  for (const key of ['name', 'description', 'componentsVersion']) check.string(metadata, key, `${path}.${key}`)
  for (const key of ['disabled', 'fingerprint', 'widget', 'management']) check.boolean(metadata, key, `${path}.${key}`)
  const translation = check.object(metadata, 'translation', `${path}.translation`)
  if (translation) {
    check.boolean(translation, 'enabled', `${path}.translation.enabled`)
    check.string(translation, 'connectorId', `${path}.translation.connectorId`)
    check.string(translation, 'sourceLanguage', `${path}.translation.sourceLanguage`)
    check.stringArray(translation, 'targetLanguages', `${path}.translation.targetLanguages`)
  }

  check.array(metadata, 'sharedInteractions', `${path}.sharedInteractions`)
  check.object(metadata, 'managementConfig', `${path}.managementConfig`)
}

/** Checks a flow graph (`contents` / v1 `dsl`): `startTask` a string and `tasks` an object of objects. */
export function checkFlowContents(check: Checker, contents: JsonObject, path: string): void {
  check.string(contents, 'startTask', `${path}.startTask`)
  const tasks = check.object(contents, 'tasks', `${path}.tasks`)
  if (!tasks) return
  for (const [taskId, task] of Object.entries(tasks)) {
    if (!isObject(task)) check.invalid(`${path}.tasks.${taskId}`, 'must be an object')
  }
}

/** Checks a v2 screen list; returns the screen ids. */
export function checkFlowV2Screens(check: Checker, screens: unknown[], path: string): string[] {
  const ids: string[] = []
  for (const [index, screen] of screens.entries()) {
    const screenPath = `${path}[${index}]`
    if (!isObject(screen)) {
      check.invalid(screenPath, 'must be an object')
      continue
    }

    const id = check.string(screen, 'screenId', `${screenPath}.screenId`, {pattern: FLOW_ID_PATTERN, required: true})
    check.array(screen, 'interactions', `${screenPath}.interactions`)
    check.object(screen, 'contents', `${screenPath}.contents`, true)
    if (id !== undefined) {
      if (ids.includes(id)) check.invalid(`${screenPath}.screenId`, `duplicates screen ${id}`)
      ids.push(id)
    }
  }

  return ids
}

/** Checks a v2 flow (`/v2/mgmt/flow/import` `flow`). */
export function checkFlowV2(check: Checker, flow: JsonObject, path: string): void {
  check.string(flow, 'flowId', `${path}.flowId`, {pattern: FLOW_ID_PATTERN, required: true})
  const metadata = check.object(flow, 'metadata', `${path}.metadata`, true)
  if (metadata) checkFlowMetadata(check, metadata, `${path}.metadata`)
  const contents = check.object(flow, 'contents', `${path}.contents`, true)
  if (contents) checkFlowContents(check, contents, `${path}.contents`)
  const screens = check.array(flow, 'screens', `${path}.screens`)
  if (screens) checkFlowV2Screens(check, screens, `${path}.screens`)
  check.object(flow, 'references', `${path}.references`)
}

/** Checks a v1 flow (`/v1/mgmt/flow/import` `flow`). */
export function checkFlowV1(check: Checker, flow: JsonObject, path: string): void {
  check.string(flow, 'id', `${path}.id`, {pattern: FLOW_ID_PATTERN})
  for (const key of ['name', 'description', 'translateConnectorID', 'translateSourceLang', 'etag']) check.string(flow, key, `${path}.${key}`)
  for (const key of ['disabled', 'translate', 'fingerprint', 'widget', 'management', 'referencesGlobalStrings']) {
    check.boolean(flow, key, `${path}.${key}`)
  }

  check.stringArray(flow, 'translateTargetLangs', `${path}.translateTargetLangs`)
  check.array(flow, 'sharedInteractions', `${path}.sharedInteractions`)
  check.object(flow, 'managementConfig', `${path}.managementConfig`)
  const dsl = check.object(flow, 'dsl', `${path}.dsl`, true)
  if (dsl) checkFlowContents(check, dsl, `${path}.dsl`)
}

/** Checks a v1 screen list (`/v1/mgmt/flow/import` `screens`). */
export function checkFlowV1Screens(check: Checker, screens: unknown[], path: string): void {
  const ids: string[] = []
  for (const [index, screen] of screens.entries()) {
    const screenPath = `${path}[${index}]`
    if (!isObject(screen)) {
      check.invalid(screenPath, 'must be an object')
      continue
    }

    const id = check.string(screen, 'id', `${screenPath}.id`, {pattern: FLOW_ID_PATTERN, required: true})
    check.object(screen, 'htmlTemplate', `${screenPath}.htmlTemplate`, true)
    check.array(screen, 'interactions', `${screenPath}.interactions`)
    check.array(screen, 'inputs', `${screenPath}.inputs`)
    check.string(screen, 'componentsVersion', `${screenPath}.componentsVersion`)
    if (id !== undefined) {
      if (ids.includes(id)) check.invalid(`${screenPath}.id`, `duplicates screen ${id}`)
      ids.push(id)
    }
  }
}
