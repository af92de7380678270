/**
 * Response cache benchmark (not a test): `node --import tsx/esm benchmarks/cache.ts`.
 *
 * Against the emulator with 50 ms latency and 1,000 tenants, runs the built CLI (`bin/run.js`,
 * build first) as a user would:
 * - ten `tenant list` runs within the TTL, counting the API calls with the emulator's request
 *   log (target: exactly 1, a cut of 90% or more against ten uncached runs);
 * - cold runs (empty cache) against warm runs (answer cached), wall time of the whole process
 *   (target: warm at least 2x faster, by median).
 * Prints the figures next to their targets and writes benchmarks/results/cache.json.
 */
import {spawn} from 'node:child_process'
import {
  mkdir, mkdtemp, rm, writeFile,
} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

import {startEmulator} from '../plugins/plugin-emulator/src/index.js'
import {repoRoot, type Run, runCli} from './lib/run-cli.js'

const root = repoRoot
const TENANTS = 1000
const LATENCY_MS = 50
const RUNS = 10
const TIMED_RUNS = Number(process.env.BENCH_RUNS ?? 7)
const PROJECT = {id: 'P2CacheBenchmark0000000000000001', managementKey: 'K2CacheBenchmarkKey000000000001'}

const run = runCli

/**
 * The read `tenant list` makes, alone in a fresh process, timed inside it from the first import
 * of the services to the parsed tenants: cold = got imported, one request, answer stored;
 * warm = keyv imported, answer read from the store. Process start-up and rendering excluded.
 */
const READ_SCRIPT = `
const started = performance.now()
const dist = process.env.BENCH_DIST
const {createServices} = await import(dist + '/lib/services.js')
const {resolveCacheSettings} = await import(dist + '/lib/cache/settings.js')
const {loadAllTenants} = await import(dist + '/lib/api/tenants.js')
const services = createServices()
const cache = await services.readCache(resolveCacheSettings({cacheDir: process.env.BENCH_CACHE_DIR, env: {}}))
const client = await services.getClient({baseUrl: process.env.DESCOPE_BASE_URL, cache, managementKey: process.env.DESCOPE_MANAGEMENT_KEY, projectId: process.env.DESCOPE_PROJECT_ID})
const tenants = await loadAllTenants(client)
await cache.close()
process.stdout.write(JSON.stringify({ms: performance.now() - started, tenants: tenants.length}))
`

function timedRead(env: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', READ_SCRIPT], {
      env: {
        ...process.env, ...env, BENCH_CACHE_DIR: path.join(env.XDG_CACHE_HOME, 'descope-mgmt'), BENCH_DIST: path.join(root, 'dist'),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    let stdout = ''
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString()
    })
    child.on('error', reject)
    child.on('close', code => {
      try {
        const result = JSON.parse(stdout) as {ms: number; tenants: number}
        if (code !== 0 || result.tenants !== TENANTS) throw new Error(`got ${result.tenants} tenants`)
        resolve(result.ms)
      } catch (error) {
        reject(new Error(`the timed read failed (exit ${code}): ${(error as Error).message}`))
      }
    })
  })
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

const round = (value: number, digits = 1): number => Math.round(value * (10 ** digits)) / (10 ** digits)

