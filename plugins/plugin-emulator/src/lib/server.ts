/**
 * The HTTP layer. An API request goes through: route lookup (JSON 404/405) → authentication →
 * rate limit (429) → body parsing → injected fault → handler → automatic audit record →
 * latency → response; every outcome is counted and logged. `/emulator/...` is the admin API.
 */
import {
  createServer, type IncomingMessage, type Server, type ServerResponse,
} from 'node:http'
import {setTimeout as sleep} from 'node:timers/promises'

import type {JsonObject, ProjectState, RouteDefinition} from './types.js'

import {handleAdminRequest} from './admin.js'
import {EmulatorCore} from './emulator.js'
import {EmulatorError, type ErrorStyle} from './errors.js'
import {type Outcome} from './stats.js'
import {isPlainObject} from './validate.js'

/** Large enough for a snapshot import with assets. */
const maxBodyBytes = 32 * 1024 * 1024

/** A response, serialised when it is made: a later change to the state cannot alter it. */
interface Reply {
  status: number
  json: string
  headers?: Record<string, string>
  /** The errorCode of an error reply, for the request log. */
  errorCode?: string
}

function reply(status: number, body: unknown, headers?: Record<string, string>): Reply {
  return {headers, json: JSON.stringify(body), status}
}

function errorReply(error: unknown, style: ErrorStyle): Reply {
  const emulatorError = error instanceof EmulatorError ? error : new EmulatorError('internal', (error as Error)?.message ?? 'Unexpected error')
  const body = emulatorError.toBody()
  return {...reply(emulatorError.statusIn(style), body, emulatorError.headers), errorCode: body.errorCode}
}

function send(response: ServerResponse, {headers, json, status}: Reply): void {
  response.writeHead(status, {'content-type': 'application/json; charset=utf-8', ...headers})
  response.end(json)
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of request) {
    size += (chunk as Buffer).length
    if (size <= maxBodyBytes) chunks.push(chunk as Buffer)
  }

  if (size > maxBodyBytes) throw new EmulatorError('badRequest', `The request body is larger than ${maxBodyBytes} bytes`)
  return Buffer.concat(chunks).toString('utf8')
}

/** An empty body is `{}` (go sends bodiless POSTs); anything else must be a JSON object. */
export function parseJsonBody(text: string): JsonObject {
  if (text.trim() === '') return {}
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch (error) {
    throw new EmulatorError('badRequest', `The request body is not valid JSON: ${(error as Error).message}`)
  }

  if (!isPlainObject(body)) throw new EmulatorError('badRequest', 'The request body must be a JSON object')
  return body
}

/** `Bearer <projectId>:<key>`, or `Bearer <key>` for company-level calls. */
function parseBearer(header: string | undefined): {key: string; projectId?: string} {
  const token = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1]
  if (!token) throw new EmulatorError('unauthorized', 'Expected the header "Authorization: Bearer <projectId>:<managementKey>"')
  const separator = token.indexOf(':')
  if (separator === -1) return {key: token}
  const projectId = token.slice(0, separator)
  const key = token.slice(separator + 1)
  if (!projectId || !key) throw new EmulatorError('unauthorized', 'Expected the header "Authorization: Bearer <projectId>:<managementKey>"')
  return {key, projectId}
}

