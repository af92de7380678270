/**
 * The admin API under `/emulator/` (no authentication; the server answers loopback clients only).
 * Each route calls the same EmulatorCore operation as the programmatic `admin` handle.
 */
import type {HttpMethod, JsonObject} from './types.js'

import {EmulatorCore} from './emulator.js'
import {EmulatorError, parseErrorStyle} from './errors.js'
import {KnobError} from './knobs.js'
import {RouteTable} from './route-table.js'
import {parseSeed} from './seed.js'
import {optionalString} from './validate.js'

interface AdminRequest {
  query: URLSearchParams
  /** The JSON body, read on demand. */
  body(): Promise<JsonObject>
}

interface AdminRoute {
  method: HttpMethod
  path: string
  handler(core: EmulatorCore, request: AdminRequest): Promise<unknown> | unknown
}

async function knobValue(request: AdminRequest, field: string): Promise<{projectId?: string; value: never}> {
  const body = await request.body()
  if (!(field in body)) throw new EmulatorError('missingArgument', `"${field}" is required (null turns it off)`)
  return {projectId: optionalString(body, 'projectId'), value: body[field] as never}
}

const adminRoutes = new RouteTable<AdminRoute>([
  {handler: core => core.statsSnapshot(), method: 'GET', path: '/emulator/stats'},
  {
    handler(core) {
      core.resetStats()
      return {}
    },
    method: 'POST',
    path: '/emulator/stats/reset',
  },
  {
    async handler(core) {
      await core.reset()
      return {}
    },
    method: 'POST',
    path: '/emulator/reset',
  },
  {
    handler: async (core, request) => ({projects: await core.seed(parseSeed(await request.body(), 'seed'))}),
    method: 'POST',
    path: '/emulator/seed',
  },
  {handler: core => ({faults: core.knobs.describe().faults}), method: 'GET', path: '/emulator/faults'},
  {
    async handler(core, request) {
      const {faults} = await request.body()
      if (!Array.isArray(faults)) throw new EmulatorError('invalidArgument', '"faults" must be an array of fault specs (strings or objects)')
      core.setFaults(faults)
      return {faults: core.knobs.describe().faults}
    },
    method: 'POST',
    path: '/emulator/faults',
  },
  {
    handler(core) {
      core.clearFaults()
      return {faults: []}
    },
    method: 'DELETE',
    path: '/emulator/faults',
  },
  {handler: core => core.knobs.describe().latency, method: 'GET', path: '/emulator/latency'},
  {
    async handler(core, request) {
      const {projectId, value} = await knobValue(request, 'latency')
      core.setLatency(value, projectId)
      return core.knobs.describe().latency
    },
    method: 'POST',
    path: '/emulator/latency',
  },
  {handler: core => core.knobs.describe().rateLimit, method: 'GET', path: '/emulator/rate-limit'},
  {
    async handler(core, request) {
      const {projectId, value} = await knobValue(request, 'rateLimit')
      core.setRateLimit(value, projectId)
      return core.knobs.describe().rateLimit
    },
    method: 'POST',
    path: '/emulator/rate-limit',
  },
  {handler: core => ({errorStyle: core.errorStyle}), method: 'GET', path: '/emulator/error-style'},
  {
    async handler(core, request) {
      core.errorStyle = parseErrorStyle((await request.body()).errorStyle, '"errorStyle"')
      return {errorStyle: core.errorStyle}
    },
    method: 'POST',
    path: '/emulator/error-style',
  },
  {handler: core => ({scope: core.knobs.rateLimitScope}), method: 'GET', path: '/emulator/rate-limit/scope'},
  {
    async handler(core, request) {
      const {scope} = await request.body()
      if (typeof scope !== 'string') throw new EmulatorError('missingArgument', '"scope" is required: ip or project')
      core.setRateLimitScope(scope)
      return {scope: core.knobs.rateLimitScope}
    },
    method: 'POST',
    path: '/emulator/rate-limit/scope',
  },
  {handler: core => core.knobs.describe().behaviour, method: 'GET', path: '/emulator/behaviour'},
  {
    async handler(core, request) {
      core.setBehaviour(await request.body())
      return core.knobs.describe().behaviour
    },
    method: 'POST',
    path: '/emulator/behaviour',
  },
  {handler: core => core.state(), method: 'GET', path: '/emulator/state'},
  {
    handler(core, {query}) {
      const requests = core.requests({method: query.get('method') ?? undefined, path: query.get('path') ?? undefined})
      return {requests, total: requests.length}
    },
    method: 'GET',
    path: '/emulator/requests',
  },
])

/** Answers one admin request with its JSON body; throws EmulatorError for a Descope-shaped error. */
export async function handleAdminRequest(core: EmulatorCore, method: string, url: URL, body: () => Promise<JsonObject>): Promise<unknown> {
  const route = adminRoutes.lookup(method, url.pathname)
  try {
    return await route.handler(core, {body, query: url.searchParams})
  } catch (error) {
    if (error instanceof KnobError) throw new EmulatorError('invalidArgument', error.message)
    throw error
  }
}
