/**
 * How fast the emulator itself answers, with no latency knob: requests per second for
 * `GET /v1/mgmt/tenant/all` with 1,000 tenants and for `POST /v1/mgmt/tenant/create`.
 * A fixed number of requests is sent by a few concurrent keep-alive clients over node:http.
 *
 *   node --import tsx/esm benchmarks/emulator-overhead.ts
 *
 * Prints the figures next to their targets and writes benchmarks/results/emulator-overhead.json.
 */
import {mkdir, writeFile} from 'node:fs/promises'
import {Agent, request} from 'node:http'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

import {startEmulator} from '../plugins/plugin-emulator/src/index.js'

interface Scenario {
  name: string
  method: 'GET' | 'POST'
  path: string
  /** The body of request number `index` (bodies must differ where ids must be unique). */
  body?: (index: number) => unknown
  requests: number
  concurrency: number
  targetPerSecond: number
}

const seededTenants = 1000
const scenarios: Scenario[] = [
  {
    concurrency: 4, method: 'GET', name: `GET /v1/mgmt/tenant/all (${seededTenants} tenants)`, path: '/v1/mgmt/tenant/all', requests: 300, targetPerSecond: 50,
  },
  {
    body: index => ({id: `bench-${index}`, name: `Bench ${index}`, selfProvisioningDomains: [`bench-${index}.example.com`]}),
    concurrency: 8,
    method: 'POST',
    name: 'POST /v1/mgmt/tenant/create',
    path: '/v1/mgmt/tenant/create',
    requests: 3000,
    targetPerSecond: 500,
  },
]

function send(agent: Agent, url: string, method: string, headers: Record<string, string>, body?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const outgoing = request(url, {agent, headers, method}, response => {
      response.resume()
      response.on('end', () => resolve(response.statusCode ?? 0))
      response.on('error', reject)
    })
    outgoing.on('error', reject)
    outgoing.end(body)
  })
}

function percentile(sorted: number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))]
}

const emulator = await startEmulator({
  newProjects: 'empty', rateLimit: 'off',
  port: 0,
  seed: {
    projects: [
      {
        id: 'P2Benchmark0000000000000001',
        managementKey: 'K2BenchmarkManagementKey00000001',
        tenants: Array.from({length: seededTenants}, (_, index) => ({customAttributes: {index}, id: `seeded-${index}`, name: `Seeded ${index}`})),
      },
    ],
  },
})
const [{id, managementKey}] = emulator.projects
const headers = {authorization: `Bearer ${id}:${managementKey}`, 'content-type': 'application/json'}
const agent = new Agent({keepAlive: true, maxSockets: 64})

const results = []
try {
  // Warm-up: JIT and connections, on a read so the measured state is unchanged.
  await Promise.all(Array.from({length: 50}, () => send(agent, `${emulator.url}/v1/mgmt/license`, 'GET', headers)))

  for (const scenario of scenarios) {
    const latencies: number[] = []
    let next = 0
    let failures = 0
    const client = async () => {
      while (next < scenario.requests) {
        const index = next++
        const started = performance.now()
        const status = await send(agent, `${emulator.url}${scenario.path}`, scenario.method, headers, scenario.body ? JSON.stringify(scenario.body(index)) : undefined)
        latencies.push(performance.now() - started)
        if (status !== 200) failures++
      }
    }

    const started = performance.now()
    await Promise.all(Array.from({length: scenario.concurrency}, client))
    const seconds = (performance.now() - started) / 1000
    latencies.sort((a, b) => a - b)
    const requestsPerSecond = Math.round(scenario.requests / seconds)
    results.push({
      concurrency: scenario.concurrency,
      failures,
      latencyMs: {p50: Number(percentile(latencies, 0.5).toFixed(2)), p95: Number(percentile(latencies, 0.95).toFixed(2))},
      meetsTarget: requestsPerSecond >= scenario.targetPerSecond && failures === 0,
      name: scenario.name,
      requests: scenario.requests,
      requestsPerSecond,
      seconds: Number(seconds.toFixed(3)),
      targetPerSecond: scenario.targetPerSecond,
    })
  }
} finally {
  agent.destroy()
  await emulator.stop()
}

for (const result of results) {
  const verdict = result.meetsTarget ? 'ok' : 'BELOW TARGET'
  const figures = `${String(result.requestsPerSecond).padStart(6)} req/s  (target ≥ ${result.targetPerSecond}, ${verdict})`
  const detail = `p50 ${result.latencyMs.p50} ms, p95 ${result.latencyMs.p95} ms, ${result.requests} requests × ${result.concurrency} clients, ${result.failures} failures`
  console.log(`${result.name.padEnd(44)} ${figures}  ${detail}`)
}

const report = {
  date: new Date().toISOString(),
  machine: {cpus: os.cpus().length, loadAverage: os.loadavg().map(load => Number(load.toFixed(2))), platform: `${os.platform()} ${os.arch()}`},
  node: process.version,
  scenarios: results,
}
const file = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results', 'emulator-overhead.json')
await mkdir(path.dirname(file), {recursive: true})
await writeFile(file, `${JSON.stringify(report, null, 2)}\n`)
console.log(`Written to ${path.relative(process.cwd(), file)}`)
if (results.some(result => !result.meetsTarget)) process.exitCode = 1
