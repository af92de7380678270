import {expect} from 'chai'
import {
  mkdir, readdir, readFile, stat, writeFile,
} from 'node:fs/promises'
import path from 'node:path'

import {errorStyles, startEmulator} from '../../plugins/plugin-emulator/src/index.js'
import {type CliResult, makeTempHome, runCli} from '../helpers/cli.js'

type Emulator = Awaited<ReturnType<typeof startEmulator>>

function parseJson<T>(result: CliResult): T {
  try {
    return JSON.parse(result.stdout) as T
  } catch {
    throw new Error(`stdout is not JSON (exit ${result.code}):\n${result.stdout}\n${result.stderr}`)
  }
}

describe('tenant commands against the emulator (built CLI)', function () {
  this.timeout(60_000)
  let emulator: Emulator
  let home: Awaited<ReturnType<typeof makeTempHome>>
  let env: Record<string, string>
  let key: string

  before(async () => {
    emulator = await startEmulator({port: 0})
    home = await makeTempHome()
    key = emulator.projects[0].managementKey
    env = {
      ...home.env,
      DESCOPE_BASE_URL: emulator.url,
      DESCOPE_MANAGEMENT_KEY: key,
      DESCOPE_PROJECT_ID: emulator.projects[0].id,
    }
  })

  after(async () => {
    await emulator.stop()
    await home.cleanup()
  })

  const cli = (...args: string[]) => runCli(args, {cwd: home.dir, env})

  it('creates, lists, gets, updates and deletes a tenant', async () => {
    const created = await cli('tenant', 'create', '--id', 'acme', '--name', 'Acme', '--domain', 'Acme.com', '--attribute', 'seats=10', '--json')
    expect(created.code, created.stderr).to.equal(0)
    expect(parseJson<{id: string; customAttributes: unknown}>(created)).to.deep.include({customAttributes: {seats: 10}, id: 'acme'})

    const child = await cli('tenant', 'create', '--id', 'acme-eu', '--name', 'Acme EU', '--parent', 'acme')
    expect(child.code, child.stderr).to.equal(0)
    expect(child.stdout).to.contain('Created tenant acme-eu')

    const list = await cli('tenant', 'list')
    expect(list.code, list.stderr).to.equal(0)
    const lines = list.stdout.trim().split('\n')
    expect(lines[0]).to.match(/^ID\s+NAME\s+DOMAINS\s+PARENT/)
    expect(lines.slice(1).map(line => line.split(/\s+/)[0])).to.deep.equal(['acme', 'acme-eu'])

    const csv = await cli('tenant', 'list', '--output', 'csv', '--name-contains', 'EU')
    expect(csv.stdout.trim().split('\n')).to.deep.equal(['ID,NAME,DOMAINS,PARENT,STATUS,SSO ENFORCED', 'acme-eu,Acme EU,,acme,active,no'])

    const get = await cli('tenant', 'get', 'acme')
    expect(get.stdout).to.match(/Self-provisioning domains:\s+acme\.com/)
    expect(get.stdout).to.match(/Sub-tenants:\s+acme-eu/)

    const updated = await cli('tenant', 'update', 'acme', '--name', 'Acme Corp', '--json')
    expect(updated.code, updated.stderr).to.equal(0)
    expect(parseJson(updated)).to.deep.include({customAttributes: {seats: 10}, name: 'Acme Corp', selfProvisioningDomains: ['acme.com']})

    const deleted = await cli('tenant', 'delete', 'acme-eu', '--yes')
    expect(deleted.code, deleted.stderr).to.equal(0)
    const after = parseJson<Array<{id: string}>>(await cli('tenant', 'list', '--json'))
    expect(after.map(tenant => tenant.id)).to.deep.equal(['acme'])

    // Every write is in the audit log, newest first.
    const audit = parseJson<Array<{operation: string; resource: string; result: string}>>(await cli('audit', 'list', '--json'))
    expect(audit.map(record => `${record.operation} ${record.resource} ${record.result}`)).to.deep.equal([
      'delete tenant:acme-eu ok', 'update tenant:acme ok', 'create tenant:acme-eu ok', 'create tenant:acme ok',
    ])
  })

  it('refuses to delete without --yes when stdin is not a terminal, and changes nothing', async () => {
    const result = await cli('tenant', 'delete', 'acme')
    expect(result.code).to.equal(3)
    expect(result.stderr).to.contain('--yes')
    const tenants = parseJson<Array<{id: string}>>(await cli('tenant', 'list', '--json'))
    expect(tenants.map(tenant => tenant.id)).to.include('acme')
  })

  it('maps a wrong key to exit code 4 and never prints the key', async () => {
    const wrongKey = `${key}-wrong`
    const result = await runCli(['tenant', 'list', '--json'], {cwd: home.dir, env: {...env, DESCOPE_MANAGEMENT_KEY: wrongKey}})
    expect(result.code).to.equal(4)
    const body = parseJson<{error: {code: string; hint: string}}>(result)
    expect(body.error.hint).to.match(/management key/)
    expect(result.stdout + result.stderr).to.not.contain(wrongKey)
  })

  it('persists the embedded emulator between two commands of a `local` environment', async () => {
    const project = path.join(home.dir, 'embedded')
    await mkdir(project, {recursive: true})
    await writeFile(path.join(project, 'descope.yaml'), 'version: 1\nenvironments:\n  local:\n    emulator: true\n')
    const local = (...args: string[]) => runCli(args, {cwd: project, env: home.env})
    const created = await local('tenant', 'create', '-e', 'local', '--id', 'embedded', '--name', 'Embedded')
    expect(created.code, created.stderr).to.equal(0)
    const list = await local('tenant', 'list', '-e', 'local', '--json')
    expect(list.code, list.stderr).to.equal(0)
    expect(parseJson<Array<{id: string}>>(list).map(tenant => tenant.id)).to.deep.equal(['embedded'])
    const state = path.join(project, '.descope-emulator')
    expect((await stat(state)).isDirectory()).to.equal(true)
    for (const file of await readdir(state)) {
      const content = await readFile(path.join(state, file), 'utf8').catch(() => '')
      expect(content, file).to.not.match(/K2LocalEmulatorManagementKey0001/)
    }
  })
})

