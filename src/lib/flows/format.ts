/**
 * Flow files: the v2 ("exported") flow as the CLI writes it, the v1 ("console") flow it accepts
 * (the conversion, shared with the emulator, is in `@descope-mgmt/shared/flow-format`), and where
 * a flow's id comes from when importing a file.
 */
import {
  asArray, asString, FLOW_ID_PATTERN, type FlowDocument, type FlowFormat, flowFromV1, flowFromV2, flowToV1, isObject, type JsonObject, normaliseFlow,
} from '@descope-mgmt/shared/flow-format'
import path from 'node:path'

import {
  JsonFileError, locateJsonPath, parseJsonText, problemAt,
} from '../config/json-text.js'
import {formatPath} from '../config/path.js'
import {InputError} from '../errors.js'
import {checkFlowShape} from './validate.js'

export {
  FLOW_ID_PATTERN, type FlowDocument, type FlowFormat, flowFromV1, flowFromV2, type FlowScreen, flowToV1, isObject, type JsonObject, normaliseFlow, sortKeys,
} from '@descope-mgmt/shared/flow-format'

/** Flow files larger than this are refused before they are read (the API takes requests up to 32 MB). */
export const MAX_FLOW_FILE_BYTES = 20 * 1024 * 1024

const flowHint = 'Export a flow with `descope-mgmt flow export ID` to see the expected format.'
const flowErrors = {code: 'flow_file_invalid', hint: flowHint}

/** How flow files are read: the size limit and the error code of a file that is not a flow. */
export const flowFileReading = {...flowErrors, maxBytes: MAX_FLOW_FILE_BYTES, sizeHint: 'a flow file is rarely more than a few megabytes: check the path'}

/** The file text of a flow: pretty JSON, stable key order, a final newline. */
export function serialiseFlow(flow: FlowDocument, format: FlowFormat = 'v2'): string {
  const document = format === 'v1' ? flowToV1(flow) : normaliseFlow(flow)
  return `${JSON.stringify(document, null, 2)}\n`
}

/** The format of parsed file content: v2 (`flowId`/`metadata`/`contents`), v1 (`{flow: {dsl…}, screens}`), or undefined. */
export function detectFormat(content: unknown): FlowFormat | undefined {
  if (!isObject(content)) return undefined
  if (isObject(content.flow) && (isObject(content.flow.dsl) || 'id' in content.flow)) return 'v1'
  // A v2 export response `{flow: {flowId…}}` is accepted as v2 too.
  const v2 = isObject(content.flow) ? content.flow : content
  if (isObject(v2.contents) && isObject(v2.metadata)) return 'v2'
  return undefined
}

export interface ParsedFlowFile {
  file: string
  format: FlowFormat
  /** The id the file itself names (`flowId`, v1 `flow.id`), if any. */
  contentId?: string
  /** Where the content id is, when it is not a valid flow id (for the message, if it is used). */
  contentIdAt?: {line: number; column: number; path: string}
  /** The flow, with `flowId` set to the content id (or '' when none). */
  flow: FlowDocument
}

/**
 * Parses flow file text. Malformed JSON, an unknown format and members of the wrong type are
 * JsonFileErrors (exit code 3) naming the file, the line and the field.
 */
export function parseFlowText(file: string, text: string): ParsedFlowFile {
  const content = parseJsonText(file, text, flowErrors)
  const format = detectFormat(content)
  if (!format) {
    const expected = 'expected a v2 flow (flowId, metadata, contents, screens) or a v1 export ({flow: {id, dsl, …}, screens})'
    throw new JsonFileError([problemAt(file, text, [], `the file is not a Descope flow in a known format: ${expected}`)], {
      code: 'flow_format_unknown',
      hint: flowHint,
    })
  }

  const object = content as JsonObject
  const problems = checkFlowShape(object, format)
  if (problems.length > 0) throw new JsonFileError(problems.map(problem => problemAt(file, text, problem.path, problem.message)), flowErrors)
  const wrapped = format === 'v2' && isObject(object.flow)
  const raw = (format === 'v1' || wrapped ? object.flow : object) as JsonObject
  const idPath = format === 'v1' ? ['flow', 'id'] : (wrapped ? ['flow', 'flowId'] : ['flowId'])
  const contentId = asString(format === 'v1' ? raw.id : raw.flowId) || undefined
  const contentIdAt = contentId && !FLOW_ID_PATTERN.test(contentId) ? {...locateJsonPath(text, idPath), path: formatPath(idPath)} : undefined
  return {
    contentId,
    ...(contentIdAt ? {contentIdAt} : {}),
    file,
    flow: format === 'v1' ? flowFromV1(raw, asArray(object.screens)) : flowFromV2(raw),
    format,
  }
}

export interface ResolvedFlowId {
  id: string
  source: 'content' | 'file-name' | 'flag'
  warning?: string
}

/**
 * The id a flow file is imported as: `--flow-id`, else the id in the file, else (with a warning)
 * the file name without `.json`. The name comes last because a renamed file must never import
 * into another flow than the one it was exported from.
 */
export function resolveFlowId(parsed: Pick<ParsedFlowFile, 'contentId' | 'contentIdAt' | 'file'>, flag?: string): ResolvedFlowId {
  if (flag) {
    if (!FLOW_ID_PATTERN.test(flag)) throw new InputError(`Flow id "${flag}" (--flow-id) is not valid: use letters, digits, "_" and "-".`, {code: 'flow_id_invalid'})
    return {id: flag, source: 'flag'}
  }

  if (parsed.contentId) {
    if (!FLOW_ID_PATTERN.test(parsed.contentId)) {
      const at = parsed.contentIdAt ?? {column: undefined, line: undefined, path: undefined}
      throw new JsonFileError([{
        column: at.column, file: parsed.file, line: at.line, message: `flow id "${parsed.contentId}" is not valid: use letters, digits, "_" and "-"`, path: at.path,
      }], {code: 'flow_id_invalid', hint: 'Fix the id in the file, or import it as another id with --flow-id ID.'})
    }

    return {id: parsed.contentId, source: 'content'}
  }

  const base = path.basename(parsed.file).replace(/(\.v[12])?\.json$/i, '')
  if (!base || !FLOW_ID_PATTERN.test(base)) {
    throw new InputError(`${parsed.file} names no flow id (no "flowId", nor "flow.id" in v1), and its file name is not a usable flow id.`, {
      code: 'flow_id_missing',
      hint: 'Give the id with --flow-id ID.',
    })
  }

  return {
    id: base,
    source: 'file-name',
    warning: `${parsed.file} names no flow id; importing it as "${base}", taken from the file name. Use --flow-id to be explicit.`,
  }
}

/** `<flowId>.json`. */
export function flowFileName(flowId: string): string {
  return `${flowId}.json`
}
