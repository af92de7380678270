/**
 * The bench scenarios: each starts a fresh in-process emulator (50 ms latency), runs the installed
 * CLI (`<root>/bin/run.js`) as child processes, and measures wall time, requests, 429s and the
 * child's peak RSS.
 */
import {spawn, spawnSync} from 'node:child_process'
import {once} from 'node:events'
import {
  mkdtemp, readdir, readFile, rm, writeFile,
} from 'node:fs/promises'
import {createRequire} from 'node:module'
import {createServer, Socket} from 'node:net'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'

import type {ScenarioName} from './scenario-names.js'

export const LATENCY_MS = 50
export {type ScenarioName, SCENARIOS} from './scenario-names.js'
export const QUICK: ScenarioName[] = ['cli-start', 'tenant-list-100', 'apply-20', 'flow-export-10']

export interface Target {
  /** What is compared: the median wall time (ms, met when at most max) or the peak RSS (MB, met when below max). */
  metric: 'medianMs' | 'peakRssMB'
  max: number
  /** For a target set from another measure of the same run: what max was derived from (`2x node -e 0`). */
  relativeTo?: string
}

/** Peak RSS of every typical scenario (the plan's "< 100 MB for typical operations"). */
export const MEMORY_TARGET_MB = 100
/** `--version` and `--help` against `node -e 0` in the same run. */
export const START_FACTOR = 2
/** A warm `tenant list` of 1,000 tenants against a cold one, whole process. */
export const WARM_SPEED_UP = 1.5

/** Whether a measured value meets its target: time at most the target, memory below it. */
export function meets(target: Target, measured: number): boolean {
  return target.metric === 'peakRssMB' ? measured < target.max : measured <= target.max
}

export interface Result {
  scenario: ScenarioName
  /** What this row measures, e.g. `tenant list (warm cache)`. */
  measure: string
  runs: number
  medianMs: number
  minMs: number
  maxMs: number
  requests: number
  rateLimited: number
  peakRssMB: null | number
  target: null | Target
  /** measured / target (below 1 is better); null without a target. */
  ratio: null | number
  pass: boolean | null
  /** What else the figures say: the write rate against the rate limit, the speed-up of a warm cache. */
  detail: null | string
}

interface Run {
  code: null | number
  ms: number
  rssBytes: null | number
  stderr: string
  stdout: string
}

interface Context {
  cli: string
  /** The installed package's root (the SDK comparison looks for its script there). */
  root: string
  runs: number
  progress(message: string): void
}

const PROJECT = {id: 'P2BenchCommand000000000000000001', managementKey: 'K2BenchCommandKey00000000000001'}
const rssHook = pathToFileURL(path.join(path.dirname(fileURLToPath(import.meta.url)), 'rss.js')).href
const round = (value: number, digits = 1) => Math.round(value * (10 ** digits)) / (10 ** digits)

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

async function spawnTimed(args: string[], env: Record<string, string>, cwd: string): Promise<Run> {
  const rssFile = path.join(cwd, `rss-${process.hrtime.bigint()}`)
  const childEnv: Record<string, string | undefined> = {
    ...process.env, ...env, CI: 'true', DESCOPE_MGMT_BENCH_RSS_FILE: rssFile, NO_COLOR: '1',
  }
  for (const name of ['DESCOPE_PROJECT_ID', 'DESCOPE_MANAGEMENT_KEY', 'DESCOPE_BASE_URL', 'DESCOPE_MGMT_ENVIRONMENT', 'DESCOPE_MGMT_NO_CACHE', 'DESCOPE_MGMT_REDIS_URL']) {
    if (!(name in env)) delete childEnv[name]
  }

  const run = await new Promise<Omit<Run, 'rssBytes'>>((resolve, reject) => {
    const started = process.hrtime.bigint()
    const child = spawn(process.execPath, ['--import', rssHook, ...args], {cwd, env: childEnv, stdio: ['ignore', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString()
    })
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
    })
    child.on('error', reject)
    child.on('close', code => resolve({
      code, ms: Number(process.hrtime.bigint() - started) / 1e6, stderr, stdout,
    }))
  })
  let rssBytes: null | number = null
  try {
    rssBytes = Number(await readFile(rssFile, 'utf8'))
    await rm(rssFile, {force: true})
  } catch {}

  return {...run, rssBytes}
}

