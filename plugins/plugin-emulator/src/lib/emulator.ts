/**
 * The emulator without its HTTP layer: projects, knobs, counters and the operations of the admin
 * API. The HTTP server (server.ts) and the programmatic handle (index.ts) both drive this.
 */
import type {
  AuditFields, HttpMethod, JsonObject, ProjectState, RouteContext, RouteDefinition,
} from './types.js'

import {defaultErrorStyle, type ErrorStyle} from './errors.js'
import {
  type Fault, type FaultInput, type Knobs, type LatencyInput, parseFault, type RateLimitInput,
} from './knobs.js'
import {SlidingWindowLimiter} from './rate-limiter.js'
import {RouteTable} from './route-table.js'
import {randomId, redactKey} from './secrets.js'
import {buildSeedProject, type Seed} from './seed.js'
import {
  type LogFilter, RequestLog, type Stats, StatsRecorder,
} from './stats.js'
import {
  defaultProject, type Persistence, ProjectStore, snapshotProject,
} from './store.js'
import {type TrafficLog} from './traffic-log.js'

/** Audit records kept per project; older ones are dropped (Descope keeps a limited window too). */
const maxAuditRecords = 10_000

export interface AuditEntry {
  action: string
  data?: JsonObject
  tenants?: string[]
  fields?: AuditFields
  remoteAddress?: string
}

/** A project's credentials, as far as this process knows them. */
export interface ProjectCredentials {
  id: string
  /** Empty when the project was loaded from the data folder and its key was not given again. */
  managementKey: string
}

export interface EmulatorCoreOptions {
  routes: RouteDefinition[]
  knobs: Knobs
  /** What the emulator starts with and `reset()` returns to. */
  baseline: Seed
  now: () => number
  /** Log every request's query and body and the answer's body (see LogEntry). */
  logBodies?: boolean
  /** Where sampled exchanges also go, for a check against Descope's OpenAPI (see traffic-log.ts). */
  trafficLog?: TrafficLog
  /** How not-found and already-exists are answered; `reset()` returns to it. Default `descope`. */
  errorStyle?: ErrorStyle
}

export class EmulatorCore {
  errorStyle: ErrorStyle
  readonly knobs: Knobs
  readonly limiter = new SlidingWindowLimiter()
  readonly log = new RequestLog()
  readonly logBodies: boolean
  readonly trafficLog: TrafficLog | undefined
  readonly now: () => number
  persistence: Persistence | undefined
  readonly routes: RouteTable<RouteDefinition>
  readonly stats = new StatsRecorder()
  readonly store: ProjectStore
  private readonly baseline: Seed
  private readonly baselineErrorStyle: ErrorStyle

  constructor(options: EmulatorCoreOptions) {
    this.store = new ProjectStore(id => this.persistence?.markDirty(id))
    this.routes = new RouteTable(options.routes)
    this.knobs = options.knobs
    this.baseline = options.baseline
    this.now = options.now
    this.logBodies = options.logBodies ?? false
    this.trafficLog = options.trafficLog
    this.baselineErrorStyle = options.errorStyle ?? defaultErrorStyle
    this.errorStyle = this.baselineErrorStyle
  }

  /**
   * Brings the baseline in at start-up, on top of what was loaded from the data folder: a
   * baseline project that exists already keeps its data and also accepts the baseline's keys;
   * a missing one is created. The default project (used when the baseline names none) is only
   * created when there is no project at all.
   */
  async applyBaseline(): Promise<void> {
    this.applyKnobs(this.baseline)
    const {implicit, projects} = this.baselineProjects()
    for (const seed of projects) {
      const existing = this.store.get(seed.id)
      if (existing) {
        for (const key of seed.managementKeys) this.store.addManagementKey(existing, key)
      } else if (!implicit || this.store.list().length === 0) {
        this.store.put(await buildSeedProject(seed, this.invoke))
      }
    }
  }

  clearFaults(): void {
    this.knobs.faults = []
  }

  credentials(): ProjectCredentials[] {
    return this.store.list().map(project => ({id: project.id, managementKey: project.managementKeys[0] ?? ''}))
  }

  /** Calls a route handler in-process (for seeds): no HTTP, no knobs, no audit records. */
  readonly invoke = async (project: ProjectState, method: HttpMethod, path: string, body: JsonObject): Promise<unknown> => {
    const route = this.routes.lookup(method, path)
    return route.handler({
      audit() {}, behaviour: this.knobs.behaviour, body, now: this.now(), project, projects: this.store, query: new URLSearchParams(),
    })
  }

