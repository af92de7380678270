/**
 * The light parse of large configuration files: js-yaml builds plain values directly, with about a
 * tenth of the memory and time of a positioned `yaml` document (which costs ~100 bytes of memory
 * per byte of text). Positions are only needed to report problems; when there is one, the caller
 * parses again with `yaml`. Only text both parsers read the same way takes this path.
 */
// js-yaml 4: the 5.x line parses through an event stream first and costs about three times the memory here.
import {CORE_SCHEMA, load} from 'js-yaml'

/**
 * Text the two parsers may read differently, or that needs the positioned parser's guards:
 * anchors, aliases and merge keys (alias bombs), tags, complex keys, tabs, `0b` integers, signed
 * `.5` floats, integers too long for a number, and `__proto__`.
 */
const DIFFERENTLY_READ = /[!&*\t]|<<|\? |0b[01]|[-+]\.\d|(?<![\w.-])[-+]?\d{16,}(?![\w.])|__proto__/

/** The plain value of a YAML or JSON mapping, or undefined when it must be parsed with positions. */
export function parsePlain(text: string): undefined | {value: Record<string, unknown>} {
  if (DIFFERENTLY_READ.test(text)) return undefined
  try {
    const value = load(text, {schema: CORE_SCHEMA})
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? {value: value as Record<string, unknown>} : undefined
  } catch {
    // Any syntax error (duplicate keys included) is reported by the positioned parse.
    return undefined
  }
}
