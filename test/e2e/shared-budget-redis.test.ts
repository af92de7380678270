/* eslint-disable no-template-curly-in-string -- the configuration reads the keys from ${VAR} */
import {expect} from 'chai'
import {writeFile} from 'node:fs/promises'
import path from 'node:path'

import {startEmulator} from '../../plugins/plugin-emulator/src/index.js'
import {makeTempHome, runCli} from '../helpers/cli.js'
import {busiestWindow, type Emulator, tenantCreates} from '../helpers/emulator-log.js'
import {redisForTests, type RedisServer} from '../helpers/redis.js'

const PROJECTS = [1, 2, 3, 4].map(n => ({id: `P2FleetE2eProject00000000000${n}`, managementKey: `K2FleetE2eManagementKey0000000${n}`}))
const TENANTS_PER_PROJECT = 50

/** One project of 50 tenants, with the emulator's limit as the client limit. */
function configYaml(url: string, project: {id: string}, index: number): string {
  return [
    'version: 1',
    'environments:',
    '  fleet:',
    `    projectId: ${project.id}`,
    '    managementKey: ${FLEET_KEY}',
    `    baseUrl: ${url}`,
    '    rateLimit: {requests: 60, windowSeconds: 10}',
    'tenants:',
    ...Array.from({length: TENANTS_PER_PROJECT}, (_, t) => `  - {id: p${index}-t${String(t).padStart(2, '0')}, name: Tenant ${t} of ${index}}`),
    '',
  ].join('\n')
}

describe('the rate budget shared through Redis by processes of several machines (built CLI, redis-server)', function () {
  this.timeout(600_000)
  let redis: RedisServer
  let emulator: Emulator
  const homes: Array<Awaited<ReturnType<typeof makeTempHome>>> = []

  before(async function () {
    redis = await redisForTests(this, 'the shared rate budget suite')
    emulator = await startEmulator({
      newProjects: 'empty', port: 0, projects: PROJECTS, rateLimit: '60/10s', rateLimitScope: 'ip',
    })
  })

  after(async () => {
    await emulator?.stop()
    await redis?.stop()
    await Promise.all(homes.map(home => home.cleanup()))
  })

  it('four processes each apply one project of 50 tenants: all 200 created, zero 429s, the combined rate within the limit', async () => {
    // A HOME each, as on four runners: only Redis is shared, not the machine's budget file.
    const runs = await Promise.all(PROJECTS.map(async (project, index) => {
      const home = await makeTempHome()
      homes.push(home)
      await writeFile(path.join(home.dir, 'descope.yaml'), configYaml(emulator.url, project, index))
      const env = {...home.env, DESCOPE_MGMT_REDIS_URL: redis.url, FLEET_KEY: project.managementKey}
      return runCli(['apply', '-e', 'fleet', '--yes', '--no-cache'], {cwd: home.dir, env, timeoutMs: 400_000})
    }))
    for (const [index, run] of runs.entries()) expect(run.code, `project ${index}: ${run.stderr}`).to.equal(0)

    const {totals} = await emulator.stats()
    expect(totals.rateLimited, `no 429 in the emulator's stats; the processes said:\n${runs.map(run => run.stderr).join('\n')}`).to.equal(0)
    const creates = await tenantCreates(emulator)
    expect(creates.size).to.equal(200)
    expect([...creates.values()].every(count => count === 1), 'each tenant created exactly once').to.equal(true)
    expect(await busiestWindow(emulator, 10_000), 'no 10 s window holds more than 60 requests').to.be.at.most(60)
  })
})
