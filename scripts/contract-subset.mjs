#!/usr/bin/env node
/**
 * Regenerates test/fixtures/contract/descope-openapi-subset.json from a local copy of Descope's
 * published OpenAPI description (api-evangelist/descope, openapi/_original/descope-openapi.yml).
 *
 *   node scripts/contract-subset.mjs path/to/descope-openapi.yml --commit <sha> [--date YYYY-MM-DD]
 *
 * Keeps only the operations the tool calls, as JSON Schemas (draft-07, ajv's default) of each
 * request body, query and 200 answer, plus the component schemas they reference. Conversion from
 * OpenAPI 3.0: `nullable` becomes a "null" type, `format: int32` becomes a range, `x-*`, `example`
 * and other annotations are dropped, and every object schema that lists its properties gets
 * `additionalProperties: false`, so a field name the OpenAPI does not declare fails validation.
 * Nothing is fetched: the test reads only the output.
 */
import {mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {parseArgs} from 'node:util'
import {parse} from 'yaml'

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)))
const OUT = path.join(root, 'test/fixtures/contract/descope-openapi-subset.json')
const SOURCE = {path: 'openapi/_original/descope-openapi.yml', repository: 'api-evangelist/descope'}

/** Every endpoint src/lib/api calls (the tool makes no other Descope request). */
export const OPERATIONS = [
  'GET /v1/mgmt/tenant',
  'GET /v1/mgmt/tenant/all',
  'POST /v1/mgmt/tenant/create',
  'POST /v1/mgmt/tenant/delete',
  'POST /v1/mgmt/tenant/search',
  'POST /v1/mgmt/tenant/update',
  'GET /v1/mgmt/tenant/settings',
  'POST /v1/mgmt/tenant/settings',
  'GET /v1/mgmt/role/all',
  'POST /v1/mgmt/role/create',
  'POST /v1/mgmt/role/create/batch',
  'POST /v1/mgmt/role/delete',
  'POST /v1/mgmt/role/delete/batch',
  'POST /v1/mgmt/role/search',
  'POST /v1/mgmt/role/update',
  'POST /v1/mgmt/role/update/batch',
  'GET /v1/mgmt/permission/all',
  'POST /v1/mgmt/permission/create',
  'POST /v1/mgmt/permission/create/batch',
  'POST /v1/mgmt/permission/delete',
  'POST /v1/mgmt/permission/delete/batch',
  'POST /v1/mgmt/permission/update',
  'POST /v1/mgmt/permission/update/batch',
  'POST /v1/mgmt/flow/delete',
  'POST /v1/mgmt/flow/list',
  'POST /v2/mgmt/flow/export',
  'POST /v2/mgmt/flow/import',
  'POST /v2/mgmt/theme/export',
  'POST /v2/mgmt/theme/import',
]

const DROPPED_KEYS = new Set(['deprecated', 'example', 'examples', 'externalDocs', 'format', 'readOnly', 'writeOnly', 'xml'])

function refName(ref) {
  const match = /^#\/components\/schemas\/(.+)$/.exec(ref)
  if (!match) throw new Error(`Unsupported $ref ${ref}`)
  return match[1]
}