async function main(): Promise<void> {
  const tenants = Array.from({length: TENANTS}, (_, index) => ({
    customAttributes: {plan: index % 3 === 0 ? 'enterprise' : 'team', seats: index},
    id: `tenant-${String(index).padStart(4, '0')}`,
    name: `Tenant ${index}`,
    selfProvisioningDomains: [`t${index}.example.com`],
  }))
  const emulator = await startEmulator({
    newProjects: 'empty', rateLimit: 'off', latency: LATENCY_MS, port: 0, projects: [{...PROJECT, tenants}],
  })
  const home = await mkdtemp(path.join(os.tmpdir(), 'descope-mgmt-bench-'))
  const cacheHome = path.join(home, 'cache')
  const env = {
    DESCOPE_BASE_URL: emulator.url,
    DESCOPE_MANAGEMENT_KEY: PROJECT.managementKey,
    DESCOPE_PROJECT_ID: PROJECT.id,
    HOME: home,
    XDG_CACHE_HOME: cacheHome,
    XDG_CONFIG_HOME: path.join(home, 'config'),
    XDG_DATA_HOME: path.join(home, 'data'),
  }
  const tenantAllCalls = async (): Promise<number> => (await emulator.admin.requests({method: 'GET', path: '/v1/mgmt/tenant/all'})).length
  const clearCache = () => rm(path.join(cacheHome, 'descope-mgmt'), {force: true, recursive: true})
  const check = (result: Run): Run => {
    if (result.code !== 0) throw new Error(`tenant list failed (exit ${result.code}):\n${result.stderr}`)
    if (result.stdout.trim().split('\n').length !== TENANTS + 1) throw new Error(`tenant list printed ${result.stdout.trim().split('\n').length - 1} tenants, expected ${TENANTS}`)
    return result
  }

  try {
    // Warm the machine's file cache and node's compile cache once; not measured.
    check(await run(['tenant', 'list'], env))
    await clearCache()

    // 1. API calls: ten runs without the cache, then ten runs within the TTL.
    await emulator.admin.resetStats()
    for (let index = 0; index < RUNS; index++) check(await run(['tenant', 'list', '--no-cache'], env))
    const uncachedCalls = await tenantAllCalls()
    await emulator.admin.resetStats()
    await clearCache()
    for (let index = 0; index < RUNS; index++) check(await run(['tenant', 'list'], env))
    const cachedCalls = await tenantAllCalls()

    // 2. Cold (empty cache: fetch, then store) against warm (answered from the cache), alternated.
    const cold: number[] = []
    const warm: number[] = []
    for (let index = 0; index < TIMED_RUNS; index++) {
      await clearCache()
      cold.push(check(await run(['tenant', 'list'], env)).ms)
      warm.push(check(await run(['tenant', 'list'], env)).ms)
    }

    const coldRead: number[] = []
    const warmRead: number[] = []
    for (let index = 0; index < TIMED_RUNS; index++) {
      await clearCache()
      coldRead.push(await timedRead(env))
      warmRead.push(await timedRead(env))
    }

    const bare: number[] = []
    for (let index = 0; index < TIMED_RUNS; index++) bare.push((await run(['--version'], env)).ms)

    const cut = 1 - (cachedCalls / uncachedCalls)
    const speedup = median(coldRead) / median(warmRead)
    const endToEnd = median(cold) / median(warm)
    const startup = median(bare)
    const afterStartup = (median(cold) - startup) / (median(warm) - startup)
    const results = {
      command: 'node --import tsx/esm benchmarks/cache.ts',
      date: new Date().toISOString(),
      machine: {
        cpus: os.cpus().length, memoryGiB: round(os.totalmem() / (1024 ** 3)), node: process.version, platform: `${os.platform()} ${os.release()}`,
      },
      setup: {
        latencyMs: LATENCY_MS, runs: RUNS, tenants: TENANTS, timedRuns: TIMED_RUNS,
      },
      apiCalls: {
        cachedRuns: cachedCalls, cut: round(cut, 3), met: cachedCalls === 1 && cut >= 0.9, target: 'exactly 1 call for 10 runs (cut >= 90%)', uncachedRuns: uncachedCalls,
      },
      readMs: {
        cold: {median: round(median(coldRead)), runs: coldRead.map(value => round(value))},
        note: 'the tenant/all read of tenant list timed inside a fresh process (services, client, cache, parse): start-up and rendering excluded',
        warm: {median: round(median(warmRead)), runs: warmRead.map(value => round(value))},
      },
      speedup: {met: speedup >= 2, target: '>= 2x (median cold read / median warm read)', value: round(speedup, 2)},
      wallTimeMs: {
        afterStartupSpeedup: round(afterStartup, 2),
        cold: {median: round(median(cold)), runs: cold.map(value => round(value))},
        endToEndSpeedup: round(endToEnd, 2),
        note: 'whole `tenant list` processes, start-up (node, oclif, configuration lookup) included',
        startupOnly: {median: round(startup), runs: bare.map(value => round(value))},
        warm: {median: round(median(warm)), runs: warm.map(value => round(value))},
      },
    }

    const line = (label: string, value: string, target: string, met: boolean) => `  ${label.padEnd(34)}${value.padEnd(22)}target ${target}  ${met ? 'MET' : 'NOT MET'}`
    process.stdout.write([
      `Response cache: tenant list of ${TENANTS} tenants, emulator latency ${LATENCY_MS} ms, built CLI`,
      line(`API calls, ${RUNS} runs, --no-cache`, String(uncachedCalls), `${RUNS} (baseline)`, uncachedCalls === RUNS),
      line(`API calls, ${RUNS} runs, cached`, `${cachedCalls} (cut ${round(cut * 100)}%)`, 'exactly 1 (>= 90% cut)', results.apiCalls.met),
      line('read of tenant list, cold, median', `${round(median(coldRead))} ms`, '-', true),
      line('read of tenant list, warm, median', `${round(median(warmRead))} ms`, '-', true),
      line('speed-up of the read, cold/warm', `${round(speedup, 2)}x`, '>= 2x', results.speedup.met),
      `  whole process: cold ${round(median(cold))} ms, warm ${round(median(warm))} ms (${round(endToEnd, 2)}x);`,
      `  start-up alone (--version) ${round(startup)} ms; after start-up ${round(afterStartup, 2)}x`,
      '',
    ].join('\n'))
    await mkdir(path.join(root, 'benchmarks', 'results'), {recursive: true})
    await writeFile(path.join(root, 'benchmarks', 'results', 'cache.json'), `${JSON.stringify(results, null, 2)}\n`)
    if (!results.apiCalls.met || !results.speedup.met) process.exitCode = 1
  } finally {
    await emulator.stop()
    await rm(home, {force: true, recursive: true})
  }
}

await main()
