/**
 * Reading a configuration file safely (size, binary, encoding) and parsing it into a YAML document
 * that keeps source positions, whatever its format: YAML, JSON (JSON is YAML), the `descope`
 * property of package.json, or the default export of a JavaScript module.
 */
import {readFile, stat} from 'node:fs/promises'
import path from 'node:path'
import {pathToFileURL} from 'node:url'
import {
  Document, isMap, isScalar, LineCounter, type Node, parseDocument, type YAMLError,
} from 'yaml'

import {CliError, type ConfigProblem, ExitCode} from '../errors.js'
import {decodeText, formatSize} from './text.js'

/** Configuration files larger than this are refused before parsing. */
export const MAX_CONFIG_BYTES = 10 * 1024 * 1024
/** Most alias expansions YAML may do; guards against "billion laughs" documents. */
export const MAX_ALIAS_COUNT = 100

export type ConfigFormat = 'javascript' | 'json' | 'package.json' | 'yaml'

export interface ConfigSource {
  /** Absolute path. */
  file: string
  /** The path as shown in messages: relative to the working folder when inside it. */
  displayFile: string
  format: ConfigFormat
  /** The parsed document; absent when the file could not be read or parsed at all. */
  doc?: Document
  /** The node holding the configuration (the document root, or `descope` of package.json). */
  root?: Node | null
  /** Set for text formats: turns offsets into lines and columns. */
  lineCounter?: LineCounter
  /** The decoded text (without BOM), for text formats. */
  text?: string
  /** Problems that stop loading (unreadable, binary, empty, YAML syntax). */
  problems: ConfigProblem[]
  /** Notes from the parser that do not stop loading. */
  warnings: ConfigProblem[]
  /** A package.json without a `descope` property (discovery skips it). */
  packagePropertyMissing?: boolean
  /** The text is read but not parsed yet (`deferLarge`); `parseDeferred` parses it. */
  deferred?: boolean
}

export interface ReadOptions {
  /** Folder that relative display paths are relative to. Default: process.cwd(). */
  cwd?: string
  maxBytes?: number
  /**
   * Keep the text of a large YAML or JSON file unparsed (`deferred`): the caller tries the light
   * parse first and calls `parseDeferred` when it needs positions.
   */
  deferLarge?: boolean
}

/**
 * From this size on, a positioned parse costs far more than the light one (about 100 bytes of memory
 * per byte of text, and most of it survives long enough to grow V8's young generation): at 16 KiB
 * (about 150 tenants) the positioned parse costs under 2 MB; the 110 KiB of 1,000 tenants cost
 * 25 MB of peak RSS in `drift` (120 MB, 92 MB through the light parse).
 */
export const LARGE_CONFIG_BYTES = 16 * 1024

export function displayPath(file: string, cwd = process.cwd()): string {
  const relative = path.relative(cwd, file)
  return relative === '' || relative.startsWith('..') || path.isAbsolute(relative) ? file : relative
}

export function formatOf(file: string): ConfigFormat {
  const base = path.basename(file)
  if (base === 'package.json') return 'package.json'
  const extension = path.extname(base).toLowerCase()
  if (['.cjs', '.js', '.mjs'].includes(extension)) return 'javascript'
  if (extension === '.json') return 'json'
  return 'yaml'
}

const yamlHints: Record<string, string> = {
  BAD_INDENT: 'check the indentation: nested fields need more spaces than their parent',
  DUPLICATE_KEY: 'each key may appear only once in a mapping',
  MULTIPLE_DOCS: 'a configuration file holds one YAML document: remove the `---` separator',
  TAB_AS_INDENT: 'indent with spaces, not tabs',
}

