import {closest, didYouMean} from '@descope-mgmt/shared/suggest'
/**
 * Validation of a configuration value: the zod schema, then the rules that span several fields,
 * every problem mapped to a ConfigProblem with its position, path, message and a hint.
 */
import {z} from 'zod'

import type {ConfigProblem} from '../errors.js'
import type {CheckContext} from './resources/types.js'

import {declaredTenantIds} from '../resources/tenants.js'
import {checkEnvironments} from './environment.js'
import {type Locator, noPosition} from './locate.js'
import {formatPath, isRecord, type PathSegment} from './path.js'
import {resourceChecks, resourceModules, sectionSingular} from './resources/index.js'
import {configSchema, type DescopeConfig} from './schema.js'

export interface ValidateOptions {
  /** File name used in problems. */
  file?: string
  /** Finds the line and column of a path; without it, problems have no position. */
  locate?: Locator
  /** Ids of tenants that exist in the live project: a `parent` may refer to them. */
  existingTenantIds?: Iterable<string>
  /** Names of permissions that exist in the live project: roles may refer to them. */
  existingPermissionNames?: Iterable<string>
  /** The environment in use: it must be defined. */
  environment?: string
  /** Folder of the configuration file: files it names (flows, theme) are read from there. */
  configDir?: string
}

export interface ValidationResult {
  /** The validated configuration; set only when there are no problems. */
  config?: DescopeConfig
  problems: ConfigProblem[]
  warnings: ConfigProblem[]
}

type Issue = z.core.$ZodIssue

interface SchemaNode {
  _zod: {def: {type: string; shape?: Record<string, SchemaNode>; element?: SchemaNode; valueType?: SchemaNode; innerType?: SchemaNode; in?: SchemaNode}}
}

const wrappers = new Set(['catch', 'default', 'nonoptional', 'nullable', 'optional', 'pipe', 'prefault', 'readonly'])

function unwrap(node: SchemaNode): SchemaNode {
  let current = node
  while (wrappers.has(current._zod.def.type)) {
    const inner = current._zod.def.innerType ?? current._zod.def.in
    if (!inner) break
    current = inner
  }

  return current
}

/** The schema at a path of the configuration, to list the fields allowed there. */
export function schemaAt(path: readonly PathSegment[]): SchemaNode | undefined {
  let current: SchemaNode | undefined = configSchema as unknown as SchemaNode
  for (const segment of path) {
    const {def}: SchemaNode['_zod'] = unwrap(current)._zod
    switch (def.type) {
    case 'object': {
      current = def.shape?.[String(segment)]
      break;
    }

    case 'array': {
      current = def.element
      break;
    }

    case 'record': {
      current = def.valueType
      break;
    }

    default: {return undefined
    }
    }

    if (!current) return undefined
  }

  return current && unwrap(current)
}

/** The field names allowed in the mapping at a path. */
export function fieldsAt(path: readonly PathSegment[]): string[] {
  const node = schemaAt(path)
  return node?._zod.def.type === 'object' ? Object.keys(node._zod.def.shape ?? {}) : []
}

const isSecretPath = (path: readonly PathSegment[]) => path.at(-1) === 'managementKey'

function describeValue(value: unknown, path: readonly PathSegment[]): string {
  if (value === null) return 'an empty value'
  if (Array.isArray(value)) return 'a list'
  if (typeof value === 'object') return 'a mapping'
  if (typeof value === 'string') {
    if (isSecretPath(path)) return 'text'
    return value.length > 40 ? `the text "${value.slice(0, 37)}..."` : `the text "${value}"`
  }

  return typeof value === 'number' ? `the number ${value}` : String(value)
}

const expectedNames: Record<string, string> = {
  array: 'a list',
  boolean: 'true or false',
  int: 'a whole number',
  null: 'empty',
  number: 'a number',
  object: 'a mapping',
  record: 'a mapping',
  string: 'text',
}

