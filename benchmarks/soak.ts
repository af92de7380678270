/**
 * Soak run (not a test): `npm run build && node --import tsx/esm benchmarks/soak.ts [--minutes N] [--seed S]`
 * (or SOAK_MINUTES, SOAK_SEED; default 10 minutes and a random seed, printed).
 *
 * For the given time, round after round: mutates a configuration (about 300 tenants, some of them
 * sub-tenants, 20 permissions and 20 roles) with a seeded PRNG, then runs the built CLI
 * `apply -e soak --yes --prune` against one emulator in this process with the chaos knobs of
 * test/resilience/chaos.test.ts (10 % retryable 5xx, 1 % connection resets, 429 bursts with
 * Retry-After, an emulator rate limit below the client's, latency jitter). In about one round in
 * four the apply is killed with SIGKILL at a random moment and `apply --resume` (then a plain
 * `apply` if needed) runs until it converges. After each round, with the faults off: `plan` exits 0,
 * the emulator's state equals the configuration, no create succeeded twice, the round's journals
 * parse, no lock is left and the round's backups verify (`backup verify`, a sample of them).
 * Prints a table of figures and writes benchmarks/results/soak.json; exits 1 if a check failed.
 */
import {
  mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile,
} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {setTimeout as sleep} from 'node:timers/promises'

import {type LogEntry, startEmulator} from '../plugins/plugin-emulator/src/index.js'
import {listBackups} from '../src/lib/backup/store.js'
import {MUTATION, seededRandom, writeTarget} from '../test/resilience/helpers.js'
import {
  repoRoot, type Run, runCli, startCli, type Started,
} from './lib/run-cli.js'

type Emulator = Awaited<ReturnType<typeof startEmulator>>

// ---------------------------------------------------------------------------------------------
// Options

function option(flag: string, variable: string): string | undefined {
  const index = process.argv.indexOf(flag)
  if (index !== -1) return process.argv[index + 1]
  return process.env[variable] || undefined
}

const minutesText = option('--minutes', 'SOAK_MINUTES') ?? '10'
const MINUTES = Number(minutesText)
if (!(MINUTES > 0)) throw new Error(`--minutes must be a positive number, not ${minutesText}`)
const seedText = option('--seed', 'SOAK_SEED')
const SEED = seedText === undefined ? 1 + Math.floor(Math.random() * 2_147_483_646) : Number(seedText)
if (!Number.isInteger(SEED) || SEED <= 0) throw new Error(`--seed must be a positive integer, not ${seedText}`)

const PROJECT = {id: 'P2SoakBenchmark0000000000001', managementKey: 'K2SoakBenchmarkFakeManagementKey000001'}
const ENVIRONMENT = 'soak'
const KILL_SHARE = 0.25
/** Runs after a kill (or a failed apply) before a round is declared not converging. */
const MAX_FOLLOW_UPS = 6
/** Backups verified through the CLI per round, at most. */
const VERIFY_SAMPLE = 2

// The knobs of chaos.test.ts: steady noise, 429 bursts of 20 requests (at the start of each apply
// and once more at a random moment), an emulator limit below the client's, latency jitter.
const NOISE = ['reset:*:p=0.01', '503:*:p=0.07', '524:*:p=0.033']
const BURST = '429:*:20'
const EMULATOR_RATE_LIMIT = '120/1s'
const LATENCY = '0-30ms'
const CLIENT = {concurrency: 8, rateLimit: {requests: 200, windowSeconds: 1}}

// ---------------------------------------------------------------------------------------------
// The configuration and its mutations

interface Tenant {
  id: string
  name: string
  selfProvisioningDomains: string[]
  customAttributes: {seats: number; tier: string}
  parent?: string
}

interface Permission {
  name: string
  description: string
}

interface Role {
  name: string
  description: string
  permissionNames: string[]
}

interface Model {
  tenants: Tenant[]
  permissions: Permission[]
  roles: Role[]
}

const TIERS = ['gold', 'silver', 'bronze']
const random = seededRandom(SEED)
const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)]
const between = (low: number, high: number) => low + Math.floor(random() * (high - low + 1))
const counters = {
  edit: 0, permission: 0, role: 0, tenant: 0,
}

