import {expect} from 'chai'
import {
  mkdir, readdir, readFile, stat, writeFile,
} from 'node:fs/promises'
import path from 'node:path'

import {startEmulator} from '../../plugins/plugin-emulator/src/index.js'
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

  it('explains an unknown tenant and a duplicate, with exit code 3', async () => {
    const missing = await cli('tenant', 'get', 'nope')
    expect(missing.code).to.equal(3)
    expect(missing.stderr).to.contain('Tenant "nope" does not exist').and.contain('tenant list')

    const duplicate = await cli('tenant', 'create', '--id', 'acme', '--name', 'Another')
    expect(duplicate.code).to.equal(3)
    expect(duplicate.stderr).to.contain('already exists').and.contain('tenant update acme')
    const failed = parseJson<Array<{resource: string; errorCode?: string}>>(await cli('audit', 'list', '--failed', '--json'))
    expect(failed.map(record => [record.resource, record.errorCode])).to.deep.equal([['tenant:acme', 'E011409']])
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
