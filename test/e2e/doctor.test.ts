import {expect} from 'chai'

import type {DoctorReport} from '../../src/lib/doctor/types.js'

import {startEmulator} from '../../plugins/plugin-emulator/src/index.js'
import {createDescopeClient} from '../../src/lib/api/client.js'
import {makeTempHome, runCli} from '../helpers/cli.js'

type Emulator = Awaited<ReturnType<typeof startEmulator>>

/** `doctor` run as a user would, with the built CLI, against the emulator. */
describe('doctor (built CLI against the emulator)', function () {
  this.timeout(60_000)
  let emulator: Emulator
  let home: Awaited<ReturnType<typeof makeTempHome>>
  let env: Record<string, string>
  let key: string

  /** A call to the emulator's management API, to set the project up. */
  async function send(method: 'GET' | 'POST', path: string, body?: unknown): Promise<Record<string, unknown>> {
    const project = emulator.projects[0]
    const client = createDescopeClient({
      baseUrl: emulator.url, licenseHandshake: false, managementKey: project.managementKey!, projectId: project.id,
    })
    return client.request<Record<string, unknown>>(method, path, body === undefined ? {} : {json: body})
  }

  before(async () => {
    [emulator, home] = await Promise.all([startEmulator({port: 0}), makeTempHome()])
    const project = emulator.projects[0]
    key = project.managementKey!
    env = {
      ...home.env, DESCOPE_BASE_URL: emulator.url, DESCOPE_MANAGEMENT_KEY: key, DESCOPE_PROJECT_ID: project.id,
    }
    // What every Descope project has, when this emulator does not provide it already.
    const permissions = (await send('GET', '/v1/mgmt/permission/all')).permissions as Array<{name: string}>
    for (const name of ['User Admin', 'SSO Admin', 'Impersonate'].filter(name => !permissions.some(permission => permission.name === name))) {
      await send('POST', '/v1/mgmt/permission/create', {name})
    }

    const roles = (await send('GET', '/v1/mgmt/role/all')).roles as Array<{name: string; tenantId?: string}>
    if (!roles.some(role => role.name === 'Tenant Admin' && !role.tenantId)) await send('POST', '/v1/mgmt/role/create', {name: 'Tenant Admin', permissionNames: ['User Admin']})
    await send('POST', '/v1/mgmt/tenant/create', {id: 'acme', name: 'Acme'})
    await send('POST', '/v1/mgmt/tenant/create', {id: 'acme-eu', name: 'Acme EU', parent: 'acme'})
    await send('POST', '/v1/mgmt/role/create', {name: 'Acme Admin', tenantId: 'acme'})
  })

  beforeEach(async () => {
    await emulator.admin.clearFaults()
    await emulator.admin.resetStats()
  })

  after(async () => {
    await Promise.all([emulator?.stop(), home?.cleanup()])
  })

  it('passes every check with exit 0, in at most 10 requests, and never prints the key', async () => {
    const run = await runCli(['doctor'], {cwd: home.dir, env})
    expect(run.code, run.stdout + run.stderr).to.equal(0)
    const lines = run.stdout.split('\n')
    const titles = [
      'Configuration and credentials',
      'API reachable',
      'License tier',
      'Clock skew',
      'Management key accepted',
      'Descope\'s built-ins',
      'Tenant roles in role/all',
      'Not-found answer',
      'parent in tenant/all',
    ]
    for (const title of titles) {
      expect(lines.find(line => line.includes(title)), title).to.match(/^✓ /)
    }

    expect(run.stdout).to.include('management key from env var DESCOPE_MANAGEMENT_KEY (not shown)')
    expect(run.stdout).to.include('9 passed, 0 failed, 0 unknown')
    expect(run.stdout + run.stderr).not.to.include(key)
    const log = await emulator.admin.requests({})
    expect(log.length, log.map(entry => `${entry.method} ${entry.path}`).join('\n')).to.be.within(1, 10)
    expect(log.every(entry => entry.method === 'GET' || ['/v1/mgmt/role/search', '/v1/mgmt/tenant/search'].includes(entry.path)), 'reads only').to.equal(true)
  })

  it('--json gives the checks as data', async () => {
    const run = await runCli(['doctor', '--json'], {cwd: home.dir, env})
    expect(run.code, run.stderr).to.equal(0)
    const report = JSON.parse(run.stdout) as DoctorReport
    expect(report.ok).to.equal(true)
    expect(report.summary).to.deep.equal({fail: 0, pass: 9, unknown: 0})
    const facts = Object.fromEntries(report.checks.map(result => [result.id, result.facts]))
    expect(facts.license.rateLimitTier).to.equal('tier1')
    expect(facts['tenant-parent'].tenantAllCarriesParent).to.equal(true)
    expect(facts['not-found'].readAsNotFound).to.equal(true)
    expect(facts['tenant-roles'].tenantRolesFound).to.equal(1)
    expect(run.stdout).not.to.include(key)
  })

  it('exits 1 when a probe fails: a tenant load answered with HTTP 500 is not a not-found answer', async () => {
    await emulator.admin.setFaults(['500:GET /v1/mgmt/tenant'])
    const run = await runCli(['doctor'], {cwd: home.dir, env})
    expect(run.code, run.stdout + run.stderr).to.equal(1)
    const line = run.stdout.split('\n').find(text => text.includes('Not-found answer'))
    expect(line).to.match(/^✗ Not-found answer\s+HTTP 500\b.*: not read as not found/)
    expect(run.stdout).to.include('8 passed, 1 failed')
    const faulted = await emulator.admin.requests({method: 'GET', path: '/v1/mgmt/tenant'})
    expect(faulted, 'sent once: doctor does not retry').to.have.length(1)
    expect(run.stdout + run.stderr).not.to.include(key)
  })

  it('exits 1 with the rest skipped when the key is wrong, naming where it came from', async () => {
    const wrongKey = 'K2WrongKeyWrongKeyWrongKey0000'
    const run = await runCli(['doctor', '--json'], {cwd: home.dir, env: {...env, DESCOPE_MANAGEMENT_KEY: wrongKey}})
    expect(run.code, run.stderr).to.equal(1)
    const report = JSON.parse(run.stdout) as DoctorReport
    const byId = Object.fromEntries(report.checks.map(result => [result.id, result]))
    expect(byId.key.status).to.equal('fail')
    expect(byId['not-found'].detail).to.equal('skipped: the management key was not accepted')
    expect(run.stdout + run.stderr).not.to.include(wrongKey)
  })

  it('exits 1 and says what is missing when there are no credentials, without sending anything', async () => {
    const run = await runCli(['doctor'], {cwd: home.dir, env: {...home.env, DESCOPE_PROJECT_ID: emulator.projects[0].id}})
    expect(run.code).to.equal(1)
    expect(run.stdout).to.match(/^✗ Configuration and credentials\s+No Descope management key: looked for env var DESCOPE_MANAGEMENT_KEY/m)
    expect(await emulator.admin.requests({})).to.have.length(0)
  })
})
