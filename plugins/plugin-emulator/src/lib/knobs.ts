/**
 * Realism knobs: latency, rate limits and injected faults, global or per project. One parser per
 * knob serves the startEmulator options, the CLI flags, seed files and the admin API alike.
 */

/** Thrown for a knob value that cannot be understood; the message says what was expected. */
export class KnobError extends Error {}

export interface LatencyRange {
  minMs: number
  maxMs: number
}

/** `"50ms"`, `"20-80ms"`, `"1s"`, a number of ms, `{minMs, maxMs}`; `0`, `"off"` or `null` turn it off. */
export type LatencyInput = LatencyRange | null | number | string

export interface RateLimit {
  requests: number
  windowMs: number
  /**
   * Once the limit is exceeded, every request of the same client is refused for this long
   * (Retry-After says how long is left). Without it, Retry-After is the time until a slot frees.
   */
  backoffMs?: number
}

/**
 * `"200/60s"` (window in `ms`, `s` or `m`), optionally with a backoff, `"100/60s,backoff=60s"`;
 * `{requests, windowMs, backoffMs?}` or `{requests, windowSeconds, backoffSeconds?}`; `"off"` or
 * `null` turn it off.
 */
export type RateLimitInput = null | RateLimit | string | {requests: number; windowSeconds: number; backoffSeconds?: number}

/**
 * Descope's documented limit: "100 requests per 60 seconds with a 60-second backoff"
 * (docs.descope.com/rate-limiting), the default unless a seed, an option or a flag says otherwise.
 */
export const DEFAULT_RATE_LIMIT: Readonly<RateLimit> = Object.freeze({backoffMs: 60_000, requests: 100, windowMs: 60_000})

/**
 * What the rate limit counts together: `ip`, every request from one client address (Descope
 * counts most operations per source IP), or `project`, each project on its own.
 */
export type RateLimitScope = 'ip' | 'project'

export const RATE_LIMIT_SCOPES: readonly RateLimitScope[] = ['ip', 'project']

export function parseRateLimitScope(input: string): RateLimitScope {
  if ((RATE_LIMIT_SCOPES as readonly string[]).includes(input)) return input as RateLimitScope
  throw new KnobError(`rate-limit scope "${input}" must be ip or project`)
}

export type FaultAction = {delayMs: number; type: 'slow'} | {status: number; type: 'status'} | {type: 'reset'}

/** An injected fault as stored: `remaining` undefined means "no limit". */
export interface Fault {
  action: FaultAction
  /** `*`, a path, `METHOD path`, either with a trailing `*` for a prefix. */
  route: string
  probability: number
  remaining?: number
  projectId?: string
}

/** The object form of a fault, e.g. `{route: 'POST /v1/mgmt/tenant/create', status: 503, count: 3}`. */
export interface FaultInput {
  type?: FaultAction['type']
  status?: number
  delayMs?: number
  route?: string
  /** Fail only the next `count` matching requests. */
  count?: number
  /** Chance (0..1] that a matching request fails; 1 when absent. */
  probability?: number
  projectId?: string
}

const durationPattern = /^(\d+(?:\.\d+)?)(ms|s|m)?$/
const unitMs = {m: 60_000, ms: 1, s: 1000}

/** `"2000"` (ms), `"500ms"`, `"2s"`, `"1m"` → milliseconds. */
export function parseDuration(text: string, what: string): number {
  const match = durationPattern.exec(text.trim())
  if (!match) throw new KnobError(`${what} "${text}" is not a duration such as 50ms, 2s or 1m`)
  return Math.round(Number(match[1]) * unitMs[(match[2] ?? 'ms') as keyof typeof unitMs])
}

function isOff(input: unknown): boolean {
  return input === null || input === 0 || input === 'off' || input === 'none' || input === '0'
}

export function parseLatency(input: LatencyInput): LatencyRange | undefined {
  if (isOff(input)) return undefined
  let range: LatencyRange
  if (typeof input === 'number') {
    range = {maxMs: input, minMs: input}
  } else if (typeof input === 'string') {
    const [low, high] = input.split('-')
    const unit = /[a-z]+$/.exec(input.trim())?.[0] ?? ''
    // In "20-80ms" the unit is written once, after the upper bound.
    const minMs = parseDuration(/[a-z]$/.test(low.trim()) ? low : `${low.trim()}${unit}`, 'latency')
    range = {maxMs: high === undefined ? minMs : parseDuration(high, 'latency'), minMs}
  } else {
    range = input as LatencyRange
  }

  if (!Number.isFinite(range.minMs) || !Number.isFinite(range.maxMs) || range.minMs < 0 || range.maxMs < range.minMs) {
    throw new KnobError(`latency ${JSON.stringify(input)} must be a duration such as 50ms or a range such as 20-80ms`)
  }

  return range
}