function newTenant(parent?: Tenant): Tenant {
  const id = `t${String(counters.tenant++).padStart(5, '0')}`
  const tenant: Tenant = {
    customAttributes: {seats: between(1, 500), tier: pick(TIERS)},
    id,
    name: `Tenant ${id}`,
    selfProvisioningDomains: [`${id}.example.com`],
  }
  if (parent) tenant.parent = parent.id
  return tenant
}

function depth(byId: Map<string, Tenant>, tenant: Tenant): number {
  let level = 0
  for (let id = tenant.parent; id; id = byId.get(id)?.parent) level++
  return level
}

/** A new tenant, a sub-tenant of an existing one (at most 3 levels) about one time in five. */
function addTenant(model: Model): void {
  const byId = new Map(model.tenants.map(tenant => [tenant.id, tenant]))
  const parents = model.tenants.filter(tenant => depth(byId, tenant) < 3)
  const parent = random() < 0.2 && parents.length > 0 ? pick(parents) : undefined
  // Parents come first in the file too: a new sub-tenant goes right after its parent.
  const tenant = newTenant(parent)
  if (parent) model.tenants.splice(model.tenants.indexOf(parent) + 1, 0, tenant)
  else model.tenants.push(tenant)
}

function newPermission(): Permission {
  const name = `perm.${String(counters.permission++).padStart(3, '0')}`
  return {description: `Permission ${name}`, name}
}

function newRole(model: Model): Role {
  const name = `role-${String(counters.role++).padStart(3, '0')}`
  const permissionNames = [...new Set(Array.from({length: between(1, 3)}, () => pick(model.permissions).name))].sort()
  return {description: `Role ${name}`, name, permissionNames}
}

function initialModel(): Model {
  const model: Model = {permissions: [], roles: [], tenants: []}
  for (let index = 0; index < 20; index++) model.permissions.push(newPermission())
  for (let index = 0; index < 20; index++) model.roles.push(newRole(model))
  // 300 tenants; every tenth is a sub-tenant of the one before it.
  for (let index = 0; index < 300; index++) {
    const parent = index % 10 === 9 ? model.tenants.at(-1) : undefined
    model.tenants.push(newTenant(parent))
  }

  return model
}

/** Removes a tenant and its sub-tenants (a parent never changes, so its children go with it). */
function removeTenant(model: Model, tenant: Tenant): number {
  const gone = new Set([tenant.id])
  let grew = true
  while (grew) {
    grew = false
    for (const candidate of model.tenants) {
      if (candidate.parent && gone.has(candidate.parent) && !gone.has(candidate.id)) {
        gone.add(candidate.id)
        grew = true
      }
    }
  }

  model.tenants = model.tenants.filter(candidate => !gone.has(candidate.id))
  return gone.size
}

/** Drifts around the starting sizes: adds more when under, removes more when over. */
function bias(size: number, target: number): {add: number; remove: number} {
  const low = Math.max(0, Math.round((size - target) / 4))
  const high = Math.max(0, Math.round((target - size) / 4))
  return {add: high, remove: low}
}

