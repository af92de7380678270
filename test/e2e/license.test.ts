import {expect} from 'chai'
import {rm} from 'node:fs/promises'
import path from 'node:path'

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

  it('asks the tier once, then sends x-descope-license on every management request, of later processes too', async () => {
    const project = emulator.projects[0]
    const env = {
      ...home.env, DESCOPE_BASE_URL: emulator.url, DESCOPE_MANAGEMENT_KEY: project.managementKey, DESCOPE_MGMT_NO_CACHE: '1', DESCOPE_PROJECT_ID: project.id,
    }
    const handshakesOf = async (args: string[]) => {
      await emulator.admin.resetStats()
      const run = await runCli(args, {cwd: home.dir, env})
      expect(run.code, run.stderr).to.equal(0)
      const log = await emulator.admin.requests({})
      const calls = log.filter(entry => entry.path !== '/v1/mgmt/license')
      expect(calls.length, args.join(' ')).to.be.greaterThan(0)
      expect(calls.filter(entry => entry.license !== 'tier1').map(entry => `${entry.method} ${entry.path}`), args.join(' ')).to.deep.equal([])
      return log.filter(entry => entry.path === '/v1/mgmt/license').length
    }

    expect(await handshakesOf(['tenant', 'create', '--id', 'lic', '--name', 'Licensed']), 'the first process asks').to.equal(1)
    expect(await handshakesOf(['tenant', 'list']), 'a later process uses the remembered tier').to.equal(0)
    // The tier is kept in the cache folder: without it, the next process asks again.
    await rm(path.join(home.env.XDG_CACHE_HOME, 'descope-mgmt', 'coordination'), {force: true, recursive: true})
    expect(await handshakesOf(['tenant', 'list']), 'asked again once forgotten').to.equal(1)
  })
})