/** One OpenAPI 3.0 schema as JSON Schema; records the component names it references in `refs`. */
function convert(schema, refs) {
  if (Array.isArray(schema)) return schema.map(item => convert(item, refs))
  if (!schema || typeof schema !== 'object') return schema
  if (schema.$ref) {
    const name = refName(schema.$ref)
    refs.add(name)
    return {$ref: `#/$defs/${name}`}
  }

  const out = {}
  for (const [key, value] of Object.entries(schema)) {
    if (key.startsWith('x-') || DROPPED_KEYS.has(key) || key === 'nullable') continue
    if (key === 'properties') {
      out.properties = Object.fromEntries(Object.entries(value).map(([name, child]) => [name, convert(child, refs)]))
    } else if (['additionalProperties', 'items', 'not'].includes(key) && typeof value === 'object') {
      out[key] = convert(value, refs)
    } else if (['allOf', 'anyOf', 'oneOf'].includes(key)) {
      out[key] = value.map(child => convert(child, refs))
    } else {
      out[key] = value
    }
  }

  if (schema.nullable === true && typeof out.type === 'string') out.type = [out.type, 'null']
  // int32 is a range JSON Schema can check; other formats are annotations only.
  if (schema.format === 'int32' && schema.type === 'integer') Object.assign(out, {maximum: 2_147_483_647, minimum: -2_147_483_648})
  if (out.properties && out.additionalProperties === undefined) out.additionalProperties = false
  return out
}

function querySchema(parameters, refs) {
  const query = (parameters ?? []).filter(parameter => parameter.in === 'query')
  return {
    additionalProperties: false,
    properties: Object.fromEntries(query.map(parameter => [parameter.name, convert(parameter.schema ?? {type: 'string'}, refs)])),
    required: query.filter(parameter => parameter.required).map(parameter => parameter.name),
    type: 'object',
  }
}

function jsonSchemaOf(content, refs) {
  const schema = content?.['application/json']?.schema
  return schema ? convert(schema, refs) : null
}

export function buildSubset(document, {commit, date}) {
  const components = document.components?.schemas ?? {}
  const refs = new Set()
  const operations = {}
  for (const operation of OPERATIONS) {
    const [method, route] = operation.split(' ')
    const item = document.paths?.[route]?.[method.toLowerCase()]
    if (!item) throw new Error(`${operation} is not in the OpenAPI description`)
    const ok = item.responses?.['200'] ?? item.responses?.default
    operations[operation] = {
      operationId: item.operationId,
      query: querySchema(item.parameters, refs),
      // null: the OpenAPI declares no body (no requestBody, or a 200 with `content: {}`).
      request: item.requestBody ? jsonSchemaOf(item.requestBody.content, refs) : null,
      response: jsonSchemaOf(ok?.content, refs),
    }
  }

  const defs = {}
  const pending = [...refs]
  while (pending.length > 0) {
    const name = pending.pop()
    if (defs[name]) continue
    if (!components[name]) throw new Error(`#/components/schemas/${name} is missing`)
    const nested = new Set()
    defs[name] = convert(components[name], nested)
    for (const child of nested) if (!defs[child]) pending.push(child)
  }

  return {
    $comment: [
      `A SUBSET of Descope's published OpenAPI description (${SOURCE.repository}, ${SOURCE.path}, commit ${commit}, read ${date}):`,
      'only the operations descope-mgmt calls, converted to JSON Schema by scripts/contract-subset.mjs. Regenerate with that script; do not edit by hand.',
    ].join(' '),
    source: {...SOURCE, commit, read: date},
    operations,
    $defs: Object.fromEntries(Object.keys(defs).sort().map(name => [name, defs[name]])),
  }
}

function main(argv) {
  const {positionals, values} = parseArgs({args: argv, allowPositionals: true, options: {commit: {type: 'string'}, date: {type: 'string'}}})
  const [file] = positionals
  const {commit} = values
  if (!file || !commit) {
    console.error('Usage: node scripts/contract-subset.mjs path/to/descope-openapi.yml --commit <sha> [--date YYYY-MM-DD]')
    process.exit(2)
  }

  const date = values.date ?? new Date().toISOString().slice(0, 10)
  const subset = buildSubset(parse(readFileSync(file, 'utf8')), {commit, date})
  mkdirSync(path.dirname(OUT), {recursive: true})
  writeFileSync(OUT, `${JSON.stringify(subset, null, 2)}\n`)
  console.log(`${OUT}: ${Object.keys(subset.operations).length} operations, ${Object.keys(subset.$defs).length} schemas`)
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main(process.argv.slice(2))