function tenants(count: number) {
  return Array.from({length: count}, (_, index) => ({
    customAttributes: {seats: index},
    id: `t${String(index).padStart(5, '0')}`,
    name: `Tenant ${index}`,
    selfProvisioningDomains: [`t${index}.example.com`],
  }))
}

function flow(flowId: string) {
  const tasks: Record<string, unknown> = {}
  for (let index = 0; index < 20; index++) {
    tasks[`task-${index}`] = {
      id: `task-${index}`, name: `Step ${index}`, next: {rules: [{id: `r${index}`, next: `task-${index + 1}`}]}, type: 'action',
    }
  }

  return {
    contents: {startTask: 'task-0', tasks},
    flowId,
    metadata: {description: 'A flow of the bench command', name: `Flow ${flowId}`},
    references: {},
    screens: Array.from({length: 5}, (_, index) => ({
      contents: {components: [{id: 'submit', label: 'Continue', type: 'button'}], title: `Screen ${index}`}, screenId: `${flowId}-screen-${index}`,
    })),
  }
}

interface Setup {
  emulator: {url: string; stats(): Promise<{totals: {requests: number; rateLimited: number}}>; admin: {reset(): Promise<void>; resetStats(): Promise<void>}; stop(): Promise<void>}
  env: Record<string, string>
  home: string
}

async function prepare(options: {tenants?: number; flows?: number; rateLimit?: string}): Promise<Setup> {
  const {startEmulator} = await import('@descope-mgmt/plugin-emulator')
  const emulator = await startEmulator({
    newProjects: 'empty',
    latency: LATENCY_MS,
    port: 0,
    projects: [{
      ...PROJECT,
      flows: options.flows ? Array.from({length: options.flows}, (_, index) => flow(`flow-${String(index).padStart(3, '0')}`)) : [],
      tenants: options.tenants ? tenants(options.tenants) : [],
    }],
    // Without a limit of its own, a scenario measures the tool, not Descope's default limit.
    rateLimit: options.rateLimit ?? 'off',
  })
  const home = await mkdtemp(path.join(os.tmpdir(), 'descope-mgmt-bench-'))
  const env = {
    DESCOPE_BASE_URL: emulator.url,
    DESCOPE_MANAGEMENT_KEY: PROJECT.managementKey,
    DESCOPE_PROJECT_ID: PROJECT.id,
    HOME: home,
    XDG_CACHE_HOME: path.join(home, 'cache'),
    XDG_CONFIG_HOME: path.join(home, 'config'),
    XDG_DATA_HOME: path.join(home, 'data'),
    // The client's own limit (Descope's 100 per 60 s by default) would otherwise make the
    // scenarios of more than 100 requests measure that limit; a configuration's rateLimit wins.
    ...(options.rateLimit ? {} : {DESCOPE_MGMT_RATE_LIMIT: '1000/1s'}),
  }
  return {emulator, env, home}
}

async function shutdown(context: Setup): Promise<void> {
  await context.emulator.stop()
  await rm(context.home, {force: true, recursive: true})
}

interface Series {
  measure: string
  args: () => string[]
  before?: () => Promise<void>
  check?: (run: Run) => void
  env: Record<string, string>
  cwd: string
  /** Exit codes that mean success (default 0; plan exits 2 when it has changes). */
  okCodes?: number[]
  /** Fewer runs than the others, for the long scenarios. */
  maxRuns?: number
  emulator?: Setup['emulator']
  target: null | Target
}

