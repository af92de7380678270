/**
 * Checks Descope Management API traffic (what the tool sends, what the emulator answers) against
 * the committed subset of Descope's published OpenAPI description
 * (test/fixtures/contract/descope-openapi-subset.json, made by scripts/contract-subset.mjs).
 *
 * Field names must be ones the OpenAPI declares (the subset closes every object that lists its
 * properties) and types must match. The exceptions below are the places where the OpenAPI and
 * the official SDKs disagree and the reference (shared descope-api.md) tells which side to follow;
 * each one is applied here, on a copy of the fixture, never in the fixture itself.
 */
import {Ajv, type ErrorObject, type ValidateFunction} from 'ajv'
import {readFileSync} from 'node:fs'
import path from 'node:path'

import type {RunningEmulator} from '../../plugins/plugin-emulator/src/index.js'

import {repoRoot} from '../helpers/cli.js'

export const SUBSET_FILE = path.join(repoRoot, 'test/fixtures/contract/descope-openapi-subset.json')

type Schema = Record<string, unknown>

interface OperationSchemas {
  operationId: string
  query: Schema
  /** null: the OpenAPI declares no body. */
  request: null | Schema
  response: null | Schema
}

export interface Subset {
  $comment: string
  source: {commit: string; path: string; read: string; repository: string}
  operations: Record<string, OperationSchemas>
  $defs: Record<string, Schema>
}

/** One request and its answer, as the emulator logs them with `logBodies`. */
export interface Exchange {
  method: string
  path: string
  status: number
  query?: Record<string, string>
  body?: unknown
  response?: unknown
}

/** A documented disagreement between the OpenAPI and the SDKs, and how the contract follows the reference. */
export interface ContractException {
  id: string
  source: string
  description: string
  apply(subset: Subset): void
}

/** The values a custom attribute can hold (reference §2.1, §5). */
const CUSTOM_ATTRIBUTE_VALUE: Schema = {
  anyOf: [{type: 'string'}, {type: 'number'}, {type: 'boolean'}, {type: 'null'}, {items: {type: 'string'}, type: 'array'}],
}

export const EXCEPTIONS: readonly ContractException[] = [
  {
    apply(subset) {
      subset.operations['GET /v1/mgmt/tenant'].response = {$ref: '#/$defs/Tenant'}
    },
    description: [
      'GET /v1/mgmt/tenant answers a flat Tenant, not the OpenAPI\'s {"tenant": Tenant} envelope: node-sdk, go-sdk,',
      'java-sdk and python-sdk all read the body as the tenant itself. (The tool accepts both shapes.)',
    ].join(' '),
    id: 'tenant-load-flat',
    source: 'descope-api.md §2.1 "(conflict) load-by-id envelope"',
  },
  {
    apply(subset) {
      for (const schema of Object.values(subset.$defs)) {
        const properties = schema.properties as Record<string, Schema> | undefined
        if (properties?.customAttributes) properties.customAttributes = {additionalProperties: CUSTOM_ATTRIBUTE_VALUE, type: 'object'}
      }
    },
    description: [
      'customAttributes values may be strings, numbers, booleans, string lists or null. The OpenAPI schema types',
      'them as strings only, while its own description of the field says "values can be strings, numbers, booleans, or arrays",',
      'and the SDKs type them as any.',
    ].join(' '),
    id: 'custom-attribute-values',
    source: 'descope-api.md §2.1 (Tenant object, create request) and the OpenAPI description of customAttributes',
  },
  {
    apply(subset) {
      subset.operations['GET /v1/mgmt/license'] = {
        operationId: 'license',
        query: {additionalProperties: false, type: 'object'},
        request: null,
        response: {additionalProperties: false, properties: {rateLimitTier: {type: 'string'}}, type: 'object'},
      }
    },
    description: [
      'GET /v1/mgmt/license, the rate-limit tier handshake the node, go and python SDKs make once per client, is not in the',
      'OpenAPI; its answer is {"rateLimitTier": "tier1"…}.',
    ].join(' '),
    id: 'license-handshake',
    source: 'descope-api.md §4.4 (node-sdk, go-sdk and python-sdk license handshake)',
  },
]

export function readSubset(): Subset {
  return JSON.parse(readFileSync(SUBSET_FILE, 'utf8')) as Subset
}