/** One round of changes to the configuration: adds, renames and edits, removes. */
function mutate(model: Model): void {
  const edit = () => ++counters.edit
  // Tenants.
  const tenantBias = bias(model.tenants.length, 300)
  for (let count = between(3, 10) + tenantBias.add; count > 0; count--) addTenant(model)
  for (let count = between(3, 12); count > 0; count--) {
    const tenant = pick(model.tenants)
    const what = random()
    if (what < 0.4) tenant.name = `Tenant ${tenant.id} v${edit()}`
    else if (what < 0.7) tenant.customAttributes = {seats: between(1, 500), tier: pick(TIERS)}
    else tenant.selfProvisioningDomains = random() < 0.5 ? [`${tenant.id}.example.com`] : [`${tenant.id}.example.com`, `${tenant.id}-${edit()}.example.org`]
  }

  for (let goal = between(2, 8) + tenantBias.remove, removed = 0; removed < goal && model.tenants.length > 1;) removed += removeTenant(model, pick(model.tenants))

  // Permissions: a rename is a delete and a create; the roles that used the name follow it.
  const permissionBias = bias(model.permissions.length, 20)
  for (let count = between(0, 2) + permissionBias.add; count > 0; count--) model.permissions.push(newPermission())
  for (let count = between(0, 2); count > 0; count--) {
    const permission = pick(model.permissions)
    if (random() < 0.5) {
      permission.description = `Permission ${permission.name} v${edit()}`
      continue
    }

    const renamed = newPermission()
    for (const role of model.roles) role.permissionNames = role.permissionNames.map(name => (name === permission.name ? renamed.name : name)).sort()
    Object.assign(permission, {...renamed, description: permission.description})
  }

  for (let count = between(0, 2) + permissionBias.remove; count > 0 && model.permissions.length > 3; count--) {
    const permission = pick(model.permissions)
    model.permissions = model.permissions.filter(candidate => candidate !== permission)
    for (const role of model.roles) {
      role.permissionNames = role.permissionNames.filter(name => name !== permission.name)
      if (role.permissionNames.length === 0) role.permissionNames = [pick(model.permissions).name]
    }
  }

  // Roles.
  const roleBias = bias(model.roles.length, 20)
  for (let count = between(0, 2) + roleBias.add; count > 0; count--) model.roles.push(newRole(model))
  for (let count = between(1, 3); count > 0; count--) {
    const role = pick(model.roles)
    const what = random()
    if (what < 0.3) Object.assign(role, {name: newRole(model).name})
    else if (what < 0.6) role.description = `Role ${role.name} v${edit()}`
    else role.permissionNames = [...new Set([pick(model.permissions).name, ...role.permissionNames.slice(1)])].sort()
  }

  for (let count = between(0, 2) + roleBias.remove; count > 0 && model.roles.length > 3; count--) {
    const role = pick(model.roles)
    model.roles = model.roles.filter(candidate => candidate !== role)
  }
}

function configYaml(url: string, model: Model): string {
  const lines = [
    'version: 1',
    'environments:',
    `  ${ENVIRONMENT}:`,
    `    projectId: ${PROJECT.id}`,
    '    managementKey: ${SOAK_KEY}', // eslint-disable-line no-template-curly-in-string
    `    baseUrl: ${url}`,
    `    rateLimit: {requests: ${CLIENT.rateLimit.requests}, windowSeconds: ${CLIENT.rateLimit.windowSeconds}}`,
    `    concurrency: ${CLIENT.concurrency}`,
    'permissions:',
    ...model.permissions.map(permission => `  - {name: ${permission.name}, description: ${permission.description}}`),
    'roles:',
    ...model.roles.map(role => `  - {name: ${role.name}, description: ${role.description}, permissionNames: [${role.permissionNames.join(', ')}]}`),
    'tenants:',
  ]
  for (const tenant of model.tenants) {
    lines.push(
      `  - id: ${tenant.id}`,
      `    name: ${tenant.name}`,
      `    selfProvisioningDomains: [${tenant.selfProvisioningDomains.join(', ')}]`,
      `    customAttributes: {seats: ${tenant.customAttributes.seats}, tier: ${tenant.customAttributes.tier}}`,
    )
    if (tenant.parent) lines.push(`    parent: ${tenant.parent}`)
  }

  return `${lines.join('\n')}\n`
}

// ---------------------------------------------------------------------------------------------
// Figures and checks

interface Failure {
  round: number
  seed: number
  check: string
  detail: string
}

const figures = {
  rounds: 0,
  plannedChanges: 0,
  changesApplied: 0,
  requests: 0,
  faults: {
    reset: 0, status429: 0, status503: 0, status524: 0, other: 0,
  },
  rateLimited429: 0,
  all429: 0,
  retries: 0,
  kills: 0,
  killsEarly: 0,
  killsMissed: 0,
  killedAfterLastWrite: 0,
  resumes: 0,
  plainAppliesAfterKill: 0,
  reruns: 0,
  applyRuns: 0,
  nonZeroExits: {} as Record<string, number>,
  createsRefused409: 0,
  otherWritesTwice: 0,
  backupsMade: 0,
  backupsVerifiedByCli: 0,
  journalsChecked: 0,
  finalSizes: {tenants: 0, permissions: 0, roles: 0},
}
const failures: Failure[] = []
const roundsLog: Array<Record<string, unknown>> = []