/** What the runs of one measure gave so far. */
interface Sample {
  rateLimited: number
  requests: number
  rss: number[]
  times: number[]
}

/**
 * Runs the measures in turn, one run of each per round (A B A B …), so that a change in the
 * machine's load during the series falls on all of them alike and their ratio stays fair.
 */
async function alternating(name: ScenarioName, context: Context, specs: Series[]): Promise<Sample[]> {
  const samples: Sample[] = specs.map(() => ({
    rateLimited: 0, requests: 0, rss: [], times: [],
  }))
  const runs = Math.min(context.runs, ...specs.map(spec => spec.maxRuns ?? context.runs))
  for (let index = 0; index < runs; index++) {
    for (const [position, spec] of specs.entries()) {
      const sample = samples[position]
      context.progress(`${name}: ${spec.measure}, run ${index + 1} of ${runs}`)
      await spec.before?.()
      await spec.emulator?.admin.resetStats()
      const run = await spawnTimed(spec.args(), spec.env, spec.cwd)
      if (!(spec.okCodes ?? [0]).includes(run.code ?? -1)) throw new Error(`${name}: \`${spec.args().slice(1).join(' ')}\` exited ${run.code}: ${(run.stderr || run.stdout).slice(-1000)}`)
      spec.check?.(run)
      sample.times.push(run.ms)
      if (run.rssBytes !== null) sample.rss.push(run.rssBytes)
      if (spec.emulator) {
        const stats = await spec.emulator.stats()
        sample.requests = stats.totals.requests
        sample.rateLimited = stats.totals.rateLimited
      }
    }
  }

  return samples
}

/** A measure's result from its sample, judged against `target` (the spec's own by default). */
function summarise(name: ScenarioName, spec: Series, sample: Sample, target: null | Target = spec.target): Result {
  const {rateLimited, requests, rss, times} = sample
  const peakRssMB = rss.length > 0 ? round(Math.max(...rss) / (1024 * 1024)) : null
  const medianMs = round(median(times))
  const measured = target?.metric === 'peakRssMB' ? peakRssMB : medianMs
  const ratio = target && measured !== null ? round(measured / target.max, 3) : null
  return {
    detail: null,
    maxMs: round(Math.max(...times)),
    measure: spec.measure,
    medianMs,
    minMs: round(Math.min(...times)),
    pass: target && measured !== null ? meets(target, measured) : null,
    peakRssMB,
    rateLimited,
    ratio,
    requests,
    runs: times.length,
    scenario: name,
    target,
  }
}

async function series(name: ScenarioName, context: Context, spec: Series): Promise<Result> {
  const [sample] = await alternating(name, context, [spec])
  return summarise(name, spec, sample)
}

function expectLines(count: number) {
  return (run: Run) => {
    const lines = run.stdout.trim().split('\n').length - 1
    if (lines !== count) throw new Error(`tenant list printed ${lines} tenants, expected ${count}`)
  }
}

/** The same runs judged against another target (one series, two questions: time and memory). */
function retarget(result: Result, measure: string, target: Target): Result {
  const measured = target.metric === 'peakRssMB' ? result.peakRssMB : result.medianMs
  const ratio = measured === null ? null : round(measured / target.max, 3)
  return {
    ...result, detail: null, measure, pass: measured === null ? null : meets(target, measured), ratio, target,
  }
}

/** A series and the peak RSS of the same runs against the memory target of typical operations. */
function withMemory(result: Result): Result[] {
  return [result, retarget(result, `${result.measure} (peak RSS)`, {max: MEMORY_TARGET_MB, metric: 'peakRssMB'})]
}

/** Descope's default limit (200 per 60 s) scaled down: 100 per 5 s, in the emulator and the client. */
const APPLY_LIMIT = {requests: 100, windowSeconds: 5}

/**
 * `apply` of `count` tenants to an empty project with the rate limit on; reports the achieved write
 * rate against the allowed one. Target: `maxMs`.
 */
