#!/usr/bin/env node
/**
 * The configuration reference of README.md: the section between `<!-- config-reference -->` and
 * `<!-- config-reference-stop -->`, rendered from schema/descope-mgmt.schema.json. One table per
 * object of the file (the top level, each section, the items of each list, the entries of each
 * map), with each field's type and constraints, whether it is required and its description.
 *
 * Run directly (`npm run schema` does) to rewrite that section; `npm run readme` runs it after
 * `oclif readme`. A test fails when the README section differs from what this renders.
 */
import {readFile, writeFile} from 'node:fs/promises'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

export const START_MARKER = '<!-- config-reference -->'
export const STOP_MARKER = '<!-- config-reference-stop -->'
export const SCHEMA_FILE = 'schema/descope-mgmt.schema.json'
export const README_FILE = 'README.md'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

/** Bounds zod writes for whole numbers: no bound a reader needs to see. */
const UNBOUNDED = new Set([Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER])
const FORMATS = {
  'date-time': 'date and time', email: 'email address', uri: 'URI', uuid: 'UUID',
}

const isObject = value => Boolean(value) && typeof value === 'object' && !Array.isArray(value)

/** The schema a `$ref` (`#/definitions/X`, `#/$defs/X`, any local JSON pointer) points to. */
function resolve(schema, node, seen = new Set()) {
  if (!isObject(node) || typeof node.$ref !== 'string') return node
  if (seen.has(node.$ref)) throw new Error(`circular $ref ${node.$ref}`)
  if (!node.$ref.startsWith('#')) throw new Error(`only local $ref are supported, not ${node.$ref}`)
  const target = node.$ref
  .slice(1)
  .split('/')
  .filter(Boolean)
  .map(part => decodeURIComponent(part).replaceAll('~1', '/').replaceAll('~0', '~'))
  .reduce((at, part) => (isObject(at) ? at[part] : undefined), schema)
  if (!isObject(target)) throw new Error(`unresolved $ref ${node.$ref}`)
  const {$ref, ...siblings} = node
  return {...resolve(schema, target, new Set([$ref, ...seen])), ...siblings}
}

/** The alternatives of an anyOf/oneOf, or undefined. */
function alternatives(node) {
  const list = node.anyOf ?? node.oneOf
  return Array.isArray(list) && list.length > 0 ? list : undefined
}

/** The object a field holds, directly, as the items of a list, or as the values of a map: it gets its own table. */
function nestedObject(schema, node) {
  if (isObject(node.properties)) return {object: node, suffix: ''}
  const items = isObject(node.items) ? resolve(schema, node.items) : undefined
  if (items && isObject(items.properties)) return {object: items, suffix: '[]'}
  const values = isObject(node.additionalProperties) ? resolve(schema, node.additionalProperties) : undefined
  if (values && isObject(values.properties)) return {object: values, suffix: '.<name>'}
}

/** A code span that holds any text, backticks included. */
function code(text) {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map(([run]) => run.length))
  const fence = '`'.repeat(longest + 1)
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : ''
  return `${fence}${pad}${text}${pad}${fence}`
}

/** Prose for Markdown: one line, and `<` outside code spans shown as is rather than taken for HTML. */
function prose(text) {
  return text
  .replaceAll(/\s*\n\s*/g, ' ')
  .split(/(`+[^`]*`+)/)
  .map((part, index) => (index % 2 === 1 ? part : part.replaceAll('<', '&lt;')))
  .join('')
}

/** A table cell: a `|` would end it, even inside a code span. */
function cell(text) {
  return text.replaceAll('|', String.raw`\|`)
}

const AMBIGUOUS = /^(?:~|null|true|false|yes|no|on|off|[-+]?(?:\d[\d_]*(?:\.\d*)?|\.\d+)(?:e[-+]?\d+)?|[-+]?\.inf|\.nan)$/i

/** A value as it would be written in the YAML file (flow style for lists and maps). */
function yaml(value, inFlow = false) {
  if (Array.isArray(value)) return `[${value.map(item => yaml(item, true)).join(', ')}]`
  if (isObject(value)) return `{${Object.entries(value).map(([key, item]) => `${yaml(key, true)}: ${yaml(item, true)}`).join(', ')}}`
  if (typeof value !== 'string') return JSON.stringify(value)
  const quoted = [
    value === '',
    value.trim() !== value,
    AMBIGUOUS.test(value),
    /^[-?:,[\]{}#&*!|>'"%@`]/.test(value),
    /: | #/.test(value),
    inFlow && /[,[\]{}:#]/.test(value),
  ]
  return quoted.some(Boolean) ? JSON.stringify(value) : value
}

