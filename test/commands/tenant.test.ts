import {runCommand} from '@oclif/test'
import {expect} from 'chai'
import nock from 'nock'
import {mkdtemp, readdir, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

import {resetCircuitBreakers} from '../../src/lib/api/breaker.js'
import {resetRateLimiters} from '../../src/lib/api/rate-limiter.js'
import {journalDir, listJournals, readJournal} from '../../src/lib/apply/journal.js'
import {acquireLock} from '../../src/lib/apply/lock.js'
import {auditFile, readAudit} from '../../src/lib/audit/log.js'
import {loadBackup} from '../../src/lib/backup/store.js'

const BASE = 'https://api.descope.test'
const PROJECT = 'P2CommandTestProject00000001'
const KEY = 'K2CommandTestManagementKey0000000001'
const badConfigs = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/bad-configs')

const acme = {
  createdTime: 1_700_000_000,
  customAttributes: {plan: 'gold', trial: true},
  disabled: false,
  enforceSSO: false,
  enforceSSOExclusions: [],
  id: 'acme',
  name: 'Acme',
  roleInheritance: '',
  selfProvisioningDomains: ['acme.com'],
  successors: ['acme-eu'],
}
const acmeEu = {
  id: 'acme-eu', name: 'Acme EU', parent: 'acme', selfProvisioningDomains: [],
}

/** The Descope API as nock sees it; every interceptor also checks the auth header. */
const api = () => nock(BASE, {reqheaders: {authorization: `Bearer ${PROJECT}:${KEY}`}})
/** The read of the backup every tenant write takes first, under the project's lock. */
const backupRead = (...tenants: object[]) => api().get('/v1/mgmt/tenant/all').reply(200, {tenants})

describe('tenant commands (@oclif/test + nock)', function () {
  this.timeout(30_000)
  const saved = {...process.env}
  let home: string
  const dataDir = () => path.join(home, 'data', 'descope-mgmt')
  const newestJournal = async () => {
    const [file] = await listJournals(journalDir(dataDir(), PROJECT))
    return readJournal(file)
  }

  before(async () => {
    home = await mkdtemp(path.join(tmpdir(), 'descope-mgmt-commands-'))
  })

  beforeEach(() => {
    Object.assign(process.env, {
      DESCOPE_BASE_URL: BASE,
      DESCOPE_MANAGEMENT_KEY: KEY,
      DESCOPE_MGMT_ALLOWED_HOSTS: 'api.descope.test',
      DESCOPE_MGMT_NO_CACHE: '1',
      DESCOPE_PROJECT_ID: PROJECT,
      XDG_CACHE_HOME: path.join(home, 'cache'),
      XDG_DATA_HOME: path.join(home, 'data'),
    })
    resetCircuitBreakers()
    resetRateLimiters()
  })

  afterEach(() => {
    nock.cleanAll()
    for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name]
    Object.assign(process.env, saved)
  })

  after(async () => {
    await rm(home, {force: true, recursive: true})
  })

  describe('tenant list', () => {
    it('prints a table sorted by id', async () => {
      api().get('/v1/mgmt/tenant/all').reply(200, {tenants: [acmeEu, acme]})
      const {error, stdout} = await runCommand(['tenant', 'list'])
      expect(error).to.equal(undefined)
      const lines = stdout.trim().split('\n')
      expect(lines[0]).to.match(/^ID\s+NAME\s+DOMAINS\s+PARENT\s+STATUS\s+SSO ENFORCED$/)
      expect(lines.slice(1).map(line => line.split(/\s+/)[0])).to.deep.equal(['acme', 'acme-eu'])
    })

    it('filters by --id and --name-contains, and renders json, yaml and csv', async () => {
      api().get('/v1/mgmt/tenant/all').times(4).reply(200, {tenants: [acme, acmeEu]})
      const json = await runCommand(['tenant', 'list', '--json', '--name-contains', 'eu'])
      expect(JSON.parse(json.stdout)).to.deep.equal([acmeEu])
      const yaml = await runCommand(['tenant', 'list', '-o', 'yaml', '--id', 'acme'])
      expect(yaml.stdout).to.contain('  id: acme\n').and.not.contain('id: acme-eu')
      const csv = await runCommand(['tenant', 'list', '-o', 'csv'])
      expect(csv.stdout.trim().split('\n')[1]).to.equal('acme,Acme,acme.com,,active,no')
      const none = await runCommand(['tenant', 'list', '--id', 'nope'])
      expect(none.stdout.trim()).to.equal('No tenants found.')
    })

    it('rejects an unknown output format with exit code 3', async () => {
      const {error} = await runCommand(['tenant', 'list', '-o', 'xml'])
      expect(error?.oclif?.exit).to.equal(3)
    })
  })

  describe('tenant get', () => {
    it('shows every field, as text or as the JSON Descope returns (flat or wrapped)', async () => {
      api().get('/v1/mgmt/tenant').query({id: 'acme'}).reply(200, acme)
      api().get('/v1/mgmt/tenant').query({id: 'acme'}).reply(200, {tenant: acme})
      const text = await runCommand(['tenant', 'get', 'acme'])
      expect(text.stdout).to.match(/Sub-tenants:\s+acme-eu/).and.match(/ {2}plan: "gold"/)
      const json = await runCommand(['tenant', 'get', 'acme', '--json'])
      expect(JSON.parse(json.stdout)).to.deep.equal(acme)
    })

    it('explains an unknown tenant with exit code 3 and the JSON error shape', async () => {
      api().get('/v1/mgmt/tenant').query({id: 'nope'}).reply(404, {errorCode: 'E011404', errorDescription: 'Not found'})
      const {error, stdout} = await runCommand(['tenant', 'get', 'nope', '--json'])
      expect(error?.oclif?.exit).to.equal(3)
      const body = JSON.parse(stdout)
      expect(body.error).to.include({code: 'tenant_not_found', exitCode: 3})
      expect(body.error.message).to.contain('Tenant "nope" does not exist')
      expect(body.error.hint).to.contain('tenant list')
    })

    it('reads Descope\'s 400 "Tenant not found" as an unknown tenant too', async () => {
      api().get('/v1/mgmt/tenant').query({id: 'nope'}).reply(400, {errorCode: 'E011404', errorDescription: 'Tenant not found', errorMessage: 'Tenant "nope" does not exist'})
      const {error, stdout} = await runCommand(['tenant', 'get', 'nope', '--json'])
      expect(error?.oclif?.exit).to.equal(3)
      expect(JSON.parse(stdout).error).to.include({code: 'tenant_not_found', exitCode: 3})
    })

    it('never reads a 404 of an unknown route as "the tenant does not exist": exit 5, check the base URL', async () => {
      api().get('/v1/mgmt/tenant').query({id: 'acme'}).reply(404, '<html><body><h1>404 Not Found</h1></body></html>', {'content-type': 'text/html'})
      const {error, stdout} = await runCommand(['tenant', 'get', 'acme', '--json'])
      expect(error?.oclif?.exit).to.equal(5)
      const body = JSON.parse(stdout)
      expect(body.error).to.include({code: 'unknown_endpoint', exitCode: 5})
      expect(body.error.message).to.contain('does not know the endpoint GET /v1/mgmt/tenant').and.not.contain('does not exist')
      expect(body.error.hint).to.contain('--base-url')
    })
  })

  describe('tenant create', () => {
    it('sends every flag in wire field names and prints the new tenant', async () => {
      let body: unknown
      api().post('/v1/mgmt/tenant/create', sent => {
        body = sent
        return true
      }).reply(200, {id: 'globex'})
      backupRead(acme)
      api().get('/v1/mgmt/tenant').query({id: 'globex'}).reply(200, {id: 'globex', name: 'Globex'})
      const {error, stdout} = await runCommand([
        'tenant',
        'create',
        '--id',
        'globex',
        '--name',
        'Globex',
        '--domain',
        'Globex.com',
        '--domain',
        'globex.io',
        '--attribute',
        'seats=10',
        '--attribute',
        'plan=gold',
        '--parent',
        'acme',
        '--enforce-sso',
        '--no-disabled',
        '--role-inheritance',
        'userOnly',
      ])
      expect(error).to.equal(undefined)
      expect(body).to.deep.equal({
        customAttributes: {plan: 'gold', seats: 10},
        disabled: false,
        enforceSSO: true,
        id: 'globex',
        name: 'Globex',
        parent: 'acme',
        roleInheritance: 'userOnly',
        selfProvisioningDomains: ['globex.com', 'globex.io'],
      })
      expect(stdout).to.equal('✓ Created tenant globex (Globex).\n')
    })

    it('without --id: prints the id Descope generated, and the journal and the audit record it', async () => {
      let body: unknown
      api().post('/v1/mgmt/tenant/create', sent => {
        body = sent
        return true
      }).reply(200, {id: 'T2generated'})
      backupRead()
      api().get('/v1/mgmt/tenant').query({id: 'T2generated'}).reply(200, {id: 'T2generated', name: 'Initech'})
      const {error, stdout} = await runCommand(['tenant', 'create', '--name', 'Initech'])
      expect(error).to.equal(undefined)
      expect(body).to.deep.equal({name: 'Initech'})
      expect(stdout).to.equal('✓ Created tenant T2generated (Initech).\n')
      const journal = await newestJournal()
      expect(journal.header?.changes).to.deep.equal(['tenant:(generated)'])
      expect(journal.entries.find(entry => entry.type === 'done')).to.deep.include({createdKey: 'T2generated', id: 'tenant:(generated)'})
      const [record] = await readAudit(auditFile(dataDir()))
      expect(record).to.include({
        operation: 'create', resource: 'tenant:T2generated', result: 'ok', runId: journal.header?.runId,
      })
    })

    it('explains a parent that does not exist, naming the parent, with exit code 3', async () => {
      api().post('/v1/mgmt/tenant/create').reply(404, {errorCode: 'E011404', errorDescription: 'Tenant "nope" does not exist'})
      backupRead()
      const {error, stderr} = await runCommand(['tenant', 'create', '--id', 'child', '--name', 'Child', '--parent', 'nope'])
      expect(error?.oclif?.exit).to.equal(3)
      expect(stderr).to.contain('Tenant "nope" does not exist').and.contain('tenant list')
    })

    it('refuses bad input with exit code 3 before any request', async () => {
      const scope = api().post('/v1/mgmt/tenant/create').reply(200, {id: 'x'})
      for (const args of [
        ['--id', 'bad id', '--name', 'X'],
        ['--id', 'x', '--name', 'X', '--domain', 'not a domain'],
        ['--id', 'x', '--name', 'X', '--attribute', 'novalue'],
        ['--id', 'x'],
      ]) {
        const {error} = await runCommand(['tenant', 'create', ...args])
        expect(error?.oclif?.exit, args.join(' ')).to.equal(3)
      }

      expect(scope.isDone()).to.equal(false)
    })

    it('explains a duplicate with exit code 3 and a hint', async () => {
      api().post('/v1/mgmt/tenant/create').reply(409, {errorCode: 'E011409', errorDescription: 'Already exists'})
      backupRead(acme)
      const {error, stderr} = await runCommand(['tenant', 'create', '--id', 'acme', '--name', 'Acme'])
      expect(error?.oclif?.exit).to.equal(3)
      expect(stderr).to.contain('already exists').and.contain('tenant update acme')
      const [record] = await readAudit(auditFile(dataDir()))
      expect(record).to.include({
        errorCode: 'E011409', operation: 'create', resource: 'tenant:acme', result: 'failed',
      })
    })

    it('maps a write refused for the key to exit code 4, and a failing API to exit code 5', async () => {
      api().post('/v1/mgmt/tenant/create').reply(403, {errorCode: 'E011003', errorDescription: 'Forbidden'})
      backupRead()
      const auth = await runCommand(['tenant', 'create', '--id', 'x1', '--name', 'X1'])
      expect(auth.error?.oclif?.exit).to.equal(4)
      api().post('/v1/mgmt/tenant/create').times(5).reply(503, {errorCode: 'E011503', errorDescription: 'Unavailable'})
      backupRead()
      const down = await runCommand(['tenant', 'create', '--id', 'x2', '--name', 'X2'])
      expect(down.error?.oclif?.exit).to.equal(5)
      expect(down.stderr).to.contain('E011503')
    })
  })

  describe('tenant update', () => {
    it('reads the tenant first and keeps the fields the flags do not name', async () => {
      let body: unknown
      // @oclif/test joins and re-splits the arguments: quotes keep the name one argument.
      api().get('/v1/mgmt/tenant').query({id: 'acme'}).reply(200, acme)
      backupRead(acme)
      api().post('/v1/mgmt/tenant/update', sent => {
        body = sent
        return true
      }).reply(200, {})
      api().get('/v1/mgmt/tenant').query({id: 'acme'}).reply(200, {...acme, name: 'Acme Corp'})
      const {error, stdout: out} = await runCommand(['tenant', 'update', 'acme', '--name', '"Acme Corp"', '--attribute', 'plan=platinum', '--remove-attribute', 'trial', '--json'])
      expect(error, out).to.equal(undefined)
      expect(JSON.parse(out)).to.include({id: 'acme', name: 'Acme Corp'})
      expect(body).to.deep.equal({
        customAttributes: {plan: 'platinum'},
        disabled: false,
        enforceSSO: false,
        enforceSSOExclusions: [],
        id: 'acme',
        name: 'Acme Corp',
        roleInheritance: '',
        selfProvisioningDomains: ['acme.com'],
      })
    })

    it('keeps the fields no flag sets but the update replaces (federatedAppIds, authType)', async () => {
      let body: Record<string, unknown> = {}
      const federated = {...acme, authType: 'saml', federatedAppIds: ['app-1']}
      api().get('/v1/mgmt/tenant').query({id: 'acme'}).reply(200, federated)
      backupRead(federated)
      api().post('/v1/mgmt/tenant/update', sent => {
        body = sent
        return true
      }).reply(200, {})
      api().get('/v1/mgmt/tenant').query({id: 'acme'}).reply(200, {...federated, disabled: true})
      const {error, stdout} = await runCommand(['tenant', 'update', 'acme', '--disabled'])
      expect(error).to.equal(undefined)
      expect(body).to.include({authType: 'saml', disabled: true, id: 'acme'})
      expect(body.federatedAppIds).to.deep.equal(['app-1'])
      expect(stdout).to.equal('✓ Updated tenant acme (Acme).\n')
    })

    it('backs up the tenants first, then journals and audits the update', async () => {
      api().get('/v1/mgmt/tenant').query({id: 'acme'}).reply(200, acme)
      backupRead(acme, acmeEu)
      api().post('/v1/mgmt/tenant/update').reply(200, {})
      api().get('/v1/mgmt/tenant').query({id: 'acme'}).reply(200, {...acme, name: 'Acme Corp'})
      const {error, stdout} = await runCommand(['tenant', 'update', 'acme', '--name', '"Acme Corp"'])
      expect(error).to.equal(undefined)
      expect(stdout).to.equal('✓ Updated tenant acme (Acme Corp).\n')
      const journal = await newestJournal()
      expect(journal.header).to.deep.include({changes: ['tenant:acme'], resumable: false})
      expect(journal.entries.map(entry => entry.type)).to.deep.equal(['start', 'started', 'done', 'end'])
      const [record] = await readAudit(auditFile(dataDir()))
      expect(record).to.include({
        operation: 'update', resource: 'tenant:acme', result: 'ok', runId: journal.header?.runId,
      })
      const backups = await readdir(path.join(dataDir(), 'backups', PROJECT))
      const backup = await loadBackup(path.join(dataDir(), 'backups'), backups.filter(name => name.endsWith('-update')).sort().at(-1)!)
      expect(backup.metadata).to.include({operation: 'update'})
      expect(backup.items.tenants.find(item => item.key === 'acme')?.fields).to.include({name: 'Acme'})
    })

    it('explains a tenant that does not exist, before anything is written', async () => {
      api().get('/v1/mgmt/tenant').query({id: 'nope'}).reply(404, {errorCode: 'E011404', errorDescription: 'Not found'})
      const write = api().post('/v1/mgmt/tenant/update').reply(200, {})
      const {error, stderr} = await runCommand(['tenant', 'update', 'nope', '--disabled'])
      expect(error?.oclif?.exit).to.equal(3)
      expect(stderr).to.contain('Tenant "nope" does not exist').and.contain('tenant list')
      expect(write.isDone()).to.equal(false)
    })

    it('a tenant deleted between the read and the write is reported as not found (exit code 3)', async () => {
      api().get('/v1/mgmt/tenant').query({id: 'acme'}).reply(200, acme)
      backupRead(acme)
      api().post('/v1/mgmt/tenant/update').reply(404, {errorCode: 'E011404', errorDescription: 'Not found'})
      const {error} = await runCommand(['tenant', 'update', 'acme', '--disabled', '--json'])
      expect(error?.oclif?.exit).to.equal(3)
      const [record] = await readAudit(auditFile(dataDir()))
      expect(record).to.include({operation: 'update', resource: 'tenant:acme', result: 'failed'})
    })

    it('refuses an update without fields, and a new parent, with exit code 3', async () => {
      const empty = await runCommand(['tenant', 'update', 'acme'])
      expect(empty.error?.oclif?.exit).to.equal(3)
      api().get('/v1/mgmt/tenant').query({id: 'acme-eu'}).reply(200, acmeEu)
      const parent = await runCommand(['tenant', 'update', 'acme-eu', '--parent', 'other'])
      expect(parent.error?.oclif?.exit).to.equal(3)
      expect(parent.stderr).to.contain('cannot change after creation')
    })
  })

  describe('tenant delete', () => {
    it('deletes with --yes and sends cascade', async () => {
      let body: unknown
      api().get('/v1/mgmt/tenant').query({id: 'acme-eu'}).reply(200, acmeEu)
      backupRead(acme, acmeEu)
      api().post('/v1/mgmt/tenant/delete', sent => {
        body = sent
        return true
      }).reply(200, {})
      const {error, stdout} = await runCommand(['tenant', 'delete', 'acme-eu', '--yes', '--cascade', '--json'])
      expect(error).to.equal(undefined)
      expect(body).to.deep.equal({cascade: true, id: 'acme-eu'})
      const output = JSON.parse(stdout)
      expect(output).to.deep.include({cascade: true, deleted: 'acme-eu'})
      expect(output.backupId).to.match(/-delete$/)
      const backup = await loadBackup(path.join(dataDir(), 'backups'), output.backupId)
      expect(backup.items.tenants.map(item => item.key)).to.deep.equal(['acme', 'acme-eu'])
    })

    it('without --cascade sends cascade false, and prints one line', async () => {
      let body: unknown
      api().get('/v1/mgmt/tenant').query({id: 'acme-eu'}).reply(200, acmeEu)
      backupRead(acme, acmeEu)
      api().post('/v1/mgmt/tenant/delete', sent => {
        body = sent
        return true
      }).reply(200, {})
      const {error, stdout} = await runCommand(['tenant', 'delete', 'acme-eu', '--yes'])
      expect(error).to.equal(undefined)
      expect(body).to.deep.equal({cascade: false, id: 'acme-eu'})
      expect(stdout).to.equal('✓ Deleted tenant acme-eu (Acme EU).\n')
      const [record] = await readAudit(auditFile(dataDir()))
      expect(record).to.include({operation: 'delete', resource: 'tenant:acme-eu', result: 'ok'})
    })

    it('refuses without --yes when stdin is not a terminal, and deletes nothing', async () => {
      api().get('/v1/mgmt/tenant').query({id: 'acme'}).reply(200, acme)
      const scope = api().post('/v1/mgmt/tenant/delete').reply(200, {})
      const {error, stderr} = await runCommand(['tenant', 'delete', 'acme'])
      expect(error?.oclif?.exit).to.equal(3)
      expect(stderr).to.contain('--yes')
      expect(scope.isDone()).to.equal(false)
    })
  })

  describe('the project lock', () => {
    it('refuses every tenant write while another run holds the lock, like apply (exit code 1), and sends no write', async () => {
      const lock = await acquireLock({
        command: 'apply -e staging', dataDir: dataDir(), handleSignals: false, projectId: PROJECT,
      })
      try {
        const writes = [
          api().post('/v1/mgmt/tenant/create').reply(200, {id: 'x'}),
          api().post('/v1/mgmt/tenant/update').reply(200, {}),
          api().post('/v1/mgmt/tenant/delete').reply(200, {}),
        ]
        for (const args of [
          ['tenant', 'create', '--id', 'x', '--name', 'X'],
          ['tenant', 'update', 'acme', '--disabled'],
          ['tenant', 'delete', 'acme', '--yes'],
        ]) {
          const {error, stderr} = await runCommand(args)
          expect(error?.oclif?.exit, args.join(' ')).to.equal(1)
          expect(stderr, args.join(' ')).to.contain('Another apply is already running').and.contain('apply -e staging')
        }

        for (const write of writes) expect(write.isDone()).to.equal(false)
      } finally {
        await lock.release()
      }
    })

    it('releases the lock after a write, and after a refused one', async () => {
      api().get('/v1/mgmt/tenant').query({id: 'nope'}).reply(404, {errorCode: 'E011404', errorDescription: 'Not found'})
      expect((await runCommand(['tenant', 'delete', 'nope', '--yes'])).error?.oclif?.exit).to.equal(3)
      const lock = await acquireLock({
        command: 'test', dataDir: dataDir(), handleSignals: false, projectId: PROJECT,
      })
      await lock.release()
    })
  })

  describe('errors and exit codes', () => {
    it('maps 401 to exit code 4 with a hint about the key, and never prints the key', async () => {
      api().get('/v1/mgmt/tenant/all').reply(401, {errorCode: 'E011101', errorDescription: 'Unauthorized'})
      const {error, stderr, stdout} = await runCommand(['tenant', 'list'])
      expect(error?.oclif?.exit).to.equal(4)
      expect(stderr).to.match(/management key/i)
      expect(stdout + stderr).to.not.contain(KEY)
    })

    it('retries a 503 burst and succeeds', async () => {
      api().get('/v1/mgmt/tenant/all').times(2).reply(503, {errorCode: 'E011503'})
      api().get('/v1/mgmt/tenant/all').reply(200, {tenants: [acme]})
      const {error, stdout} = await runCommand(['tenant', 'list', '--json'])
      expect(error).to.equal(undefined)
      expect(JSON.parse(stdout)).to.have.length(1)
    })

    it('gives up after bounded retries with exit code 5', async () => {
      api().get('/v1/mgmt/tenant/all').times(5).reply(503, {errorCode: 'E011503', errorDescription: 'Unavailable'})
      const {error, stderr} = await runCommand(['tenant', 'list'])
      expect(error?.oclif?.exit).to.equal(5)
      expect(stderr).to.contain('E011503')
    })

    it('a missing key says where it was looked for, with exit code 4', async () => {
      delete process.env.DESCOPE_MANAGEMENT_KEY
      const {error, stderr} = await runCommand(['tenant', 'list'])
      expect(error?.oclif?.exit).to.equal(4)
      expect(stderr).to.contain('DESCOPE_MANAGEMENT_KEY')
    })

    it('every bad configuration fails with exit code 3 before any request is sent', async () => {
      const scope = api().get('/v1/mgmt/tenant/all').reply(200, {tenants: []}).persist()
      let requests = 0
      scope.on('request', () => requests++)
      const files = (await readdir(badConfigs)).filter(file => /\.(ya?ml|json)$/.test(file))
      expect(files.length).to.be.greaterThan(25)
      for (const file of files) {
        // The one fixture whose problem is in the environment in use names it; the others use `local`.
        const environment = file === 'undefined-variable-in-selected-environment.yaml' ? 'staging' : 'local'
        const {error} = await runCommand(['plan', '-c', path.join(badConfigs, file), '-e', environment])
        expect(error?.oclif?.exit, file).to.equal(3)
      }

      expect(requests).to.equal(0)
    })
  })
})
