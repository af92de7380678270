/**
 * Shared pieces of the resilience suite: one distinctive management key, a recording wrapper
 * around every CLI run (stdout, stderr and the temporary folders used, for the final secrets
 * scan), emulator workspaces, configuration files, request-log queries and a seeded PRNG.
 *
 * Temporary folders are kept until `zz-secrets-scan.test.ts` (the last file) has read every file
 * the CLI wrote; it removes them. When the files run in several processes (`npm test` runs them in
 * parallel workers, then the scan on its own), each process also appends what it records to the
 * folder named by DESCOPE_MGMT_TEST_RESILIENCE_RECORD, which the scan reads whole, and leaves its
 * folders for the scan (scripts/test.mjs removes what is left).
 */
import {type ChildProcess, spawn} from 'node:child_process'
import {appendFileSync, rmSync} from 'node:fs'
import {
  mkdtemp, readdir, readFile, rm, stat, writeFile,
} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {setTimeout as sleep} from 'node:timers/promises'

import type {Emulator} from '../helpers/emulator-log.js'

import {type LogEntry, startEmulator, type StartEmulatorOptions} from '../../plugins/plugin-emulator/src/index.js'
import {
  builtCli, type CliResult, type CliRunOptions, makeTempHome, runCli,
} from '../helpers/cli.js'

export type {Emulator} from '../helpers/emulator-log.js'

/** The one management key of the suite: long and random-looking, so any leaked fragment is found. */
export const MANAGEMENT_KEY = 'K2rq7Vz4XbN9wTf3LpJ8sHd2QmC6kYg5RaE1uWo0tZx3BnM8vGe'
/** The variable the configuration files read the key from (`managementKey: ${RESILIENCE_KEY}`). */
export const KEY_VARIABLE = 'RESILIENCE_KEY'

/** A valid project id (P + 27 letters or digits) for a test, e.g. `projectId('Chaos')`. */
export function projectId(tag: string): string {
  return `P2Res${tag}`.padEnd(28, '0').slice(0, 28)
}

export interface RecordedRun {
  args: string[]
  code: number | null
  stdout: string
  stderr: string
}

/** Everything this process's CLI runs printed, and every temporary folder they used. */
const recorded: {runs: RecordedRun[]; dirs: Set<string>} = {dirs: new Set(), runs: []}

/** The folder shared by the processes of a run (see the header), when there is one. */
export const RECORD_FOLDER_ENV = 'DESCOPE_MGMT_TEST_RESILIENCE_RECORD'
const recordFolder = process.env[RECORD_FOLDER_ENV]?.trim() || undefined

function recordRun(run: RecordedRun): void {
  recorded.runs.push(run)
  if (recordFolder) appendFileSync(path.join(recordFolder, `runs-${process.pid}.jsonl`), `${JSON.stringify(run)}\n`, {mode: 0o600})
}

function recordDir(dir: string): void {
  recorded.dirs.add(dir)
  if (recordFolder) appendFileSync(path.join(recordFolder, `dirs-${process.pid}.txt`), `${dir}\n`, {mode: 0o600})
}

/** Every run and folder recorded so far: by every process of the run when they share a folder, else by this one. */
export async function allRecorded(): Promise<{runs: RecordedRun[]; dirs: Set<string>}> {
  if (!recordFolder) return recorded
  const all: {runs: RecordedRun[]; dirs: Set<string>} = {dirs: new Set(), runs: []}
  for (const name of (await readdir(recordFolder)).sort()) {
    const lines = (await readFile(path.join(recordFolder, name), 'utf8')).split('\n').filter(Boolean)
    if (name.startsWith('runs-')) all.runs.push(...lines.map(line => JSON.parse(line) as RecordedRun))
    else if (name.startsWith('dirs-')) for (const dir of lines) all.dirs.add(dir)
  }

  return all
}

/** Runs the built CLI (see runCli) and records its output for the secrets scan. */
export async function run(args: string[], options: CliRunOptions = {}): Promise<CliResult> {
  const result = await runCli(args, options)
  recordRun({args, ...result})
  return result
}

/** A temporary folder kept until the end of the run. */
export async function tempDir(prefix = 'descope-mgmt-resilience-'): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix))
  recordDir(dir)
  return dir
}

/** A temporary HOME (XDG folders inside) kept until the end of the run. */
export async function tempHome(): Promise<Awaited<ReturnType<typeof makeTempHome>>> {
  const home = await makeTempHome()
  recordDir(home.dir)
  return home
}

export interface Spawned {
  child: ChildProcess
  /** Resolves when the process has exited; `code` is -1 when a signal ended it. */
  done: Promise<CliResult>
  /** stdout so far. */
  stdout(): string
}