async function applyScenario(name: ScenarioName, context: Context, count: number, maxMs: number, maxRuns?: number): Promise<Result[]> {
  const limit = APPLY_LIMIT
  const box = await prepare({rateLimit: `${limit.requests}/${limit.windowSeconds}s`})
  try {
    const configFile = path.join(box.home, 'descope.yaml')
    await writeFile(configFile, configYaml(box.emulator.url, count, limit))
    const result = await series(name, context, {
      args: () => [context.cli, 'apply', '-e', 'bench', '--yes', '-c', configFile],
      async before() {
        // Each run applies every tenant to an empty project.
        await box.emulator.admin.reset()
      },
      cwd: box.home,
      emulator: box.emulator,
      env: configEnv(box),
      maxRuns,
      measure: `apply of ${count.toLocaleString('en-US')} tenants, rate limit ${limit.requests}/${limit.windowSeconds} s`,
      target: {max: maxMs, metric: 'medianMs'},
    })
    const allowed = limit.requests / limit.windowSeconds
    const achieved = count / (result.medianMs / 1000)
    const timed = {...result, detail: `${count} writes at ${round(achieved)}/s, ${round(achieved / allowed, 2)} of the ${allowed}/s allowed (whole process)`}
    // apply-1000 is the large one: its memory is reported against no target.
    return count > 200 ? [timed] : withMemory(timed)
  } finally {
    await shutdown(box)
  }
}

/** The environment of a scenario that uses a configuration file (the key comes from a variable). */
function configEnv(box: Setup): Record<string, string> {
  return {
    BENCH_KEY: PROJECT.managementKey, HOME: box.env.HOME, XDG_CACHE_HOME: box.env.XDG_CACHE_HOME, XDG_CONFIG_HOME: box.env.XDG_CONFIG_HOME, XDG_DATA_HOME: box.env.XDG_DATA_HOME,
  }
}

async function flowExportScenario(name: ScenarioName, context: Context, flows: number, maxMs: number): Promise<Result[]> {
  const box = await prepare({flows})
  let index = 0
  try {
    return withMemory(await series(name, context, {
      args: () => [context.cli, 'flow', 'export', '--all', '--out', path.join(box.home, `export-${index++}`)],
      cwd: box.home,
      emulator: box.emulator,
      env: {...box.env, DESCOPE_MGMT_NO_CACHE: '1'},
      measure: `flow export of ${flows} flows`,
      target: {max: maxMs, metric: 'medianMs'},
    }))
  } finally {
    await shutdown(box)
  }
}

function configYaml(url: string, count: number, rateLimit?: {requests: number; windowSeconds: number}): string {
  const lines = [
    'version: 1',
    'environments:',
    '  bench:',
    `    projectId: ${PROJECT.id}`,
    '    managementKey: ${BENCH_KEY}', // eslint-disable-line no-template-curly-in-string
    `    baseUrl: ${url}`,
    ...(rateLimit ? [`    rateLimit: {requests: ${rateLimit.requests}, windowSeconds: ${rateLimit.windowSeconds}}`] : []),
    'tenants:',
  ]
  for (const tenant of tenants(count)) {
    lines.push(`  - {id: ${tenant.id}, name: ${tenant.name}, selfProvisioningDomains: [${tenant.selfProvisioningDomains[0]}], customAttributes: {seats: ${tenant.customAttributes.seats}}}`)
  }

  return `${lines.join('\n')}\n`
}

