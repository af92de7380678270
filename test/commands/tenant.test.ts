import {runCommand} from '@oclif/test'
import {expect} from 'chai'
import nock from 'nock'
import {mkdtemp, readdir, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

import {resetCircuitBreakers} from '../../src/lib/api/breaker.js'
import {resetRateLimiters} from '../../src/lib/api/rate-limiter.js'

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

describe('tenant commands (@oclif/test + nock)', function () {
  this.timeout(30_000)
  const saved = {...process.env}
  let home: string

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
      expect(stdout).to.contain('Created tenant globex (Globex)')
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
      const {error, stderr} = await runCommand(['tenant', 'create', '--id', 'acme', '--name', 'Acme'])
      expect(error?.oclif?.exit).to.equal(3)
      expect(stderr).to.contain('already exists').and.contain('tenant update acme')
    })
  })

  describe('tenant update', () => {
    it('reads the tenant first and keeps the fields the flags do not name', async () => {
      let body: unknown
      // @oclif/test joins and re-splits the arguments: quotes keep the name one argument.
      api().get('/v1/mgmt/tenant').query({id: 'acme'}).twice().reply(200, acme)
      api().post('/v1/mgmt/tenant/update', sent => {
        body = sent
        return true
      }).reply(200, {})
      const {error, stdout: out} = await runCommand(['tenant', 'update', 'acme', '--name', '"Acme Corp"', '--attribute', 'plan=platinum', '--remove-attribute', 'trial', '--json'])
      expect(error, out).to.equal(undefined)
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
      api().post('/v1/mgmt/tenant/delete', sent => {
        body = sent
        return true
      }).reply(200, {})
      const {error, stdout} = await runCommand(['tenant', 'delete', 'acme-eu', '--yes', '--cascade', '--json'])
      expect(error).to.equal(undefined)
      expect(body).to.deep.equal({cascade: true, id: 'acme-eu'})
      expect(JSON.parse(stdout)).to.deep.equal({cascade: true, deleted: 'acme-eu'})
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
