/**
 * Baseline benchmark (not a test, dev only): `npm run build && node --import tsx/esm benchmarks/baseline-node-sdk.ts`.
 *
 * The apply of 200 tenants written the way a user would without descope-mgmt: a sequential loop
 * of `management.tenant.createWithId` over the official @descope/node-sdk, against the same
 * emulator setup as benchmarks/apply.ts (50 ms latency, rate limit 100 requests per 5 s). The SDK
 * does not retry 429s, so every refused call is a tenant lost. Then the same 200 tenants with the
 * built CLI (`apply -e bench --yes`) on a fresh emulator, for the ratio.
 * BENCH_LATENCY_MS overrides the latency (for example 10, where a sequential loop outruns the limit).
 * Writes benchmarks/results/baseline-node-sdk.json (baseline-node-sdk-<ms>ms.json for another latency).
 */
import DescopeClient from '@descope/node-sdk'
import {spawn} from 'node:child_process'
import {
  mkdir, mkdtemp, rm, writeFile,
} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

import {startEmulator} from '../plugins/plugin-emulator/src/index.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const COUNT = 200
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 50)
const LIMIT = {requests: 100, windowSeconds: 5}
const PROJECT = {id: 'P2BaselineBenchmark000000000001', managementKey: 'K2BaselineBenchmarkKey000000001'}
const ids = Array.from({length: COUNT}, (_, index) => `t${String(index).padStart(4, '0')}`)

async function baseline() {
  const emulator = await startEmulator({
    newProjects: 'empty',
    latency: LATENCY_MS, port: 0, projects: [PROJECT], rateLimit: `${LIMIT.requests}/${LIMIT.windowSeconds}s`,
  })
  try {
    const {management} = DescopeClient({baseUrl: emulator.url, managementKey: PROJECT.managementKey, projectId: PROJECT.id})
    let ok = 0
    let lost429 = 0
    let otherErrors = 0
    const started = performance.now()
    for (const [index, id] of ids.entries()) {
      const response = await management.tenant.createWithId(id, `Tenant ${id}`, [`${id}.example.com`], {seats: index})
      if (response.ok) ok++
      else if (response.code === 429) lost429++
      else otherErrors++
    }

    const ms = performance.now() - started
    const stats = await emulator.stats()
    const created = ((await emulator.admin.state()) as unknown as {projects: Array<{id: string; tenants: unknown[]}>}).projects
    .find(project => project.id === PROJECT.id)?.tenants.length
    return {
      created: created ?? ok, lost429, ms: Math.round(ms), ok, otherErrors, rateLimited: stats.totals.rateLimited, requests: stats.totals.requests,
    }
  } finally {
    await emulator.stop()
  }
}

async function withCli() {
  const emulator = await startEmulator({
    newProjects: 'empty',
    latency: LATENCY_MS, port: 0, projects: [PROJECT], rateLimit: `${LIMIT.requests}/${LIMIT.windowSeconds}s`,
  })
  const home = await mkdtemp(path.join(os.tmpdir(), 'descope-mgmt-bench-baseline-'))
  try {
    const lines = [
      'version: 1',
      'environments:',
      '  bench:',
      `    projectId: ${PROJECT.id}`,
      `    managementKey: ${PROJECT.managementKey}`,
      `    baseUrl: ${emulator.url}`,
      `    rateLimit: {requests: ${LIMIT.requests}, windowSeconds: ${LIMIT.windowSeconds}}`,
      'tenants:',
      ...ids.map((id, index) => `  - {id: ${id}, name: Tenant ${id}, selfProvisioningDomains: [${id}.example.com], customAttributes: {seats: ${index}}}`),
    ]
    const configFile = path.join(home, 'descope.yaml')
    await writeFile(configFile, `${lines.join('\n')}\n`)
    const env: Record<string, string | undefined> = {
      ...process.env, CI: 'true', HOME: home, NO_COLOR: '1', XDG_CACHE_HOME: path.join(home, 'cache'), XDG_CONFIG_HOME: path.join(home, 'config'), XDG_DATA_HOME: path.join(home, 'data'),
    }
    for (const name of ['DESCOPE_PROJECT_ID', 'DESCOPE_MANAGEMENT_KEY', 'DESCOPE_BASE_URL', 'DESCOPE_MGMT_ENVIRONMENT']) delete env[name]
    const started = performance.now()
    const code = await new Promise<null | number>((resolve, reject) => {
      const child = spawn(process.execPath, [path.join(root, 'bin', 'run.js'), 'apply', '-e', 'bench', '--yes', '-c', configFile], {cwd: home, env, stdio: 'ignore'})
      child.on('error', reject)
      child.on('close', resolve)
    })
    const ms = performance.now() - started
    const stats = await emulator.stats()
    return {
      code, ms: Math.round(ms), rateLimited: stats.totals.rateLimited, requests: stats.totals.requests,
    }
  } finally {
    await emulator.stop()
    await rm(home, {force: true, recursive: true})
  }
}

const sdk = await baseline()
const cli = await withCli()
const result = {
  cli,
  date: new Date().toISOString(),
  machine: {cpus: os.cpus().length, memoryGiB: Math.round(os.totalmem() / (1024 ** 3)), node: process.version},
  parameters: {latencyMs: LATENCY_MS, rateLimit: LIMIT, tenants: COUNT},
  ratioWallTime: Math.round((cli.ms / sdk.ms) * 100) / 100,
  sdk,
}
console.log(JSON.stringify(result, null, 2))
await mkdir(path.join(root, 'benchmarks', 'results'), {recursive: true})
await writeFile(path.join(root, 'benchmarks', 'results', LATENCY_MS === 50 ? 'baseline-node-sdk.json' : `baseline-node-sdk-${LATENCY_MS}ms.json`), `${JSON.stringify(result, null, 2)}\n`)
