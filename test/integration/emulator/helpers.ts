import {mkdtemp, rm} from 'node:fs/promises'
/** Starting an emulator on port 0 and talking to it over HTTP, as a client would. */
import {type IncomingHttpHeaders, request} from 'node:http'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {type RunningEmulator, startEmulator, type StartEmulatorOptions} from '../../../plugins/plugin-emulator/src/index.js'

export interface ApiResponse<T = Record<string, unknown>> {
  status: number
  headers: IncomingHttpHeaders
  body: T
}

export interface DescopeErrorBody {
  errorCode: string
  errorDescription: string
  errorMessage: string
}

/**
 * One HTTP request with a JSON answer. It goes through node:http rather than the global fetch:
 * nock (test/helpers/setup.ts) wraps fetch, and its interceptor breaks every request that has a
 * body with `TypeError: unusable`; node:http reaches loopback intact.
 */
export function httpRequest<T = Record<string, unknown>>(url: string, options: {body?: string; headers?: Record<string, string>; method?: string} = {}): Promise<ApiResponse<T>> {
  return new Promise((resolve, reject) => {
    const outgoing = request(url, {headers: options.headers, method: options.method ?? 'GET'}, response => {
      const chunks: Buffer[] = []
      response.on('data', (chunk: Buffer) => chunks.push(chunk))
      response.on('error', reject)
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8')
        resolve({body: (text ? JSON.parse(text) : undefined) as T, headers: response.headers, status: response.statusCode ?? 0})
      })
    })
    outgoing.on('error', reject)
    outgoing.end(options.body)
  })
}

/** A client of one project of an emulator. */
export class Api {
  constructor(
    readonly target: {url: string},
    readonly projectId: string,
    readonly managementKey: string,
  ) {}

  get<T = Record<string, unknown>>(pathAndQuery: string): Promise<ApiResponse<T>> {
    return this.request<T>('GET', pathAndQuery)
  }

  post<T = Record<string, unknown>>(pathName: string, body: unknown = {}): Promise<ApiResponse<T>> {
    return this.request<T>('POST', pathName, {body: JSON.stringify(body)})
  }

  /** Sends with this project's bearer unless `headers` sets another `authorization`. */
  request<T = Record<string, unknown>>(method: string, pathAndQuery: string, init: {body?: string; headers?: Record<string, string>} = {}): Promise<ApiResponse<T>> {
    return httpRequest<T>(`${this.target.url}${pathAndQuery}`, {
      body: init.body,
      headers: {authorization: `Bearer ${this.projectId}:${this.managementKey}`, 'content-type': 'application/json', ...init.headers},
      method,
    })
  }
}

/** A client of the emulator's first project. */
export function apiFor(emulator: RunningEmulator): Api {
  const [{id, managementKey}] = emulator.projects
  return new Api(emulator, id, managementKey)
}

/** Calls an admin route (no authentication). */
export function admin<T = Record<string, unknown>>(emulator: RunningEmulator, method: string, pathAndQuery: string, body?: unknown): Promise<ApiResponse<T>> {
  return httpRequest<T>(`${emulator.url}${pathAndQuery}`, {
    body: body === undefined ? undefined : JSON.stringify(body),
    headers: {'content-type': 'application/json'},
    method,
  })
}

/** Runs `body` against a fresh emulator, always stopping it. */
export async function withEmulator<T>(options: StartEmulatorOptions, body: (emulator: RunningEmulator, api: Api) => Promise<T>): Promise<T> {
  const emulator = await startEmulator({
    newProjects: 'empty', rateLimit: 'off', port: 0, ...options,
  })
  try {
    return await body(emulator, apiFor(emulator))
  } finally {
    await emulator.stop()
  }
}

export async function makeTempDir(): Promise<{dir: string; cleanup(): Promise<void>}> {
  const dir = await mkdtemp(path.join(tmpdir(), 'descope-emulator-test-'))
  return {
    async cleanup() {
      await rm(dir, {force: true, recursive: true})
    },
    dir,
  }
}

/** The permission bits of a file mode, e.g. `"600"`. */
export function permissionBits(mode: number): string {
  return mode.toString(8).slice(-3)
}