export function formatLatency(range?: LatencyRange): string {
  if (!range) return 'off'
  return range.minMs === range.maxMs ? `${range.minMs}ms` : `${range.minMs}-${range.maxMs}ms`
}

/** The limit, or `null` for "off" (which, unlike "not given", overrides a default). */
export function parseRateLimit(input: RateLimitInput): null | RateLimit {
  if (isOff(input)) return null
  let limit: RateLimit
  if (typeof input === 'string') {
    const match = /^(\d+)\/([^,]+)(?:,\s*backoff=(.+))?$/.exec(input.trim())
    if (!match || !/[a-z]$/.test(match[2].trim())) {
      throw new KnobError(`rate limit "${input}" must look like 200/60s or 100/60s,backoff=60s (requests/window with ms, s or m)`)
    }

    limit = {requests: Number(match[1]), windowMs: parseDuration(match[2], 'rate-limit window')}
    if (match[3] !== undefined) limit.backoffMs = parseDuration(match[3], 'rate-limit backoff')
  } else {
    const object = input as Partial<RateLimit & {backoffSeconds: number; windowSeconds: number}>
    limit = {requests: Number(object.requests), windowMs: object.windowMs ?? Number(object.windowSeconds) * 1000}
    const backoffMs = object.backoffMs ?? (object.backoffSeconds === undefined ? undefined : Number(object.backoffSeconds) * 1000)
    if (backoffMs !== undefined) limit.backoffMs = backoffMs
  }

  if (!Number.isInteger(limit.requests) || limit.requests < 1 || !Number.isFinite(limit.windowMs) || limit.windowMs < 1) {
    throw new KnobError(`rate limit ${JSON.stringify(input)} needs at least 1 request in a window of at least 1 ms`)
  }

  if (limit.backoffMs !== undefined && !(Number.isFinite(limit.backoffMs) && limit.backoffMs >= 1)) {
    throw new KnobError(`rate limit ${JSON.stringify(input)}: the backoff must be a duration of at least 1 ms`)
  }

  return limit
}

