/**
 * A sample of every emulator's traffic, written to files for a later check: descope-mgmt's test
 * suite validates what the tool sends and what the emulator answers against Descope's published
 * OpenAPI, across every suite that runs an emulator (in-process or in a CLI subprocess).
 *
 * Each process appends JSON lines to its own file in the folder named by the environment variable
 * (no interleaving between processes). Requests are sampled by shape (method, path, status and the
 * body's top-level field names) so that a suite sending 10,000 alike requests writes a few of them.
 */
import {appendFileSync} from 'node:fs'
import path from 'node:path'

export const TRAFFIC_LOG_ENV = 'DESCOPE_EMULATOR_TRAFFIC_LOG'

/** Exchanges kept per shape and process. */
const SAMPLES_PER_SHAPE = 5
/** Arrays in logged bodies are cut to this many items (a list of 10,000 tenants is checked on a few). */
const MAX_ARRAY_ITEMS = 20

export interface TrafficExchange {
  method: string
  path: string
  status: number
  query: Record<string, string>
  body?: unknown
  response?: unknown
  /** The client's `x-descope-sdk-name` header (descope-mgmt, nodejs, golang…), to tell the tool's traffic from a test's raw calls. */
  sdk?: string
}

function shortened(value: unknown): unknown {
  if (Array.isArray(value)) return value.slice(0, MAX_ARRAY_ITEMS).map(item => shortened(item))
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, shortened(item)]))
  return value
}

function shapeOf(exchange: TrafficExchange): string {
  const fields = exchange.body !== null && typeof exchange.body === 'object' ? Object.keys(exchange.body).sort().join(',') : ''
  return `${exchange.method} ${exchange.path} ${exchange.status} ${fields}`
}

export class TrafficLog {
  private readonly file: string
  private readonly seen = new Map<string, number>()

  constructor(folder: string) {
    this.file = path.join(folder, `traffic-${process.pid}.jsonl`)
  }

  /** The folder of the environment variable, when it is set. */
  static fromEnv(env: NodeJS.ProcessEnv = process.env): TrafficLog | undefined {
    const folder = env[TRAFFIC_LOG_ENV]?.trim()
    return folder ? new TrafficLog(folder) : undefined
  }

  record(exchange: TrafficExchange): void {
    const shape = shapeOf(exchange)
    const count = this.seen.get(shape) ?? 0
    if (count >= SAMPLES_PER_SHAPE) return
    this.seen.set(shape, count + 1)
    try {
      appendFileSync(this.file, `${JSON.stringify(shortened(exchange))}\n`, {mode: 0o600})
    } catch {
      // A folder that went away (the suite ended) must not break a request.
    }
  }
}
