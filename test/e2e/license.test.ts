import {expect} from 'chai'

import {startEmulator} from '../../plugins/plugin-emulator/src/index.js'
import {makeTempHome, runCli} from '../helpers/cli.js'

type Emulator = Awaited<ReturnType<typeof startEmulator>>

/** The rate-limit tier handshake of the official SDKs, as the built CLI makes it against the emulator. */
describe('license handshake (built CLI)', function () {
  this.timeout(60_000)
  let emulator: Emulator
  let home: Awaited<ReturnType<typeof makeTempHome>>

  before(async () => {
    [emulator, home] = await Promise.all([startEmulator({newProjects: 'empty', rateLimit: 'off', port: 0}), makeTempHome()])
  })

  after(async () => {
    await Promise.all([emulator?.stop(), home?.cleanup()])
  })

  it('asks the tier once per process, then sends x-descope-license on every management request', async () => {
    const project = emulator.projects[0]
    const env = {
      ...home.env, DESCOPE_BASE_URL: emulator.url, DESCOPE_MANAGEMENT_KEY: project.managementKey, DESCOPE_MGMT_NO_CACHE: '1', DESCOPE_PROJECT_ID: project.id,
    }
    for (const args of [['tenant', 'create', '--id', 'lic', '--name', 'Licensed'], ['tenant', 'list']]) {
      const run = await runCli(args, {cwd: home.dir, env})
      expect(run.code, run.stderr).to.equal(0)
    }

    const log = await emulator.admin.requests({})
    const handshakes = log.filter(entry => entry.path === '/v1/mgmt/license')
    const calls = log.filter(entry => entry.path !== '/v1/mgmt/license')
    expect(handshakes, 'one handshake per process').to.have.length(2)
    expect(calls.length).to.be.greaterThan(1)
    expect(calls.filter(entry => entry.license !== 'tier1').map(entry => `${entry.method} ${entry.path}`)).to.deep.equal([])
  })
})