/** `/v1/mgmt/tenant/create` → `tenant.create`: the action of the automatic audit record. */
function auditAction(path: string): string {
  return path.replace(/^\/v\d+\/mgmt\//, '').replaceAll('/', '.')
}

/**
 * The tenants an automatic audit record names: the body's `tenantId`, and for `/tenant/` routes
 * the body's `id` and the response's `id` (tenant create answers the new id).
 */
function tenantsInvolved(path: string, body: JsonObject, result: unknown): string[] {
  const candidates = [body.tenantId]
  if (path.includes('/mgmt/tenant/')) candidates.push(body.id, isPlainObject(result) ? result.id : undefined)
  return [...new Set(candidates.filter((value): value is string => typeof value === 'string' && value !== ''))]
}

/** Whether a peer address is this machine (the admin API answers no one else). */
export function isLoopback(address: string | undefined): boolean {
  return address !== undefined && (address === '::1' || /^(::ffff:)?127\./.test(address))
}

interface Handled {
  reply: 'reset' | Reply
  outcome: Outcome
  project?: ProjectState
  route?: RouteDefinition
  body?: JsonObject
  fault?: string
}

export class EmulatorServer {
  readonly http: Server

  constructor(private readonly core: EmulatorCore) {
    this.http = createServer((request, response) => {
      this.dispatch(request, response).catch((error: Error) => {
        if (!response.headersSent) send(response, errorReply(error, core.errorStyle))
      })
    })
  }

  private async dispatch(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://emulator')
    const method = (request.method ?? 'GET').toUpperCase()
    if (url.pathname === '/emulator' || url.pathname.startsWith('/emulator/')) {
      const answer = isLoopback(request.socket.remoteAddress)
        ? await handleAdminRequest(this.core, method, url, () => readBody(request).then(text => parseJsonBody(text))).then(
          body => reply(200, body),
          error => errorReply(error, this.core.errorStyle),
        )
        : errorReply(new EmulatorError('forbidden', 'The admin API answers loopback clients only'), this.core.errorStyle)
      send(response, answer)
      return
    }

    const handled = await this.handleApi(request, method, url)
    const status = handled.reply === 'reset' ? 0 : handled.reply.status
    const mutation = handled.route?.mutation === true
    const {logBodies, trafficLog} = this.core
    this.core.stats.record({
      fault: handled.fault,
      method,
      mutation,
      outcome: handled.outcome,
      path: url.pathname,
      projectId: handled.project?.id,
      route: handled.route ? `${handled.route.method} ${handled.route.path}` : undefined,
      status,
    })
    this.core.log.add({
      method,
      outcome: handled.outcome,
      path: url.pathname,
      projectId: handled.project?.id ?? null,
      status,
      time: new Date(this.core.now()).toISOString(),
      ...(handled.reply !== 'reset' && handled.reply.errorCode ? {errorCode: handled.reply.errorCode} : {}),
      ...(handled.fault ? {fault: handled.fault} : {}),
      ...((mutation || logBodies) && handled.body ? {body: handled.body} : {}),
      ...(logBodies ? {query: Object.fromEntries(url.searchParams)} : {}),
      ...(logBodies && handled.reply !== 'reset' ? {response: JSON.parse(handled.reply.json)} : {}),
      ...(typeof request.headers['x-descope-license'] === 'string' ? {license: request.headers['x-descope-license']} : {}),
    })
    if (trafficLog && handled.route && handled.reply !== 'reset') {
      trafficLog.record({
        body: handled.body,
        method,
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        response: JSON.parse(handled.reply.json),
        status,
        ...(typeof request.headers['x-descope-sdk-name'] === 'string' ? {sdk: request.headers['x-descope-sdk-name']} : {}),
      })
    }

    if (handled.reply === 'reset') {
      request.socket.destroy()
      return
    }

    const latencyMs = this.core.knobs.latencyMs(handled.project?.id)
    if (latencyMs > 0) await sleep(latencyMs)
    send(response, handled.reply)
  }

  private async handleApi(request: IncomingMessage, method: string, url: URL): Promise<Handled> {
    const handled: Omit<Handled, 'reply'> = {outcome: 'served'}
    try {
      const text = await readBody(request)
      handled.route = this.core.routes.lookup(method, url.pathname)
      const {key, projectId} = parseBearer(request.headers.authorization)
      const project = this.core.store.authenticate(projectId, key)
      handled.project = project

      const limit = this.core.knobs.rateLimitFor(project.id)
      // Descope counts most operations per source IP; the `project` scope counts each project alone.
      const limitKey = this.core.knobs.rateLimitScope === 'ip' ? `ip:${request.socket.remoteAddress ?? ''}` : `project:${project.id}`
      const admission = limit ? this.core.limiter.tryAcquire(limitKey, limit, this.core.now()) : {allowed: true as const}
      if (!admission.allowed) {
        const retryAfter = String(admission.retryAfterSeconds)
        const error = new EmulatorError('rateLimited', `More than ${limit?.requests} requests in ${limit?.windowMs} ms; retry after ${retryAfter} s`, {
          'Retry-After': retryAfter,
        })
        return {...handled, outcome: 'rateLimited', reply: errorReply(error, this.core.errorStyle)}
      }

      const body = parseJsonBody(text)
      // A copy when bodies are logged for their own sake: a handler may normalise its input in place.
      handled.body = this.core.logBodies || this.core.trafficLog ? structuredClone(body) : body
      const fault = this.core.knobs.takeFault(method, url.pathname, project.id)
      if (fault?.type === 'reset') return {
        ...handled, fault: 'reset', outcome: 'fault', reply: 'reset',
      }
      if (fault?.type === 'status') return {
        ...handled, fault: `status ${fault.status}`, outcome: 'fault', reply: injectedErrorReply(fault.status, this.core.errorStyle),
      }
      if (fault?.type === 'slow') {
        handled.fault = `slow ${fault.delayMs}ms`
        await sleep(fault.delayMs)
      }

      return {...handled, reply: await this.runRoute(handled.route, project, body, url, request.socket.remoteAddress ?? '')}
    } catch (error) {
      return {...handled, reply: errorReply(error, this.core.errorStyle)}
    }
  }

  private async runRoute(route: RouteDefinition, project: ProjectState, body: JsonObject, url: URL, remoteAddress: string): Promise<Reply> {
    const {audited, context} = this.core.makeContext(project, body, url.searchParams, remoteAddress)
    const result = await route.handler(context)
    if (route.mutation) {
      if (!audited()) {
        this.core.recordAudit(project, {action: auditAction(route.path), remoteAddress, tenants: tenantsInvolved(route.path, body, result)})
      }

      this.core.store.touch(project.id)
    }

    return reply(200, result ?? {})
  }
}

/**
 * The answer of an injected status fault. Codes follow the emulator's pattern `E011<status>`
 * (so 500 and 503 match `internal` and `unavailable`); a 429 is Descope's own E130429 with
 * `Retry-After: 1`, so clients can exercise their rate-limit handling.
 */
function injectedErrorReply(status: number, style: ErrorStyle): Reply {
  if (status === 429) return errorReply(new EmulatorError('rateLimited', 'Injected fault: rate limit exceeded', {'Retry-After': '1'}), style)
  const errorCode = `E011${status}`
  return {...reply(status, {errorCode, errorDescription: 'Injected fault', errorMessage: `Injected fault: status ${status}`}), errorCode}
}
