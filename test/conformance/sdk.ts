/**
 * The official @descope/node-sdk (2.13.0) pointed at a fresh emulator on port 0. Every suite
 * starts one emulator, resets it before each test and drives it only through the SDK.
 * (No mocha calls here: the suites register the hooks themselves.)
 */
import DescopeClient from '@descope/node-sdk'
import {request as httpRequest} from 'node:http'

import {type RunningEmulator, startEmulator, type StartEmulatorOptions} from '../../plugins/plugin-emulator/src/index.js'

export const projectId = 'P2Conformance000000000000001'
export const managementKey = 'K2ConformanceManagementKey000000001'
export const otherProjectId = 'P2Conformance000000000000002'
export const otherManagementKey = 'K2ConformanceManagementKey000000002'

/** Fixed start time of every test: 2026-03-02T09:15:00Z; tests move it with `clock.advance`. */
export const startTime = Date.UTC(2026, 2, 2, 9, 15)

export type Client = ReturnType<typeof DescopeClient>
type SdkFetch = NonNullable<Parameters<typeof DescopeClient>[0]['fetch']>
export type Management = Client['management']

interface FetchInit {
  method?: string
  headers?: Iterable<[string, string]> | Record<string, string>
  body?: unknown
}

/** The parts of a fetch Response that the SDK reads. */
interface MinimalResponse {
  ok: boolean
  status: number
  statusText: string
  url: string
  headers: {get(name: string): null | string}
  text(): Promise<string>
  json(): Promise<unknown>
  clone(): MinimalResponse
}

function headerRecord(headers: FetchInit['headers']): Record<string, string> {
  const record: Record<string, string> = {}
  if (!headers) return record
  if (Symbol.iterator in headers) {
    for (const [name, value] of headers as Iterable<[string, string]>) record[name] = value
  } else {
    Object.assign(record, headers)
  }

  return record
}

/**
 * A minimal fetch over node:http for the SDK. nock 15 (set up for every test in
 * test/helpers/setup.ts) intercepts Node's global fetch, and its interceptor breaks every request
 * that has a body with `TypeError: unusable` (Request.clone after the body was read), so the SDK
 * cannot POST through the global fetch in this test process. node-sdk takes a `fetch` option; this
 * one goes through node:http (which nock lets through to loopback), like the cross-fetch transport
 * node-sdk itself uses on Node versions without a global fetch. Everything above the transport
 * (paths, headers, bodies, response mapping, retries) is the SDK's own code.
 */
export function httpFetch(input: string | URL, init: FetchInit = {}): Promise<MinimalResponse> {
  const url = new URL(String(input))
  return new Promise((resolve, reject) => {
    if (init.body !== undefined && init.body !== null && typeof init.body !== 'string') {
      reject(new TypeError('httpFetch only sends string bodies'))
      return
    }

    const request = httpRequest(url, {headers: headerRecord(init.headers), method: init.method ?? 'GET'}, response => {
      const chunks: Buffer[] = []
      response.on('data', (chunk: Buffer) => chunks.push(chunk))
      response.on('error', reject)
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8')
        const status = response.statusCode ?? 0
        const result: MinimalResponse = {
          clone: () => result,
          headers: {
            get(name) {
              const value = response.headers[name.toLowerCase()]
              if (value === undefined) return null
              return Array.isArray(value) ? value.join(', ') : value
            },
          },
          json: async () => JSON.parse(text),
          ok: status >= 200 && status < 300,
          status,
          statusText: response.statusMessage ?? '',
          text: async () => text,
          url: url.toString(),
        }
        resolve(result)
      })
    })
    request.on('error', reject)
    if (typeof init.body === 'string') request.write(init.body)
    request.end()
  })
}

/**
 * One emulator with two projects (the main one and "other", for cross-project checks) and SDK
 * clients for it. Suites call `start` in `before`, `reset` in `beforeEach` and `stop` in `after`.
 */
export class Conformance {
  client!: Client
  /** The emulator clock: every test starts at `startTime`. */
  readonly clock = {
    now: startTime,
    advance(ms: number): void {
      this.now += ms
    },
  }
  emulator!: RunningEmulator

  get management(): Management {
    return this.client.management
  }

  /** An SDK client of this emulator for any project and key (e.g. a wrong key). */
  clientFor(project: string, key: string): Client {
    return DescopeClient({
      baseUrl: this.emulator.url, fetch: httpFetch as unknown as SdkFetch, managementKey: key, projectId: project,
    })
  }

  async reset(): Promise<void> {
    this.clock.now = startTime
    await this.emulator.admin.reset()
  }

  async start(options: Partial<StartEmulatorOptions> = {}): Promise<void> {
    this.emulator = await startEmulator({
      // The SDK lists roles with role/all: these tests need it to carry tenant roles (the tool's
      // own tests run under both behaviours).
      behaviour: {roleAllIncludesTenantRoles: true},
      rateLimit: 'off',
      newProjects: 'empty',
      now: () => this.clock.now,
      port: 0,
      projects: [
        {id: projectId, managementKey, name: 'Conformance'},
        {id: otherProjectId, managementKey: otherManagementKey, name: 'Other'},
      ],
      ...options,
    })
    this.client = this.clientFor(projectId, managementKey)
  }

  async stop(): Promise<void> {
    await this.emulator?.stop()
  }
}

/** The wire `createdTime` (epoch seconds) of something created at `ms`. */
export const seconds = (ms: number) => Math.floor(ms / 1000)

interface SdkResult<T> {
  ok: boolean
  code?: number
  data?: T
  error?: {errorCode: string; errorDescription: string; errorMessage?: string}
}

/** The data of a successful SDK call; fails the test with the Descope error otherwise. */
export function dataOf<T>(result: SdkResult<T>): T {
  if (!result.ok) throw new Error(`expected ok, got HTTP ${result.code}: ${JSON.stringify(result.error)}`)
  return result.data as T
}

/** Asserts an SDK call failed with this HTTP status and Descope error code (and message). */
export function expectFailure(result: SdkResult<unknown>, status: number, errorCode: string, message?: RegExp): void {
  if (result.ok) throw new Error(`expected HTTP ${status} ${errorCode}, got ok: ${JSON.stringify(result.data)}`)
  if (result.code !== status || result.error?.errorCode !== errorCode) {
    throw new Error(`expected HTTP ${status} ${errorCode}, got HTTP ${result.code}: ${JSON.stringify(result.error)}`)
  }

  if (typeof result.error.errorDescription !== 'string' || result.error.errorDescription === '') throw new Error('errorDescription is empty')
  if (message && !message.test(result.error.errorMessage ?? '')) {
    throw new Error(`errorMessage ${JSON.stringify(result.error.errorMessage)} does not match ${message}`)
  }
}
