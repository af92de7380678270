/** Request counters and the request log, both fed once per API request by the server. */
import type {JsonObject} from './types.js'

import {routeMatches} from './knobs.js'

/** How a request ended. `served`: the API answered it (success or a Descope error). */
export type Outcome = 'fault' | 'rateLimited' | 'served'

export interface Counters {
  /** Every API request received (admin requests are not counted). */
  requests: number
  /** Requests the API answered; rate-limited requests and injected status/reset faults are not served. */
  served: number
  /** Answered with 429 by the rate limiter. */
  rateLimited: number
  /** Injected faults of any kind (a slow fault is injected and still served). */
  faultsInjected: number
  /** Served requests of routes marked as mutations that succeeded. */
  mutations: number
  /** Responses by HTTP status; `0` is a connection reset. */
  byStatus: Record<string, number>
}

export interface Stats {
  totals: Counters
  /** Keyed `METHOD path`; requests to unknown routes are counted under `unmatched`. */
  routes: Record<string, Counters>
  /** Keyed by project id; requests that failed authentication are not counted here. */
  projects: Record<string, Counters>
}

export interface RequestRecord {
  method: string
  path: string
  projectId?: string
  route?: string
  mutation: boolean
  status: number
  outcome: Outcome
  fault?: string
}

function emptyCounters(): Counters {
  return {
    byStatus: {}, faultsInjected: 0, mutations: 0, rateLimited: 0, requests: 0, served: 0,
  }
}

export class StatsRecorder {
  private stats: Stats = {projects: {}, routes: {}, totals: emptyCounters()}

  record(request: RequestRecord): void {
    const targets = [
      this.stats.totals,
      (this.stats.routes[request.route ?? 'unmatched'] ??= emptyCounters()),
      ...(request.projectId ? [(this.stats.projects[request.projectId] ??= emptyCounters())] : []),
    ]
    for (const counters of targets) {
      counters.requests += 1
      counters.byStatus[request.status] = (counters.byStatus[request.status] ?? 0) + 1
      if (request.outcome === 'served') counters.served += 1
      if (request.outcome === 'rateLimited') counters.rateLimited += 1
      if (request.fault) counters.faultsInjected += 1
      if (request.mutation && request.outcome === 'served' && request.status === 200) counters.mutations += 1
    }
  }

  reset(): void {
    this.stats = {projects: {}, routes: {}, totals: emptyCounters()}
  }

  snapshot(): Stats {
    return structuredClone(this.stats)
  }
}

export interface LogEntry {
  seq: number
  time: string
  method: string
  path: string
  projectId: string | null
  status: number
  outcome: Outcome
  fault?: string
  /** The errorCode of an error answer (E011409 for "already exists" in either error style). */
  errorCode?: string
  /**
   * The parsed request body (never headers): for requests to mutation routes, or for every
   * request when the emulator was started with `logBodies`.
   */
  body?: JsonObject
  /** The `x-descope-license` tier the request carried: the SDKs' rate-limit handshake (no secret). */
  license?: string
  /** With `logBodies`: the query parameters (a repeated name keeps its last value). */
  query?: Record<string, string>
  /** With `logBodies`: the JSON body of the answer, errors included (absent for a reset connection). */
  response?: unknown
}

export interface LogFilter {
  /** A route pattern as for faults: exact path, or a prefix ending in `*`. */
  path?: string
  method?: string
}

/** The last `capacity` requests, oldest first, in a ring buffer. */
export class RequestLog {
  private entries: LogEntry[] = []
  private next = 0
  private seq = 0

  constructor(private readonly capacity = 100_000) {}

  add(entry: Omit<LogEntry, 'seq'>): void {
    const full = {...entry, seq: ++this.seq}
    if (this.entries.length < this.capacity) this.entries.push(full)
    else this.entries[this.next] = full
    this.next = (this.next + 1) % this.capacity
  }

  clear(): void {
    this.entries = []
    this.next = 0
  }

  list(filter: LogFilter = {}): LogEntry[] {
    const ordered = this.entries.length < this.capacity ? this.entries : [...this.entries.slice(this.next), ...this.entries.slice(0, this.next)]
    const method = filter.method?.toUpperCase()
    return ordered.filter(entry => (!method || entry.method === method) && (!filter.path || routeMatches(filter.path, entry.method, entry.path)))
  }
}
