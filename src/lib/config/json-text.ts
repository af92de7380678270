/**
 * JSON files other than the configuration (flow and theme files, saved plans, backup files): read
 * safely (size, binary, encoding, empty) and parsed so that every problem names `file:line:column`
 * and, for a value of the wrong shape, the field. `JSON.parse` does the parsing; the scanner here
 * runs only when something is wrong, to find where.
 */
import {readFileSync} from 'node:fs'
import {readFile, stat} from 'node:fs/promises'

import {
  type ConfigProblem, formatProblem, InputError,
} from '../errors.js'
import {formatPath, type PathSegment} from './path.js'
import {decodeText, formatSize} from './text.js'

export interface JsonFileErrorOptions {
  code: string
  hint?: string
}

/** Problems of one JSON file, each with its line (and field when there is one); exit code 3. */
export class JsonFileError extends InputError {
  readonly problems: ConfigProblem[]

  constructor(problems: ConfigProblem[], options: JsonFileErrorOptions) {
    const message = problems.length === 1
      ? formatProblem(problems[0])
      : `${problems[0].file} has ${problems.length} problems:\n${problems.map(problem => `  ${formatProblem(problem)}`).join('\n')}`
    super(message, options)
    this.name = 'JsonFileError'
    this.problems = problems
  }

  /** Every problem on one line, for a message that is itself one line (a configuration problem). */
  oneLine(): string {
    return this.problems.map(problem => formatProblem(problem)).join('; ')
  }

  override toJSON(): Record<string, unknown> {
    return {...super.toJSON(), problems: this.problems}
  }
}

export interface ReadJsonOptions extends JsonFileErrorOptions {
  /** The path as shown in messages (default: the path as given). */
  display?: string
  /** Larger files are refused before they are read. */
  maxBytes: number
  /** The hint of a file over the limit, e.g. what such a file usually weighs. */
  sizeHint: string
}

const errorOptions = ({code, hint}: JsonFileErrorOptions): JsonFileErrorOptions => ({code, hint})

function sizeProblem(display: string, size: number, options: ReadJsonOptions): ConfigProblem {
  return {
    file: display,
    hint: options.sizeHint,
    message: `the file is too large (${size} bytes; the limit is ${formatSize(options.maxBytes)})`,
  }
}

function textOf(display: string, buffer: Buffer, options: ReadJsonOptions): string {
  const decoded = decodeText(buffer)
  if ('problem' in decoded) {
    const {problem} = decoded
    throw new JsonFileError([{
      file: display, hint: problem.reason === 'binary' ? 'check the path' : problem.hint, line: problem.line, message: problem.message,
    }], errorOptions(options))
  }

  if (decoded.text.trim() === '') throw new JsonFileError([{file: display, line: 1, message: 'the file is empty'}], errorOptions(options))
  return decoded.text
}

/** The text of a JSON file, refusing a file too large, binary, not UTF-8 or empty (JsonFileError, exit 3). Read errors are thrown as they are. */
export async function readJsonText(file: string, options: ReadJsonOptions): Promise<string> {
  const display = options.display ?? file
  const {size} = await stat(file)
  if (size > options.maxBytes) throw new JsonFileError([sizeProblem(display, size, options)], errorOptions(options))
  return textOf(display, await readFile(file), options)
}

/** `readJsonText`, synchronously (for checks of the configuration, which are synchronous). */
export function readJsonTextSync(file: string, options: ReadJsonOptions): string {
  const display = options.display ?? file
  const buffer = readFileSync(file)
  if (buffer.length > options.maxBytes) throw new JsonFileError([sizeProblem(display, buffer.length, options)], errorOptions(options))
  return textOf(display, buffer, options)
}

/** 1-based line and column of an offset in text. */
export function lineColumn(text: string, offset: number): {line: number; column: number} {
  let line = 1
  let lineStart = 0
  for (let index = text.indexOf('\n'); index !== -1 && index < offset; index = text.indexOf('\n', index + 1)) {
    line++
    lineStart = index + 1
  }

  return {column: offset - lineStart + 1, line}
}

