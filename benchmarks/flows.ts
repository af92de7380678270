/**
 * Flow export benchmark (not a test): `node --import tsx/esm benchmarks/flows.ts` (build first).
 *
 * Against the emulator with 50 ms latency per request and 100 real-shaped flows (copies of
 * test/fixtures/flows/sign-up-or-in.v2.json), runs the built CLI as a user would:
 * - `flow export` of 10 flows by id (target from the original plan: under 5 s);
 * - `flow export --all` of the 100 flows (reported; the exports run concurrently within the
 *   project's rate limit, so it should stay far below 100 × 50 ms sequential).
 * Wall time of the whole process, median of BENCH_RUNS runs (default 3). Prints the figures next
 * to their targets and writes benchmarks/results/flows.json.
 */
import {spawn} from 'node:child_process'
import {
  mkdir, mkdtemp, readdir, readFile, rm, writeFile,
} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

import {startEmulator} from '../plugins/plugin-emulator/src/index.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const cli = path.join(root, 'bin', 'run.js')
const FLOWS = 100
const LATENCY_MS = 50
const RUNS = Number(process.env.BENCH_RUNS ?? 3)
const TARGET_10_MS = 5000
const PROJECT = {id: 'P2FlowBenchmark00000000000000001', managementKey: 'K2FlowBenchmarkKey0000000000001'}

function run(args: string[], env: Record<string, string>): Promise<{ms: number; code: null | number; stderr: string}> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint()
    const child = spawn(process.execPath, [cli, ...args], {
      cwd: env.HOME, env: {
        ...process.env, ...env, CI: 'true', NO_COLOR: '1',
      }, stdio: ['ignore', 'ignore', 'pipe'],
    })
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
    })
    child.on('error', reject)
    child.on('close', code => resolve({code, ms: Number(process.hrtime.bigint() - started) / 1e6, stderr}))
  })
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]

async function main(): Promise<void> {
  const fixture = JSON.parse(await readFile(path.join(root, 'test/fixtures/flows/sign-up-or-in.v2.json'), 'utf8')) as Record<string, unknown>
  const ids = Array.from({length: FLOWS}, (_, index) => `flow-${String(index).padStart(3, '0')}`)
  const flows = ids.map(flowId => ({...structuredClone(fixture), flowId}))
  const emulator = await startEmulator({
    newProjects: 'empty', rateLimit: 'off', port: 0, projects: [{...PROJECT, flows}],
  })
  await emulator.admin.setLatency(LATENCY_MS)
  const home = await mkdtemp(path.join(os.tmpdir(), 'descope-mgmt-bench-flows-'))
  const env = {
    DESCOPE_BASE_URL: emulator.url, DESCOPE_MANAGEMENT_KEY: PROJECT.managementKey, DESCOPE_MGMT_NO_CACHE: '1', DESCOPE_PROJECT_ID: PROJECT.id,
    HOME: home, XDG_CACHE_HOME: path.join(home, 'cache'), XDG_CONFIG_HOME: path.join(home, 'config'), XDG_DATA_HOME: path.join(home, 'data'),
  }
  try {
    const measure = async (label: string, args: string[], expected: number) => {
      const times: number[] = []
      for (let index = 0; index < RUNS; index++) {
        const out = path.join(home, `${label}-${index}`)
        const result = await run([...args, '--out', out], env)
        if (result.code !== 0) throw new Error(`${label} failed (exit ${result.code}): ${result.stderr}`)
        const written = (await readdir(out)).length
        if (written !== expected) throw new Error(`${label} wrote ${written} files, expected ${expected}`)
        times.push(result.ms)
      }

      return {medianMs: Math.round(median(times)), runsMs: times.map(ms => Math.round(ms))}
    }

    const startup = await run(['--version'], env)
    const ten = await measure('export-10', ['flow', 'export', ...ids.slice(0, 10)], 10)
    const hundred = await measure('export-100', ['flow', 'export', '--all'], FLOWS)
    const sequential100 = FLOWS * LATENCY_MS
    console.log(`Flow export against the emulator, ${LATENCY_MS} ms latency per request, median of ${RUNS} runs (whole CLI process; \`--version\` alone: ${Math.round(startup.ms)} ms)`)
    console.log(`  10 flows:  ${ten.medianMs} ms   target < ${TARGET_10_MS} ms   ${ten.medianMs < TARGET_10_MS ? 'OK' : 'MISSED'}`)
    console.log(`  100 flows: ${hundred.medianMs} ms   (100 exports one after another would spend ${sequential100} ms in latency alone)`)
    await mkdir(path.join(root, 'benchmarks', 'results'), {recursive: true})
    await writeFile(path.join(root, 'benchmarks', 'results', 'flows.json'), `${JSON.stringify({
      date: new Date().toISOString(),
      export10: {...ten, targetMs: TARGET_10_MS},
      export100: hundred,
      parameters: {flows: FLOWS, latencyMs: LATENCY_MS, runs: RUNS},
      versionOnlyMs: Math.round(startup.ms),
    }, null, 2)}\n`)
  } finally {
    await emulator.stop()
    await rm(home, {force: true, recursive: true})
  }
}

await main()
