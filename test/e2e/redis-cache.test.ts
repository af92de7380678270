/* eslint-disable no-template-curly-in-string -- the configuration reads the key and the Redis URL from ${VAR} */
import {expect} from 'chai'
import {writeFile} from 'node:fs/promises'
import path from 'node:path'

import {startEmulator} from '../../plugins/plugin-emulator/src/index.js'
import {type CliResult, makeTempHome, runCli} from '../helpers/cli.js'
import {redisForTests, type RedisServer} from '../helpers/redis.js'

type Emulator = Awaited<ReturnType<typeof startEmulator>>
type Home = Awaited<ReturnType<typeof makeTempHome>>

const PROJECT = {id: 'P2RedisCacheE2eProject0000001', managementKey: 'K2RedisCacheE2eManagementKey01'}
const PASSWORD = 'R3dis-Pa55-Never-Printed'

function output(result: CliResult): string {
  return `exit ${result.code}\n${result.stdout}\n${result.stderr}`
}

/**
 * The read cache on the coordination Redis (`coordination.url`, no `cache.url`): processes of
 * different homes (different machines, as far as files go) share cached reads, and a write of one
 * invalidates them for all; the Redis password never appears in what they print.
 */
describe('read cache on the coordination Redis (built CLI, two homes)', function () {
  this.timeout(120_000)
  let redis: RedisServer | undefined
  let emulator: Emulator
  let homes: Home[]
  const printed: CliResult[] = []

  before(async function () {
    redis = await redisForTests(this, 'the shared read cache e2e suite', {ownServer: {password: PASSWORD}})
    expect(redis.url).to.contain(PASSWORD)
  })

  beforeEach(async () => {
    emulator = await startEmulator({
      newProjects: 'empty', port: 0, projects: [{...PROJECT, tenants: [{id: 'acme', name: 'Acme'}]}], rateLimit: 'off',
    })
    homes = await Promise.all([makeTempHome(), makeTempHome()])
    for (const home of homes) {
      await writeFile(path.join(home.dir, 'descope.yaml'), [
        'version: 1',
        'environments:',
        '  e:',
        `    projectId: ${PROJECT.id}`,
        '    managementKey: ${E2E_KEY}',
        `    baseUrl: ${emulator.url}`,
        'coordination:',
        '  url: ${E2E_REDIS_URL}',
        '',
      ].join('\n'))
    }
  })

  afterEach(async () => {
    await emulator.stop()
    await Promise.all(homes.map(home => home.cleanup()))
  })

  after(async () => {
    await redis?.stop()
    // Whatever they printed, the password is not in it.
    for (const result of printed) expect(`${result.stdout}${result.stderr}`).not.to.contain(PASSWORD)
  })

  const cli = async (home: Home, args: string[], env: Record<string, string> = {}): Promise<CliResult> => {
    const result = await runCli([...args, '-c', path.join(home.dir, 'descope.yaml')], {
      cwd: home.dir, env: {
        ...home.env, E2E_KEY: PROJECT.managementKey, E2E_REDIS_URL: redis!.url, ...env,
      },
    })
    printed.push(result)
    return result
  }

  const listCalls = async () => (await emulator.admin.requests({method: 'GET', path: '/v1/mgmt/tenant/all'})).length

  it('a read cached by one process answers another one with another home; a write of either invalidates it for both', async () => {
    const [a, b] = homes
    const first = await cli(a, ['tenant', 'list', '-e', 'e'])
    expect(first.code, output(first)).to.equal(0)
    expect(first.stdout).to.contain('acme')
    expect(await listCalls()).to.equal(1)

    const second = await cli(b, ['tenant', 'list', '-e', 'e'])
    expect(second.code, output(second)).to.equal(0)
    expect(second.stdout).to.equal(first.stdout)
    expect(await listCalls(), 'served from Redis').to.equal(1)

    const created = await cli(a, ['tenant', 'create', '-e', 'e', '--id', 'globex', '--name', 'Globex'])
    expect(created.code, output(created)).to.equal(0)
    const after = await cli(b, ['tenant', 'list', '-e', 'e'])
    expect(after.code, output(after)).to.equal(0)
    expect(after.stdout).to.contain('globex')
    expect(await listCalls(), 'invalidated by the write').to.be.greaterThan(1)

    const stats = await cli(b, ['cache', 'stats'])
    expect(stats.code, output(stats)).to.equal(0)
    expect(stats.stdout).to.contain(`127.0.0.1:${new URL(redis!.url).port}`)
  })

  it('DESCOPE_MGMT_REDIS_URL does the same; a wrong password is a warning naming the server, not the password', async () => {
    const [a, b] = homes
    const env = {DESCOPE_MGMT_REDIS_URL: redis!.url}
    expect((await cli(a, ['tenant', 'list', '-e', 'e'], env)).code).to.equal(0)
    expect((await cli(b, ['tenant', 'list', '-e', 'e'], env)).code).to.equal(0)
    expect(await listCalls()).to.equal(1)

    const wrong = redis!.url.replace(encodeURIComponent(PASSWORD), 'wrong-Pa55-also-secret')
    const refused = await cli(b, ['tenant', 'list', '-e', 'e'], {DESCOPE_MGMT_REDIS_URL: wrong})
    expect(refused.code, output(refused)).to.equal(0)
    expect(refused.stdout).to.contain('acme')
    expect(refused.stderr).to.contain(`127.0.0.1:${new URL(redis!.url).port}`)
    expect(`${refused.stdout}${refused.stderr}`).not.to.contain('wrong-Pa55-also-secret')
  })
})
