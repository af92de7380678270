import {expect} from 'chai'

import {startEmulator} from '../../plugins/plugin-emulator/src/index.js'
import {makeTempHome, runCli} from '../helpers/cli.js'

type Emulator = Awaited<ReturnType<typeof startEmulator>>

const PROJECT = {id: 'P2TableWidthProject000000000001', managementKey: 'K2TableWidthManagementKey00000000001'}
const longName = 'Acme Corporation International Holdings and Subsidiaries'
const domains = ['acme.com', 'acme-corporation-international.example.com']

describe('tenant list fits COLUMNS, and a pipe gets every character (built CLI)', function () {
  this.timeout(60_000)
  let emulator: Emulator
  let home: Awaited<ReturnType<typeof makeTempHome>>
  let env: Record<string, string | undefined>

  before(async () => {
    emulator = await startEmulator({
      newProjects: 'empty', rateLimit: 'off',
      port: 0,
      projects: [{...PROJECT, tenants: [{id: 'acme', name: longName, selfProvisioningDomains: domains}, {id: 'globex', name: 'Globex'}]}],
    })
    home = await makeTempHome()
    env = {
      ...home.env, DESCOPE_BASE_URL: emulator.url, DESCOPE_MANAGEMENT_KEY: PROJECT.managementKey, DESCOPE_PROJECT_ID: PROJECT.id,
    }
  })

  after(async () => {
    await emulator?.stop()
    await home?.cleanup()
  })

  it('with COLUMNS=70 every line fits, the long cells end with an ellipsis and the short ones are whole', async () => {
    const result = await runCli(['tenant', 'list'], {cwd: home.dir, env: {...env, COLUMNS: '70'}})
    expect(result.code, result.stderr).to.equal(0)
    const lines = result.stdout.trimEnd().split('\n')
    for (const line of lines) expect([...line].length, line).to.be.at.most(70)
    expect(lines[0]).to.match(/^ID\s+NAME\s+DOMAINS\s+PARENT\s+STATUS\s+SSO ENFORCED$/)
    expect(lines[1]).to.match(/^acme\s+Acme Corp[^…]*…\s+acme\.com, [^…]*…\s+active\s+no$/)
    expect(lines[2]).to.match(/^globex\s+Globex\s+active\s+no$/)
  })

  it('without COLUMNS and without a terminal nothing is cut', async () => {
    const result = await runCli(['tenant', 'list'], {cwd: home.dir, env: {...env, COLUMNS: undefined}})
    expect(result.code, result.stderr).to.equal(0)
    expect(result.stdout).to.contain(longName).and.contain(domains.join(', ')).and.not.contain('…')
  })

  it('the bundled plugins\' tables fit COLUMNS too, through the host\'s services (cache stats)', async () => {
    // One cached read, so that the per-project table has a row (its API column is long).
    expect((await runCli(['tenant', 'list'], {cwd: home.dir, env})).code).to.equal(0)
    const wide = await runCli(['cache', 'stats'], {cwd: home.dir, env: {...env, COLUMNS: undefined}})
    expect(wide.code, wide.stderr).to.equal(0)
    const row = wide.stdout.split('\n').find(line => line.startsWith(PROJECT.id))
    expect(row, wide.stdout).to.contain(emulator.url)
    expect([...row!].length).to.be.greaterThan(70)

    const narrow = await runCli(['cache', 'stats'], {cwd: home.dir, env: {...env, COLUMNS: '70'}})
    expect(narrow.code, narrow.stderr).to.equal(0)
    const table = narrow.stdout.slice(narrow.stdout.indexOf('PROJECT')).trimEnd().split('\n')
    expect(table).to.have.length(2)
    for (const line of table) expect([...line].length, line).to.be.at.most(70)
    expect(table[1]).to.contain('…')
  })
})
