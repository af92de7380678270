/**
 * Reading a JSON answer that is an object with one large list (`{"tenants": [...]}`) as its bytes
 * arrive: each element of the list is parsed on its own and handed over at once, and the rest of
 * the answer is parsed at the end. The answer is never held whole, as text or as one object graph:
 * 10,000 tenants are 3 MB of text, and several times that as objects.
 *
 * The bytes are only split, never interpreted: every element, and the answer without them, goes
 * through JSON.parse, so what is accepted and refused is what JSON.parse of the whole answer
 * accepts and refuses. Hand-written for that reason: streaming parsers (`stream-json`,
 * `@streamparser/json`) build every value token by token in JavaScript, far slower than JSON.parse
 * and with a grammar of their own. (A list that appears twice, a duplicate key JSON.parse resolves to the last
 * one, hands over the elements of both.)
 */

import type {
  DescopeClient, HttpMethod, ListCollector, RequestOptions,
} from './types.js'

/** The answer is not JSON. */
export class JsonListSyntaxError extends SyntaxError {}

const QUOTE = 0x22
const BACKSLASH = 0x5C
const COMMA = 0x2C
const COLON = 0x3A
const OPEN_OBJECT = 0x7B
const CLOSE_OBJECT = 0x7D
const OPEN_LIST = 0x5B
const CLOSE_LIST = 0x5D

const isJsonSpace = (byte: number) => byte === 0x20 || byte === 0x0A || byte === 0x0D || byte === 0x09

function parse(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new JsonListSyntaxError((error as Error).message)
  }
}

/** An answer's text read as the client reads every answer: trimmed, and `{}` when empty. */
export function parseAnswer(text: string): unknown {
  const trimmed = text.trim()
  return trimmed === '' ? {} : parse(trimmed)
}

/**
 * What a collector makes of an answer read whole (a cached one, or through a client without
 * `requestList`): the same as of its bytes through JsonListReader.
 */
export function collectAnswer<R>(answer: unknown, list: string, collector: ListCollector<R>): R {
  if (!answer || typeof answer !== 'object' || Array.isArray(answer)) return collector.end(answer)
  const elements = (answer as Record<string, unknown>)[list]
  if (!Array.isArray(elements)) return collector.end(answer)
  for (const element of elements) collector.item(element)
  return collector.end({...answer, [list]: []})
}

/** A read of a list answer (`DescopeClient.requestList`); through `request` for a client without it. */
export async function readList<R>(
  client: DescopeClient,
  method: HttpMethod,
  path: string,
  list: string,
  collect: () => ListCollector<R>,
  options?: RequestOptions,
): Promise<R> {
  if (client.requestList) return client.requestList(method, path, list, collect, options)
  const answer = await client.request<unknown>(method, path, options)
  const collector = collect()
  collector.chunk?.(Buffer.from(JSON.stringify(answer)))
  return collectAnswer(answer, list, collector)
}

export class JsonListReader {
  private depth = 0
  private inString = false
  private escaped = false
  /** Whether the answer is an object (its first character is `{`): only then has it members. */
  private topObject: boolean | undefined
  /** At depth 1 of the top object: the next string is a member's key. */
  private expectKey = false
  /** The bytes of the key being read (it may span chunks), and where it starts in this chunk. */
  private keyParts: Buffer[] | undefined
  private keyFrom = 0
  private lastKey: string | undefined
  /** After the colon that follows the list's key: its value comes next. */
  private listValueNext = false
  /** Inside the list: its elements are split off. */
  private inList = false
  /** The bytes of the element being read (it may span chunks). */
  private element: Buffer[] = []
  private elementStarted = false
  /** A comma came after the last element: another must follow. */
  private elementExpected = false
  /** The answer without the list's elements; copies, so that no chunk is kept. */
  private readonly rest: Buffer[] = []

  /**
   * @param list the key of the top-level list whose elements are handed over
   * @param onElement called with each element, parsed, in order
   */
  constructor(private readonly list: string, private readonly onElement: (value: unknown) => void) {}