/** A type inside another (the items of a list, the values of a map), in parentheses when it has several parts. */
function grouped(text) {
  return /, | \| /.test(text.replaceAll(/`[^`]*`/g, '')) ? `(${text})` : text
}

function numberRange(node) {
  const low = node.exclusiveMinimum ?? node.minimum
  const high = node.exclusiveMaximum ?? node.maximum
  const hasLow = typeof low === 'number' && !UNBOUNDED.has(low)
  const hasHigh = typeof high === 'number' && !UNBOUNDED.has(high)
  if (hasLow && hasHigh && node.exclusiveMinimum === undefined && node.exclusiveMaximum === undefined) return `from ${low} to ${high}`
  const bounds = []
  if (hasLow) bounds.push(`${node.exclusiveMinimum === undefined ? '≥' : '>'} ${low}`)
  if (hasHigh) bounds.push(`${node.exclusiveMaximum === undefined ? '≤' : '<'} ${high}`)
  return bounds.join(' and ')
}

function countRange(low, high, unit) {
  const hasLow = typeof low === 'number' && low > 0
  const hasHigh = typeof high === 'number'
  if (hasLow && hasHigh) return low === high ? `exactly ${low} ${unit}` : `${low}–${high} ${unit}`
  if (hasLow) return low === 1 && unit === 'characters' ? 'not empty' : `at least ${low} ${unit}`
  if (hasHigh) return `at most ${high} ${unit}`
  return ''
}

/**
 * The type of a field with the constraints the schema gives: allowed values, pattern, range,
 * length, format, default. `link` is the table of the object the field holds, if it has one.
 */
function typeOf(schema, node, link) {
  node = resolve(schema, node)
  const suffix = 'default' in node ? `, default ${code(yaml(node.default))}` : ''
  return describe(schema, node, link) + suffix
}

function describe(schema, node, link) {
  const choices = alternatives(node)
  if (choices) return choices.map(choice => typeOf(schema, choice, link)).join(' | ')
  if ('const' in node) return code(yaml(node.const))
  if (Array.isArray(node.enum)) {
    const values = node.enum.map(value => code(JSON.stringify(value)))
    return values.length === 1 ? values[0] : `one of ${values.join(', ')}`
  }

  const type = Array.isArray(node.type) ? node.type.join(' | ') : node.type
  switch (type) {
  case 'array': {
    const items = isObject(node.items) ? resolve(schema, node.items) : undefined
    let text = 'array'
    if (items && isObject(items.properties)) text = `array of objects (${link})`
    else if (items) text = `array of ${grouped(typeOf(schema, items))}`
    const extra = [countRange(node.minItems, node.maxItems, 'items'), node.uniqueItems ? 'no duplicates' : ''].filter(Boolean)
    return [text, ...extra].join(', ')
  }

  case 'boolean':
  case 'null': {
    return type
  }

  case 'integer':
  case 'number': {
    const range = numberRange(node)
    return range ? `${type} ${range}` : type
  }

  case 'object':
  case undefined: {
    if (isObject(node.properties)) return link ? `object (${link})` : 'object'
    if (isObject(node.additionalProperties) || isObject(node.propertyNames)) {
      const names = isObject(node.propertyNames) ? resolve(schema, node.propertyNames) : {}
      const keys = typeof names.pattern === 'string' ? `names matching ${code(names.pattern)}` : 'names'
      const values = isObject(node.additionalProperties) ? resolve(schema, node.additionalProperties) : {}
      const valueText = isObject(values.properties) ? `objects (${link})` : grouped(typeOf(schema, values))
      const count = countRange(node.minProperties, node.maxProperties, node.minProperties === 1 && node.maxProperties === undefined ? 'entry' : 'entries')
      return `map from ${keys} to ${valueText}${count ? `, ${count}` : ''}`
    }

    return type ?? 'any value'
  }

  case 'string': {
    let text = 'string'
    if (typeof node.format === 'string') text += ` (${FORMATS[node.format] ?? node.format})`
    if (typeof node.pattern === 'string') text += ` matching ${code(node.pattern)}`
    const length = countRange(node.minLength, node.maxLength, 'characters')
    return length ? `${text}, ${length}` : text
  }

  default: {
    return type
  }
  }
}

function descriptionOf(node) {
  const text = typeof node.description === 'string' ? node.description : (typeof node.title === 'string' ? node.title : '')
  const examples = Array.isArray(node.examples) ? node.examples : []
  const example = examples.length === 0 ? '' : `${examples.length === 1 ? 'Example' : 'Examples'}: ${examples.map(value => code(yaml(value))).join(', ')}.`
  const sentence = example && text && !/[.!?]$/.test(text) ? `${text}.` : text
  return [prose(sentence), example].filter(Boolean).join(' ')
}

/** The GitHub anchor of a heading. */
function anchorOf(heading) {
  return heading
  .replaceAll('`', '')
  .toLowerCase()
  .replaceAll(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
  .replaceAll(' ', '-')
}

/**
 * One section per object of the configuration file, in the order of the schema, each followed by
 * the objects its fields hold. `path` names where the object is: '' for the top level, `cache`,
 * `tenants[]` (the items of a list), `environments.<name>` (the values of a map).
 */
export function referenceSections(schema) {
  const sections = []
  const visit = (object, at, heading, fieldDescription) => {
    // An object that is itself the field (not the items of a list or the values of a map) is described in its parent's table.
    const description = descriptionOf({...object, examples: undefined})
    const section = {
      anchor: anchorOf(heading),
      closed: object.additionalProperties === false,
      description: description === fieldDescription ? '' : description,
      heading,
      path: at,
      rows: [],
    }
    sections.push(section)
    const required = new Set(Array.isArray(object.required) ? object.required : [])
    const children = []
    for (const [name, child] of Object.entries(object.properties ?? {})) {
      const field = resolve(schema, child)
      const nested = nestedObject(schema, field)
      const childPath = `${at === '' ? '' : `${at}.`}${name}${nested?.suffix ?? ''}`
      const description = descriptionOf(field)
      let link
      if (nested) {
        const childHeading = `${code(childPath)}${typeof nested.object.title === 'string' ? `: ${nested.object.title}` : ''}`
        link = `see [${code(childPath)}](#${anchorOf(childHeading)})`
        children.push([nested.object, childPath, childHeading, descriptionOf({...field, examples: undefined})])
      }

      section.rows.push({
        description, field: name, required: required.has(name), type: typeOf(schema, field, link),
      })
    }

    for (const child of children) visit(...child)
  }

  visit(resolve(schema, schema), '', 'Top level')
  return sections
}

/** The Markdown between the markers (without them), ending with a newline. */
export function renderConfigReference(schema) {
  const sections = referenceSections(schema)
  const lines = [
    `Every field of the configuration file, from ${code(SCHEMA_FILE)}.`
    + (sections.every(section => section.closed) ? ' A field not listed here is an error.' : ''),
    '',
    sections.map(section => `[${section.heading}](#${section.anchor})`).join(' · '),
  ]
  for (const section of sections) {
    lines.push('', `#### ${section.heading}`, '')
    if (section.description) lines.push(section.description, '')
    lines.push('| field | type | required | description |', '| --- | --- | --- | --- |')
    for (const row of section.rows) {
      lines.push(`| ${[code(row.field), row.type, row.required ? 'yes' : 'no', row.description].map(text => cell(text)).join(' | ')} |`)
    }
  }

  return `${lines.join('\n')}\n`
}

/** The text between the markers of a README, or undefined when they are missing. */
export function readmeConfigReference(readme) {
  const start = readme.indexOf(START_MARKER)
  const stop = readme.indexOf(STOP_MARKER)
  if (start === -1 || stop < start) return
  return readme.slice(start + START_MARKER.length, stop).replace(/^\r?\n/, '')
}

/** The README with the text between the markers replaced. */
export function replaceConfigReference(readme, reference) {
  const start = readme.indexOf(START_MARKER)
  const stop = readme.indexOf(STOP_MARKER)
  if (start === -1 || stop < start) throw new Error(`${README_FILE} has no ${START_MARKER} … ${STOP_MARKER} section.`)
  return `${readme.slice(0, start + START_MARKER.length)}\n${reference}${readme.slice(stop)}`
}

/** Rewrites the section of README.md from the schema file; true when the README changed. */
export async function updateReadmeConfigReference(directory = root) {
  const schema = JSON.parse(await readFile(path.join(directory, SCHEMA_FILE), 'utf8'))
  const readmeFile = path.join(directory, README_FILE)
  const readme = await readFile(readmeFile, 'utf8')
  const updated = replaceConfigReference(readme, renderConfigReference(schema))
  if (updated === readme) return false
  await writeFile(readmeFile, updated)
  return true
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const changed = await updateReadmeConfigReference()
    console.log(changed ? `Updated the configuration reference in ${README_FILE}.` : `The configuration reference in ${README_FILE} is up to date.`)
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error))
    process.exit(1)
  }
}
