import nock from 'nock'
import {mkdtempSync, rmSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

// No test may reach the network; loopback stays open for the emulator.
nock.disableNetConnect()
nock.enableNetConnect(host => /^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/.test(host))

// Descope credentials of the developer's shell must not leak into tests.
for (const name of ['DESCOPE_PROJECT_ID', 'DESCOPE_MANAGEMENT_KEY', 'DESCOPE_BASE_URL']) delete process.env[name]

// Tables fit COLUMNS, or the terminal when there is one: tests see the same wide one wherever they run.
process.env.COLUMNS = '1000'

// Every emulator of the run, in-process or in a CLI subprocess, samples its traffic into this
// folder (DESCOPE_EMULATOR_TRAFFIC_LOG); after the last test it is checked against Descope's OpenAPI.
const TRAFFIC_LOG_ENV = 'DESCOPE_EMULATOR_TRAFFIC_LOG'
const ownTrafficFolder = !process.env[TRAFFIC_LOG_ENV]
const trafficFolder = process.env[TRAFFIC_LOG_ENV] || mkdtempSync(path.join(os.tmpdir(), 'descope-mgmt-traffic-'))
process.env[TRAFFIC_LOG_ENV] = trafficFolder

export const mochaHooks = {
  async afterAll(this: {timeout(ms: number): void}) {
    this.timeout(120_000)
    const {checkSuiteTraffic} = await import('../contract/suite-traffic.js')
    const report = checkSuiteTraffic(trafficFolder)
    if (ownTrafficFolder) rmSync(trafficFolder, {force: true, recursive: true})
    if (report.problems.length > 0) {
      throw new Error(`The run's Descope traffic does not match the OpenAPI contract (${report.checked} exchanges checked):\n${report.problems.join('\n')}`)
    }

    if (report.checked > 0) process.stderr.write(`\n  contract: ${report.checked} sampled exchanges of this run's emulators match Descope's OpenAPI\n`)
  },
}
