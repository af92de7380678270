import nock from 'nock'
import {mkdtempSync, rmSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

// This file is loaded by the main mocha process and, with --parallel, by every worker: the lines
// below apply to each process that runs test files.

// No test may reach the network; loopback stays open for the emulator.
nock.disableNetConnect()
nock.enableNetConnect(host => /^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/.test(host))

// Descope credentials of the developer's shell must not leak into tests.
for (const name of ['DESCOPE_PROJECT_ID', 'DESCOPE_MANAGEMENT_KEY', 'DESCOPE_BASE_URL']) delete process.env[name]

// Tables fit COLUMNS, or the terminal when there is one: tests see the same wide one wherever they run.
process.env.COLUMNS = '1000'

// Every emulator of the run, in-process or in a CLI subprocess, in any worker, samples its traffic
// into one folder (DESCOPE_EMULATOR_TRAFFIC_LOG, a file per process); after the last test it is
// checked against Descope's OpenAPI. The main process creates the folder when it loads this file,
// before any test file is loaded and before --parallel starts its workers, which inherit the
// variable. The check is a global teardown: it runs once, in the main process, after every file,
// and an error thrown there makes mocha exit non-zero.
const TRAFFIC_LOG_ENV = 'DESCOPE_EMULATOR_TRAFFIC_LOG'
const ownTrafficFolder = !process.env[TRAFFIC_LOG_ENV]
const trafficFolder = process.env[TRAFFIC_LOG_ENV] || mkdtempSync(path.join(os.tmpdir(), 'descope-mgmt-traffic-'))
process.env[TRAFFIC_LOG_ENV] = trafficFolder

export async function mochaGlobalTeardown(): Promise<void> {
  const {checkSuiteTraffic} = await import('../contract/suite-traffic.js')
  const report = checkSuiteTraffic(trafficFolder)
  if (ownTrafficFolder) rmSync(trafficFolder, {force: true, recursive: true})
  if (report.problems.length > 0) {
    throw new Error(`The run's Descope traffic does not match the OpenAPI contract (${report.checked} exchanges checked):\n${report.problems.join('\n')}`)
  }

  if (report.checked > 0) process.stderr.write(`\n  contract: ${report.checked} sampled exchanges of this run's emulators match Descope's OpenAPI\n`)
}
