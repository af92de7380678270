/**
 * Apply benchmark (not a test): `npm run build && node --import tsx/esm benchmarks/apply.ts [--quick]`.
 *
 * Runs the built CLI (`bin/run.js apply -e bench --yes`) as a user would, against an in-process
 * emulator with 50 ms latency and a rate limit scaled down from Descope's default (200 requests
 * per 60 s) to keep runs short: 100 requests per 5 s, in the emulator and in the client's
 * configuration alike. Applies 20, 200 and 1,000 tenants from empty (`--quick`: 20 and 200) and
 * reports wall time, requests sent, 429s and the achieved write rate as a fraction of the allowed
 * rate (goal ≥ 0.95; see `rateFraction` for the formula). Prints a table with the target next to
 * each figure and writes benchmarks/results/apply.json.
 */
import {
  mkdir, mkdtemp, rm, writeFile,
} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

import {startEmulator} from '../plugins/plugin-emulator/src/index.js'
import {repoRoot, runCli} from './lib/run-cli.js'

const root = repoRoot
const quick = process.argv.includes('--quick')
const SIZES = quick ? [20, 200] : [20, 200, 1000]
const LATENCY_MS = 50
const LIMIT = {requests: 100, windowSeconds: 5}
const WINDOW_MS = LIMIT.windowSeconds * 1000
const GOAL = 0.95
const PROJECT = {id: 'P2ApplyBenchmark0000000000000001', managementKey: 'K2ApplyBenchmarkKey000000000001'}
const MUTATION = /^\/v1\/mgmt\/tenant\/(create|update|delete)$/

const run = runCli

function configYaml(url: string, count: number): string {
  const lines = [
    'version: 1',
    'environments:',
    '  bench:',
    `    projectId: ${PROJECT.id}`,
    '    managementKey: ${BENCH_KEY}', // eslint-disable-line no-template-curly-in-string
    `    baseUrl: ${url}`,
    `    rateLimit: {requests: ${LIMIT.requests}, windowSeconds: ${LIMIT.windowSeconds}}`,
    'tenants:',
  ]
  for (let index = 0; index < count; index++) {
    const id = `t${String(index).padStart(4, '0')}`
    lines.push(`  - {id: ${id}, name: Tenant ${id}, selfProvisioningDomains: [${id}.example.com], customAttributes: {seats: ${index}}}`)
  }

  return `${lines.join('\n')}\n`
}

interface RateFraction {
  /** Accepted requests (not refused with 429) in the full windows counted. */
  requests: number
  fullWindows: number
  firstWindowRequests: number
  firstWindowCounted: boolean
  /** Accepted requests in each window from t0, the last one partial. */
  perWindow: number[]
  /** undefined when no window was full of work (the run fits in the first window). */
  fraction?: number
}

/**
 * The achieved rate as a fraction of the allowed rate, measured in whole windows of the limit.
 *
 * Windows of W = windowSeconds are laid end to end from t0, the time of the run's first request:
 * window k is [t0 + k·W, t0 + (k+1)·W). The limit allows at most R = requests in any span of W,
 * so at most R in each of these windows. A window counts when it lies entirely before the run's
 * last write (the run had work to send during all of it). The first window counts only when it is
 * full (R accepted requests): it also holds start-up and the plan's reads, so a partly empty first
 * window says nothing about the executor. fraction = (accepted requests in the counted windows) /
 * (R × counted windows). Requests refused with 429 are not counted (they do not use the window).
 */
