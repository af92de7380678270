/** Hand-built route contexts for calling emulator route handlers directly. */
import {readFileSync} from 'node:fs'

import type {
  JsonObject, ProjectDirectory, ProjectState, RouteContext, RouteDefinition,
} from '../../../plugins/plugin-emulator/src/lib/types.js'

import {DEFAULT_BEHAVIOUR} from '../../../plugins/plugin-emulator/src/lib/knobs.js'

export interface RecordedAudit {
  action: string
  data?: JsonObject
  tenants?: string[]
}

export function emptyProject(overrides: Partial<ProjectState> = {}): ProjectState {
  return {
    id: 'P2AbCdEfGhIjKlMnOpQrStUvWxYz',
    name: 'Emulated project',
    managementKeys: [],
    managementKeyDigests: [],
    environment: '',
    tags: [],
    settings: {},
    tenants: new Map(),
    roles: new Map(),
    permissions: new Map(),
    flows: new Map(),
    theme: undefined,
    audits: [],
    ...overrides,
  }
}

/** Calls the handler of `method path` among `routes` with `body`, recording audit calls. */
export class RouteCaller {
  readonly audits: RecordedAudit[] = []
  now = Date.UTC(2026, 0, 15, 10, 30)

  constructor(
    readonly routes: RouteDefinition[],
    readonly project: ProjectState = emptyProject(),
  ) {
    this.directory.set(project.id, project)
  }

  route(path: string, method = 'POST'): RouteDefinition {
    const route = this.routes.find(candidate => candidate.path === path && candidate.method === method)
    if (!route) throw new Error(`no route ${method} ${path}`)
    return route
  }

  /** The projects the routes see through `context.projects`: this caller's project and any created. */
  readonly directory = new Map<string, ProjectState>()

  get projects(): ProjectDirectory {
    const {directory} = this
    return {
      create(project) {
        if (directory.has(project.id)) throw new Error(`project ${project.id} exists`)
        const created = emptyProject({
          environment: project.environment ?? '',
          id: project.id,
          managementKeyDigests: [...(project.managementKeyDigests ?? [])],
          name: project.name,
          tags: project.tags ?? [],
        })
        directory.set(created.id, created)
        return created
      },
      delete: id => directory.delete(id),
      get: id => directory.get(id),
      list: () => [...directory.values()],
    }
  }

  call(path: string, body: JsonObject = {}, method = 'POST'): unknown {
    const context: RouteContext = {
      behaviour: {...DEFAULT_BEHAVIOUR},
      projects: this.projects,
      project: this.project,
      body,
      query: new URLSearchParams(),
      now: this.now,
      audit: (action, data, tenants) => {
        this.audits.push({action, data, tenants})
      },
    }
    return this.route(path, method).handler(context)
  }
}

export function fixture<T = JsonObject>(relativePath: string): T {
  return JSON.parse(readFileSync(new URL(`../../fixtures/${relativePath}`, import.meta.url), 'utf8')) as T
}

/** Asserts that `fn` throws an EmulatorError of `kind` whose message matches `message`. */
export function expectEmulatorError(fn: () => unknown, kind: string, message?: RegExp): void {
  let thrown: unknown
  try {
    fn()
  } catch (error) {
    thrown = error
  }

  if (thrown === undefined) throw new Error(`expected an EmulatorError ${kind}, nothing was thrown`)
  const error = thrown as {kind?: string; message?: string}
  if (error.kind !== kind) throw new Error(`expected an EmulatorError ${kind}, got ${String(error.kind)}: ${String(error.message)}`)
  if (message && !message.test(error.message ?? '')) throw new Error(`error message ${JSON.stringify(error.message)} does not match ${message}`)
}
