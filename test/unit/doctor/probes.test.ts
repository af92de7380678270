import {expect} from 'chai'
import nock from 'nock'

import type {Connection} from '../../../src/lib/connection.js'

import {contextRequestEvents} from '../../../src/lib/api/request-context.js'
import {
  judgeBuiltIns, judgeClock, judgeKey, MAX_CLOCK_SKEW_MS, probeLicense, probeNotFound, probeTenantParent, probeTenantRoles, tenantsToAsk,
} from '../../../src/lib/doctor/probes.js'
import {DOCTOR_CLIENT_RETRY, runDoctor} from '../../../src/lib/doctor/run.js'
import {CHECK_IDS} from '../../../src/lib/doctor/types.js'
import {AuthError} from '../../../src/lib/errors.js'
import {
  BASE, KEY, networkError, PROJECT, resetApiState, testClient,
} from '../api/fixtures.js'

/** A client as doctor gets it: no retries, answers reported through the request context. */
function doctorClient(options: {licenseHandshake?: boolean} = {}) {
  return testClient({licenseHandshake: options.licenseHandshake ?? false, retry: {...DOCTOR_CLIENT_RETRY}}, contextRequestEvents)
}

const ok = <T>(body: T) => ({body})
const failed = (error: unknown) => ({error})
const builtInPermissions = ['User Admin', 'SSO Admin', 'Impersonate'].map(name => ({name, systemDefault: true}))
const tenantAdmin = {name: 'Tenant Admin'}

