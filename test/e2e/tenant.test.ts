import {expect} from 'chai'
import {
  mkdir, readdir, readFile, stat, writeFile,
} from 'node:fs/promises'
import path from 'node:path'

import {errorStyles, startEmulator} from '../../plugins/plugin-emulator/src/index.js'
import {journalDir, listJournals, readJournal} from '../../src/lib/apply/journal.js'
import {acquireLock} from '../../src/lib/apply/lock.js'
import {auditFile, readAudit} from '../../src/lib/audit/log.js'
import {loadBackup} from '../../src/lib/backup/store.js'
import {httpFetch} from '../conformance/sdk.js'
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
    emulator = await startEmulator({newProjects: 'empty', rateLimit: 'off', port: 0})
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

  describe('each write runs through the engine, like apply', () => {
    const dataDir = () => path.join(home.dir, 'data', 'descope-mgmt')
    const projectId = () => emulator.projects[0].id
    const newestJournal = async () => {
      const [file] = await listJournals(journalDir(dataDir(), projectId()))
      return readJournal(file)
    }

    const tenantIds = async () => parseJson<Array<{id: string}>>(await cli('tenant', 'list', '--json')).map(tenant => tenant.id)

    it('a held lock refuses create, update and delete with exit code 1, and nothing changes', async () => {
      await cli('tenant', 'create', '--id', 'locked', '--name', 'Locked')
      const before = await cli('tenant', 'get', 'locked', '--json')
      const lock = await acquireLock({
        command: 'apply -e production', dataDir: dataDir(), handleSignals: false, projectId: projectId(),
      })
      try {
        for (const args of [
          ['tenant', 'create', '--id', 'other', '--name', 'Other'],
          ['tenant', 'update', 'locked', '--name', 'Renamed'],
          ['tenant', 'delete', 'locked', '--yes'],
        ]) {
          const result = await cli(...args)
          expect(result.code, args.join(' ')).to.equal(1)
          expect(result.stderr, args.join(' ')).to.contain('Another apply is already running').and.contain('apply -e production')
        }
      } finally {
        await lock.release()
      }

      expect(await tenantIds()).to.include('locked').and.not.include('other')
      expect((await cli('tenant', 'get', 'locked', '--json')).stdout).to.equal(before.stdout)
    })

    it('update: one line of output; the backup holds the tenant as it was; journaled and audited in one run', async () => {
      await cli('tenant', 'create', '--id', 'umbrella', '--name', 'Umbrella', '--attribute', 'tier=1')
      const result = await cli('tenant', 'update', 'umbrella', '--name', 'Umbrella Corp', '--attribute', 'tier=2')
      expect(result.code, result.stderr).to.equal(0)
      expect(result.stdout).to.equal('✓ Updated tenant umbrella (Umbrella Corp).\n')
      expect(result.stderr).to.equal('')
      const journal = await newestJournal()
      expect(journal.header?.changes).to.deep.equal(['tenant:umbrella'])
      expect(journal.entries.map(entry => entry.type)).to.deep.equal(['start', 'started', 'done', 'end'])
      const [record] = await readAudit(auditFile(dataDir()))
      expect(record).to.include({
        operation: 'update', resource: 'tenant:umbrella', result: 'ok', runId: journal.header?.runId,
      })
      const backups = parseJson<Array<{id: string; operation: string}>>(await cli('backup', 'list', '--json'))
      const backup = await loadBackup(path.join(dataDir(), 'backups'), backups.find(entry => entry.operation === 'update')!.id)
      expect(backup.items.tenants.find(item => item.key === 'umbrella')?.fields).to.deep.include({customAttributes: {tier: 1}, name: 'Umbrella'})
    })

    it('update keeps the federated apps Descope\'s update would otherwise clear', async () => {
      const project = emulator.projects[0]
      const response = await httpFetch(`${emulator.url}/v1/mgmt/tenant/create`, {
        body: JSON.stringify({federatedAppIds: ['app-1', 'app-2'], id: 'federated', name: 'Federated'}),
        headers: {authorization: `Bearer ${project.id}:${project.managementKey}`, 'content-type': 'application/json'},
        method: 'POST',
      })
      expect(response.status).to.equal(200)
      const result = await cli('tenant', 'update', 'federated', '--disabled', '--json')
      expect(result.code, result.stderr).to.equal(0)
      expect(parseJson(result)).to.deep.include({disabled: true, federatedAppIds: ['app-1', 'app-2']})
    })

    it('create without --id prints the generated id, which the journal and the audit record', async () => {
      const result = await cli('tenant', 'create', '--name', 'Initech')
      expect(result.code, result.stderr).to.equal(0)
      const id = /^✓ Created tenant (\S+) \(Initech\)\.\n$/.exec(result.stdout)?.[1]
      expect(id, result.stdout).to.be.a('string').and.not.equal('(generated)')
      expect(await tenantIds()).to.include(id)
      const journal = await newestJournal()
      expect(journal.entries.find(entry => entry.type === 'done')).to.deep.include({createdKey: id, id: 'tenant:(generated)'})
      const [record] = await readAudit(auditFile(dataDir()))
      expect(record).to.include({operation: 'create', resource: `tenant:${id}`, result: 'ok'})
    })

    it('delete --json names the backup taken first, and restoring it brings the tenant back', async () => {
      await cli('tenant', 'create', '--id', 'hooli', '--name', 'Hooli', '--domain', 'hooli.com')
      const deleted = await cli('tenant', 'delete', 'hooli', '--yes', '--json')
      expect(deleted.code, deleted.stderr).to.equal(0)
      const {backupId} = parseJson<{backupId: string; deleted: string}>(deleted)
      expect(backupId).to.match(/-delete$/)
      expect(await tenantIds()).to.not.include('hooli')
      const [record] = await readAudit(auditFile(dataDir()))
      expect(record).to.include({operation: 'delete', resource: 'tenant:hooli', result: 'ok'})
      const restored = await cli('backup', 'restore', backupId, '--resources', 'tenants', '--apply', '--yes')
      expect(restored.code, restored.stdout + restored.stderr).to.equal(0)
      expect(parseJson<{selfProvisioningDomains: string[]}>(await cli('tenant', 'get', 'hooli', '--json')).selfProvisioningDomains).to.deep.equal(['hooli.com'])
    })
  })
})

for (const errorStyle of errorStyles) {
  describe(`tenant commands on a missing or existing tenant, emulator error style ${errorStyle} (built CLI)`, function () {
    this.timeout(60_000)
    let emulator: Emulator
    let home: Awaited<ReturnType<typeof makeTempHome>>
    let env: Record<string, string>

    before(async () => {
      emulator = await startEmulator({
        errorStyle, port: 0, rateLimit: 'off', projects: [{id: 'P2ErrorStyles', managementKey: 'K2ErrorStylesManagementKey000001', tenants: [{id: 'acme', name: 'Acme'}]}],
      })
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
      // The write is a one-change plan: the backup's read before it meets the unknown route first.
      expect(create.stderr).to.match(/does not know the endpoint (GET \/v1\/mgmt\/tenant\/all|POST \/v1\/mgmt\/tenant\/create)/).and.not.contain('already exists')
    })
  })
}
