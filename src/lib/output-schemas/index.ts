/**
 * The documented `--json` output of every command, one zod schema per command id, and the JSON
 * Schema files made from them (schema/output/<command-id>.schema.json). Only the schema
 * generator and the tests load this module: no command imports zod to print its output.
 */
import {
  mkdir, readdir, rm, writeFile,
} from 'node:fs/promises'
import path from 'node:path'
import {z} from 'zod'

import {auditOutputs} from './audit.js'
import {backupOutputs} from './backup.js'
import {errorOutputSchema, type OutputSpec} from './common.js'
import {configOutputs} from './config.js'
import {doctorOutputs} from './doctor.js'
import {flowOutputs} from './flows.js'
import {planOutputs} from './plan.js'
import {pluginOutputs} from './plugins.js'
import {resourceOutputs} from './resources.js'

export {errorOutputSchema, type OutputSpec} from './common.js'

/** Every command with `--json`, by command id (`tenant:list`). */
export const commandOutputs = {
  ...auditOutputs,
  ...backupOutputs,
  ...configOutputs,
  ...doctorOutputs,
  ...flowOutputs,
  ...planOutputs,
  ...pluginOutputs,
  ...resourceOutputs,
} satisfies Record<string, OutputSpec>

export type OutputCommandId = keyof typeof commandOutputs

/** Folder of the JSON Schema files, relative to the package root. */
export const OUTPUT_SCHEMA_DIR = path.join('schema', 'output')
export const ERROR_SCHEMA_FILE = 'error.schema.json'

/** `tenant:list` → `tenant-list.schema.json`. */
export function outputSchemaFile(commandId: string): string {
  return `${commandId.replaceAll(':', '-')}.schema.json`
}

type JsonSchema = Record<string, unknown> & {$ref?: string; definitions?: Record<string, JsonSchema>}

/**
 * A root that is only a `$ref` to a named definition (a shared shape such as Plan) gets that
 * definition inlined, so the title and description of the command are not siblings of `$ref`
 * (which draft-07 ignores). The definition stays when something else refers to it.
 */
function inlineRootRef(schema: JsonSchema): JsonSchema {
  const name = schema.$ref?.replace(/^#\/definitions\//, '')
  const target = name === undefined ? undefined : schema.definitions?.[name]
  if (!name || !target) return schema
  const root: JsonSchema = {...schema}
  delete root.$ref
  delete root.definitions
  const others = {...schema.definitions}
  delete others[name]
  const stillUsed = JSON.stringify({...root, others}).includes(`"#/definitions/${name}"`)
  const shape = {...target}
  delete shape.description
  const kept = stillUsed ? schema.definitions! : others
  return {...root, ...shape, ...(Object.keys(kept).length > 0 ? {definitions: kept} : {})}
}

function jsonSchemaOf(schema: z.ZodType, title: string, description: string): Record<string, unknown> {
  const rest = inlineRootRef(z.toJSONSchema(schema, {io: 'output', target: 'draft-07'}) as JsonSchema)
  const {$schema} = rest
  delete rest.$schema
  delete rest.title
  delete rest.description
  return {
    $schema,
    $comment: 'Generated from src/lib/output-schemas by `npm run schema:output`; do not edit by hand.',
    title,
    description,
    ...rest,
  }
}

/** The JSON Schema (draft-07) of a command's `--json` output. */
export function outputJsonSchema(commandId: OutputCommandId): Record<string, unknown> {
  const spec: OutputSpec = commandOutputs[commandId]
  return jsonSchemaOf(spec.schema, `descope-mgmt ${commandId.replaceAll(':', ' ')} --json`, spec.description)
}

/** The JSON Schema of the `{"error": …}` object every command prints with --json when it fails. */
export function errorJsonSchema(): Record<string, unknown> {
  const meta = errorOutputSchema.meta() ?? {}
  return jsonSchemaOf(errorOutputSchema, String(meta.title), String(meta.description))
}

function render(schema: Record<string, unknown>): string {
  return `${JSON.stringify(schema, null, 2)}\n`
}

/** Every schema file, by file name, as written to schema/output/. */
export function renderOutputSchemas(): Map<string, string> {
  const files = new Map<string, string>()
  for (const commandId of Object.keys(commandOutputs).sort() as OutputCommandId[]) {
    files.set(outputSchemaFile(commandId), render(outputJsonSchema(commandId)))
  }

  files.set(ERROR_SCHEMA_FILE, render(errorJsonSchema()))
  return files
}

/** Writes every schema file into `dir` and removes schema files of commands that no longer have one. */
export async function writeOutputSchemas(dir: string): Promise<string[]> {
  const files = renderOutputSchemas()
  await mkdir(dir, {recursive: true})
  const stale = (await readdir(dir)).filter(name => name.endsWith('.schema.json') && !files.has(name))
  await Promise.all(stale.map(name => rm(path.join(dir, name))))
  await Promise.all([...files].map(([name, text]) => writeFile(path.join(dir, name), text)))
  return [...files.keys()]
}
