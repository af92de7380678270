/**
 * Seed documents (YAML or JSON): the projects an emulator starts with, and optional knobs.
 * Entities are loaded through the emulator's own routes, so a seed is validated exactly like the
 * API requests that would create the same data.
 */
import {readFile} from 'node:fs/promises'
import {parse as parseYaml} from 'yaml'

import type {HttpMethod, JsonObject, ProjectState} from './types.js'

import {
  addBuiltInPermissions, builtInFlows, builtInRoles, type NewProjectContents, parseNewProjectContents,
} from './descope-defaults.js'
import {EmulatorError} from './errors.js'
import {
  type Behaviour, DEFAULT_BEHAVIOUR, type Fault, KnobError, type LatencyRange, parseFault, parseLatency, parseRateLimit, parseRateLimitScope,
  type RateLimit, type RateLimitScope,
} from './knobs.js'
import {randomId} from './secrets.js'
import {createProjectState} from './store.js'
import {
  isPlainObject, optionalObject, optionalObjectArray, optionalString, optionalStringArray, requiredString,
} from './validate.js'

export interface SeedProject {
  /** Where the project comes from, for error messages, e.g. `Seed file x.yaml: projects[0]`. */
  where: string
  id: string
  name?: string
  /** Plain-text keys; when none is given one is generated (see the emulator's `projects`). */
  managementKeys: string[]
  environment?: string
  tags?: string[]
  /** Tenant create bodies; a tenant may also list `defaultRoles`. Parents may come after children. */
  tenants: JsonObject[]
  roles: JsonObject[]
  permissions: JsonObject[]
  /** Flows in the v2 (exported) shape, `{flowId, metadata, contents, screens, references}`. */
  flows: JsonObject[]
  /** The theme in the v2 shape, `{styles, componentsVersion, references}`. */
  theme?: JsonObject
  /** What the project holds before the seed's own entities; Descope's built-ins when absent. */
  contents?: NewProjectContents
  latency?: LatencyRange
  /** `null`: off. */
  rateLimit?: null | RateLimit
}

export interface Seed {
  /** What every project of this seed holds before its own entities (a project's `contents` wins). */
  newProjects?: NewProjectContents
  projects: SeedProject[]
  latency?: LatencyRange
  /** `null`: off. */
  rateLimit?: null | RateLimit
  /** What the rate limit counts together (default `ip`). */
  rateLimitScope?: RateLimitScope
  /** Behaviours where Descope's is not documented (see Behaviour). */
  behaviour?: Partial<Behaviour>
  faults?: Fault[]
}

/** Runs `check`, prefixing any validation error with where in the seed it happened. */
function at<T>(where: string, check: () => T): T {
  try {
    return check()
  } catch (error) {
    if (error instanceof EmulatorError || error instanceof KnobError) {
      throw new EmulatorError('invalidArgument', `${where}: ${error.message}`)
    }

    throw error
  }
}

function parseSeedProject(value: JsonObject, where: string, newProjects: NewProjectContents | undefined): SeedProject {
  return at(where, () => {
    const managementKeys = [...(optionalStringArray(value, 'managementKeys') ?? [])]
    const managementKey = optionalString(value, 'managementKey')
    if (managementKey !== undefined) managementKeys.unshift(managementKey)
    return {
      contents: value.contents === undefined ? newProjects : parseNewProjectContents(value.contents, '"contents"'),
      environment: optionalString(value, 'environment'),
      flows: optionalObjectArray(value, 'flows') ?? [],
      id: requiredString(value, 'id'),
      latency: value.latency === undefined ? undefined : parseLatency(value.latency as never),
      managementKeys,
      name: optionalString(value, 'name'),
      permissions: optionalObjectArray(value, 'permissions') ?? [],
      rateLimit: value.rateLimit === undefined ? undefined : parseRateLimit(value.rateLimit as never),
      roles: optionalObjectArray(value, 'roles') ?? [],
      tags: optionalStringArray(value, 'tags'),
      tenants: optionalObjectArray(value, 'tenants') ?? [],
      theme: optionalObject(value, 'theme'),
      where,
    }
  })
}

/** Checks the shape of a seed document; `source` names it in error messages. */
export function parseSeed(document: unknown, source: string): Seed {
  if (!isPlainObject(document)) throw new EmulatorError('invalidArgument', `${source}: a seed must be an object with "projects"`)
  const projects = at(source, () => optionalObjectArray(document, 'projects') ?? [])
  const faults = document.faults ?? []
  if (!Array.isArray(faults)) throw new EmulatorError('invalidArgument', `${source}: "faults" must be an array`)
  const newProjects = document.newProjects === undefined ? undefined : at(source, () => parseNewProjectContents(document.newProjects, '"newProjects"'))
  return {
    faults: faults.map((fault, index) => at(`${source}: faults[${index}]`, () => parseFault(fault as never))),
    latency: document.latency === undefined ? undefined : at(`${source}: latency`, () => parseLatency(document.latency as never)),
    newProjects,
    projects: projects.map((project, index) => parseSeedProject(project, `${source}: projects[${index}]`, newProjects)),
    rateLimit: document.rateLimit === undefined ? undefined : at(`${source}: rateLimit`, () => parseRateLimit(document.rateLimit as never)),
    ...(document.rateLimitScope === undefined ? {} : {rateLimitScope: at(`${source}: rateLimitScope`, () => parseRateLimitScope(String(document.rateLimitScope)))}),
    ...(document.behaviour === undefined ? {} : {behaviour: at(`${source}: behaviour`, () => parseBehaviour(document.behaviour))}),
  }
}

