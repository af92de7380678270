/**
 * The bench scenarios: each starts a fresh in-process emulator (50 ms latency), runs the installed
 * CLI (`<root>/bin/run.js`) as child processes, and measures wall time, requests, 429s and the
 * child's peak RSS.
 */
import {spawn} from 'node:child_process'
import {
  mkdtemp, readFile, rm, writeFile,
} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'

export const LATENCY_MS = 50
export const SCENARIOS = ['cli-start', 'tenant-list-100', 'tenant-list-1000', 'apply-20', 'flow-export-10', 'plan-10000'] as const
export type ScenarioName = typeof SCENARIOS[number]
export const QUICK: ScenarioName[] = ['cli-start', 'tenant-list-100', 'apply-20', 'flow-export-10']

export interface Target {
  /** What is compared: the median wall time (ms) or the peak RSS (MB). */
  metric: 'medianMs' | 'peakRssMB'
  max: number
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
  for (const name of ['DESCOPE_PROJECT_ID', 'DESCOPE_MANAGEMENT_KEY', 'DESCOPE_BASE_URL', 'DESCOPE_MGMT_ENVIRONMENT', 'DESCOPE_MGMT_NO_CACHE']) {
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
    latency: LATENCY_MS,
    port: 0,
    projects: [{
      ...PROJECT,
      flows: options.flows ? Array.from({length: options.flows}, (_, index) => flow(`flow-${String(index).padStart(3, '0')}`)) : [],
      tenants: options.tenants ? tenants(options.tenants) : [],
    }],
    rateLimit: options.rateLimit,
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
  emulator?: Setup['emulator']
  target: null | Target
}

async function series(name: ScenarioName, context: Context, spec: Series): Promise<Result> {
  const times: number[] = []
  const rss: number[] = []
  let requests = 0
  let rateLimited = 0
  for (let index = 0; index < context.runs; index++) {
    context.progress(`${name}: ${spec.measure}, run ${index + 1} of ${context.runs}`)
    await spec.before?.()
    await spec.emulator?.admin.resetStats()
    const run = await spawnTimed(spec.args(), spec.env, spec.cwd)
    if (!(spec.okCodes ?? [0]).includes(run.code ?? -1)) throw new Error(`${name}: \`${spec.args().slice(1).join(' ')}\` exited ${run.code}: ${(run.stderr || run.stdout).slice(-1000)}`)
    spec.check?.(run)
    times.push(run.ms)
    if (run.rssBytes !== null) rss.push(run.rssBytes)
    if (spec.emulator) {
      const stats = await spec.emulator.stats()
      requests = stats.totals.requests
      rateLimited = stats.totals.rateLimited
    }
  }

  const peakRssMB = rss.length > 0 ? round(Math.max(...rss) / (1024 * 1024)) : null
  const medianMs = round(median(times))
  const measured = spec.target?.metric === 'peakRssMB' ? peakRssMB : medianMs
  const ratio = spec.target && measured !== null ? round(measured / spec.target.max, 3) : null
  return {
    maxMs: round(Math.max(...times)),
    measure: spec.measure,
    medianMs,
    minMs: round(Math.min(...times)),
    pass: ratio === null ? null : ratio < 1,
    peakRssMB,
    rateLimited,
    ratio,
    requests,
    runs: context.runs,
    scenario: name,
    target: spec.target,
  }
}

function expectLines(count: number) {
  return (run: Run) => {
    const lines = run.stdout.trim().split('\n').length - 1
    if (lines !== count) throw new Error(`tenant list printed ${lines} tenants, expected ${count}`)
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

export async function runScenario(name: ScenarioName, context: Context): Promise<Result[]> {
  const {cli} = context
  switch (name) {
  case 'apply-20': {
    // Descope's default limit (200 per 60 s) scaled down: 100 per 5 s, in the emulator and the client.
    const limit = {requests: 100, windowSeconds: 5}
    const box = await prepare({rateLimit: `${limit.requests}/${limit.windowSeconds}s`})
    try {
      const configFile = path.join(box.home, 'descope.yaml')
      await writeFile(configFile, configYaml(box.emulator.url, 20, limit))
      const env = {
        BENCH_KEY: PROJECT.managementKey, HOME: box.env.HOME, XDG_CACHE_HOME: box.env.XDG_CACHE_HOME, XDG_CONFIG_HOME: box.env.XDG_CONFIG_HOME, XDG_DATA_HOME: box.env.XDG_DATA_HOME,
      }
      return [await series(name, context, {
        args: () => [cli, 'apply', '-e', 'bench', '--yes', '-c', configFile],
        async before() {
          // Each run applies 20 tenants to an empty project.
          await box.emulator.admin.reset()
        },
        cwd: box.home,
        emulator: box.emulator,
        env,
        measure: 'apply of 20 tenants, rate limit 100/5 s',
        target: {max: 10_000, metric: 'medianMs'},
      })]
    } finally {
      await shutdown(box)
    }
  }

  case 'cli-start': {
    const home = await mkdtemp(path.join(os.tmpdir(), 'descope-mgmt-bench-'))
    try {
      const env = {
        HOME: home, XDG_CACHE_HOME: path.join(home, 'cache'), XDG_CONFIG_HOME: path.join(home, 'config'), XDG_DATA_HOME: path.join(home, 'data'),
      }
      const floor = await series(name, context, {
        args: () => ['-e', '0'], cwd: home, env, measure: 'node -e 0 (the floor)', target: null,
      })
      const version = await series(name, context, {
        args: () => [cli, '--version'], cwd: home, env, measure: 'descope-mgmt --version', target: {max: 1000, metric: 'medianMs'},
      })
      return [floor, version]
    } finally {
      await rm(home, {force: true, recursive: true})
    }
  }

  case 'flow-export-10': {
    const box = await prepare({flows: 10})
    let index = 0
    try {
      return [await series(name, context, {
        args: () => [cli, 'flow', 'export', '--all', '--out', path.join(box.home, `export-${index++}`)],
        cwd: box.home,
        emulator: box.emulator,
        env: {...box.env, DESCOPE_MGMT_NO_CACHE: '1'},
        measure: 'flow export of 10 flows',
        target: {max: 5000, metric: 'medianMs'},
      })]
    } finally {
      await shutdown(box)
    }
  }

  case 'plan-10000': {
    const box = await prepare({tenants: 10_000})
    try {
      const configFile = path.join(box.home, 'descope.yaml')
      // The same 10,000 tenants as live, except that the last 100 are renamed: 100 updates to plan.
      await writeFile(configFile, configYaml(box.emulator.url, 10_000).replaceAll(/name: Tenant (99\d\d),/g, 'name: Renamed $1,'))
      return [await series(name, context, {
        args: () => [cli, 'plan', '-e', 'bench', '-c', configFile, '--json'],
        cwd: box.home,
        emulator: box.emulator,
        env: {
          BENCH_KEY: PROJECT.managementKey, HOME: box.env.HOME, XDG_CACHE_HOME: box.env.XDG_CACHE_HOME, XDG_CONFIG_HOME: box.env.XDG_CONFIG_HOME, XDG_DATA_HOME: box.env.XDG_DATA_HOME,
        },
        measure: 'plan of 10,000 tenants, 100 changed (peak RSS)',
        okCodes: [0, 2],
        target: {max: 100, metric: 'peakRssMB'},
      })]
    } finally {
      await shutdown(box)
    }
  }

  case 'tenant-list-100': {
    const box = await prepare({tenants: 100})
    try {
      return [await series(name, context, {
        args: () => [cli, 'tenant', 'list', '--no-cache'],
        check: expectLines(100),
        cwd: box.home,
        emulator: box.emulator,
        env: box.env,
        measure: 'tenant list of 100 tenants',
        target: {max: 2000, metric: 'medianMs'},
      })]
    } finally {
      await shutdown(box)
    }
  }

  case 'tenant-list-1000': {
    const box = await prepare({tenants: 1000})
    const clear = () => rm(path.join(box.env.XDG_CACHE_HOME, 'descope-mgmt'), {force: true, recursive: true})
    try {
      const cold = await series(name, context, {
        args: () => [cli, 'tenant', 'list'],
        before: clear,
        check: expectLines(1000),
        cwd: box.home,
        emulator: box.emulator,
        env: box.env,
        measure: 'tenant list of 1,000 tenants, cold cache',
        target: null,
      })
      const warm = await series(name, context, {
        args: () => [cli, 'tenant', 'list'],
        check: expectLines(1000),
        cwd: box.home,
        emulator: box.emulator,
        env: box.env,
        measure: 'tenant list of 1,000 tenants, warm cache',
        target: null,
      })
      return [cold, warm]
    } finally {
      await shutdown(box)
    }
  }
  }
}