function yamlProblem(source: ConfigSource, error: YAMLError): ConfigProblem {
  const position = source.lineCounter?.linePos(error.pos[0])
  let message = error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')
  if (error.code === 'DUPLICATE_KEY' && source.text) {
    const key = /^(?:"([^"]*)"|'([^']*)'|([^:#\r\n]*[^\s:#]))/.exec(source.text.slice(error.pos[0]))
    message = `duplicate key "${key?.[1] ?? key?.[2] ?? key?.[3] ?? ''}"`
  }

  if (error.code === 'MULTIPLE_DOCS') message = 'the file holds more than one YAML document'

  const lineText = position && source.text ? source.text.split('\n')[position.line - 1] : ''
  const flowVariable = /[[{][^\n]*(?<!["'$])\$\{/.test(lineText ?? '')
  return {
    column: position?.col,
    file: source.displayFile,
    // eslint-disable-next-line no-template-curly-in-string -- shows the syntax
    hint: flowVariable && error.code !== 'DUPLICATE_KEY' ? 'inside [ ] and { }, quote values that use variables: "${VAR}"' : yamlHints[error.code],
    line: position?.line,
    message: error.code === 'DUPLICATE_KEY' ? message : `YAML syntax error: ${message}`,
  }
}

/** Turns the raw bytes into text, or reports why they are not a UTF-8 text file. */
function decode(buffer: Buffer, source: ConfigSource): string | undefined {
  const decoded = decodeText(buffer)
  if ('text' in decoded) return decoded.text
  const {problem} = decoded
  const binary = problem.reason === 'binary'
  source.problems.push({
    file: source.displayFile,
    hint: binary ? 'check the --config path' : problem.hint,
    line: problem.line,
    message: binary ? 'the file contains NUL bytes: it looks like a binary file, not a configuration file' : problem.message,
  })
  return undefined
}

async function importModule(file: string, source: ConfigSource): Promise<unknown> {
  try {
    const loaded = (await import(pathToFileURL(file).href)) as {default?: unknown}
    if (loaded.default === undefined) {
      source.problems.push({
        file: source.displayFile,
        hint: 'write `export default {version: 1, environments: {...}}` (or `module.exports = ...`)',
        message: 'the module has no default export',
      })
    }

    return loaded.default
  } catch (error) {
    source.problems.push({
      file: source.displayFile,
      message: `the module could not be loaded: ${error instanceof Error ? error.message : String(error)}`,
    })
    return undefined
  }
}

function parseText(text: string, source: ConfigSource): void {
  source.text = text
  source.lineCounter = new LineCounter()
  const doc = parseDocument(text, {
    lineCounter: source.lineCounter,
    merge: true,
    prettyErrors: false,
    uniqueKeys: true,
  })
  source.doc = doc
  source.root = doc.contents
  // One syntax error usually causes several more on the same line: keep the first of each line.
  const lines = new Set<number | undefined>()
  for (const error of doc.errors) {
    const problem = yamlProblem(source, error)
    if (error.code !== 'DUPLICATE_KEY' && lines.has(problem.line)) continue
    lines.add(problem.line)
    source.problems.push(problem)
  }

  for (const warning of doc.warnings) {
    const problem = yamlProblem(source, warning)
    source.warnings.push({...problem, hint: undefined, message: problem.message.replace(/^YAML syntax error: /, 'YAML: ')})
  }
}

/** Picks the `descope` property of a parsed package.json; undefined when it has none. */
function packageProperty(source: ConfigSource): Node | null | undefined {
  const {root} = source
  if (!isMap(root)) return undefined
  const pair = root.items.find(item => isScalar(item.key) && item.key.value === 'descope')
  return pair ? (pair.value as Node | null) : undefined
}

/**
 * Reads and parses one configuration file. Never throws for problems in the file (they are in
 * `problems`); throws a CliError when the path does not name a readable file.
 */
export async function readConfigSource(file: string, options: ReadOptions = {}): Promise<ConfigSource> {
  const absolute = path.resolve(options.cwd ?? process.cwd(), file)
  const source: ConfigSource = {
    displayFile: displayPath(absolute, options.cwd),
    file: absolute,
    format: formatOf(absolute),
    problems: [],
    warnings: [],
  }
  const maxBytes = options.maxBytes ?? MAX_CONFIG_BYTES

  let size: number
  try {
    const info = await stat(absolute)
    if (info.isDirectory()) {
      throw new CliError(`The configuration path ${source.displayFile} is a folder, not a file.`, {
        code: 'config_not_found',
        exitCode: ExitCode.InvalidInput,
        hint: 'Point --config to a file such as descope.yaml.',
      })
    }

    size = info.size
  } catch (error) {
    if (error instanceof CliError) throw error
    throw new CliError(`The configuration file ${source.displayFile} does not exist.`, {
      cause: error,
      code: 'config_not_found',
      exitCode: ExitCode.InvalidInput,
      hint: 'Check the --config path, or run `descope-mgmt init` to write a configuration.',
    })
  }

  if (size > maxBytes) {
    source.problems.push({
      file: source.displayFile,
      hint: 'a configuration file is a few kilobytes: check that --config names the right file',
      message: `the file is too large (${size} bytes; the limit is ${formatSize(maxBytes)})`,
    })
    return source
  }

  if (source.format === 'javascript') {
    const value = await importModule(absolute, source)
    source.doc = new Document(value, {aliasDuplicateObjects: false})
    source.root = value === undefined ? null : source.doc.contents
    return source
  }

  const text = decode(await readFile(absolute), source)
  if (text === undefined) return source
  if (text.trim() === '') {
    source.problems.push({
      column: 1,
      file: source.displayFile,
      hint: 'start from examples/descope.yaml, or run `descope-mgmt init`',
      line: 1,
      message: 'the file is empty',
    })
    return source
  }

  if (options.deferLarge && source.format !== 'package.json' && text.length >= LARGE_CONFIG_BYTES) {
    source.text = text
    source.deferred = true
    return source
  }

  return parseSource(source, text)
}

/** Parses the text of a source read with `deferLarge`, exactly as `readConfigSource` would have. */
export function parseDeferred(source: ConfigSource): ConfigSource {
  if (!source.deferred || source.text === undefined) return source
  source.deferred = false
  return parseSource(source, source.text)
}

function parseSource(source: ConfigSource, text: string): ConfigSource {
  parseText(text, source)
  if (source.format === 'package.json' && source.problems.length === 0) {
    const property = packageProperty(source)
    if (property === undefined) {
      source.packagePropertyMissing = true
      source.problems.push({
        file: source.displayFile,
        hint: 'add a "descope" property with the configuration, or use descope.yaml',
        message: 'package.json has no "descope" property',
      })
    }

    source.root = property ?? null
  }

  if (source.problems.length === 0 && (source.root === null || source.root === undefined)) {
    source.problems.push({
      column: 1,
      file: source.displayFile,
      hint: 'start from examples/descope.yaml, or run `descope-mgmt init`',
      line: 1,
      message: source.format === 'package.json' ? 'the "descope" property is empty' : 'the file has no content, only comments',
    })
  }

  return source
}