function parseBehaviour(value: unknown): Partial<Behaviour> {
  if (!isPlainObject(value)) throw new KnobError(`must be an object with ${Object.keys(DEFAULT_BEHAVIOUR).join(', ')}`)
  for (const [name, flag] of Object.entries(value)) {
    if (!(name in DEFAULT_BEHAVIOUR)) throw new KnobError(`unknown behaviour "${name}"; known: ${Object.keys(DEFAULT_BEHAVIOUR).join(', ')}`)
    if (typeof flag !== 'boolean') throw new KnobError(`behaviour "${name}" must be true or false`)
  }

  return value as Partial<Behaviour>
}

/** Reads a seed file (YAML, of which JSON is a subset). */
export async function readSeedFile(file: string): Promise<Seed> {
  let document: unknown
  try {
    document = parseYaml(await readFile(file, 'utf8'))
  } catch (error) {
    throw new Error(`Cannot read seed file ${file}: ${(error as Error).message}`)
  }

  return parseSeed(document, `Seed file ${file}`)
}

/** Tenants in an order where each parent comes before its children (a cycle is left to fail). */
function parentsFirst(tenants: JsonObject[]): Array<{index: number; tenant: JsonObject}> {
  const seededIds = new Set(tenants.map(tenant => tenant.id))
  const placed = new Set<unknown>()
  const ordered: Array<{index: number; tenant: JsonObject}> = []
  let pending = tenants.map((tenant, index) => ({index, tenant}))
  while (pending.length > 0) {
    const ready = pending.filter(({tenant}) => !tenant.parent || !seededIds.has(tenant.parent) || placed.has(tenant.parent))
    const next = ready.length > 0 ? ready : pending
    for (const entry of next) placed.add(entry.tenant.id)
    ordered.push(...next)
    pending = pending.filter(entry => !next.includes(entry))
  }

  return ordered
}

/** Calls one route of the emulator on a project (the emulator supplies it). */
export type InvokeRoute = (project: ProjectState, method: HttpMethod, path: string, body: JsonObject) => Promise<unknown>

/** Builds a project from its seed, through the routes; nothing is stored if any part fails. */
export async function buildSeedProject(seed: SeedProject, invoke: InvokeRoute): Promise<ProjectState> {
  const {where} = seed
  const project = at(where, () =>
    createProjectState({
      environment: seed.environment,
      id: seed.id,
      managementKeys: seed.managementKeys.length > 0 ? seed.managementKeys : [randomId('K2', 32)],
      name: seed.name ?? seed.id,
      tags: seed.tags,
    }))
  const call = async (part: string, path: string, body: JsonObject) => {
    try {
      await invoke(project, 'POST', path, body)
    } catch (error) {
      if (error instanceof EmulatorError) throw new EmulatorError('invalidArgument', `${where}.${part}: ${error.message}`)
      throw error
    }
  }

  if ((seed.contents ?? 'descope') === 'descope') {
    // What Descope puts in every new project, except what the seed declares itself.
    addBuiltInPermissions(project, new Set(seed.permissions.map(permission => permission.name as string)))
    const seededRoles = new Set(seed.roles.filter(role => !role.tenantId).map(role => role.name))
    const roles = builtInRoles.filter(role => !seededRoles.has(role.name))
    if (roles.length > 0) await call('built-in roles', '/v1/mgmt/role/create/batch', {roles: structuredClone(roles)})
    const seededFlows = new Set(seed.flows.map(flow => flow.flowId))
    for (const flow of builtInFlows().filter(candidate => !seededFlows.has(candidate.flowId))) {
      await call(`built-in flow ${flow.flowId as string}`, '/v2/mgmt/flow/import', {flow})
    }
  }

  for (const {index, tenant} of parentsFirst(seed.tenants)) {
    // Default roles name roles, which come later.
    const body = {...tenant}
    delete body.defaultRoles
    await call(`tenants[${index}]`, '/v1/mgmt/tenant/create', body)
  }

  if (seed.permissions.length > 0) await call('permissions', '/v1/mgmt/permission/create/batch', {permissions: seed.permissions})
  if (seed.roles.length > 0) await call('roles', '/v1/mgmt/role/create/batch', {roles: seed.roles})
  for (const [index, tenant] of seed.tenants.entries()) {
    if (tenant.defaultRoles !== undefined) {
      await call(`tenants[${index}]`, '/v1/mgmt/tenant/updateDefaultRoles', {defaultRoles: tenant.defaultRoles, id: tenant.id})
    }
  }

  for (const [index, flow] of seed.flows.entries()) await call(`flows[${index}]`, '/v2/mgmt/flow/import', {flow})
  if (seed.theme) await call('theme', '/v2/mgmt/theme/import', {theme: seed.theme})
  return project
}