function rateFraction(times: number[], lastWriteAt: number): RateFraction {
  const t0 = times[0]
  const windows = Math.floor((lastWriteAt - t0) / WINDOW_MS)
  const perWindow = Array.from({length: Math.floor((times.at(-1)! - t0) / WINDOW_MS) + 1}, () => 0)
  for (const time of times) perWindow[Math.floor((time - t0) / WINDOW_MS)]++
  const counts = perWindow.slice(0, Math.max(windows, 1))

  const firstWindowCounted = windows > 0 && counts[0] >= LIMIT.requests
  const counted = windows > 0 ? (firstWindowCounted ? counts : counts.slice(1)) : []
  const requests = counted.reduce((sum, count) => sum + count, 0)
  return {
    firstWindowCounted,
    firstWindowRequests: counts[0],
    fraction: counted.length > 0 ? requests / (LIMIT.requests * counted.length) : undefined,
    fullWindows: counted.length,
    perWindow,
    requests,
  }
}

interface SizeResult {
  tenants: number
  exitCode: null | number
  wallMs: number
  writePhaseMs: number
  requests: number
  writes: number
  reads: number
  rateLimited: number
  duplicateCreates: number
  minimumWallMs: number
  rate: RateFraction
}

async function measure(count: number): Promise<SizeResult> {
  const emulator = await startEmulator({
    newProjects: 'empty',
    latency: `${LATENCY_MS}ms`, port: 0, projects: [PROJECT], rateLimit: `${LIMIT.requests}/${LIMIT.windowSeconds}s`,
  })
  const home = await mkdtemp(path.join(os.tmpdir(), 'descope-mgmt-bench-apply-'))
  try {
    const env = {
      BENCH_KEY: PROJECT.managementKey,
      HOME: home,
      XDG_CACHE_HOME: path.join(home, 'cache'),
      XDG_CONFIG_HOME: path.join(home, 'config'),
      XDG_DATA_HOME: path.join(home, 'data'),
    }
    const configFile = path.join(home, 'descope.yaml')
    await writeFile(configFile, configYaml(emulator.url, count))
    const result = await run(['apply', '-e', 'bench', '--yes', '-c', configFile], env)
    if (result.code !== 0) throw new Error(`apply of ${count} tenants exited ${result.code}:\n${result.stdout.slice(-2000)}\n${result.stderr}`)
    const stats = await emulator.stats()
    const log = await emulator.admin.requests()
    const accepted = log.filter(entry => entry.outcome !== 'rateLimited')
    const writes = log.filter(entry => entry.status === 200 && MUTATION.test(entry.path))
    const creates = new Map<string, number>()
    for (const entry of writes) creates.set(String(entry.body?.id), (creates.get(String(entry.body?.id)) ?? 0) + 1)
    const times = accepted.map(entry => Date.parse(entry.time))
    const lastWriteAt = Date.parse(writes.at(-1)!.time)
    const firstWriteAt = Date.parse(writes[0].time)
    // The least time the limit allows for the run's accepted requests: R at once, then R per window.
    const minimumWallMs = (Math.ceil(accepted.length / LIMIT.requests) - 1) * WINDOW_MS
    return {
      duplicateCreates: [...creates.values()].filter(value => value > 1).length,
      exitCode: result.code,
      minimumWallMs,
      rate: rateFraction(times, lastWriteAt),
      rateLimited: stats.totals.rateLimited,
      reads: accepted.length - writes.length,
      requests: stats.totals.requests,
      tenants: count,
      wallMs: result.ms,
      writePhaseMs: lastWriteAt - firstWriteAt,
      writes: writes.length,
    }
  } finally {
    await emulator.stop()
    await rm(home, {force: true, recursive: true})
  }
}

const round = (value: number, digits = 1) => Math.round(value * (10 ** digits)) / (10 ** digits)
const seconds = (ms: number) => `${round(ms / 1000, 1)} s`