/** A throwaway redis-server on a free loopback port (no persistence), or undefined when none is installed. */
async function startRedis(): Promise<undefined | {url: string; stop(): Promise<void>}> {
  if (spawnSync('redis-server', ['--version']).error) return undefined
  const probe = createServer().listen(0, '127.0.0.1')
  await once(probe, 'listening')
  const {port} = probe.address() as {port: number}
  probe.close()
  const server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {stdio: 'ignore'})
  const deadline = Date.now() + 10_000
  for (;;) {
    const socket = new Socket()
    try {
      socket.connect(port, '127.0.0.1')
      await once(socket, 'connect')
      break
    } catch (error) {
      if (Date.now() > deadline) {
        server.kill('SIGTERM')
        throw error
      }

      await new Promise(resolve => {
        setTimeout(resolve, 50)
      })
    } finally {
      socket.destroy()
    }
  }

  return {
    async stop() {
      if (server.exitCode === null && server.signalCode === null) {
        server.kill('SIGTERM')
        await once(server, 'exit')
      }
    },
    url: `redis://127.0.0.1:${port}`,
  }
}

/** Descope's limit per source address (100 per 60 s) scaled down, in the emulator and in each client. */
const FLEET_LIMIT = {requests: 60, windowSeconds: 10}
const FLEET_PROJECTS = [1, 2, 3, 4].map(n => ({id: `P2BenchFleet00000000000000000${n}`, managementKey: `K2BenchFleetKey00000000000000${n}`}))
const FLEET_TENANTS = 50

/**
 * fleet-4x50: four processes at once, each applying one project of 50 tenants through one emulator
 * that counts per client address; once sharing the budget through Redis, once each keeping the
 * limit alone. Wall time (until the last finishes), 429s, writes retried after a 429, writes lost.
 * Target: the coordinated run gets no 429 and loses no write.
 */
async function fleetScenario(context: Context): Promise<Result[]> {
  const redis = await startRedis()
  if (!redis) {
    const skipped = {
      detail: null, maxMs: 0, medianMs: 0, minMs: 0, pass: null, peakRssMB: null, rateLimited: 0, ratio: null, requests: 0, runs: 0, target: null,
    }
    return [{...skipped, measure: 'skipped: redis-server not installed', scenario: 'fleet-4x50'}]
  }

  const {startEmulator} = await import('@descope-mgmt/plugin-emulator')
  const emulator = await startEmulator({
    latency: LATENCY_MS,
    newProjects: 'empty',
    port: 0,
    projects: FLEET_PROJECTS,
    rateLimit: `${FLEET_LIMIT.requests}/${FLEET_LIMIT.windowSeconds}s`,
    rateLimitScope: 'ip',
  })
  const root = await mkdtemp(path.join(os.tmpdir(), 'descope-mgmt-bench-'))
  try {
    const measure = async (coordinated: boolean): Promise<Result> => {
      const label = coordinated ? 'coordinated (one Redis budget)' : 'independent (each process alone)'
      const runs = Math.min(context.runs, 2)
      const times: number[] = []
      const rss: number[] = []
      let rateLimited = 0
      let requests = 0
      let retried = 0
      let lost = 0
      for (let index = 0; index < runs; index++) {
        context.progress(`fleet-4x50: ${label}, run ${index + 1} of ${runs}`)
        await emulator.admin.reset()
        await emulator.admin.resetStats()
        // Nothing of the previous run may still count in the emulator's window.
        await new Promise(resolve => {
          setTimeout(resolve, FLEET_LIMIT.windowSeconds * 1000)
        })
        const started = process.hrtime.bigint()
        const results = await Promise.all(FLEET_PROJECTS.map(async (project, p) => {
          // A HOME each, as on four runners: without Redis nothing is shared.
          const home = path.join(root, `${coordinated ? 'redis' : 'alone'}-${index}-${p}`)
          const configFile = path.join(home, 'descope.yaml')
          const {mkdir} = await import('node:fs/promises')
          await mkdir(home, {recursive: true})
          await writeFile(configFile, fleetConfigYaml(emulator.url, project.id, p))
          const env: Record<string, string> = {
            BENCH_KEY: project.managementKey, HOME: home, XDG_CACHE_HOME: path.join(home, 'cache'), XDG_CONFIG_HOME: path.join(home, 'config'), XDG_DATA_HOME: path.join(home, 'data'),
          }
          if (coordinated) env.DESCOPE_MGMT_REDIS_URL = redis.url
          return spawnTimed([context.cli, 'apply', '-e', 'bench', '--yes', '-c', configFile], env, home)
        }))
        times.push(Number(process.hrtime.bigint() - started) / 1e6)
        for (const run of results) if (run.rssBytes !== null) rss.push(run.rssBytes)
        const stats = await emulator.stats()
        rateLimited += stats.totals.rateLimited
        requests += stats.totals.requests
        const creates = await emulator.admin.requests({method: 'POST', path: '/v1/mgmt/tenant/create'})
        retried += creates.filter(entry => entry.status === 429).length
        const made = new Set(creates.filter(entry => entry.status === 200).map(entry => String(entry.body?.id)))
        lost += (FLEET_PROJECTS.length * FLEET_TENANTS) - made.size
      }

      const medianMs = round(median(times))
      return {
        detail: `${label}: ${rateLimited} 429s, ${retried} writes retried after a 429, ${lost} writes lost, over ${runs} run(s)${coordinated ? '; target: no 429 and no lost write' : ''}`,
        maxMs: round(Math.max(...times)),
        measure: `4 processes x 50 tenants, ${label}`,
        medianMs,
        minMs: round(Math.min(...times)),
        pass: coordinated ? rateLimited === 0 && lost === 0 : null,
        peakRssMB: rss.length > 0 ? round(Math.max(...rss) / (1024 * 1024)) : null,
        rateLimited,
        ratio: null,
        requests,
        runs,
        scenario: 'fleet-4x50',
        target: null,
      }
    }

    return [await measure(true), await measure(false)]
  } finally {
    await emulator.stop()
    await redis.stop()
    await rm(root, {force: true, recursive: true})
  }
}