/** Starts the built CLI like `run`, but hands back the child so a test can signal it; recorded too. */
export function spawnCli(args: string[], options: {cwd: string; env: Record<string, string>; timeoutMs?: number}): Spawned {
  const env: Record<string, string | undefined> = {
    ...process.env, CI: 'true', FORCE_COLOR: '0', NO_COLOR: '1', ...options.env,
  }
  for (const name of ['DESCOPE_PROJECT_ID', 'DESCOPE_MANAGEMENT_KEY', 'DESCOPE_BASE_URL', 'DESCOPE_MGMT_ENVIRONMENT']) {
    if (!(name in options.env)) delete env[name]
  }

  const child = spawn(process.execPath, [builtCli, ...args], {cwd: options.cwd, env, stdio: ['ignore', 'pipe', 'pipe']})
  let stdout = ''
  let stderr = ''
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString()
  })
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 90_000)
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      const result = {code: code ?? (signal ? -1 : null), stderr, stdout}
      recordRun({args, ...result})
      resolve(result)
    })
  })
  return {child, done, stdout: () => stdout}
}

export interface DeclaredTenant {
  id: string
  name: string
  selfProvisioningDomains: string[]
  customAttributes: Record<string, number | string>
  parent?: string
}

export interface DeclaredPermission {
  name: string
  description: string
}

export interface DeclaredRole {
  name: string
  description: string
  permissionNames: string[]
}

export interface Declared {
  tenants: DeclaredTenant[]
  permissions?: DeclaredPermission[]
  roles?: DeclaredRole[]
}

/** `count` tenants t0000, t0001…; every `childEvery`-th one (if given) is a child of the one before it. */
export function tenants(count: number, options: {prefix?: string; childEvery?: number} = {}): DeclaredTenant[] {
  const prefix = options.prefix ?? 't'
  return Array.from({length: count}, (_, index) => {
    const id = `${prefix}${String(index).padStart(4, '0')}`
    const tenant: DeclaredTenant = {
      customAttributes: {seats: index, tier: index % 2 === 0 ? 'gold' : 'silver'},
      id,
      name: `Tenant ${id}`,
      selfProvisioningDomains: [`${id}.example.com`],
    }
    if (options.childEvery && index > 0 && index % options.childEvery === 0) tenant.parent = `${prefix}${String(index - 1).padStart(4, '0')}`
    return tenant
  })
}

export interface EnvironmentSpec {
  projectId: string
  url: string
  rateLimit?: {requests: number; windowSeconds: number}
  concurrency?: number
}

/** A configuration file with one environment `e` that reads the key from ${RESILIENCE_KEY}. */
export function configYaml(environment: EnvironmentSpec, declared: Declared): string {
  const lines = [
    'version: 1',
    'environments:',
    '  e:',
    `    projectId: ${environment.projectId}`,
    `    managementKey: \${${KEY_VARIABLE}}`,
    `    baseUrl: ${environment.url}`,
  ]
  if (environment.rateLimit) lines.push(`    rateLimit: {requests: ${environment.rateLimit.requests}, windowSeconds: ${environment.rateLimit.windowSeconds}}`)
  if (environment.concurrency) lines.push(`    concurrency: ${environment.concurrency}`)
  if (declared.permissions) {
    lines.push('permissions:')
    for (const permission of declared.permissions) lines.push(`  - {name: ${permission.name}, description: ${permission.description}}`)
  }

  if (declared.roles) {
    lines.push('roles:')
    for (const role of declared.roles) {
      lines.push(`  - {name: ${role.name}, description: ${role.description}, permissionNames: [${role.permissionNames.join(', ')}]}`)
    }
  }

  lines.push('tenants:')
  for (const tenant of declared.tenants) {
    lines.push(
      `  - id: ${tenant.id}`,
      `    name: ${tenant.name}`,
      `    selfProvisioningDomains: [${tenant.selfProvisioningDomains.join(', ')}]`,
      `    customAttributes: {${Object.entries(tenant.customAttributes).map(([key, value]) => `${key}: ${value}`).join(', ')}}`,
    )
    if (tenant.parent) lines.push(`    parent: ${tenant.parent}`)
  }

  return `${lines.join('\n')}\n`
}

/** One project on its own emulator, a temporary home and a configuration file in it. */
export interface Workspace {
  projectId: string
  emulator: Emulator
  home: Awaited<ReturnType<typeof makeTempHome>>
  configFile: string
  env: Record<string, string>
  /** `<XDG_DATA_HOME>/descope-mgmt`: backups, journals, locks, audit.jsonl. */
  dataDir: string
  /** `<XDG_CACHE_HOME>/descope-mgmt`. */
  cacheDir: string
  /** Runs the CLI with `-c <configFile>` in the home, recorded. */
  cli(args: string[], options?: {env?: Record<string, string>; timeoutMs?: number}): Promise<CliResult>
  /** Starts the CLI with `-c <configFile>` without waiting, recorded. */
  spawn(args: string[], options?: {env?: Record<string, string>}): Spawned
  /** Writes the configuration file. */
  configure(declared: Declared, environment?: Partial<EnvironmentSpec>): Promise<void>
  /** What `configure` last wrote. */
  readonly configText: string
}

export async function workspace(tag: string, emulatorOptions: StartEmulatorOptions = {}): Promise<Workspace> {
  const id = projectId(tag)
  const emulator = await startEmulator({
    newProjects: 'empty', rateLimit: 'off', port: 0, projects: [{id, managementKey: MANAGEMENT_KEY}], ...emulatorOptions,
  })
  return inFreshHome({emulator, projectId: id})
}