for (const errorStyle of errorStyles) {
  describe(`tenant commands on a missing or existing tenant, emulator error style ${errorStyle} (built CLI)`, function () {
    this.timeout(60_000)
    let emulator: Emulator
    let home: Awaited<ReturnType<typeof makeTempHome>>
    let env: Record<string, string>

    before(async () => {
      emulator = await startEmulator({errorStyle, port: 0, projects: [{id: 'P2ErrorStyles', managementKey: 'K2ErrorStylesManagementKey000001', tenants: [{id: 'acme', name: 'Acme'}]}]})
      home = await makeTempHome()
      env = {
        ...home.env, DESCOPE_BASE_URL: emulator.url, DESCOPE_MANAGEMENT_KEY: 'K2ErrorStylesManagementKey000001', DESCOPE_PROJECT_ID: 'P2ErrorStyles',
      }
    })

    after(async () => {
      await emulator.stop()
      await home.cleanup()
    })

    const cli = (...args: string[]) => runCli(args, {cwd: home.dir, env})

    it('explains an unknown tenant, an unknown parent and a duplicate, with exit code 3', async () => {
      const missing = await cli('tenant', 'get', 'nope')
      expect(missing.code, missing.stderr).to.equal(3)
      expect(missing.stderr).to.contain('Tenant "nope" does not exist').and.contain('tenant list')

      const gone = await cli('tenant', 'delete', 'nope', '--yes')
      expect(gone.code, gone.stderr).to.equal(3)
      expect(gone.stderr).to.contain('Tenant "nope" does not exist')

      const orphan = await cli('tenant', 'create', '--id', 'orphan', '--name', 'Orphan', '--parent', 'nope')
      expect(orphan.code, orphan.stderr).to.equal(3)
      expect(orphan.stderr).to.contain('Tenant "nope" does not exist')

      const duplicate = await cli('tenant', 'create', '--id', 'acme', '--name', 'Another')
      expect(duplicate.code, duplicate.stderr).to.equal(3)
      expect(duplicate.stderr).to.contain('already exists').and.contain('tenant update acme')
      const failed = parseJson<Array<{resource: string; errorCode?: string}>>(await cli('audit', 'list', '--failed', '--json'))
      expect(failed.map(record => [record.resource, record.errorCode]), 'newest first').to.deep.equal([['tenant:acme', 'E011409'], ['tenant:orphan', 'E011404']])
      const statuses = (await emulator.admin.requests({path: '/v1/mgmt/tenant*'})).filter(entry => entry.errorCode).map(entry => entry.status)
      expect(statuses, 'the emulator answered in the chosen style').to.deep.equal(errorStyle === 'rest' ? [404, 404, 404, 409] : [400, 400, 400, 400])
    })

    it('reads a 404 of an unknown route as an unknown endpoint (exit 5), never as a missing or existing tenant', async () => {
      const wrongBase = {...env, DESCOPE_BASE_URL: `${emulator.url}/not-the-api`}
      const load = await runCli(['tenant', 'get', 'acme', '--json'], {cwd: home.dir, env: wrongBase})
      expect(load.code, load.stderr).to.equal(5)
      const {error} = parseJson<{error: {code: string; hint: string; message: string}}>(load)
      expect(error.code).to.equal('unknown_endpoint')
      expect(error.message).to.contain('does not know the endpoint GET /v1/mgmt/tenant').and.not.contain('does not exist')
      expect(error.hint).to.contain('--base-url')

      const create = await runCli(['tenant', 'create', '--id', 'acme', '--name', 'Acme'], {cwd: home.dir, env: wrongBase})
      expect(create.code, create.stderr).to.equal(5)
      expect(create.stderr).to.contain('does not know the endpoint POST /v1/mgmt/tenant/create').and.not.contain('already exists')
    })
  })
}