describe('doctor probes', () => {
  beforeEach(() => resetApiState())

  afterEach(() => resetApiState())

  describe('license: reachable, tier, clock', () => {
    it('passes with a tier and a Date header that agrees with the local clock', async () => {
      const scope = nock(BASE).get('/v1/mgmt/license').reply(200, {rateLimitTier: 'tier2'}, {Date: new Date().toUTCString()})
      const probe = await probeLicense(doctorClient())
      expect(scope.isDone()).to.equal(true)
      expect(probe.reached).to.equal(true)
      expect(probe.reachable.status).to.equal('pass')
      expect(probe.reachable.detail).to.match(/answered GET \/v1\/mgmt\/license with HTTP 200 in \d+ ms/)
      expect(probe.reachable.facts.status).to.equal(200)
      expect(probe.reachable.facts.latencyMs).to.be.a('number')
      expect(probe.license).to.include({status: 'pass'})
      expect(probe.license.facts.rateLimitTier).to.equal('tier2')
      expect(probe.clock.status).to.equal('pass')
      expect(Math.abs(probe.clock.facts.skewSeconds as number)).to.be.at.most(2)
    })

    it('fails the clock when Descope\'s Date is 10 minutes ahead', async () => {
      nock(BASE).get('/v1/mgmt/license').reply(200, {rateLimitTier: 'tier1'}, {Date: new Date(Date.now() + 600_000).toUTCString()})
      const probe = await probeLicense(doctorClient())
      expect(probe.clock.status).to.equal('fail')
      expect(probe.clock.detail).to.match(/local clock is 600 s behind Descope's/)
      expect(probe.clock.facts.skewSeconds).to.be.within(599, 601)
    })

    it('has no tier and no clock (unknown, not failures) when the answer lacks both', async () => {
      nock(BASE).get('/v1/mgmt/license').reply(200, {})
      const probe = await probeLicense(doctorClient())
      expect(probe.reachable.status).to.equal('pass')
      expect(probe.license.status).to.equal('unknown')
      expect(probe.license.detail).to.match(/no rateLimitTier; requests go without x-descope-license/)
      expect(probe.clock.status).to.equal('unknown')
      expect(probe.clock.detail).to.equal('the answer has no Date header')
    })

    it('a refused handshake still proves the API answers; the tier is unknown', async () => {
      nock(BASE).get('/v1/mgmt/license').reply(401, {errorCode: 'E011401', errorDescription: 'Unauthorized'}, {Date: new Date().toUTCString()})
      const probe = await probeLicense(doctorClient())
      expect(probe.reached).to.equal(true)
      expect(probe.reachable.detail).to.match(/HTTP 401/)
      expect(probe.license.status).to.equal('unknown')
      expect(probe.license.detail).to.match(/no tier \(HTTP 401 E011401/)
      expect(probe.clock.status).to.equal('pass')
    })

    it('fails reachable and skips the rest on a network failure, sent once', async () => {
      const scope = nock(BASE).get('/v1/mgmt/license').replyWithError(networkError('ECONNREFUSED'))
      const probe = await probeLicense(doctorClient())
      expect(scope.isDone()).to.equal(true)
      expect(probe.reached).to.equal(false)
      expect(probe.reachable.status).to.equal('fail')
      expect(probe.reachable.detail).to.match(/Cannot reach https:\/\/api\.descope\.test \(ECONNREFUSED\)/)
      expect(probe.license.status).to.equal('unknown')
      expect(probe.clock.detail).to.match(/^skipped/)
    })
  })

  describe('judgeClock', () => {
    const now = Date.parse('2026-01-01T12:00:00.000Z')

    it('passes within a second, passes with the skew named up to the limit, fails beyond', () => {
      expect(judgeClock('Thu, 01 Jan 2026 12:00:00 GMT', now + 300).status).to.equal('pass')
      const ahead = judgeClock('Thu, 01 Jan 2026 11:58:00 GMT', now)
      expect(ahead.status).to.equal('pass')
      expect(ahead.detail).to.match(/120 s ahead of Descope's/)
      const far = judgeClock(new Date(now - MAX_CLOCK_SKEW_MS - 2000).toUTCString(), now)
      expect(far.status).to.equal('fail')
      expect(far.detail).to.match(/ahead of Descope's.*sync the clock/)
    })

    it('is unknown without a usable Date header', () => {
      expect(judgeClock(undefined, now).status).to.equal('unknown')
      expect(judgeClock('yesterday', now).detail).to.match(/"yesterday" is not a date/)
    })
  })

  describe('key', () => {
    it('passes on a 200, fails on 401 as rejected and on other errors as undecided', async () => {
      const client = doctorClient()
      nock(BASE).get('/v1/mgmt/permission/all').reply(200, {permissions: []})
      nock(BASE).get('/v1/mgmt/permission/all').reply(401, {errorCode: 'E011401', errorDescription: 'Unauthorized'})
      nock(BASE).get('/v1/mgmt/permission/all').reply(500, {errorCode: 'E011500', errorDescription: 'Internal'})
      const {observe} = await import('../../../src/lib/doctor/observe.js')
      const read = () => observe(() => client.request('GET', '/v1/mgmt/permission/all'))
      const accepted = judgeKey(await read(), '/v1/mgmt/permission/all')
      expect(accepted.accepted).to.equal(true)
      expect(accepted.key).to.include({detail: 'GET /v1/mgmt/permission/all answered HTTP 200', status: 'pass'})
      const rejected = judgeKey(await read(), '/v1/mgmt/permission/all')
      expect(rejected.accepted).to.equal(false)
      expect(rejected.key.status).to.equal('fail')
      expect(rejected.key.detail).to.match(/^rejected: Descope rejected the credentials/)
      expect(rejected.key.detail).not.to.include(KEY)
      const broken = judgeKey(await read(), '/v1/mgmt/permission/all')
      expect(broken.key.detail).to.match(/^could not tell: .*HTTP 500/)
      expect(broken.key.facts.status).to.equal(500)
    })
  })

  describe('built-ins', () => {
    it('passes when the three permissions and Tenant Admin are there', () => {
      const result = judgeBuiltIns(ok(builtInPermissions), ok([tenantAdmin, {name: 'Viewer'}]))
      expect(result.status).to.equal('pass')
      expect(result.facts.missing).to.deep.equal([])
    })

    it('fails naming what is missing; a tenant role named Tenant Admin does not count', () => {
      const result = judgeBuiltIns(ok(builtInPermissions.slice(0, 2)), ok([{name: 'Tenant Admin', tenantId: 'acme'}]))
      expect(result.status).to.equal('fail')
      expect(result.facts.missing).to.deep.equal(['permission Impersonate', 'role Tenant Admin'])
      expect(result.detail).to.match(/^missing: permission Impersonate, role Tenant Admin/)
    })

    it('fails when the roles cannot be read', () => {
      expect(judgeBuiltIns(ok(builtInPermissions), failed(new Error('boom'))).detail).to.equal('could not read the roles: boom')
    })
  })

  describe('tenant roles: role/all vs role/search', () => {
    const tenants = [{id: 'acme', name: 'Acme'}, {id: 'beta', name: 'Beta'}]
    const projectRole = {name: 'Viewer', tenantId: ''}
    const acmeAdmin = {name: 'Admin', tenantId: 'acme'}

    it('asks first about the tenants role/all shows with roles, then the others, at most 10', () => {
      const many = Array.from({length: 15}, (_, index) => ({id: `t${index}`, name: `T${index}`}))
      expect(tenantsToAsk([{name: 'A', tenantId: 't9'}, projectRole], many)).to.deep.equal(['t9', 't0', 't1', 't2', 't3', 't4', 't5', 't6', 't7', 't8'])
    })

    it('passes and records that role/all carries them when both list the same tenant roles', async () => {
      const scope = nock(BASE)
      .post('/v1/mgmt/role/search', {includeProjectRoles: true, tenantIds: ['acme', 'beta']})
      .reply(200, {roles: [projectRole, acmeAdmin]})
      const result = await probeTenantRoles(doctorClient(), ok([projectRole, acmeAdmin]), ok(tenants))
      expect(scope.isDone()).to.equal(true)
      expect(result.status).to.equal('pass')
      expect(result.facts).to.include({roleAllCarriesTenantRoles: true, tenantRolesFound: 1, tenantsAsked: 2})
      expect(result.detail).to.match(/^role\/all carries tenant roles/)
    })

    it('passes and records that role/all leaves them out when only role/search finds them', async () => {
      nock(BASE).post('/v1/mgmt/role/search').reply(200, {roles: [projectRole, acmeAdmin]})
      const result = await probeTenantRoles(doctorClient(), ok([projectRole]), ok(tenants))
      expect(result.status).to.equal('pass')
      expect(result.facts.roleAllCarriesTenantRoles).to.equal(false)
      expect(result.detail).to.match(/role\/all leaves out tenant roles: it lists 0 of the 1 tenant role in 2 tenants/)
    })

    it('is unknown when no tenant asked has roles, and when there are no tenants (no request)', async () => {
      nock(BASE).post('/v1/mgmt/role/search').reply(200, {roles: [projectRole]})
      const none = await probeTenantRoles(doctorClient(), ok([projectRole]), ok(tenants))
      expect(none.status).to.equal('unknown')
      expect(none.facts.roleAllCarriesTenantRoles).to.equal(null)
      const empty = await probeTenantRoles(doctorClient(), ok([projectRole]), ok([]))
      expect(empty.status).to.equal('unknown')
      expect(empty.detail).to.match(/no tenants/)
      expect(nock.pendingMocks()).to.deep.equal([])
    })

    it('fails when role/search leaves out tenant roles or project roles that role/all lists', async () => {
      nock(BASE).post('/v1/mgmt/role/search').reply(200, {roles: [projectRole]})
      const tenantMissed = await probeTenantRoles(doctorClient(), ok([projectRole, acmeAdmin]), ok(tenants))
      expect(tenantMissed.status).to.equal('fail')
      expect(tenantMissed.detail).to.equal('role/search left out tenant roles that role/all lists: acme/Admin')
      nock(BASE).post('/v1/mgmt/role/search').reply(200, {roles: [acmeAdmin]})
      const projectMissed = await probeTenantRoles(doctorClient(), ok([projectRole, acmeAdmin]), ok(tenants))
      expect(projectMissed.status).to.equal('fail')
      expect(projectMissed.detail).to.match(/includeProjectRoles left out project roles that role\/all lists: Viewer/)
    })

    it('fails when role/search fails, by HTTP error or network failure, or a list cannot be read', async () => {
      nock(BASE).post('/v1/mgmt/role/search').reply(400, {errorCode: 'E011003', errorDescription: 'Invalid request'})
      const refused = await probeTenantRoles(doctorClient(), ok([projectRole]), ok(tenants))
      expect(refused.status).to.equal('fail')
      expect(refused.detail).to.match(/^role\/search failed \(HTTP 400 E011003\)/)
      nock(BASE).post('/v1/mgmt/role/search').replyWithError(networkError('ECONNRESET'))
      const network = await probeTenantRoles(doctorClient(), ok([projectRole]), ok(tenants))
      expect(network.status).to.equal('fail')
      expect(network.detail).to.match(/^role\/search failed \(no answer\).*ECONNRESET/)
      expect((await probeTenantRoles(doctorClient(), failed(new Error('x')), ok(tenants))).status).to.equal('fail')
    })
  })

  describe('not found', () => {
    const id = 'Tdoctorprobe0000'
    const load = () => nock(BASE).get('/v1/mgmt/tenant').query({id})

    it('passes on a 400 in Descope\'s shape whose text says not found, and records its shape', async () => {
      load().reply(400, {errorCode: 'E011004', errorDescription: 'Tenant not found'})
      const result = await probeNotFound(doctorClient(), id)
      expect(result.status).to.equal('pass')
      expect(result.detail).to.equal('HTTP 400 E011004 "Tenant not found": read as not found')
      expect(result.facts).to.deep.equal({
        errorCode: 'E011004', errorDescription: 'Tenant not found', readAsNotFound: true, status: 400,
      })
    })

    it('passes on a 404 with a Descope error body', async () => {
      load().reply(404, {errorCode: 'E011404', errorDescription: 'Not found', errorMessage: `Tenant "${id}" does not exist`})
      expect((await probeNotFound(doctorClient(), id)).status).to.equal('pass')
    })

    it('fails on an HTML 404: not Descope\'s answer', async () => {
      load().reply(404, '<html><body>Not Found</body></html>', {'content-type': 'text/html'})
      const result = await probeNotFound(doctorClient(), id)
      expect(result.status).to.equal('fail')
      expect(result.detail).to.match(/^HTTP 404 without Descope's error body \(no errorCode\)/)
      expect(result.facts.errorCode).to.equal(null)
    })

    it('fails on an answer the tool does not read as not found', async () => {
      load().reply(400, {errorCode: 'E011003', errorDescription: 'Invalid request'})
      const result = await probeNotFound(doctorClient(), id)
      expect(result.status).to.equal('fail')
      expect(result.facts.readAsNotFound).to.equal(false)
      expect(result.detail).to.match(/^HTTP 400 E011003 "Invalid request": not read as not found/)
    })

    it('fails on a 200 for a tenant that cannot exist, and on a network failure', async () => {
      load().reply(200, {id, name: 'Ghost'})
      expect((await probeNotFound(doctorClient(), id)).detail).to.match(/answered HTTP 200 for a tenant that cannot exist/)
      load().replyWithError(networkError('ECONNRESET'))
      const network = await probeNotFound(doctorClient(), id)
      expect(network.status).to.equal('fail')
      expect(network.detail).to.match(/^no answer: .*ECONNRESET/)
    })

    it('asks for a new random id each time', async () => {
      const ids: string[] = []
      nock(BASE).get('/v1/mgmt/tenant').query(query => {
        ids.push(String(query.id))
        return true
      }).times(2).reply(400, {errorCode: 'E011004', errorDescription: 'Tenant not found'})
      await probeNotFound(doctorClient())
      await probeNotFound(doctorClient())
      expect(ids).to.have.length(2)
      expect(ids[0]).to.match(/^Tdoctorprobe[0-9a-f]{20}$/)
      expect(ids[0]).not.to.equal(ids[1])
    })
  })

  describe('parent in tenant/all', () => {
    it('passes when a sub-tenant carries parent (no request)', async () => {
      const result = await probeTenantParent(doctorClient(), ok([{id: 'acme', name: 'Acme', parent: ''}, {id: 'acme-eu', name: 'Acme EU', parent: 'acme'}]))
      expect(result.status).to.equal('pass')
      expect(result.detail).to.equal('tenant/all carries parent: 1 sub-tenant (e.g. acme-eu under acme)')
    })

    it('fails when a tenant lists successors but none carries parent', async () => {
      const result = await probeTenantParent(doctorClient(), ok([{id: 'acme', name: 'Acme', successors: ['acme-eu']}, {id: 'acme-eu', name: 'Acme EU'}]))
      expect(result.status).to.equal('fail')
      expect(result.facts.tenantAllCarriesParent).to.equal(false)
    })

    it('fails when tenant/search {topLevelOnly} leaves tenants out while none carries parent', async () => {
      const scope = nock(BASE).post('/v1/mgmt/tenant/search', {topLevelOnly: true}).reply(200, {tenants: [{id: 'acme', name: 'Acme'}]})
      const result = await probeTenantParent(doctorClient(), ok([{id: 'acme', name: 'Acme'}, {id: 'acme-eu', name: 'Acme EU'}]))
      expect(scope.isDone()).to.equal(true)
      expect(result.status).to.equal('fail')
      expect(result.detail).to.match(/leaves out 1 tenant \(e\.g\. acme-eu\), yet none carries parent/)
    })

    it('is unknown with fewer than 2 tenants, when every tenant is top-level, and when the search fails', async () => {
      expect((await probeTenantParent(doctorClient(), ok([{id: 'acme', name: 'Acme'}]))).status).to.equal('unknown')
      const two = [{id: 'acme', name: 'Acme'}, {id: 'beta', name: 'Beta'}]
      nock(BASE).post('/v1/mgmt/tenant/search').reply(200, {tenants: two})
      const topLevel = await probeTenantParent(doctorClient(), ok(two))
      expect(topLevel.status).to.equal('unknown')
      expect(topLevel.detail).to.match(/create a sub-tenant to check/)
      nock(BASE).post('/v1/mgmt/tenant/search').replyWithError(networkError('ECONNRESET'))
      const network = await probeTenantParent(doctorClient(), ok(two))
      expect(network.status).to.equal('unknown')
      expect(network.detail).to.match(/failed \(no answer\)/)
    })

    it('fails when tenant/all could not be read', async () => {
      expect((await probeTenantParent(doctorClient(), failed(new Error('boom')))).detail).to.equal('could not read the tenants (tenant/all): boom')
    })
  })

  describe('runDoctor', () => {
    const connection = (): Connection => ({
      baseUrl: BASE,
      client: doctorClient({licenseHandshake: true}),
      async close() {},
      coordination: {kind: 'local', lockTtlMs: 30_000, stateDir: '/nonexistent/coordination'},
      emulator: false,
      projectId: PROJECT,
      sources: {
        baseUrl: {kind: 'env', variable: 'DESCOPE_BASE_URL'},
        managementKey: {kind: 'env', variable: 'DESCOPE_MANAGEMENT_KEY'},
        projectId: {kind: 'env', variable: 'DESCOPE_PROJECT_ID'},
      },
    })

    it('passes every check of a healthy project in at most 10 requests, the handshake included', async () => {
      let requests = 0
      const scope = nock(BASE)
      .get('/v1/mgmt/license')
      .times(2)
      .reply(200, {rateLimitTier: 'tier1'}, {Date: new Date().toUTCString()})
      .get('/v1/mgmt/permission/all')
      .reply(200, {permissions: builtInPermissions})
      .get('/v1/mgmt/role/all')
      .reply(200, {roles: [tenantAdmin, {name: 'Admin', tenantId: 'acme'}]})
      .get('/v1/mgmt/tenant/all')
      .reply(200, {tenants: [{id: 'acme', name: 'Acme', parent: ''}, {id: 'acme-eu', name: 'Acme EU', parent: 'acme'}]})
      .post('/v1/mgmt/role/search')
      .reply(200, {roles: [tenantAdmin, {name: 'Admin', tenantId: 'acme'}]})
      .get('/v1/mgmt/tenant')
      .query(true)
      .reply(400, {errorCode: 'E011004', errorDescription: 'Tenant not found'})
      scope.on('request', () => requests++)
      const report = await runDoctor({connection: connection()})
      expect(scope.pendingMocks()).to.deep.equal([])
      expect(report.checks.filter(result => result.status !== 'pass').map(result => `${result.id}: ${result.detail}`)).to.deep.equal([])
      expect(report.checks.map(result => result.id)).to.deep.equal([...CHECK_IDS])
      expect(report).to.deep.include({ok: true, summary: {fail: 0, pass: 9, unknown: 0}})
      expect(requests).to.equal(7)
      expect(report.checks[0].detail).to.equal([
        'no configuration file',
        `project ${PROJECT} (env var DESCOPE_PROJECT_ID)`,
        'management key from env var DESCOPE_MANAGEMENT_KEY (not shown)',
        `API ${BASE} (env var DESCOPE_BASE_URL)`,
      ].join('; '))
      expect(JSON.stringify(report)).not.to.include(KEY)
    })

    it('skips the project checks when the key is refused', async () => {
      nock(BASE)
      .get('/v1/mgmt/license')
      .times(2)
      .reply(200, {rateLimitTier: 'tier1'})
      .get('/v1/mgmt/permission/all')
      .reply(401, {errorCode: 'E011401', errorDescription: 'Unauthorized'})
      const report = await runDoctor({connection: connection()})
      expect(report.ok).to.equal(false)
      const statuses = Object.fromEntries(report.checks.map(result => [result.id, result.status]))
      expect(statuses).to.deep.include({key: 'fail', 'not-found': 'unknown', reachable: 'pass'})
      expect(report.checks.find(result => result.id === 'built-ins')?.detail).to.equal('skipped: the management key was not accepted')
      expect(nock.pendingMocks()).to.deep.equal([])
    })

    it('skips everything after an unreachable API, sending nothing more', async () => {
      const scope = nock(BASE).get('/v1/mgmt/license').times(2).replyWithError(networkError('ECONNREFUSED'))
      const report = await runDoctor({connection: connection()})
      expect(scope.isDone()).to.equal(true)
      expect(report.summary).to.deep.equal({fail: 1, pass: 1, unknown: 7})
      expect(report.checks.find(result => result.id === 'key')?.detail).to.equal('skipped: the API did not answer')
    })

    it('fails the credentials check and skips the rest when there is no connection', async () => {
      const report = await runDoctor({error: new AuthError('No Descope management key: looked for env var DESCOPE_MANAGEMENT_KEY.')})
      expect(report.ok).to.equal(false)
      expect(report.checks[0]).to.include({detail: 'No Descope management key: looked for env var DESCOPE_MANAGEMENT_KEY.', id: 'credentials', status: 'fail'})
      expect(report.checks.slice(1).every(result => result.status === 'unknown' && result.detail === 'skipped: no connection')).to.equal(true)
    })
  })
})
