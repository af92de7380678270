/** Reading flow files for `flow import`, `flow diff` and the configuration. */
import type {FlowDocument, ParsedFlowFile, ResolvedFlowId} from './format.js'

import {JsonFileError, readJsonText} from '../config/json-text.js'
import {InputError} from '../errors.js'
import {flowFileReading, parseFlowText, resolveFlowId} from './format.js'

export interface LoadedFlowFile extends ParsedFlowFile {
  /** The flow with `flowId` set to the id it is imported as. */
  target: FlowDocument
  id: ResolvedFlowId
}

export async function readFlowFile(file: string, flowIdFlag?: string): Promise<LoadedFlowFile> {
  let text: string
  try {
    text = await readJsonText(file, flowFileReading)
  } catch (error) {
    if (error instanceof JsonFileError) throw error
    throw new InputError(`Cannot read ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}.`, {code: 'flow_file_unreadable'})
  }

  const parsed = parseFlowText(file, text)
  const id = resolveFlowId(parsed, flowIdFlag)
  return {...parsed, id, target: {...parsed.flow, flowId: id.id}}
}

/** Reads every file; two files for the same flow id are refused. */
export async function readFlowFiles(files: string[], flowIdFlag?: string): Promise<LoadedFlowFile[]> {
  if (flowIdFlag && files.length > 1) throw new InputError('--flow-id names the flow of a single file; give one file with it.')
  const loaded = await Promise.all(files.map(file => readFlowFile(file, flowIdFlag)))
  const seen = new Map<string, string>()
  for (const flow of loaded) {
    const other = seen.get(flow.id.id)
    if (other) throw new InputError(`${other} and ${flow.file} both import flow "${flow.id.id}".`, {code: 'flow_id_duplicate'})
    seen.set(flow.id.id, flow.file)
  }

  return loaded
}