function fleetConfigYaml(url: string, projectId: string, index: number): string {
  return [
    'version: 1',
    'environments:',
    '  bench:',
    `    projectId: ${projectId}`,
    '    managementKey: ${BENCH_KEY}', // eslint-disable-line no-template-curly-in-string
    `    baseUrl: ${url}`,
    `    rateLimit: {requests: ${FLEET_LIMIT.requests}, windowSeconds: ${FLEET_LIMIT.windowSeconds}}`,
    'tenants:',
    ...Array.from({length: FLEET_TENANTS}, (_, t) => `  - {id: p${index}-t${String(t).padStart(2, '0')}, name: Tenant ${t} of ${index}}`),
    '',
  ].join('\n')
}

export async function runScenario(name: ScenarioName, context: Context): Promise<Result[]> {
  const {cli} = context
  switch (name) {
  case 'apply-20': {
    return applyScenario(name, context, 20, 10_000)
  }

  case 'apply-200': {
    // The rate limit alone needs about 5 s for 200 writes (100 at once, then 20 per second).
    return applyScenario(name, context, 200, 20_000)
  }

  case 'apply-1000': {
    // The rate limit alone needs about 45 s for 1,000 writes.
    return applyScenario(name, context, 1000, 75_000, 2)
  }

  case 'cli-start': {
    const home = await mkdtemp(path.join(os.tmpdir(), 'descope-mgmt-bench-'))
    try {
      const env = {
        HOME: home, XDG_CACHE_HOME: path.join(home, 'cache'), XDG_CONFIG_HOME: path.join(home, 'config'), XDG_DATA_HOME: path.join(home, 'data'),
      }
      const specs: Series[] = [
        {
          args: () => ['-e', '0'], cwd: home, env, measure: 'node -e 0 (the floor)', target: null,
        },
        {
          args: () => [cli, '--version'], cwd: home, env, measure: 'descope-mgmt --version', target: null,
        },
        {
          args: () => [cli, '--help'], cwd: home, env, measure: 'descope-mgmt --help', target: null,
        },
      ]
      const samples = await alternating(name, context, specs)
      const floor = summarise(name, specs[0], samples[0])
      // Against Node itself in the same rounds, so that the load of the machine cancels out.
      const target: Target = {max: round(floor.medianMs * START_FACTOR), metric: 'medianMs', relativeTo: `${START_FACTOR}x node -e 0`}
      const [version, help] = [1, 2].map(index => summarise(name, specs[index], samples[index], target))
      return [floor, version, help]
    } finally {
      await rm(home, {force: true, recursive: true})
    }
  }

  case 'drift-1000': {
    const box = await prepare({tenants: 1000})
    try {
      const configFile = path.join(box.home, 'descope.yaml')
      // The configuration of the same 1,000 tenants, 10 of them renamed: 10 drifted tenants.
      await writeFile(configFile, configYaml(box.emulator.url, 1000).replaceAll(/name: Tenant (99\d),/g, 'name: Renamed $1,'))
      return withMemory(await series(name, context, {
        args: () => [cli, 'drift', '-e', 'bench', '-c', configFile, '--json'],
        cwd: box.home,
        emulator: box.emulator,
        env: configEnv(box),
        measure: 'drift of 1,000 tenants, 10 drifted',
        okCodes: [2],
        target: {max: 5000, metric: 'medianMs'},
      }))
    } finally {
      await shutdown(box)
    }
  }

  case 'fleet-4x50': {
    return fleetScenario(context)
  }

  case 'flow-export-10': {
    return flowExportScenario(name, context, 10, 5000)
  }

  case 'flow-export-100': {
    return flowExportScenario(name, context, 100, 15_000)
  }

  case 'plan-10000': {
    const box = await prepare({tenants: 10_000})
    try {
      const configFile = path.join(box.home, 'descope.yaml')
      // The same 10,000 tenants as live, except that the last 100 are renamed: 100 updates to plan.
      await writeFile(configFile, configYaml(box.emulator.url, 10_000).replaceAll(/name: Tenant (99\d\d),/g, 'name: Renamed $1,'))
      const memory = await series(name, context, {
        args: () => [cli, 'plan', '-e', 'bench', '-c', configFile, '--json'],
        cwd: box.home,
        emulator: box.emulator,
        env: configEnv(box),
        maxRuns: 3,
        measure: 'plan of 10,000 tenants, 100 changed (peak RSS)',
        okCodes: [0, 2],
        target: {max: 100, metric: 'peakRssMB'},
      })
      return [retarget(memory, 'plan of 10,000 tenants, 100 changed (time)', {max: 30_000, metric: 'medianMs'}), memory]
    } finally {
      await shutdown(box)
    }
  }

  case 'tenant-list-100': {
    const box = await prepare({tenants: 100})
    try {
      // 5x under the original plan's 2 s.
      return withMemory(await series(name, context, {
        args: () => [cli, 'tenant', 'list', '--no-cache'],
        check: expectLines(100),
        cwd: box.home,
        emulator: box.emulator,
        env: box.env,
        measure: 'tenant list of 100 tenants',
        target: {max: 400, metric: 'medianMs'},
      }))
    } finally {
      await shutdown(box)
    }
  }

  case 'tenant-list-sdk': {
    return sdkComparison(name, context)
  }

  case 'tenant-list-1000': {
    const box = await prepare({tenants: 1000})
    // The read cache only: the coordination folder beside it (rate budget, the project's license
    // tier) is not cached project data, and a user's cold read keeps it too.
    const cacheDir = path.join(box.env.XDG_CACHE_HOME, 'descope-mgmt')
    const clear = async () => {
      const names = await readdir(cacheDir).catch(() => [])
      await Promise.all(names.filter(entry => entry !== 'coordination').map(entry => rm(path.join(cacheDir, entry), {force: true, recursive: true})))
    }

    try {
      const specs: Series[] = [{
        args: () => [cli, 'tenant', 'list'],
        before: clear,
        check: expectLines(1000),
        cwd: box.home,
        emulator: box.emulator,
        env: box.env,
        measure: 'tenant list of 1,000 tenants, cold cache',
        target: null,
      }, {
        // Right after a cold run, which filled the cache.
        args: () => [cli, 'tenant', 'list'],
        check: expectLines(1000),
        cwd: box.home,
        emulator: box.emulator,
        env: box.env,
        measure: 'tenant list of 1,000 tenants, warm cache',
        target: null,
      }]
      const samples = await alternating(name, context, specs)
      const [cold, warm] = specs.map((spec, index) => summarise(name, spec, samples[index]))
      const speedUp = retarget(warm, warm.measure, {max: round(cold.medianMs / WARM_SPEED_UP), metric: 'medianMs', relativeTo: `cold / ${WARM_SPEED_UP}`})
      return [
        ...withMemory(cold),
        {...speedUp, detail: `${round(cold.medianMs / warm.medianMs, 2)}x faster than cold (whole process; target ${WARM_SPEED_UP}x)`},
        retarget(warm, `${warm.measure} (peak RSS)`, {max: MEMORY_TARGET_MB, metric: 'peakRssMB'}),
      ]
    } finally {
      await shutdown(box)
    }
  }
  }
}