  /** The context a route handler gets for one HTTP request; `audited` tells whether it called audit(). */
  makeContext(project: ProjectState, body: JsonObject, query: URLSearchParams, remoteAddress: string): {audited(): boolean; context: RouteContext} {
    let audited = false
    const context: RouteContext = {
      audit: (action, data, tenants, fields) => {
        audited = true
        this.recordAudit(project, {
          action, data, fields, remoteAddress, tenants,
        })
      },
      behaviour: this.knobs.behaviour,
      body,
      now: this.now(),
      project,
      projects: this.store,
      query,
    }
    return {audited: () => audited, context}
  }

  recordAudit(project: ProjectState, entry: AuditEntry): void {
    project.audits.push({
      action: entry.action,
      actorId: 'management-key',
      data: entry.data ?? {},
      device: '',
      externalIds: [],
      geo: '',
      ID: randomId('AU'),
      method: '',
      occurred: this.now(),
      projectId: project.id,
      remoteAddress: entry.remoteAddress ?? '',
      tenants: entry.tenants ?? [],
      type: 'info',
      userId: '',
      ...entry.fields,
    })
    if (project.audits.length > maxAuditRecords) project.audits.splice(0, project.audits.length - maxAuditRecords)
  }

  requests(filter?: LogFilter): ReturnType<RequestLog['list']> {
    return this.log.list(filter)
  }

  /** Back to the start-up state: the baseline's projects, knobs and error style, empty counters and log. */
  async reset(): Promise<void> {
    const {projects} = this.baselineProjects()
    const built = await Promise.all(projects.map(seed => buildSeedProject(seed, this.invoke)))
    this.store.clear()
    for (const project of built) this.store.put(project)
    this.knobs.clear()
    this.applyKnobs(this.baseline)
    this.errorStyle = this.baselineErrorStyle
    this.limiter.clear()
    this.resetStats()
  }

  resetStats(): void {
    this.stats.reset()
    this.log.clear()
  }

  /**
   * Loads a seed on top of the current state: its projects replace those with the same id, its
   * knobs replace the current ones. The baseline that reset() returns to does not change.
   */
  async seed(seed: Seed): Promise<Array<{id: string; name: string}>> {
    const built = await Promise.all(seed.projects.map(project => buildSeedProject(project, this.invoke)))
    for (const project of built) this.store.put(project)
    this.applyKnobs(seed)
    return built.map(project => ({id: project.id, name: project.name}))
  }

  setFaults(faults: Array<FaultInput | string>): Fault[] {
    this.knobs.faults = faults.map(fault => parseFault(fault))
    return this.knobs.faults
  }

  setLatency(latency: LatencyInput, projectId?: string): void {
    this.knobs.setLatency(latency, projectId)
  }

  setBehaviour(changes: Record<string, unknown>): void {
    this.knobs.setBehaviour(changes)
  }

  setRateLimit(rateLimit: RateLimitInput, projectId?: string): void {
    this.knobs.setRateLimit(rateLimit, projectId)
  }

  /** Changes what the rate limit counts together; the windows counted so far start again. */
  setRateLimitScope(scope: string): void {
    this.knobs.setRateLimitScope(scope)
    this.limiter.clear()
  }

  /** Every project as JSON, keys redacted, plus the knobs in force. */
  state(): {knobs: ReturnType<Knobs['describe']>; projects: JsonObject[]} {
    return {
      knobs: this.knobs.describe(),
      projects: this.store.list().map(project => {
        const {managementKeyDigests, ...snapshot} = snapshotProject(project)
        return structuredClone({...snapshot, managementKeyCount: managementKeyDigests.length, managementKeys: project.managementKeys.map(key => redactKey(key))})
      }),
    }
  }

  statsSnapshot(): Stats {
    return this.stats.snapshot()
  }

  private applyKnobs(seed: Seed): void {
    if (seed.latency !== undefined) this.knobs.setLatency(seed.latency)
    if (seed.rateLimit !== undefined) this.knobs.setRateLimit(seed.rateLimit)
    if (seed.rateLimitScope !== undefined) this.knobs.setRateLimitScope(seed.rateLimitScope)
    if (seed.behaviour !== undefined) this.knobs.setBehaviour(seed.behaviour)
    if (seed.faults?.length) this.knobs.faults = structuredClone(seed.faults)
    for (const project of seed.projects) {
      if (project.latency !== undefined) this.knobs.setLatency(project.latency, project.id)
      if (project.rateLimit !== undefined) this.knobs.setRateLimit(project.rateLimit, project.id)
    }
  }

  private baselineProjects(): {implicit: boolean; projects: Seed['projects']} {
    if (this.baseline.projects.length > 0) return {implicit: false, projects: this.baseline.projects}
    const {id, managementKey, name} = defaultProject
    const project = {
      contents: this.baseline.newProjects,
      flows: [],
      id,
      managementKeys: [managementKey],
      name,
      permissions: [],
      roles: [],
      tenants: [],
      where: 'the default project',
    }
    return {implicit: true, projects: [project]}
  }
}
