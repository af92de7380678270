/**
 * `${VAR}` and `${VAR:-default}` in string values, with `$${` for a literal `${`. Runs on the YAML
 * document before validation, so that every value keeps its position in the file.
 */
import {
  isMap, isScalar, isSeq, type Node, type Scalar,
} from 'yaml'

import type {ConfigProblem} from '../errors.js'
import type {Locator, Position} from './locate.js'
import type {ConfigSource} from './source.js'

import {formatPath, type PathSegment} from './path.js'

const variableName = /^[A-Za-z_][A-Za-z0-9_]*$/

export interface VariableReference {
  name: string
  /** The expression as written, e.g. `${PLAN:-gold}`. */
  expression: string
  /** Offset of the expression in the string. */
  offset: number
  /** Set when the variable is unset (or empty with a default) and a default was used. */
  usedDefault: boolean
  /** Unset and without a default: the value cannot be computed. */
  missing: boolean
}

export interface InterpolationSyntaxError {
  message: string
  hint?: string
  expression: string
  offset: number
}

export interface InterpolatedString {
  value: string
  references: VariableReference[]
  errors: InterpolationSyntaxError[]
}

/**
 * Replaces `${VAR}` and `${VAR:-default}` in one string. `:-` uses the default when the variable
 * is unset or empty, as in the shell; `$${` writes a literal `${`. Defaults cannot hold variables.
 */
export function interpolateString(input: string, env: NodeJS.ProcessEnv): InterpolatedString {
  const references: VariableReference[] = []
  const errors: InterpolationSyntaxError[] = []
  let value = ''
  let index = 0
  while (index < input.length) {
    if (input.startsWith('$${', index)) {
      value += '${'
      index += 3
      continue
    }

    if (!input.startsWith('${', index)) {
      value += input[index]
      index++
      continue
    }

    const end = input.indexOf('}', index + 2)
    if (end === -1) {
      const expression = input.slice(index)
      errors.push({
        expression, hint: 'close it with "}", or write "$${" for a literal "${"', message: 'unterminated "${"', offset: index,
      })
      value += expression
      break
    }

    const expression = input.slice(index, end + 1)
    const body = input.slice(index + 2, end)
    const separator = body.indexOf(':-')
    const name = separator === -1 ? body : body.slice(0, separator)
    const fallback = separator === -1 ? undefined : body.slice(separator + 2)
    index = end + 1
    if (!variableName.test(name)) {
      errors.push({
        expression,
        // eslint-disable-next-line no-template-curly-in-string -- shows the syntax
        hint: 'names are letters, digits and "_", not starting with a digit; defaults are written ${NAME:-default}',
        message: `invalid variable reference "${expression}"`,
        offset: index - expression.length,
      })
      value += expression
      continue
    }

    if (fallback?.includes('${')) {
      errors.push({
        expression,
        hint: 'a default cannot contain another variable',
        message: `nested variable in the default of "${name}"`,
        offset: index - expression.length,
      })
      value += expression
      continue
    }

    const set = env[name]
    const useDefault = fallback !== undefined && (set === undefined || set === '')
    const missing = set === undefined && fallback === undefined
    references.push({
      expression, missing, name, offset: index - expression.length, usedDefault: useDefault,
    })
    value += useDefault ? fallback : (set ?? '')
  }

  return {errors, references, value}
}

export interface InterpolateOptions {
  env: NodeJS.ProcessEnv
  /** The environment in use; unset variables in other environments are only warnings. */
  environment?: string
  locate: Locator
}

export interface InterpolationResult {
  problems: ConfigProblem[]
  warnings: ConfigProblem[]
  /** Dotted paths of the values that used at least one variable. */
  interpolated: Set<string>
  /** Dotted paths of the values left as written because a variable could not be replaced. */
  unresolved: Set<string>
}

/** An unquoted scalar that is one whole `${…}` takes the type its text reads as: 4, true. */
function retype(text: string): boolean | number | string {
  if (/^[-+]?\d+$/.test(text)) return Number(text)
  if (/^[-+]?(\d+\.\d*|\.\d+|\d+)([eE][-+]?\d+)?$/.test(text)) return Number(text)
  if (/^(true|True|TRUE)$/.test(text)) return true
  if (/^(false|False|FALSE)$/.test(text)) return false
  return text
}

/** The environment a path is inside, if any: `environments.<name>.…`. */
function environmentOf(path: readonly PathSegment[]): string | undefined {
  return path[0] === 'environments' && path.length >= 2 ? String(path[1]) : undefined
}

function envVariableName(environment: string): string {
  return environment.toUpperCase().replaceAll(/[^A-Z0-9]/g, '_')
}

/**
 * Interpolates every string value of a parsed configuration in place. Values whose variables are
 * unset in an environment other than the one in use are removed (they cannot be validated), with
 * one warning per environment.
 */