class JsonSyntax extends Error {
  constructor(readonly offset: number, message: string) {
    super(message)
  }
}

const MAX_DEPTH = 1000
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y
const ESCAPES = new Set(['"', '/', '\\', 'b', 'f', 'n', 'r', 't'])

/**
 * A JSON scanner that finds the first syntax error, with a message a person can act on, and the
 * offsets of the values along one path (the last occurrence of a key, as `JSON.parse` keeps it).
 */
class Scanner {
  /** `found[d]`: offset of the value at the first `d` segments of the wanted path. */
  readonly found: number[] = []
  private pos = 0

  constructor(private readonly text: string, private readonly wanted: readonly PathSegment[] = []) {}

  run(): void {
    this.space()
    if (this.pos >= this.text.length) throw this.error('the file holds no JSON value')
    this.value(0, true)
    this.space()
    if (this.pos < this.text.length) throw this.error(`unexpected ${this.describe()} after the end of the JSON value`)
  }

  private array(depth: number, onPath: boolean): void {
    this.pos++
    this.space()
    if (this.peek() === ']') {
      this.pos++
      return
    }

    for (let index = 0; ; index++) {
      this.space()
      if (this.peek() === ']') throw this.error('a comma before "]" is not allowed in JSON')
      this.value(depth + 1, onPath && this.wanted[depth] === index)
      const end = this.pos
      this.space()
      const next = this.peek()
      if (next !== ',' && next !== ']') throw this.error(`expected "," or "]" after a list item, found ${this.describe()}`, this.pos < this.text.length ? end : this.pos)
      this.pos++
      if (next === ']') return
    }
  }

  /** The character at an offset, quoted, or what stands in for it when it cannot be shown. */
  private describe(at = this.pos): string {
    if (at >= this.text.length) return 'the end of the file'
    const code = this.text.codePointAt(at) ?? 0
    if (code < 0x20 || (code >= 0x7F && code <= 0x9F) || code === 0xFE_FF || code === 0xFF_FD) {
      return `character U+${code.toString(16).toUpperCase().padStart(4, '0')}`
    }

    return code === 0x22 ? 'a double quote' : JSON.stringify(String.fromCodePoint(code))
  }

  /** A syntax error at an offset; at the end of the text, whatever was expected, the file was cut short. */
  private error(message: string, at = this.pos): JsonSyntax {
    return new JsonSyntax(at, at >= this.text.length ? 'the file ends before the JSON is complete: it may have been cut short' : message)
  }

  private number(): void {
    NUMBER.lastIndex = this.pos
    const match = NUMBER.exec(this.text)
    if (!match || match[0] === '-') throw this.error(`invalid number at ${this.describe()}`)
    this.pos += match[0].length
  }

  private object(depth: number, onPath: boolean): void {
    this.pos++
    this.space()
    if (this.peek() === '}') {
      this.pos++
      return
    }

    for (;;) {
      this.space()
      if (this.peek() === '}') throw this.error('a comma before "}" is not allowed in JSON')
      if (this.peek() !== '"') throw this.error(`expected a property name in double quotes, found ${this.describe()}`)
      const key = this.string()
      this.space()
      if (this.peek() !== ':') throw this.error(`expected ":" after the property name "${key}", found ${this.describe()}`)
      this.pos++
      this.space()
      this.value(depth + 1, onPath && this.wanted[depth] === key)
      const end = this.pos
      this.space()
      const next = this.peek()
      if (next !== ',' && next !== '}') throw this.error(`expected "," or "}" after the value of "${key}", found ${this.describe()}`, this.pos < this.text.length ? end : this.pos)
      this.pos++
      if (next === '}') return
    }
  }

  private peek(): string | undefined {
    return this.text[this.pos]
  }

  private space(): void {
    while (this.pos < this.text.length && ' \t\n\r'.includes(this.text[this.pos])) this.pos++
  }