async function main(): Promise<void> {
  const started = Date.now()
  const sizes: SizeResult[] = []
  for (const count of SIZES) {
    process.stderr.write(`apply of ${count} tenants…\n`)
    sizes.push(await measure(count))
  }

  const rows: string[][] = [['tenants', 'measure', 'result', 'target']]
  for (const size of sizes) {
    const {rate} = size
    const fraction = rate.fraction === undefined
      ? 'n/a: fits in the first window'
      : `${rate.fraction.toFixed(3)} (${rate.requests} in ${rate.fullWindows} full window${rate.fullWindows === 1 ? '' : 's'})`
    rows.push(
      [String(size.tenants), 'wall time (whole CLI process)', seconds(size.wallMs), `reported; the limit alone needs ≥ ${seconds(size.minimumWallMs)}`],
      ['', 'write phase (first to last write)', seconds(size.writePhaseMs), 'reported'],
      ['', 'requests sent (emulator stats)', `${size.requests} (${size.writes} writes, ${size.reads} reads)`, `${size.tenants} writes + a few reads`],
      ['', '429s', String(size.rateLimited), '0 (reported; a 429 costs a Retry-After wait)'],
      ['', 'duplicate creates', String(size.duplicateCreates), '0'],
      ['', 'achieved rate / allowed rate', fraction, rate.fraction === undefined ? 'n/a (limit not reached)' : `≥ ${GOAL}`],
    )
  }

  const widths = rows[0].map((_, column) => Math.max(...rows.map(row => row[column].length)))
  const print = (row: string[]) => process.stdout.write(`${row.map((cell, column) => cell.padEnd(widths[column])).join('  ')}\n`)
  print(rows[0])
  print(widths.map(width => '-'.repeat(width)))
  for (const row of rows.slice(1)) print(row)
  process.stdout.write(`
Setup: emulator in this process, ${LATENCY_MS} ms latency; rate limit ${LIMIT.requests} requests / ${LIMIT.windowSeconds} s in the emulator and in the
client configuration (Descope's default 200 / 60 s scaled to keep runs short); default concurrency (4); the built CLI as a child process.
Rate formula: windows of ${LIMIT.windowSeconds} s laid end to end from the run's first request; a window counts when it ends before the
last write; the first window counts only if it is full (${LIMIT.requests} accepted requests), since it also holds start-up and reads.
fraction = accepted requests in counted windows / (${LIMIT.requests} × counted windows); 429-refused requests are not counted.
Total benchmark time: ${seconds(Date.now() - started)}.
`)

  // 429s are reported, not part of `met`: the client's and the emulator's sliding windows start a
  // few milliseconds apart, so a request sent exactly at the client's window edge can be refused
  // (and is then retried after Retry-After).
  const met = sizes.every(size => size.duplicateCreates === 0 && (size.rate.fraction === undefined || size.rate.fraction >= GOAL))
  const results = {
    command: `node --import tsx/esm benchmarks/apply.ts${quick ? ' --quick' : ''}`,
    date: new Date().toISOString(),
    machine: {
      cpus: os.availableParallelism(),
      memoryGiB: round(os.totalmem() / (1024 ** 3), 1),
      node: process.version,
      platform: `${os.platform()} ${os.release()}`,
    },
    met,
    rateFormula: [
      'windows of windowSeconds from the first request; counted when they end before the last write;',
      'the first only if full; fraction = accepted requests in counted windows / (requests × counted windows)',
    ].join(' '),
    setup: {
      concurrency: 4, latencyMs: LATENCY_MS, rateLimit: LIMIT, sizes: SIZES,
    },
    sizes: sizes.map(size => ({
      ...size, rate: {...size.rate, fraction: size.rate.fraction === undefined ? null : round(size.rate.fraction, 4)}, wallMs: round(size.wallMs), writePhaseMs: size.writePhaseMs,
    })),
    targets: {duplicateCreates: 0, rateFraction: `>= ${GOAL}`, rateLimited: '0 (reported, not part of met)'},
  }
  await mkdir(path.join(root, 'benchmarks', 'results'), {recursive: true})
  await writeFile(path.join(root, 'benchmarks', 'results', 'apply.json'), `${JSON.stringify(results, null, 2)}\n`)
  if (!met) process.exitCode = 1
}

await main()