export function interpolateSource(source: ConfigSource, options: InterpolateOptions): InterpolationResult {
  const result: InterpolationResult = {
    interpolated: new Set(), problems: [], unresolved: new Set(), warnings: [],
  }
  const lenient = new Map<string, {names: string[]; position: Position; drop: Set<string>}>()
  const file = source.displayFile

  /** The position of an expression inside a scalar, when the source text shows it verbatim. */
  const positionIn = (node: Scalar, path: readonly PathSegment[], expression: string): Position => {
    const {range} = node
    if (source.text && source.lineCounter && range) {
      const at = source.text.slice(range[0], range[1]).indexOf(expression)
      if (at !== -1) {
        const {col, line} = source.lineCounter.linePos(range[0] + at)
        return {column: col, line}
      }
    }

    return options.locate(path)
  }

  const visitScalar = (node: Scalar, path: readonly PathSegment[]) => {
    const original = node.value as string
    const environment = environmentOf(path)
    if (
      path.length === 3
      && path[2] === 'managementKey'
      && environment !== undefined
      && source.format !== 'javascript'
      && !original.includes('${')
    ) {
      result.warnings.push({
        ...options.locate(path),
        file,
        hint: `write managementKey: \${${envVariableName(environment)}_MANAGEMENT_KEY} and set that variable`,
        message: 'the management key is written in the file: secrets belong in environment variables',
        path: formatPath(path),
      })
    }

    if (!original.includes('${')) return
    const interpolated = interpolateString(original, options.env)
    for (const error of interpolated.errors) {
      result.problems.push({
        ...positionIn(node, path, error.expression),
        file,
        hint: error.hint,
        message: error.message,
        path: formatPath(path),
      })
    }

    const missing = interpolated.references.filter(reference => reference.missing)
    if (interpolated.references.length > 0) result.interpolated.add(formatPath(path))
    if (missing.length > 0 && environment !== undefined && environment !== options.environment) {
      const entry = lenient.get(environment) ?? {drop: new Set<string>(), names: [], position: positionIn(node, path, missing[0].expression)}
      for (const reference of missing) if (!entry.names.includes(reference.name)) entry.names.push(reference.name)
      entry.drop.add(String(path[2] ?? ''))
      lenient.set(environment, entry)
      return
    }

    for (const reference of missing) {
      result.problems.push({
        ...positionIn(node, path, reference.expression),
        file,
        hint: `set it, or give a default: \${${reference.name}:-value}`,
        message: `environment variable ${reference.name} is not set`,
        path: formatPath(path),
      })
    }

    if (interpolated.errors.length > 0 || missing.length > 0) {
      result.unresolved.add(formatPath(path))
      return
    }

    const whole = /^\$\{[^}]*\}$/.test(original)
    node.value = whole && node.type === 'PLAIN' ? retype(interpolated.value) : interpolated.value
  }

  const visit = (node: unknown, path: PathSegment[]) => {
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? pair.key.value : pair.key
        if (typeof key === 'string' || typeof key === 'number') visit(pair.value, [...path, key])
      }
    } else if (isSeq(node)) {
      for (const [index, item] of node.items.entries()) visit(item, [...path, index])
    } else if (isScalar(node) && typeof node.value === 'string') {
      visitScalar(node, path)
    }
  }

  visit(source.root, [])

  // Fields of other environments that still hold unset variables cannot be checked: drop them.
  const environments = isMap(source.root) ? source.root.get('environments', true) : undefined
  for (const [environment, entry] of lenient) {
    const fields = isMap(environments) ? (environments.get(environment, true) as Node | undefined) : undefined
    if (isMap(fields)) for (const field of entry.drop) fields.delete(field)
    const [first, ...rest] = entry.names
    const names = rest.length === 0 ? `variable ${first} is` : `variables ${[first, ...rest].join(', ')} are`
    result.warnings.push({
      ...entry.position,
      file,
      message: `${names} not set (needed for -e ${environment})`,
      path: formatPath(['environments', environment]),
    })
  }

  return result
}

/**
 * Interpolates a plain configuration value in place (the light parse of a large file, which has
 * no positions). Returns undefined when anything would need a message (an unset variable, a bad
 * expression, a key written in the file) or when a value's type would depend on quoting, which
 * plain values no longer show: the caller then interpolates the positioned document instead.
 */
export function interpolatePlain(value: unknown, options: Omit<InterpolateOptions, 'locate'>): undefined | {value: unknown} {
  let clean = true
  // One path, grown and shrunk along the walk: a copy per value costs a large file tens of MB of garbage.
  const path: PathSegment[] = []
  const visit = (node: unknown): unknown => {
    if (!clean) return node
    if (Array.isArray(node)) {
      for (let index = 0; index < node.length; index++) {
        path.push(index)
        node[index] = visit(node[index])
        path.pop()
      }
    } else if (node !== null && typeof node === 'object') {
      const record = node as Record<string, unknown>
      for (const key in record) {
        if (!Object.hasOwn(record, key)) continue
        path.push(key)
        record[key] = visit(record[key])
        path.pop()
      }
    } else if (typeof node === 'string') {
      if (path.length === 3 && path[2] === 'managementKey' && environmentOf(path) !== undefined && !node.includes('${')) clean = false
      if (!clean) return node
      // js-yaml cuts values out of its own copy of the text, and V8 keeps such a slice (13
      // characters and more; it copies shorter ones) pointing into the whole copy, 1 MB for 10,000
      // tenants, as long as the configuration lives: a copy of the value lets that text go.
      if (!node.includes('${')) return node.length >= 13 ? structuredClone(node) : node
      const interpolated = interpolateString(node, options.env)
      const whole = /^\$\{[^}]*\}$/.test(node)
      if (interpolated.errors.length > 0 || interpolated.references.some(reference => reference.missing) || (whole && retype(interpolated.value) !== interpolated.value)) {
        clean = false
        return node
      }

      return interpolated.value
    }

    return node
  }

  const result = visit(value)
  return clean ? {value: result} : undefined
}