/** The same project and emulator, seen from a new temporary home (own journals, backups, audit log). */
export async function inFreshHome(base: Pick<Workspace, 'emulator' | 'projectId'>): Promise<Workspace> {
  const {emulator, projectId: id} = base
  const home = await tempHome()
  const configFile = path.join(home.dir, 'descope.yaml')
  const env = {...home.env, [KEY_VARIABLE]: MANAGEMENT_KEY}
  let written = ''
  const ws: Workspace = {
    cacheDir: path.join(home.env.XDG_CACHE_HOME, 'descope-mgmt'),
    cli: (args, options = {}) => run([...args, '-c', configFile], {cwd: home.dir, env: {...env, ...options.env}, timeoutMs: options.timeoutMs ?? 120_000}),
    configFile,
    async configure(declared, environment = {}) {
      written = configYaml({projectId: id, url: emulator.url, ...environment}, declared)
      await writeFile(configFile, written)
    },
    get configText() {
      return written
    },
    dataDir: path.join(home.env.XDG_DATA_HOME, 'descope-mgmt'),
    emulator,
    env,
    home,
    projectId: id,
    spawn: (args, options = {}) => spawnCli([...args, '-c', configFile], {cwd: home.dir, env: {...env, ...options.env}}),
  }
  return ws
}

export {TENANT_CREATE, tenantCreates} from '../helpers/emulator-log.js'
export const MUTATION = /^\/v1\/mgmt\/(tenant|role|permission)\/(create|update|delete)$/

/** The identity of the resource a write touched: `tenant:t0001`, `role:Viewer`, `permission:read`. */
export function writeTarget(entry: LogEntry): string {
  const kind = /^\/v1\/mgmt\/(\w+)\//.exec(entry.path)?.[1] ?? entry.path
  return `${kind}:${String(entry.body?.id ?? entry.body?.name)}`
}

/** Successful writes (mutation routes answered 200), by `path target`. */
export async function successfulWrites(emulator: Emulator): Promise<Map<string, number>> {
  const counts = new Map<string, number>()
  for (const entry of await emulator.admin.requests({method: 'POST'})) {
    if (entry.status !== 200 || !MUTATION.test(entry.path)) continue
    const key = `${entry.path} ${writeTarget(entry)}`
    counts.set(key, (counts.get(key) ?? 0) + 1)
  }

  return counts
}

/** Polls `check` every `everyMs` until it returns a value other than undefined/false, or throws after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => Promise<false | T | undefined> | false | T | undefined, timeoutMs = 30_000, everyMs = 10): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value !== undefined && value !== false) return value
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`)
    await sleep(everyMs)
  }
}

export interface FileInfo {
  path: string
  mode: number
  isDirectory: boolean
}

/** A file or folder with its permission bits. */
export async function fileInfo(file: string): Promise<FileInfo> {
  const info = await stat(file)
  // eslint-disable-next-line no-bitwise
  return {isDirectory: info.isDirectory(), mode: info.mode & 0o777, path: file}
}

/** Every file and folder under `dir` (not `dir` itself), with its permission bits. */
export async function walk(dir: string): Promise<FileInfo[]> {
  const entries = await readdir(dir, {recursive: true, withFileTypes: true}).catch(() => [])
  return Promise.all(entries.map(entry => fileInfo(path.join(entry.parentPath, entry.name))))
}

/** mulberry32: a small seeded PRNG, so random choices of a test can be replayed from its seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0 // eslint-disable-line no-bitwise
  return () => {
    /* eslint-disable no-bitwise */
    state = (state + 0x6D_2B_79_F5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
    /* eslint-enable no-bitwise */
  }
}

/** The seed of a test: RESILIENCE_SEED if set (to replay a run), else `fallback`. */
export function seedFrom(fallback: number): number {
  const given = Number(process.env.RESILIENCE_SEED)
  return Number.isInteger(given) && given > 0 ? given : fallback
}

/**
 * Starts an emulator whose random choices (latency jitter, probability faults) come from a seeded
 * PRNG instead of Math.random: the draws are reproducible (their assignment to requests still
 * depends on timing).
 */
export async function workspaceWithSeededEmulator(tag: string, seed: number, emulatorOptions: StartEmulatorOptions): Promise<Workspace> {
  const original = Math.random
  Math.random = seededRandom(seed)
  try {
    return await workspace(tag, emulatorOptions)
  } finally {
    Math.random = original
  }
}

/** Removes every recorded temporary folder (the secrets scan does, once it has read them). */
export async function removeRecordedDirs(): Promise<void> {
  const {dirs} = await allRecorded()
  await Promise.all([...dirs].map(dir => rm(dir, {force: true, recursive: true})))
  recorded.dirs.clear()
}

// When a file of the suite runs without the scan, its folders are removed as the process exits;
// with a shared folder they stay for the scan, which runs in another process.
process.once('exit', () => {
  if (!recordFolder) for (const dir of recorded.dirs) rmSync(dir, {force: true, recursive: true})
})
