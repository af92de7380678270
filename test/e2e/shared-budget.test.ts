/* eslint-disable no-template-curly-in-string -- the configuration reads the key from ${VAR} */
import {expect} from 'chai'
import {readdir, writeFile} from 'node:fs/promises'
import path from 'node:path'

import {startEmulator} from '../../plugins/plugin-emulator/src/index.js'
import {makeTempHome, runCli} from '../helpers/cli.js'
import {busiestWindow, type Emulator, tenantCreates} from '../helpers/emulator-log.js'

const PROJECT = {id: 'P2BudgetE2eProject0000000001', managementKey: 'K2BudgetE2eManagementKey00000001'}

/** One environment whose client limit is the emulator's, as a user sets it for Descope's. */
function configYaml(url: string, limit: {requests: number; windowSeconds: number}, tenants: string[] = []): string {
  return [
    'version: 1',
    'environments:',
    '  e2e:',
    `    projectId: ${PROJECT.id}`,
    '    managementKey: ${E2E_KEY}',
    `    baseUrl: ${url}`,
    `    rateLimit: {requests: ${limit.requests}, windowSeconds: ${limit.windowSeconds}}`,
    ...(tenants.length > 0 ? ['tenants:', ...tenants.map(id => `  - {id: ${id}, name: Tenant ${id}}`)] : []),
    '',
  ].join('\n')
}

describe('the rate budget shared by the processes of one machine (built CLI)', () => {
  let emulator: Emulator
  let home: Awaited<ReturnType<typeof makeTempHome>>

  afterEach(async () => {
    await emulator?.stop()
    await home?.cleanup()
  })

  async function setUp(rateLimit: string, limit: {requests: number; windowSeconds: number}, tenants?: string[]): Promise<Record<string, string>> {
    emulator = await startEmulator({
      newProjects: 'empty', port: 0, projects: [PROJECT], rateLimit,
    })
    home = await makeTempHome()
    await writeFile(path.join(home.dir, 'descope.yaml'), configYaml(emulator.url, limit, tenants))
    return {...home.env, E2E_KEY: PROJECT.managementKey}
  }

  it('a plan then an apply pace themselves: the apply waits for the slots the plan used', async function () {
    this.timeout(180_000)
    const tenants = Array.from({length: 12}, (_, index) => `pair${index}`)
    const env = await setUp('10/4s', {requests: 10, windowSeconds: 4}, tenants)
    const plan = await runCli(['plan', '-e', 'e2e', '--no-cache'], {cwd: home.dir, env, timeoutMs: 60_000})
    expect(plan.code, plan.stderr).to.equal(2)
    const apply = await runCli(['apply', '-e', 'e2e', '--yes', '--no-cache'], {cwd: home.dir, env, timeoutMs: 120_000})
    expect(apply.code, apply.stderr).to.equal(0)
    const {totals} = await emulator.stats()
    expect(totals.rateLimited, 'no request ran into the emulator\'s limit').to.equal(0)
    expect([...(await tenantCreates(emulator)).keys()].sort()).to.deep.equal([...tenants].sort())
    expect(await busiestWindow(emulator, 4000)).to.be.at.most(10)
    const files = await readdir(path.join(home.env.XDG_CACHE_HOME, 'descope-mgmt', 'coordination'))
    expect(files, 'the budget lives in the cache folder, one file per API host').to.include(`budget-127.0.0.1_${new URL(emulator.url).port}.json`)
  })

  it('150 single `tenant create` processes, run one after another against an emulator that limits at 60 per 10 s, get no 429', async function () {
    this.timeout(1_800_000)
    const env = await setUp('60/10s', {requests: 60, windowSeconds: 10})
    for (let index = 0; index < 150; index++) {
      const id = `loop${String(index).padStart(3, '0')}`
      const created = await runCli(['tenant', 'create', '--id', id, '--name', `Loop ${index}`, '--no-cache'], {cwd: home.dir, env, timeoutMs: 120_000})
      expect(created.code, `${id}: ${created.stderr}`).to.equal(0)
    }

    const {totals} = await emulator.stats()
    expect(totals.rateLimited, 'no 429 in the emulator\'s stats').to.equal(0)
    const creates = await tenantCreates(emulator)
    expect(creates.size).to.equal(150)
    expect([...creates.values()].every(count => count === 1), 'each tenant created exactly once').to.equal(true)
    expect(await busiestWindow(emulator, 10_000)).to.be.at.most(60)
  })
})