/** Generic messages; the schema's own messages (patterns, ranges) take precedence. */
const errorMap: z.core.$ZodErrorMap = issue => {
  switch (issue.code) {
  case 'invalid_value': {
    return `must be one of ${issue.values.map(value => JSON.stringify(value)).join(', ')}`
  }

  case 'too_small': {
    if (issue.origin === 'array') return `must have at least ${issue.minimum} item${Number(issue.minimum) === 1 ? '' : 's'}`
    if (issue.origin === 'string') return Number(issue.minimum) === 1 ? 'must not be empty' : `must be at least ${issue.minimum} characters`
    return `must be at least ${issue.minimum}`
  }

  case 'too_big': {
    if (issue.origin === 'array') return `must have at most ${issue.maximum} items`
    if (issue.origin === 'string') return `must be at most ${issue.maximum} characters`
    return `must be at most ${issue.maximum}`
  }

  case 'invalid_format': {
    return `must be a valid ${issue.format}`
  }

  default:
  }
}

interface Finding {
  path: PathSegment[]
  target: 'key' | 'value'
  message: string
  hint?: string
}

function typeFinding(issue: Extract<Issue, {code: 'invalid_type'}>): Finding {
  const path = issue.path as PathSegment[]
  const {input} = issue as {input?: unknown}
  const field = path.at(-1)
  if (input === undefined) {
    const hints: Record<string, string> = {
      environments: 'add at least one, e.g.  environments: {local: {emulator: true}}',
      name: 'every tenant needs a name',
      version: 'add `version: 1` at the top of the file',
    }
    return {
      hint: hints[String(field)], message: `missing required field "${String(field)}"`, path, target: 'value',
    }
  }

  const expected = expectedNames[issue.expected] ?? issue.expected
  if (path.length === 0) {
    return {
      hint: 'start with `version: 1` and `environments:`',
      message: `the configuration must be a mapping of fields (version, environments, tenants), not ${describeValue(input, path)}`,
      path,
      target: 'value',
    }
  }

  let hint: string | undefined
  if (issue.expected === 'boolean' && typeof input === 'string') hint = 'write true or false, without quotes'
  else if (issue.expected === 'string' && (typeof input === 'number' || typeof input === 'boolean')) hint = `quote it: "${String(input)}"`
  else if (issue.expected === 'array' && typeof input === 'string') hint = `write a list: [${input}]`
  else if (input === null) hint = 'write a value after the colon, or remove the field'
  else if ((issue.expected === 'int' || issue.expected === 'number') && typeof input === 'string') hint = 'write the number without quotes'
  return {
    hint, message: `must be ${expected}, not ${describeValue(input, path)}`, path, target: 'value',
  }
}

const missingHints: Record<string, string> = {
  environments: 'add at least one, e.g.  environments: {local: {emulator: true}}',
  version: 'add `version: 1` at the top of the file',
}

function missingHint(path: readonly PathSegment[]): string | undefined {
  const field = String(path.at(-1))
  if (field === 'name' && typeof path[0] === 'string' && sectionSingular[path[0]]) return `every ${sectionSingular[path[0]]} needs a name`
  return missingHints[field]
}

function findings(issue: Issue): Finding[] {
  const path = issue.path as PathSegment[]
  const {input} = issue as {input?: unknown}
  if (input === undefined && path.length > 0 && (issue.code === 'invalid_type' || issue.code === 'invalid_value')) {
    const field = String(path.at(-1))
    return [{
      hint: missingHint(path), message: `missing required field "${field}"`, path, target: 'value',
    }]
  }

  switch (issue.code) {
  case 'invalid_type': {
    return [typeFinding(issue)]
  }

  case 'unrecognized_keys': {
    const allowed = fieldsAt(path)
    return issue.keys.map(key => ({
      hint: didYouMean(key, allowed) ?? (allowed.length > 0 ? `allowed here: ${allowed.join(', ')}` : undefined),
      message: `unknown field "${key}"`,
      path: [...path, key],
      target: 'key' as const,
    }))
  }

  case 'invalid_key': {
    return [{message: issue.issues[0]?.message ?? issue.message, path, target: 'key'}]
  }

  case 'invalid_value': {
    if (path.length === 1 && path[0] === 'version') {
      const hint = 'this descope-mgmt reads version 1 files; a newer format needs a newer descope-mgmt'
      return [{
        hint, message: issue.message, path, target: 'value',
      }]
    }

    const match = typeof input === 'string' ? closest(input, issue.values.map(String)) : undefined
    const hint = match === undefined ? undefined : `did you mean "${match}"?`
    return [{
      hint, message: issue.message, path, target: 'value',
    }]
  }

  case 'invalid_union': {
    return [{message: issue.message, path, target: 'value'}]
  }

  default: {
    return [{message: issue.message, path, target: 'value'}]
  }
  }
}