function describeErrors(errors: ErrorObject[] | null | undefined): string[] {
  // A failed anyOf also reports each branch's failure: keep only the anyOf line for that place.
  const anyOfPaths = (errors ?? []).filter(error => error.keyword === 'anyOf').map(error => error.instancePath)
  const shown = (errors ?? []).filter(error => error.keyword === 'anyOf' || !anyOfPaths.some(place => error.instancePath === place || error.instancePath.startsWith(`${place}/`)))
  return shown.map(error => {
    const where = error.instancePath || '(top level)'
    if (error.keyword === 'additionalProperties') {
      return `${where}: unknown field "${(error.params as {additionalProperty: string}).additionalProperty}" (not declared by the OpenAPI)`
    }

    if (error.keyword === 'anyOf') {
      const branches = (error.schema as Schema[]).map(branch => (branch.type === 'array' ? `${(branch.items as Schema).type}[]` : String(branch.type ?? 'schema')))
      return `${where}: must be one of ${branches.join(', ')}`
    }

    return `${where}: ${error.message}`
  })
}

const isEmptyObject = (value: unknown) => value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 0

/** The subset with the exceptions applied, compiled once. */
export class Contract {
  readonly subset: Subset
  private readonly validators = new Map<string, ValidateFunction>()

  constructor(subset: Subset = readSubset(), exceptions: readonly ContractException[] = EXCEPTIONS) {
    this.subset = structuredClone(subset)
    for (const exception of exceptions) exception.apply(this.subset)
    const ajv = new Ajv({allErrors: true, strict: true, verbose: true})
    ajv.addSchema({$defs: this.subset.$defs, $id: 'descope-openapi-subset'})
    // Operation schemas point into the shared $defs: make their local refs absolute to that document.
    const compile = (schema: Schema) => ajv.compile(JSON.parse(JSON.stringify(schema).replaceAll('"#/$defs/', '"descope-openapi-subset#/$defs/')))
    for (const [operation, schemas] of Object.entries(this.subset.operations)) {
      this.validators.set(`${operation} query`, compile(schemas.query))
      if (schemas.request) this.validators.set(`${operation} request`, compile(schemas.request))
      if (schemas.response) this.validators.set(`${operation} response`, compile(schemas.response))
    }
  }

  /** `METHOD /path` of an operation the subset has, else undefined. */
  operationOf(method: string, urlPath: string): string | undefined {
    const key = `${method.toUpperCase()} ${urlPath}`
    return key in this.subset.operations ? key : undefined
  }

  /** What is wrong with the request: unknown operation, query or body fields and types. */
  checkRequest(exchange: Pick<Exchange, 'body' | 'method' | 'path' | 'query'>): string[] {
    const operation = this.operationOf(exchange.method, exchange.path)
    if (!operation) return [`${exchange.method} ${exchange.path} is not an operation of the contract`]
    const problems = this.run(`${operation} query`, exchange.query ?? {}).map(problem => `query ${problem}`)
    const body = exchange.body ?? {}
    if (this.subset.operations[operation].request) problems.push(...this.run(`${operation} request`, body).map(problem => `body ${problem}`))
    else if (!isEmptyObject(body)) problems.push(`body: the OpenAPI declares no request body, got ${JSON.stringify(body)}`)
    return problems.map(problem => `${operation} request ${problem}`)
  }

  /** What is wrong with a successful answer (other statuses are errors, outside the subset). */
  checkResponse(exchange: Pick<Exchange, 'method' | 'path' | 'response' | 'status'>): string[] {
    const operation = this.operationOf(exchange.method, exchange.path)
    if (!operation) return [`${exchange.method} ${exchange.path} is not an operation of the contract`]
    if (exchange.status !== 200) return []
    const problems = this.subset.operations[operation].response
      ? this.run(`${operation} response`, exchange.response)
      : (isEmptyObject(exchange.response) ? [] : [`the OpenAPI declares no answer body, got ${JSON.stringify(exchange.response)}`])
    return problems.map(problem => `${operation} answer ${problem}`)
  }

  check(exchange: Exchange): string[] {
    return [...this.checkRequest(exchange), ...this.checkResponse(exchange)]
  }

  private run(name: string, value: unknown): string[] {
    const validate = this.validators.get(name)!
    return validate(value) ? [] : describeErrors(validate.errors)
  }
}

/**
 * Checks every exchange the emulator logged (it must run with `logBodies`): the problems found,
 * the operations answered with 200, and how many requests there were.
 */
export async function checkTraffic(emulator: RunningEmulator, contract: Contract): Promise<{problems: string[]; reached: Set<string>; total: number}> {
  const entries = await emulator.admin.requests()
  const problems: string[] = []
  const reached = new Set<string>()
  for (const entry of entries as Exchange[]) {
    if (!('query' in entry)) problems.push(`${entry.method} ${entry.path} was logged without bodies: start the emulator with logBodies`)
    problems.push(...contract.check(entry))
    const operation = contract.operationOf(entry.method, entry.path)
    if (operation && entry.status === 200) reached.add(operation)
  }

  return {problems: [...new Set(problems)], reached, total: entries.length}
}