function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`
}

export function formatRateLimit(limit?: null | RateLimit): string {
  if (!limit) return 'off'
  return `${limit.requests}/${formatMs(limit.windowMs)}${limit.backoffMs === undefined ? '' : `,backoff=${formatMs(limit.backoffMs)}`}`
}

const methods = new Set(['DELETE', 'GET', 'POST', 'PUT'])

/** Whether a route pattern (`*`, `/path`, `/prefix*`, `METHOD /path`) covers a request. */
export function routeMatches(pattern: string, method: string, path: string): boolean {
  const [first, ...rest] = pattern.trim().split(/\s+/)
  const hasMethod = rest.length > 0
  if (hasMethod && first.toUpperCase() !== method) return false
  const pathPattern = hasMethod ? rest.join(' ') : first
  return pathPattern.endsWith('*') ? path.startsWith(pathPattern.slice(0, -1)) : path === pathPattern
}

function checkRoute(route: string): string {
  const [first, ...rest] = route.trim().split(/\s+/)
  const pathPattern = rest.length > 0 ? rest.join(' ') : first
  if (rest.length > 0 && !methods.has(first.toUpperCase())) throw new KnobError(`fault route "${route}": unknown method "${first}"`)
  if (pathPattern !== '*' && !pathPattern.startsWith('/')) throw new KnobError(`fault route "${route}" must be *, a path or "METHOD path"`)
  return route.trim()
}

function checkProbability(probability: number): number {
  if (!(probability > 0 && probability <= 1)) throw new KnobError(`fault probability ${probability} must be in (0, 1]`)
  return probability
}

function checkCount(count: number): number {
  if (!Number.isInteger(count) || count < 1) throw new KnobError(`fault count ${count} must be a whole number of at least 1`)
  return count
}

function checkStatus(status: number): number {
  if (!Number.isInteger(status) || status < 400 || status > 599) throw new KnobError(`fault status ${status} must be 400-599`)
  return status
}

/**
 * The compact fault syntax of `--fault`: `ACTION:ROUTE[:WHEN]`.
 * ACTION is an HTTP status (400-599), `reset` or `slow=DURATION`; ROUTE is `*`, a path, a
 * `METHOD path`, either with a trailing `*` for a prefix; WHEN is a comma-separated list of
 * `N` (only the next N matching requests), `p=X` (probability) and `project=ID`.
 * Examples: `503:POST /v1/mgmt/tenant/create:3`, `reset:*:p=0.05`, `slow=2000:*:1`.
 */
export function parseFaultString(spec: string): Fault {
  const parts = spec.split(':')
  if (parts.length < 2 || parts.length > 3) throw new KnobError(`fault "${spec}" must look like ACTION:ROUTE[:WHEN], e.g. 503:POST /v1/mgmt/tenant/create:3`)
  const [actionText, route, when = ''] = parts
  const input: FaultInput = {route}
  if (actionText === 'reset') input.type = 'reset'
  else if (actionText.startsWith('slow=')) Object.assign(input, {delayMs: parseDuration(actionText.slice(5), `fault "${spec}" delay`), type: 'slow'})
  else if (/^\d{3}$/.test(actionText)) input.status = Number(actionText)
  else throw new KnobError(`fault "${spec}": action "${actionText}" must be a status such as 503, "reset" or "slow=2s"`)

  for (const condition of when.split(',').filter(Boolean)) {
    const [name, value] = condition.split('=')
    if (value === undefined && /^\d+$/.test(name)) input.count = Number(name)
    else if (name === 'p' && value !== undefined && value !== '') input.probability = Number(value)
    else if (name === 'project' && value) input.projectId = value
    else throw new KnobError(`fault "${spec}": condition "${condition}" must be a count, p=PROBABILITY or project=ID`)
  }

  return parseFault(input)
}

export function parseFault(input: FaultInput | string): Fault {
  if (typeof input === 'string') return parseFaultString(input)
  let action: FaultAction
  const type = input.type ?? 'status'
  switch (type) {
  case 'reset': {
    action = {type}
    break
  }

  case 'slow': {
    if (!(Number(input.delayMs) >= 0)) throw new KnobError('a slow fault needs delayMs ≥ 0')
    action = {delayMs: Number(input.delayMs), type}
    break
  }

  case 'status': {
    action = {status: checkStatus(Number(input.status)), type}
    break
  }

  default: {
    throw new KnobError(`fault type "${String(type)}" must be status, reset or slow`)
  }
  }

  return {
    action,
    probability: input.probability === undefined ? 1 : checkProbability(input.probability),
    route: checkRoute(input.route ?? '*'),
    ...(input.count === undefined ? {} : {remaining: checkCount(input.count)}),
    ...(input.projectId ? {projectId: input.projectId} : {}),
  }
}

/** A fault in the compact syntax (inverse of parseFaultString). */
export function formatFault(fault: Fault): string {
  const action = fault.action.type === 'status' ? String(fault.action.status) : (fault.action.type === 'slow' ? `slow=${fault.action.delayMs}ms` : 'reset')
  const conditions = [
    fault.remaining === undefined ? undefined : String(fault.remaining),
    fault.probability === 1 ? undefined : `p=${fault.probability}`,
    fault.projectId ? `project=${fault.projectId}` : undefined,
  ].filter(Boolean)
  return [action, fault.route, ...(conditions.length > 0 ? [conditions.join(',')] : [])].join(':')
}

interface KnobSettings {
  latency?: LatencyRange
  /** `null`: off. */
  rateLimit?: null | RateLimit
}

/**
 * Behaviours of Descope that its documentation leaves open. Each defaults to the harder case for a
 * client (false); the other is a knob: a `startEmulator` option, an `emulator start` flag, a seed
 * key and `/emulator/behaviour` in the admin API.
 */
export interface Behaviour {
  /** Whether `GET /v1/mgmt/role/all` also returns the roles of every tenant. */
  roleAllIncludesTenantRoles: boolean
  /**
   * Whether a `tenant/update` without `authType` keeps the tenant's; by default it resets it to
   * "none", like every other field an update leaves out (Descope: the update "will override all fields").
   */
  tenantUpdateKeepsAuthType: boolean
}

export const DEFAULT_BEHAVIOUR: Readonly<Behaviour> = Object.freeze({roleAllIncludesTenantRoles: false, tenantUpdateKeepsAuthType: false})

/** The knobs in force: global values, per-project overrides, and the fault list. */
export class Knobs {
  behaviour: Behaviour = {...DEFAULT_BEHAVIOUR}
  faults: Fault[] = []
  rateLimitScope: RateLimitScope = 'ip'
  private global: KnobSettings = {rateLimit: DEFAULT_RATE_LIMIT}
  private readonly perProject = new Map<string, KnobSettings>()

  constructor(private readonly random: () => number = Math.random) {}

  clear(): void {
    this.behaviour = {...DEFAULT_BEHAVIOUR}
    this.faults = []
    this.global = {rateLimit: DEFAULT_RATE_LIMIT}
    this.perProject.clear()
    this.rateLimitScope = 'ip'
  }

  /** The knobs as JSON (the admin API's GET answers). */
  describe(): {
    behaviour: Behaviour
    faults: Array<Fault & {spec: string}>
    latency: {global: string; projects: Record<string, string>}
    rateLimit: {global: string; projects: Record<string, string>; scope: RateLimitScope}
  } {
    return {
      behaviour: {...this.behaviour},
      faults: this.faults.map(fault => ({...fault, spec: formatFault(fault)})),
      latency: {global: formatLatency(this.global.latency), projects: this.describeProjects('latency', formatLatency)},
      rateLimit: {global: formatRateLimit(this.global.rateLimit), projects: this.describeProjects('rateLimit', formatRateLimit), scope: this.rateLimitScope},
    }
  }

  /** Changes the given behaviours; checks the names and types. */
  setBehaviour(changes: Record<string, unknown>): void {
    for (const [name, value] of Object.entries(changes)) {
      if (!(name in DEFAULT_BEHAVIOUR)) throw new KnobError(`unknown behaviour "${name}"; known: ${Object.keys(DEFAULT_BEHAVIOUR).join(', ')}`)
      if (typeof value !== 'boolean') throw new KnobError(`behaviour "${name}" must be true or false`)
      this.behaviour[name as keyof Behaviour] = value
    }
  }

  setRateLimitScope(scope: string): void {
    this.rateLimitScope = parseRateLimitScope(scope)
  }

  /** Milliseconds to wait before answering a request of this project (0 when off). */
  latencyMs(projectId?: string): number {
    const range = this.settingFor(projectId, 'latency')
    if (!range) return 0
    return range.minMs + Math.floor(this.random() * (range.maxMs - range.minMs + 1))
  }

  rateLimitFor(projectId: string): RateLimit | undefined {
    return this.settingFor(projectId, 'rateLimit') ?? undefined
  }

  /** `projectId` undefined sets the global value; a project value (even "off") overrides it. */
  setLatency(latency: LatencyInput, projectId?: string): void {
    this.settingsOf(projectId).latency = parseLatency(latency)
  }

  setRateLimit(rateLimit: RateLimitInput, projectId?: string): void {
    this.settingsOf(projectId).rateLimit = parseRateLimit(rateLimit)
  }

  /**
   * The fault to inject into this request, if any: the first matching fault that fires. A fault
   * with a count is used up by firing and then removed.
   */
  takeFault(method: string, path: string, projectId: string): FaultAction | undefined {
    const fault = this.faults.find(candidate =>
      (!candidate.projectId || candidate.projectId === projectId)
      && routeMatches(candidate.route, method, path)
      && (candidate.probability >= 1 || this.random() < candidate.probability))
    if (!fault) return undefined
    if (fault.remaining !== undefined) {
      fault.remaining -= 1
      if (fault.remaining === 0) this.faults = this.faults.filter(candidate => candidate !== fault)
    }

    return fault.action
  }

  /** Projects with their own value; "off" counts (it overrides the global value). */
  private describeProjects<K extends keyof KnobSettings>(knob: K, format: (value: KnobSettings[K]) => string): Record<string, string> {
    return Object.fromEntries([...this.perProject].filter(([, settings]) => knob in settings).map(([id, settings]) => [id, format(settings[knob])]))
  }

  private settingFor<K extends keyof KnobSettings>(projectId: string | undefined, knob: K): KnobSettings[K] {
    const own = projectId === undefined ? undefined : this.perProject.get(projectId)
    return own && knob in own ? own[knob] : this.global[knob]
  }

  private settingsOf(projectId: string | undefined): KnobSettings {
    if (projectId === undefined) return this.global
    let settings = this.perProject.get(projectId)
    if (!settings) {
      settings = {}
      this.perProject.set(projectId, settings)
    }

    return settings
  }
}