  /** The answer without the list's elements (the list reads `[]`), parsed; throws when the answer is not JSON. */
  end(): unknown {
    if (this.inList || this.inString) throw new JsonListSyntaxError('Unexpected end of JSON input')
    return parseAnswer(Buffer.concat(this.rest).toString('utf8'))
  }

  write(chunk: Buffer): void {
    /** Where the bytes that belong to the rest start in this chunk (outside the list). */
    let restFrom = 0
    /** Where the element being read starts in this chunk. */
    let elementFrom = 0
    for (let index = 0; index < chunk.length; index++) {
      const byte = chunk[index]
      if (this.inString) {
        if (this.escaped) this.escaped = false
        else if (byte === BACKSLASH) this.escaped = true
        else if (byte === QUOTE) {
          this.inString = false
          if (this.keyParts) this.readKey(chunk.subarray(this.keyFrom, index + 1))
        }

        continue
      }

      if (this.inList && this.depth === 2) {
        if (byte === COMMA || byte === CLOSE_LIST) {
          if (this.elementStarted) {
            this.element.push(chunk.subarray(elementFrom, index))
            this.emit()
          } else if (byte === COMMA || this.elementExpected) {
            throw new JsonListSyntaxError(`Unexpected "${String.fromCodePoint(byte)}" in the list "${this.list}"`)
          }

          this.elementExpected = byte === COMMA
          if (byte === CLOSE_LIST) {
            // The closing bracket belongs to the rest, where the list reads [].
            this.inList = false
            this.depth--
            restFrom = index
          }

          continue
        }

        if (!this.elementStarted) {
          if (isJsonSpace(byte)) continue
          this.elementStarted = true
          elementFrom = index
        }
      }

      if (this.topObject === undefined && byte < 0x80 && !isJsonSpace(byte)) this.topObject = byte === OPEN_OBJECT
      if (this.listValueNext && !isJsonSpace(byte)) {
        this.listValueNext = false
        if (byte === OPEN_LIST) {
          this.rest.push(Buffer.from(chunk.subarray(restFrom, index + 1)))
          this.inList = true
          this.elementExpected = false
          this.depth++
          continue
        }
      }

      this.structure(byte, index)
    }

    if (this.keyParts) {
      this.keyParts.push(Buffer.from(chunk.subarray(this.keyFrom)))
      this.keyFrom = 0
    }

    if (!this.inList) this.rest.push(Buffer.from(chunk.subarray(restFrom)))
    else if (this.elementStarted) this.element.push(Buffer.from(chunk.subarray(elementFrom)))
  }

  private emit(): void {
    const text = this.element.length === 1 ? this.element[0].toString('utf8') : Buffer.concat(this.element).toString('utf8')
    this.element = []
    this.elementStarted = false
    this.onElement(parse(text))
  }

  private readKey(last: Buffer): void {
    const parts = this.keyParts!
    parts.push(last)
    this.keyParts = undefined
    this.lastKey = String(parse(Buffer.concat(parts).toString('utf8')))
  }

  /** Follows a structural byte outside strings: depth, and the keys of the top object. */
  private structure(byte: number, index: number): void {
    const members = this.topObject === true
    switch (byte) {
    case QUOTE: {
      this.inString = true
      if (members && this.depth === 1 && this.expectKey) {
        this.expectKey = false
        this.keyParts = []
        this.keyFrom = index
      }

      break
    }

    case OPEN_OBJECT:
    case OPEN_LIST: {
      this.depth++
      if (members && this.depth === 1) this.expectKey = true
      break
    }

    case CLOSE_OBJECT:
    case CLOSE_LIST: {
      this.depth--
      if (this.inList && this.depth < 2) throw new JsonListSyntaxError(`Unexpected "${String.fromCodePoint(byte)}" in the list "${this.list}"`)
      break
    }

    case COMMA: {
      if (members && this.depth === 1) this.expectKey = true
      break
    }

    case COLON: {
      if (members && this.depth === 1 && this.lastKey === this.list) this.listValueNext = true
      this.lastKey = undefined
      break
    }

    default:
    }
  }
}