/**
 * `tenant list --json --no-cache` of 100 tenants against what a user would write instead: a script
 * over the official @descope/node-sdk that calls `management.tenant.loadAll()` and prints the JSON.
 * Both run alternately against the same emulator; the CLI's target is the script's median. The
 * script and the SDK come with a checkout of descope-mgmt (not with the installed package): without
 * them the row is reported as not run.
 */
async function sdkComparison(name: ScenarioName, context: Context): Promise<Result[]> {
  const script = path.join(context.root, 'benchmarks', 'sdk-tenant-list.mjs')
  const measure = 'tenant list --json --no-cache of 100 tenants, against the SDK\'s loadAll script'
  let reason: string | undefined
  try {
    await readFile(script)
    createRequire(script).resolve('@descope/node-sdk')
  } catch {
    reason = `not run: needs ${path.relative(context.root, script)} and @descope/node-sdk (a checkout of descope-mgmt with its devDependencies)`
  }

  if (reason) {
    return [{
      detail: reason, maxMs: 0, measure, medianMs: 0, minMs: 0, pass: null, peakRssMB: null, rateLimited: 0, ratio: null, requests: 0, runs: 0, scenario: name, target: null,
    }]
  }

  const box = await prepare({tenants: 100})
  try {
    const expectTenants = (who: string) => (run: Run) => {
      const count = (JSON.parse(run.stdout) as unknown[]).length
      if (count !== 100) throw new Error(`${name}: ${who} printed ${count} tenants, expected 100`)
    }

    const specs: Series[] = [{
      args: () => [script],
      check: expectTenants('the SDK script'),
      cwd: box.home,
      emulator: box.emulator,
      env: box.env,
      measure: 'node-sdk script: loadAll() of 100 tenants, printed as JSON (the reference)',
      target: null,
    }, {
      args: () => [context.cli, 'tenant', 'list', '--json', '--no-cache'],
      check: expectTenants('tenant list'),
      cwd: box.home,
      emulator: box.emulator,
      env: box.env,
      measure: 'tenant list --json --no-cache of 100 tenants',
      target: null,
    }]
    const samples = await alternating(name, context, specs)
    const baseline = summarise(name, specs[0], samples[0])
    const ours = summarise(name, specs[1], samples[1], {max: baseline.medianMs, metric: 'medianMs', relativeTo: 'the SDK script'})
    return [baseline, {...ours, detail: `${round(ours.medianMs / baseline.medianMs, 2)}x the SDK script's time (median of ${context.runs} alternating runs)`}]
  } finally {
    await shutdown(box)
  }
}