/** Orders problems by position and drops exact duplicates. */
export function sortProblems(problems: ConfigProblem[]): ConfigProblem[] {
  const seen = new Set<string>()
  return problems
  .filter(problem => {
    const key = `${problem.line}:${problem.column}:${problem.path}:${problem.message}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
  .map((problem, index) => ({index, problem}))
  .sort((a, b) =>
    (a.problem.line ?? Number.MAX_SAFE_INTEGER) - (b.problem.line ?? Number.MAX_SAFE_INTEGER)
    || (a.problem.column ?? 0) - (b.problem.column ?? 0)
    || a.index - b.index)
  .map(({problem}) => problem)
}

/**
 * Validates a configuration value (already interpolated). Reports every problem found: schema
 * errors and cross-field rules both run, the latter on the raw value, even when the schema fails.
 */
export function validateConfig(input: unknown, options: ValidateOptions = {}): ValidationResult {
  const file = options.file ?? '<config>'
  const locate = options.locate ?? noPosition
  const problems: ConfigProblem[] = []
  const warnings: ConfigProblem[] = []
  const toProblem = (path: readonly PathSegment[], message: string, hint: string | undefined, target: 'key' | 'value' = 'value'): ConfigProblem => ({
    ...locate(path, target),
    file,
    ...(hint === undefined ? {} : {hint}),
    message,
    ...(path.length === 0 ? {} : {path: formatPath(path)}),
  })

  // The rules run first, so that what they build of a large configuration is gone before the schema
  // makes its copy of it; their problems still come after the schema's.
  const ruled: ConfigProblem[] = []
  if (isRecord(input)) {
    const context: CheckContext = {
      configDir: options.configDir,
      error: (path, message, hint) => ruled.push(toProblem(path, message, hint)),
      existingPermissionNames: options.existingPermissionNames === undefined ? undefined : new Set(options.existingPermissionNames),
      existingTenantIds: options.existingTenantIds === undefined ? undefined : new Set(options.existingTenantIds),
      lineOf: path => locate(path).line,
      warn: (path, message, hint) => warnings.push(toProblem(path, message, hint)),
    }
    for (const check of resourceChecks) check(input, context)
    // Read only for a `protect` list: a large file's tenants cost every other configuration nothing.
    let declared: Set<string> | undefined
    checkEnvironments(input, () => {
      declared ??= declaredTenantIds(input)
      return declared
    }, context)

    if (options.environment !== undefined && isRecord(input.environments) && !(options.environment in input.environments)) {
      const names = Object.keys(input.environments)
      ruled.push(toProblem(
        ['environments'],
        `environment "${options.environment}" is not defined`,
        didYouMean(options.environment, names) ?? `defined: ${names.join(', ')}`,
        'key',
      ))
    }
  }

  const parsed = configSchema.safeParse(input, {error: errorMap, reportInput: true})
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      for (const finding of findings(issue)) problems.push(toProblem(finding.path, finding.message, finding.hint, finding.target))
    }
  }

  problems.push(...ruled)
  const sorted = sortProblems(problems)
  return {
    config: sorted.length === 0 && parsed.success ? parsed.data : undefined,
    problems: sorted,
    warnings: sortProblems(warnings),
  }
}

/** Entries per section present in a configuration value ({tenants: 3, environments: 2}), for summaries. */
export function countConfig(input: unknown): Record<string, number> {
  const raw = isRecord(input) ? input : {}
  const counts: Record<string, number> = {environments: isRecord(raw.environments) ? Object.keys(raw.environments).length : 0}
  for (const module of resourceModules) {
    if (module.key in raw) counts[module.noun] = module.count(raw)
  }

  return counts
}
