// The test suite as `npm test` runs it: most of its time is waiting (rate-limit pacing, signals,
// latency), not CPU, so the test files run in parallel mocha workers; then the few files that must
// not share the machine with other tests run on their own, one after the other. Both passes use
// .mocharc.json (spec reporter, --forbid-only, test/helpers/setup.ts), and each checks its own
// emulators' traffic against the OpenAPI in its global teardown. Both always run; the exit code is
// non-zero when either failed.
//
// Usage: node scripts/test.mjs [--jobs N] [other mocha options, given to both passes]
// (DESCOPE_MGMT_TEST_JOBS=N too; default below).
import {spawn} from 'node:child_process'
import {
  mkdtempSync, readdirSync, readFileSync, rmSync,
} from 'node:fs'
import {createRequire} from 'node:module'
import os from 'node:os'
import path from 'node:path'

const repoRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..')
const mochaBin = createRequire(import.meta.url).resolve('mocha/bin/mocha.js')

/**
 * Workers of the parallel pass. Many files wait far more than they compute (rate-limit pacing,
 * signals, latency), so more workers than cores pays: on 2 cores, 4 workers took the suite from
 * 25-29 min (serial) to about 18 min with the machine shared with other work, with no new failure.
 */
const DEFAULT_JOBS = 4

/** Files that run alone, after the parallel pass, and why. */
const SERIAL_FILES = [
  // `npm pack` runs prepack, which rebuilds dist/ (deleting its JavaScript first) under the feet of
  // every test that runs the built CLI.
  'test/e2e/pack-install.test.ts',
  // Scans the output and files of every CLI run of the resilience suite, so it runs after them all;
  // the workers record those runs in RESILIENCE_RECORD (test/resilience/helpers.ts).
  'test/resilience/zz-secrets-scan.test.ts',
]

/**
 * Files that take minutes (measured with 4 workers on 2 shared cores: shared-budget ~9 min,
 * apply-faults ~7, crash ~5, the others 2-3), longest first. Workers take files in the order given,
 * so these start at once and the run does not end waiting for one of them started last. A file
 * missing here only costs time.
 */
const SLOW_FILES = [
  'test/e2e/shared-budget.test.ts',
  'test/e2e/apply-faults.test.ts',
  'test/resilience/crash.test.ts',
  'test/e2e/tenant.test.ts',
  'test/resilience/chaos.test.ts',
  'test/e2e/apply.test.ts',
  'test/contract/cli-traffic.test.ts',
  'test/e2e/backup.test.ts',
  'test/e2e/flows.test.ts',
  'test/e2e/redis-lock.test.ts',
  'test/resilience/bad-input.test.ts',
  'test/integration/emulator/start-command.test.ts',
  'test/e2e/json-output.test.ts',
  'test/e2e/cache.test.ts',
]

/** The folder where the processes of both passes record the resilience suite's CLI runs. */
const RESILIENCE_RECORD = 'DESCOPE_MGMT_TEST_RESILIENCE_RECORD'

/** `--jobs N` (or the variable), and the other arguments, for mocha. */
function parseArgs(argv) {
  const index = argv.indexOf('--jobs')
  const given = index === -1 ? process.env.DESCOPE_MGMT_TEST_JOBS : argv[index + 1]
  const rest = index === -1 ? argv : [...argv.slice(0, index), ...argv.slice(index + 2)]
  if (given === undefined || given === '') return {jobs: DEFAULT_JOBS, rest}
  const jobs = Number(given)
  if (!Number.isInteger(jobs) || jobs < 1) {
    console.error(`scripts/test.mjs: --jobs (or DESCOPE_MGMT_TEST_JOBS) must be a whole number of workers, 1 or more; got "${given}".`)
    process.exit(2)
  }

  return {jobs, rest}
}

let current
// A stop request goes to the running pass; this script then cleans up and exits with its failure.
let stopped = false
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    stopped = true
    current?.kill(signal)
  })
}

/** test/**\/*.test.ts, as mocha's glob finds them, in name order. */
function testFiles() {
  return readdirSync(path.join(repoRoot, 'test'), {recursive: true})
  .filter(file => file.endsWith('.test.ts'))
  .map(file => path.posix.join('test', file.split(path.sep).join('/')))
  .sort()
}

function mocha(args) {
  if (stopped) return Promise.resolve(1)
  return new Promise(resolve => {
    current = spawn(process.execPath, [mochaBin, ...args], {cwd: repoRoot, env, stdio: 'inherit'})
    current.on('close', (code, signal) => resolve(code ?? (signal ? 1 : 0)))
  })
}

/** Removes the record folder, and the temporary folders recorded there that the scan left (it failed or did not run). */
function removeRecord(folder) {
  for (const name of readdirSync(folder).filter(file => file.startsWith('dirs-'))) {
    for (const dir of readFileSync(path.join(folder, name), 'utf8').split('\n').filter(Boolean)) rmSync(dir, {force: true, recursive: true})
  }

  rmSync(folder, {force: true, recursive: true})
}

const {jobs, rest} = parseArgs(process.argv.slice(2))
const record = mkdtempSync(path.join(os.tmpdir(), 'descope-mgmt-resilience-record-'))
const env = {...process.env, [RESILIENCE_RECORD]: record}
const started = Date.now()
const minutes = since => `${((Date.now() - since) / 60_000).toFixed(1)} min`

console.log(`parallel pass: ${jobs} workers`)
const files = testFiles().filter(file => !SERIAL_FILES.includes(file))
const parallelFiles = [...SLOW_FILES.filter(file => files.includes(file)), ...files.filter(file => !SLOW_FILES.includes(file))]
const parallel = await mocha([...rest, '--parallel', '--jobs', String(jobs), ...parallelFiles])
console.log(`parallel pass: ${parallel === 0 ? 'passed' : `failed (exit code ${parallel})`} in ${minutes(started)}`)

const serialStarted = Date.now()
console.log(`serial pass: ${SERIAL_FILES.length} files`)
const serial = await mocha([...rest, ...SERIAL_FILES])
console.log(`serial pass: ${serial === 0 ? 'passed' : `failed (exit code ${serial})`} in ${minutes(serialStarted)}; both passes ${minutes(started)}`)

removeRecord(record)
process.exitCode = parallel === 0 && serial === 0 ? 0 : 1