function fail(round: number, check: string, detail: string): void {
  failures.push({
    check, detail: detail.slice(0, 4000), round, seed: SEED,
  })
  process.stderr.write(`  ✗ round ${round}: ${check}: ${detail.slice(0, 600)}\n`)
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

const tail = (run: Run) => `exit ${run.code ?? run.signal}\n${run.stdout.slice(-1500)}\n${run.stderr.slice(-1500)}`

/** Successful writes in the log, by `path target`. */
function successfulWrites(log: LogEntry[]): Map<string, number> {
  const counts = new Map<string, number>()
  for (const entry of log) {
    if (entry.method !== 'POST' || entry.status !== 200 || !MUTATION.test(entry.path)) continue
    const key = `${entry.path} ${writeTarget(entry)}`
    counts.set(key, (counts.get(key) ?? 0) + 1)
  }

  return counts
}

/** Waits until the request log stops growing (requests a killed client had sent are served). */
async function settled(emulator: Emulator): Promise<void> {
  let last = -1
  for (let tries = 0; tries < 100; tries++) {
    const {length} = await emulator.admin.requests()
    if (length === last) return
    last = length
    await sleep(100)
  }
}

const PLAN_LINE = /Plan: (\d+) to create, (\d+) to update, (\d+) to delete/

/** The number of planned changes, once `fraction` of them (at least one) answered 200, or the run ended. */
async function writesServed(run: Started, emulator: Emulator, fraction: number): Promise<number> {
  for (;;) {
    if (run.child.exitCode !== null || run.child.signalCode !== null || run.stdout().includes('No changes')) return 0
    const match = PLAN_LINE.exec(run.stdout())
    const planned = match ? Number(match[1]) + Number(match[2]) + Number(match[3]) : 0
    const target = Math.max(1, Math.floor(fraction * planned))
    if (match && successfulWrites(await emulator.admin.requests({method: 'POST'})).size >= target) return planned
    await sleep(5)
  }
}

interface JournalLine {
  type?: unknown
  result?: {status?: string}
}

/** The journals written or extended since `since` (ms), each line parsed. */
async function roundJournals(dir: string, since: number, round: number): Promise<Array<{file: string; lines: JournalLine[]}>> {
  const names = (await readdir(dir).catch(() => [] as string[])).filter(name => name.endsWith('.jsonl')).sort()
  const journals: Array<{file: string; lines: JournalLine[]}> = []
  for (const name of names) {
    const file = path.join(dir, name)
    if ((await stat(file)).mtimeMs < since) continue
    const lines: JournalLine[] = []
    const text = await readFile(file, 'utf8')
    for (const [index, line] of text.split('\n').entries()) {
      if (line.trim() === '') continue
      try {
        const parsed = JSON.parse(line) as JournalLine
        if (typeof parsed !== 'object' || parsed === null || typeof parsed.type !== 'string') throw new Error('no "type"')
        lines.push(parsed)
      } catch (error) {
        fail(round, 'journal parses', `${name}:${index + 1}: ${(error as Error).message}: ${line.slice(0, 200)}`)
      }
    }

    journals.push({file, lines})
  }

  return journals
}

interface LiveProject {
  tenants: Array<[string, {id: string; name: string; selfProvisioningDomains?: string[]; customAttributes?: Record<string, unknown>; parent?: string}]>
  roles: Array<[string, {name: string; description?: string; permissionNames: string[]; tenantId?: string}]>
  permissions: Array<[string, {name: string; description?: string}]>
}

/** Differences between the emulator's state and the model (empty when equal). */
async function stateDifferences(emulator: Emulator, model: Model): Promise<string[]> {
  const state = await emulator.admin.state()
  const project = state.projects.find(candidate => candidate.id === PROJECT.id) as unknown as LiveProject
  const differences: string[] = []
  const compare = (kind: string, live: Map<string, string>, wanted: Map<string, string>) => {
    for (const [key, value] of wanted) {
      if (!live.has(key)) differences.push(`${kind} ${key} missing`)
      else if (live.get(key) !== value) differences.push(`${kind} ${key}: live ${live.get(key)} != ${value}`)
    }

    for (const key of live.keys()) if (!wanted.has(key)) differences.push(`${kind} ${key} not in the configuration`)
  }

  compare(
    'tenant',
    new Map(project.tenants.map(([, tenant]) => [tenant.id, JSON.stringify([tenant.name, [...tenant.selfProvisioningDomains ?? []].sort(), tenant.customAttributes ?? {}, tenant.parent || null])])),
    new Map(model.tenants.map(tenant => [tenant.id, JSON.stringify([tenant.name, [...tenant.selfProvisioningDomains].sort(), tenant.customAttributes, tenant.parent ?? null])])),
  )
  compare(
    'permission',
    new Map(project.permissions.map(([, permission]) => [permission.name, permission.description ?? ''])),
    new Map(model.permissions.map(permission => [permission.name, permission.description])),
  )
  compare(
    'role',
    new Map(project.roles.filter(([, role]) => !role.tenantId).map(([, role]) => [role.name, JSON.stringify([role.description ?? '', [...role.permissionNames].sort()])])),
    new Map(model.roles.map(role => [role.name, JSON.stringify([role.description, role.permissionNames])])),
  )
  return differences
}

function describeKill(kill: {delayMs: number; early: boolean; fraction: number; killed: boolean; planned: number}): string {
  if (!kill.killed) return 'missed: the apply ended first'
  if (kill.early) return `${kill.delayMs} ms after the start`
  return `after ${Math.max(1, Math.floor(kill.fraction * kill.planned))} of ${kill.planned} writes + ${kill.delayMs} ms`
}

// ---------------------------------------------------------------------------------------------
// The run

async function main(): Promise<void> {
  const started = Date.now()
  const deadline = started + (MINUTES * 60_000)
  process.stdout.write(`Soak: ${MINUTES} min, seed ${SEED} (replay with --seed ${SEED})\n`)

  // The emulator's random draws (latency, probability faults) come from a PRNG of the seed too.
  const original = Math.random
  Math.random = seededRandom(SEED + 1)
  let emulator: Emulator
  try {
    emulator = await startEmulator({
      newProjects: 'empty', rateLimit: 'off', port: 0, projects: [PROJECT],
    })
  } finally {
    Math.random = original
  }

  const home = await mkdtemp(path.join(os.tmpdir(), 'descope-mgmt-bench-soak-'))
  const env = {
    HOME: home,
    SOAK_KEY: PROJECT.managementKey,
    XDG_CACHE_HOME: path.join(home, 'cache'),
    XDG_CONFIG_HOME: path.join(home, 'config'),
    XDG_DATA_HOME: path.join(home, 'data'),
  }
  const configFile = path.join(home, 'descope.yaml')
  const dataDir = path.join(env.XDG_DATA_HOME, 'descope-mgmt')
  const journalsDir = path.join(dataDir, 'journals', PROJECT.id)
  const locksDir = path.join(dataDir, 'locks')
  const backupsDir = path.join(dataDir, 'backups')
  const cli = (args: string[]) => runCli([...args, '-c', configFile], env)
  const chaosOn = async () => {
    await emulator.admin.setFaults([BURST, ...NOISE])
    await emulator.admin.setRateLimit(EMULATOR_RATE_LIMIT)
    await emulator.admin.setLatency(LATENCY)
  }

  const chaosOff = async () => {
    await emulator.admin.clearFaults()
    await emulator.admin.setRateLimit(null)
    await emulator.admin.setLatency(null)
  }

  const verifiedBackups = new Set<string>()
  const model = initialModel()
  try {
    for (let round = 1; Date.now() < deadline; round++) {
      const roundStarted = Date.now()
      // Round 1 applies the starting configuration; later rounds change it first.
      if (round > 1) mutate(model)
      await writeFile(configFile, configYaml(emulator.url, model))
      await emulator.admin.resetStats()
      await chaosOn()

      const kill = random() < KILL_SHARE
      const early = kill && random() < 0.2
      const killDelayMs = Math.floor(random() * (early ? 2500 : 40))
      const killFraction = random()
      const burstAtMs = 300 + Math.floor(random() * 4000)
      const runs: Array<{args: string; code: null | number | string; ms: number}> = []
      const record = (args: string[], run: Run) => {
        figures.applyRuns++
        runs.push({args: args.join(' '), code: run.code ?? run.signal ?? null, ms: Math.round(run.ms)})
        if (run.code !== 0 && run.signal !== 'SIGKILL') figures.nonZeroExits[String(run.code)] = (figures.nonZeroExits[String(run.code)] ?? 0) + 1
      }

      // The apply, with a second 429 burst at a random moment.
      const applyArgs = ['apply', '-e', ENVIRONMENT, '--yes', '--prune']
      const first = startCli([...applyArgs, '-c', configFile], env)
      let finished = false
      const burst = (async () => {
        await sleep(burstAtMs)
        if (!finished) await emulator.admin.setFaults([BURST, ...NOISE])
      })()
      let planned = 0
      let killedRun = false
      if (kill) {
        figures.kills++
        if (early) {
          figures.killsEarly++
          await sleep(killDelayMs)
        } else {
          // Once a random share of the planned changes was served (read from the plan line).
          planned = await writesServed(first, emulator, killFraction)
          await sleep(killDelayMs)
        }

        killedRun = first.child.exitCode === null && first.child.signalCode === null
        if (killedRun) first.child.kill('SIGKILL')
        else figures.killsMissed++
      }

      let last = await first.done
      finished = true
      await burst
      record(applyArgs, last)
      const planMatch = PLAN_LINE.exec(last.stdout)
      if (planMatch) planned = Number(planMatch[1]) + Number(planMatch[2]) + Number(planMatch[3])

      // Until it converges: resume after a kill (when the killed run wrote a journal), else apply again.
      let followUps = 0
      let resumeNext = false
      if (killedRun) {
        await settled(emulator)
        const journals = await roundJournals(journalsDir, roundStarted, round)
        const newest = journals.at(-1)
        resumeNext = newest !== undefined && newest.lines[0]?.type === 'start' && !newest.lines.some(line => line.type === 'end')
        if (journals.some(journal => journal.lines.some(line => line.type === 'end'))) fail(round, 'killed run has no end line', journals.map(journal => journal.file).join(', '))
      }

      while (last.code !== 0 && followUps < MAX_FOLLOW_UPS) {
        followUps++
        const args = resumeNext ? [...applyArgs, '--resume'] : applyArgs
        if (resumeNext) figures.resumes++
        else if (killedRun && followUps === 1) figures.plainAppliesAfterKill++
        else figures.reruns++
        if (last.code !== null && ![0, 5, 6].includes(last.code)) fail(round, 'apply exit code is 0, 5 or 6', tail(last))
        last = await runCli([...args, '-c', configFile], env)
        record(args, last)
        // Killed before it printed its plan: the next run plans the whole round.
        const followUpPlan = planned === 0 ? PLAN_LINE.exec(last.stdout) : null
        if (followUpPlan) planned = Number(followUpPlan[1]) + Number(followUpPlan[2]) + Number(followUpPlan[3])
        if (resumeNext && last.code === 0 && !last.stdout.includes('No changes') && !/Resuming run \w+/.test(last.stdout)) fail(round, 'resume names the run it resumes', tail(last))
        resumeNext = false
      }

      figures.plannedChanges += planned
      if (last.code !== 0) fail(round, `converges within ${MAX_FOLLOW_UPS} runs after the first`, tail(last))

      // Figures of the round, from the request log of its applies.
      await settled(emulator)
      const log = await emulator.admin.requests()
      const count = (predicate: (entry: LogEntry) => boolean) => log.filter(entry => predicate(entry)).length
      const writes = successfulWrites(log)
      const applied = [...writes.values()].reduce((sum, value) => sum + value, 0)
      const faults = {
        other: count(entry => entry.outcome === 'fault' && ![0, 429, 503, 524].includes(entry.status)),
        reset: count(entry => entry.status === 0),
        status429: count(entry => entry.outcome === 'fault' && entry.status === 429),
        status503: count(entry => entry.outcome === 'fault' && entry.status === 503),
        status524: count(entry => entry.outcome === 'fault' && entry.status === 524),
      }
      const rateLimited = count(entry => entry.outcome === 'rateLimited')
      // As in chaos.test.ts: every request that did not answer 200 was retried (the round converged).
      const retries = log.length - count(entry => entry.status === 200)
      figures.rounds = round
      figures.changesApplied += applied
      figures.requests += log.length
      for (const key of Object.keys(faults) as Array<keyof typeof faults>) figures.faults[key] += faults[key]
      figures.rateLimited429 += rateLimited
      figures.all429 += count(entry => entry.status === 429)
      figures.retries += retries
      figures.createsRefused409 += count(entry => entry.status === 409 && entry.path.endsWith('/create'))

      // Checks, with the faults off.
      await chaosOff()
      const twice = [...writes].filter(([key, times]) => times > 1 && key.includes('/create '))
      if (twice.length > 0) fail(round, 'no create made twice', twice.map(([key, times]) => `${key} ×${times}`).join(', '))
      figures.otherWritesTwice += [...writes].filter(([key, times]) => times > 1 && !key.includes('/create ')).length

      const plan = await cli(['plan', '-e', ENVIRONMENT])
      if (plan.code !== 0 || !plan.stdout.includes('No changes')) fail(round, 'plan exits 0 with no changes', tail(plan))
      const differences = await stateDifferences(emulator, model)
      if (differences.length > 0) fail(round, 'live state equals the configuration', differences.slice(0, 20).join('; '))

      const journals = await roundJournals(journalsDir, roundStarted, round)
      figures.journalsChecked += journals.length
      // A run killed after its last write leaves nothing for the resume to do: the resume stops at
      // "No changes" and the killed run's journal (no end line) and lock (of a dead pid) stay until
      // the next apply takes the lock over.
      const nothingLeft = killedRun && last.code === 0 && last.stdout.includes('No changes')
      if (nothingLeft) figures.killedAfterLastWrite++
      const newest = journals.at(-1)
      if (last.code === 0 && !nothingLeft && newest && !(newest.lines.at(-1)?.type === 'end' && newest.lines.at(-1)?.result?.status === 'complete')) {
        fail(round, 'the newest journal ended complete', `${newest.file}: ${JSON.stringify(newest.lines.at(-1))}`)
      }

      for (const name of await readdir(locksDir).catch(() => [] as string[])) {
        const holder = JSON.parse(await readFile(path.join(locksDir, name), 'utf8').catch(() => '{}')) as {pid?: number}
        const stale = nothingLeft && holder.pid !== undefined && !processAlive(holder.pid)
        if (!stale) fail(round, 'no lock left (but a dead run\'s when the resume had nothing to do)', `${name}: ${JSON.stringify(holder)}`)
      }

      const backups = (await listBackups(backupsDir, PROJECT.id)).filter(backup => !verifiedBackups.has(backup.id))
      figures.backupsMade += backups.length
      for (const backup of backups) {
        verifiedBackups.add(backup.id)
        if (backup.damaged) fail(round, 'backup is complete', `${backup.id}: ${backup.damaged}`)
      }

      const sample = [...backups].sort(() => random() - 0.5).slice(0, VERIFY_SAMPLE)
      for (const backup of sample) {
        const verify = await cli(['backup', 'verify', backup.id, '-e', ENVIRONMENT])
        figures.backupsVerifiedByCli++
        if (verify.code !== 0) fail(round, 'backup verify exits 0', `${backup.id}: ${tail(verify)}`)
      }

      const roundMs = Date.now() - roundStarted
      roundsLog.push({
        applied,
        backups: backups.length,
        faults,
        kill: kill
          ? describeKill({
            delayMs: killDelayMs, early, fraction: killFraction, killed: killedRun, planned,
          })
          : undefined,
        ms: roundMs,
        planned,
        rateLimited,
        requests: log.length,
        retries,
        round,
        runs,
        sizes: {permissions: model.permissions.length, roles: model.roles.length, tenants: model.tenants.length},
      })
      const runsText = runs.map(run => `${run.args.includes('--resume') ? 'resume' : 'apply'}→${run.code}`).join(' ')
      process.stderr.write(`round ${round}: ${planned} planned, ${applied} writes, ${log.length} requests, ${runsText}, ${(roundMs / 1000).toFixed(1)} s\n`)
    }
  } finally {
    await emulator.stop()
    await rm(home, {force: true, recursive: true})
  }

  figures.finalSizes = {permissions: model.permissions.length, roles: model.roles.length, tenants: model.tenants.length}
  const durationMs = Date.now() - started
  const {faults} = figures
  const kills = figures.kills - figures.killsMissed
  const injected = faults.status503 + faults.status524 + faults.other
  const rows: Array<[string, string]> = [
    ['seed', String(SEED)],
    ['duration', `${(durationMs / 60_000).toFixed(1)} min (asked: ${MINUTES})`],
    ['rounds', String(figures.rounds)],
    ['changes planned (the round\'s first plan)', String(figures.plannedChanges)],
    ['changes applied (successful writes)', String(figures.changesApplied)],
    ['API requests (applies)', String(figures.requests)],
    ['injected 5xx (503 / 524)', `${injected} (${faults.status503} / ${faults.status524}), ${(100 * injected / Math.max(1, figures.requests)).toFixed(1)} % of requests`],
    ['injected 429 bursts', String(faults.status429)],
    ['rate-limiter 429s', String(figures.rateLimited429)],
    ['all 429 answers', String(figures.all429)],
    ['connection resets', String(faults.reset)],
    ['retries (requests not answered 200)', String(figures.retries)],
    ['SIGKILLs (early / after writes)', `${kills} (${figures.killsEarly} / ${kills - figures.killsEarly}); ${figures.killsMissed} missed (apply done first)`],
    ['resumes (apply --resume)', String(figures.resumes)],
    ['kills after the last write (resume found no changes)', String(figures.killedAfterLastWrite)],
    ['plain applies after a kill (no journal yet)', String(figures.plainAppliesAfterKill)],
    ['reruns after a failed apply', String(figures.reruns)],
    ['CLI applies in all', String(figures.applyRuns)],
    ['non-zero exits (not killed)', Object.keys(figures.nonZeroExits).length === 0 ? '0' : Object.entries(figures.nonZeroExits).map(([code, times]) => `exit ${code} ×${times}`).join(', ')],
    ['creates refused as existing (409)', String(figures.createsRefused409)],
    ['other writes made twice', String(figures.otherWritesTwice)],
    ['journals checked', String(figures.journalsChecked)],
    ['backups made / verified by `backup verify`', `${figures.backupsMade} / ${figures.backupsVerifiedByCli}`],
    ['final size (tenants, permissions, roles)', `${figures.finalSizes.tenants}, ${figures.finalSizes.permissions}, ${figures.finalSizes.roles}`],
    ['failed checks', String(failures.length)],
  ]
  const width = Math.max(...rows.map(([measure]) => measure.length), 'measure'.length)
  process.stdout.write(`\n${'measure'.padEnd(width)}  value\n${'-'.repeat(width)}  -----\n`)
  for (const [measure, value] of rows) process.stdout.write(`${measure.padEnd(width)}  ${value}\n`)
  for (const failure of failures) process.stdout.write(`FAILED round ${failure.round} (seed ${failure.seed}): ${failure.check}: ${failure.detail.split('\n')[0]}\n`)

  const results = {
    command: `node --import tsx/esm benchmarks/soak.ts --minutes ${MINUTES} --seed ${SEED}`,
    date: new Date(started).toISOString(),
    durationMs,
    failures,
    figures,
    knobs: {
      client: CLIENT, emulatorRateLimit: EMULATOR_RATE_LIMIT, faults: [BURST, ...NOISE], killShare: KILL_SHARE, latency: LATENCY, secondBurst: 'once per apply, 0.3–4.3 s after its start',
    },
    machine: {
      cpus: os.availableParallelism(),
      memoryGiB: Math.round(os.totalmem() / (1024 ** 3) * 10) / 10,
      node: process.version,
      platform: `${os.platform()} ${os.release()}`,
    },
    minutes: MINUTES,
    ok: failures.length === 0,
    rounds: roundsLog,
    seed: SEED,
  }
  await mkdir(path.join(repoRoot, 'benchmarks', 'results'), {recursive: true})
  await writeFile(path.join(repoRoot, 'benchmarks', 'results', 'soak.json'), `${JSON.stringify(results, null, 2)}\n`)
  if (failures.length > 0) process.exitCode = 1
}

await main()