  private string(): string {
    const start = this.pos
    this.pos++
    for (;;) {
      if (this.pos >= this.text.length) throw this.error('text in double quotes is not closed before the end of the file (it may have been cut short)', start)
      const code = this.text.codePointAt(this.pos) ?? 0
      if (code === 0x22) break
      if (code === 0x5C) {
        const escape = this.text[this.pos + 1]
        if (escape === 'u' && /^[\dA-Fa-f]{4}$/.test(this.text.slice(this.pos + 2, this.pos + 6))) this.pos += 6
        else if (ESCAPES.has(escape)) this.pos += 2
        else throw this.error(`invalid escape "\\${escape ?? ''}" in text`)
        continue
      }

      if (code < 0x20) {
        throw this.error(code === 0x0A ? String.raw`a line break inside text in double quotes: close the quotes, or write it as \n` : `${this.describe()} inside text in double quotes: escape it`)
      }

      this.pos++
    }

    this.pos++
    return JSON.parse(this.text.slice(start, this.pos)) as string
  }

  private value(depth: number, onPath: boolean): void {
    if (onPath) this.found[depth] = this.pos
    if (depth > MAX_DEPTH) throw this.error(`values nested more than ${MAX_DEPTH} levels deep`)
    const char = this.peek()
    if (char === '{') return this.object(depth, onPath)
    if (char === '[') return this.array(depth, onPath)
    if (char === '"') {
      this.string()
      return
    }

    if (char === '-' || (char !== undefined && char >= '0' && char <= '9')) return this.number()
    for (const literal of ['true', 'false', 'null']) {
      if (this.text.startsWith(literal, this.pos)) {
        this.pos += literal.length
        return
      }
    }

    throw this.error(`unexpected ${this.describe()}: expected a value (an object, a list, text in double quotes, a number, true, false or null)`)
  }
}

/** Where JSON text stops being valid JSON, and why; undefined when it is valid. */
export function jsonSyntaxError(text: string): undefined | {line: number; column: number; message: string} {
  try {
    new Scanner(text).run()
    return undefined
  } catch (error) {
    if (!(error instanceof JsonSyntax)) throw error
    return {...lineColumn(text, error.offset), message: error.message}
  }
}

/**
 * Line and column of the value at `path` in JSON text, or of the deepest part of the path that
 * exists (the object a missing field belongs in); line 1 when the text cannot be scanned.
 */
export function locateJsonPath(text: string, path: readonly PathSegment[]): {line: number; column: number} {
  const scanner = new Scanner(text, path)
  try {
    scanner.run()
  } catch {}

  const offset = scanner.found.at(-1)
  return offset === undefined ? {column: 1, line: 1} : lineColumn(text, offset)
}

/** Parses JSON text; a syntax error is a JsonFileError at its line and column. */
export function parseJsonText(display: string, text: string, options: JsonFileErrorOptions): unknown {
  try {
    return JSON.parse(text)
  } catch {
    const found = jsonSyntaxError(text)
    throw new JsonFileError([{
      column: found?.column,
      file: display,
      line: found?.line ?? 1,
      message: `not valid JSON: ${found?.message ?? 'the JSON parser refused it'}`,
    }], options)
  }
}

/** One problem of a value at a path, located in the text (for shape checks after parsing). */
export function problemAt(display: string, text: string, path: readonly PathSegment[], message: string, hint?: string): ConfigProblem {
  const {column, line} = locateJsonPath(text, path)
  return {
    column, file: display, hint, line, message, path: path.length > 0 ? formatPath(path) : undefined,
  }
}

/** How a JSON value is named in a message: `the text "x"`, `the number 3`, `a list`… */
export function describeJson(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'a list'
  if (typeof value === 'object') return 'an object'
  if (typeof value === 'string') return value.length > 40 ? `the text "${value.slice(0, 37)}..."` : `the text ${JSON.stringify(value)}`
  return typeof value === 'number' ? `the number ${value}` : String(value)
}
