/**
 * The in-memory store of projects, their JSON snapshots, and persistence to a folder with one
 * file per project.
 */
import {writeFileAtomically} from '@descope-mgmt/shared/atomic-file'
import {
  mkdir, readdir, readFile, rm,
} from 'node:fs/promises'
import path from 'node:path'

import type {NewProject, ProjectDirectory, ProjectState} from './types.js'

import {EmulatorError} from './errors.js'
import {keyDigest} from './secrets.js'

export const defaultProject = {
  id: 'P2LocalEmulatorProject000001',
  managementKey: 'K2LocalEmulatorManagementKey0001',
  name: 'local',
} as const

/** Project ids become file names, so they are kept to a safe alphabet. */
const projectIdPattern = /^[\w-]{1,100}$/

export function createProjectState(project: NewProject): ProjectState {
  if (!projectIdPattern.test(project.id)) {
    throw new EmulatorError('invalidArgument', `project id "${project.id}" must be 1-100 letters, digits, "_" or "-"`)
  }

  const managementKeys = [...new Set(project.managementKeys ?? [])]
  return {
    audits: [],
    environment: project.environment ?? '',
    flows: new Map(),
    id: project.id,
    managementKeyDigests: [...new Set([...(project.managementKeyDigests ?? []), ...managementKeys.map(key => keyDigest(key))])],
    managementKeys,
    name: project.name,
    permissions: new Map(),
    roles: new Map(),
    settings: {},
    tags: project.tags ?? [],
    tenants: new Map(),
    theme: undefined,
  }
}

export class ProjectStore implements ProjectDirectory {
  private readonly projects = new Map<string, ProjectState>()

  /** `onChange` is told the id of every project created, deleted or touched. */
  constructor(private readonly onChange: (projectId: string) => void = () => {}) {}

  /** Accepts `key` for the project from now on (used when a seed or the hook names a key again). */
  addManagementKey(project: ProjectState, key: string): void {
    if (!project.managementKeys.includes(key)) project.managementKeys.push(key)
    const digest = keyDigest(key)
    if (!project.managementKeyDigests.includes(digest)) {
      project.managementKeyDigests.push(digest)
      this.touch(project.id)
    }
  }

  /**
   * Finds the project a bearer token speaks for. With a project id: unknown project or wrong key
   * → unauthorized, a key of another project → forbidden. Without one (company-level calls such
   * as `projects/list` send only the key): the first project that accepts the key.
   */
  authenticate(projectId: string | undefined, key: string): ProjectState {
    const digest = keyDigest(key)
    const acceptsKey = (project: ProjectState) => project.managementKeyDigests.includes(digest)
    if (projectId === undefined) {
      const project = this.list().find(candidate => acceptsKey(candidate))
      if (!project) throw new EmulatorError('unauthorized', 'The management key is not valid for any project')
      return project
    }

    const project = this.projects.get(projectId)
    if (!project) throw new EmulatorError('unauthorized', `Unknown project ${projectId}`)
    if (acceptsKey(project)) return project
    if (this.list().some(other => acceptsKey(other))) {
      throw new EmulatorError('forbidden', `The management key belongs to another project and is not allowed for ${projectId}`)
    }

    throw new EmulatorError('unauthorized', `The management key is not valid for project ${projectId}`)
  }

  clear(): void {
    for (const id of this.projects.keys()) this.onChange(id)
    this.projects.clear()
  }

  create(project: NewProject): ProjectState {
    if (this.projects.has(project.id)) throw EmulatorError.alreadyExists('Project', `Project ${project.id} already exists`)
    return this.put(createProjectState(project))
  }

  delete(id: string): boolean {
    const deleted = this.projects.delete(id)
    if (deleted) this.onChange(id)
    return deleted
  }

  get(id: string): ProjectState | undefined {
    return this.projects.get(id)
  }

  list(): ProjectState[] {
    return [...this.projects.values()]
  }

  /** Adds or replaces a whole project (restore, seed). */
  put(project: ProjectState): ProjectState {
    this.projects.set(project.id, project)
    this.onChange(project.id)
    return project
  }

  /** Marks a project as changed, so it is persisted. */
  touch(id: string): void {
    this.onChange(id)
  }
}

/** The JSON form of a project: Maps become arrays of `[key, value]` entries; keys only as digests. */
export interface ProjectSnapshot {
  formatVersion: 1
  id: string
  name: string
  environment: string
  tags: string[]
  settings: ProjectState['settings']
  managementKeyDigests: string[]
  tenants: Array<[string, unknown]>
  roles: Array<[string, unknown]>
  permissions: Array<[string, unknown]>
  flows: Array<[string, unknown]>
  theme: ProjectState['theme'] | null
  audits: ProjectState['audits']
}

export function snapshotProject(project: ProjectState): ProjectSnapshot {
  return {
    audits: project.audits,
    environment: project.environment,
    flows: [...project.flows],
    formatVersion: 1,
    id: project.id,
    managementKeyDigests: project.managementKeyDigests,
    name: project.name,
    permissions: [...project.permissions],
    roles: [...project.roles],
    settings: project.settings,
    tags: project.tags,
    tenants: [...project.tenants],
    theme: project.theme ?? null,
  }
}

function entries(snapshot: Record<string, unknown>, field: string): Array<[string, never]> {
  const value = snapshot[field]
  if (!Array.isArray(value) || !value.every(entry => Array.isArray(entry) && entry.length === 2 && typeof entry[0] === 'string')) {
    throw new Error(`"${field}" must be an array of [key, value] entries`)
  }

  return value as Array<[string, never]>
}

/** Rebuilds a project from `snapshotProject` output; throws a plain Error saying what is wrong. */
export function restoreProject(snapshot: unknown): ProjectState {
  if (typeof snapshot !== 'object' || snapshot === null) throw new Error('not a JSON object')
  const data = snapshot as Record<string, unknown>
  if (data.formatVersion !== 1) throw new Error(`unsupported formatVersion ${JSON.stringify(data.formatVersion)} (expected 1)`)
  for (const field of ['id', 'name', 'environment']) {
    if (typeof data[field] !== 'string') throw new Error(`"${field}" must be a string`)
  }

  for (const field of ['tags', 'managementKeyDigests', 'audits']) {
    if (!Array.isArray(data[field])) throw new Error(`"${field}" must be an array`)
  }

  return {
    audits: data.audits as ProjectState['audits'],
    environment: data.environment as string,
    flows: new Map(entries(data, 'flows')),
    id: data.id as string,
    managementKeyDigests: data.managementKeyDigests as string[],
    managementKeys: [],
    name: data.name as string,
    permissions: new Map(entries(data, 'permissions')),
    roles: new Map(entries(data, 'roles')),
    settings: (data.settings ?? {}) as ProjectState['settings'],
    tags: data.tags as string[],
    tenants: new Map(entries(data, 'tenants')),
    theme: (data.theme ?? undefined) as ProjectState['theme'],
  }
}

/** How long changes are gathered before they are written: a burst of writes costs one file write. */
const writeDelayMs = 50
const fileSuffix = '.json'

/**
 * Keeps a folder in step with the store: one `<projectId>.json` per project (mode 0600, folder
 * 0700), each written atomically (temp file, fsync, rename) so a crash leaves the old or the new
 * file, never half of one. Writes are coalesced; `flush()` writes everything pending.
 */
export class Persistence {
  private readonly dirty = new Set<string>()
  private lastError: Error | undefined
  private timer: NodeJS.Timeout | undefined
  private writing: Promise<void> = Promise.resolve()

  constructor(
    readonly dir: string,
    private readonly lookup: (id: string) => ProjectState | undefined,
  ) {}

  /** Reads every project file of the folder (creating the folder if needed). */
  async load(): Promise<ProjectState[]> {
    await mkdir(this.dir, {mode: 0o700, recursive: true})
    const names = (await readdir(this.dir)).filter(name => name.endsWith(fileSuffix) && !name.startsWith('.')).sort()
    return Promise.all(names.map(async name => {
      const file = path.join(this.dir, name)
      try {
        const project = restoreProject(JSON.parse(await readFile(file, 'utf8')))
        if (`${project.id}${fileSuffix}` !== name) throw new Error(`holds project "${project.id}", not the one its name says`)
        return project
      } catch (error) {
        throw new Error(`Emulator data file ${file} is corrupt: ${(error as Error).message}. Fix or delete it.`)
      }
    }))
  }

  markDirty(id: string): void {
    this.dirty.add(id)
    this.timer ??= setTimeout(() => {
      // A failed background write is reported by the next flush (at the latest, by stop()).
      this.flush().catch((error: Error) => {
        this.lastError ??= error
      })
    }, writeDelayMs).unref()
  }

  /** Writes every pending change; rejects with the first write error since the last flush. */
  async flush(): Promise<void> {
    clearTimeout(this.timer)
    this.timer = undefined
    // Serialise now, so the files hold the state of this moment even if writing takes a while.
    const pending = [...this.dirty].map(id => {
      const project = this.lookup(id)
      return {content: project ? JSON.stringify(snapshotProject(project)) : undefined, id}
    })
    this.dirty.clear()
    // Flushes run one after the other (never two writers of one file); the chain itself never
    // rejects, the error is kept for the caller of this flush or of the next one.
    this.writing = this.writing
    .then(() => Promise.all(pending.map(({content, id}) => this.writeProject(id, content))))
    .then(
      () => {},
      (error: Error) => {
        this.lastError ??= error
      },
    )
    await this.writing
    const error = this.lastError
    this.lastError = undefined
    if (error) throw error
  }

  private async writeProject(id: string, content: string | undefined): Promise<void> {
    const file = path.join(this.dir, `${id}${fileSuffix}`)
    if (content === undefined) {
      await rm(file, {force: true})
      return
    }

    await writeFileAtomically(file, content)
  }
}
