import {expect} from 'chai'
import nock from 'nock'

import type {Tenant, TenantCreateRequest} from '../../../src/lib/api/types.js'

import {isAlreadyExists} from '../../../src/lib/api/errors.js'
import {
  createTenant,
  deleteTenant,
  loadAllTenants,
  loadTenant,
  searchTenants,
  tenantMatchesRequest,
  updateTenant,
} from '../../../src/lib/api/tenants.js'
import {DescopeApiError} from '../../../src/lib/errors.js'
import {
  BASE, failure, resetApiState, testClient,
} from './fixtures.js'

const acme: Tenant = {
  createdTime: 1_726_067_547,
  customAttributes: {plan: 'gold', seats: 10},
  id: 'acme',
  name: 'Acme',
  selfProvisioningDomains: ['acme.com'],
}

describe('api tenants', () => {
  beforeEach(() => resetApiState())

  afterEach(() => resetApiState())

  describe('createTenant', () => {
    it('sends the wire fields and returns the id', async () => {
      const req: TenantCreateRequest = {
        customAttributes: {plan: 'gold'},
        disabled: false,
        enforceSSO: true,
        id: 'acme',
        name: 'Acme',
        parent: 'root',
        roleInheritance: 'userOnly',
        selfProvisioningDomains: ['acme.com'],
      }
      const scope = nock(BASE).post('/v1/mgmt/tenant/create', {...req}).reply(200, {id: 'acme'})
      expect(await createTenant(testClient(), req)).to.deep.equal({id: 'acme'})
      expect(scope.isDone()).to.equal(true)
    })

    it('leaves out an empty id so that Descope generates one', async () => {
      const scope = nock(BASE)
      .post('/v1/mgmt/tenant/create', body => !('id' in body) && body.name === 'Gen')
      .twice()
      .reply(200, {id: 'T2abc'})
      expect(await createTenant(testClient(), {id: '', name: 'Gen'})).to.deep.equal({id: 'T2abc'})
      expect(await createTenant(testClient(), {name: 'Gen'})).to.deep.equal({id: 'T2abc'})
      expect(scope.isDone()).to.equal(true)
    })

    it('accepts {tenantId} and an empty body when the id was given', async () => {
      nock(BASE).post('/v1/mgmt/tenant/create').reply(200, {tenantId: 'x1'}).post('/v1/mgmt/tenant/create').reply(200, '')
      expect(await createTenant(testClient(), {name: 'X'})).to.deep.equal({id: 'x1'})
      expect(await createTenant(testClient(), {id: 'given', name: 'Y'})).to.deep.equal({id: 'given'})
      nock(BASE).post('/v1/mgmt/tenant/create').reply(200, {})
      const err = await failure(createTenant(testClient(), {name: 'Z'}))
      expect(err.code).to.equal('invalid_response')
    })

    it('a first-attempt "already exists" is a real error (no load)', async () => {
      const scope = nock(BASE).post('/v1/mgmt/tenant/create').reply(409, {errorCode: 'E011409', errorDescription: 'Tenant already exists'})
      const err = await failure(createTenant(testClient(), {id: 'acme', name: 'Acme'}))
      expect(isAlreadyExists(err)).to.equal(true)
      expect((err as unknown as DescopeApiError).details.retryCount).to.equal(0)
      expect(scope.isDone()).to.equal(true)
    })

    it('a retried create answered "already exists" succeeds when the tenant matches', async () => {
      const scope = nock(BASE)
      .post('/v1/mgmt/tenant/create')
      .reply(503)
      .post('/v1/mgmt/tenant/create')
      .reply(400, {errorCode: 'E011409', errorDescription: 'Tenant already exists'})
      .get('/v1/mgmt/tenant')
      .query({id: 'acme'})
      // The server returns defaults the request left out, and lower-cases domains.
      .reply(200, {
        ...acme, disabled: false, enforceSSO: false, enforceSSOExclusions: [], roleInheritance: '',
      })
      const req = {
        customAttributes: {plan: 'gold', seats: 10}, id: 'acme', name: 'Acme', selfProvisioningDomains: ['ACME.com'],
      }
      expect(await createTenant(testClient(), req)).to.deep.equal({id: 'acme'})
      expect(scope.isDone()).to.equal(true)
    })

    it('a retried create answered "already exists" fails when the tenant differs', async () => {
      nock(BASE)
      .post('/v1/mgmt/tenant/create')
      .replyWithError(Object.assign(new Error('reset'), {code: 'ECONNRESET', errno: -104}))
      .post('/v1/mgmt/tenant/create')
      .reply(400, {errorCode: 'E011003', errorDescription: 'Tenant with this ID already exists'})
      .get('/v1/mgmt/tenant')
      .query({id: 'acme'})
      .reply(200, {tenant: {...acme, name: 'Acme Corp'}})
      const err = await failure(createTenant(testClient(), {
        customAttributes: {plan: 'gold', seats: 10}, id: 'acme', name: 'Acme', selfProvisioningDomains: ['acme.com'],
      }))
      expect(isAlreadyExists(err)).to.equal(true)
      expect((err as unknown as DescopeApiError).details).to.include({retryCount: 1, status: 400})
    })

    it('a retried create without id finds the tenant by name', async () => {
      const scope = nock(BASE)
      .post('/v1/mgmt/tenant/create')
      .reply(520)
      .post('/v1/mgmt/tenant/create')
      .reply(409, {errorCode: 'E011409', errorDescription: 'Tenant already exists'})
      .post('/v1/mgmt/tenant/search', {tenantNames: ['Acme']})
      .reply(200, {tenants: [{id: 'T2gen', name: 'Acme'}]})
      expect(await createTenant(testClient(), {name: 'Acme'})).to.deep.equal({id: 'T2gen'})
      expect(scope.isDone()).to.equal(true)
    })

    it('a retried create answered by a 404 or 409 without a Descope body is an error, with no look-up', async () => {
      for (const [status, body] of [[404, '<html><body>Not Found</body></html>'], [409, '{}']] as const) {
        const scope = nock(BASE).post('/v1/mgmt/tenant/create').reply(503).post('/v1/mgmt/tenant/create').reply(status, body)
        const err = await failure(createTenant(testClient(), {id: 'acme', name: 'Acme'}))
        expect(isAlreadyExists(err), String(status)).to.equal(false)
        expect((err as unknown as DescopeApiError).details, String(status)).to.include({retryCount: 1, status})
        expect(scope.isDone()).to.equal(true)
      }
    })

    it('a retried create keeps the original error when the check itself fails', async () => {
      nock(BASE)
      .post('/v1/mgmt/tenant/create')
      .reply(503)
      .post('/v1/mgmt/tenant/create')
      .reply(409, {errorCode: 'E011409', errorDescription: 'Tenant already exists'})
      .get('/v1/mgmt/tenant')
      .query({id: 'acme'})
      .reply(404, {})
      const err = await failure(createTenant(testClient(), {id: 'acme', name: 'Acme'}))
      expect((err as unknown as DescopeApiError).status).to.equal(409)
    })
  })

  it('updateTenant sends the whole tenant', async () => {
    const req = {
      customAttributes: {plan: 'free'}, enforceSSO: false, id: 'acme', name: 'Acme 2', selfProvisioningDomains: [],
    }
    const scope = nock(BASE).post('/v1/mgmt/tenant/update', req).reply(200, {})
    await updateTenant(testClient(), req)
    expect(scope.isDone()).to.equal(true)
  })

  it('deleteTenant sends id and cascade (false by default)', async () => {
    const scope = nock(BASE)
    .post('/v1/mgmt/tenant/delete', {cascade: true, id: 'acme'})
    .reply(200, {})
    .post('/v1/mgmt/tenant/delete', {cascade: false, id: 'beta'})
    .reply(200)
    await deleteTenant(testClient(), 'acme', {cascade: true})
    await deleteTenant(testClient(), 'beta')
    expect(scope.isDone()).to.equal(true)
  })

  describe('loadTenant', () => {
    it('reads a flat body', async () => {
      nock(BASE).get('/v1/mgmt/tenant').query({id: 'acme'}).reply(200, acme)
      expect(await loadTenant(testClient(), 'acme')).to.deep.equal(acme)
    })

    it('reads a {tenant} body', async () => {
      nock(BASE).get('/v1/mgmt/tenant').query({id: 'acme'}).reply(200, {tenant: acme})
      expect(await loadTenant(testClient(), 'acme')).to.deep.equal(acme)
    })

    it('fills a missing id and rejects a body without a tenant', async () => {
      nock(BASE).get('/v1/mgmt/tenant').query({id: 'acme'}).reply(200, {name: 'Acme'})
      expect(await loadTenant(testClient(), 'acme')).to.deep.equal({id: 'acme', name: 'Acme'})
      nock(BASE).get('/v1/mgmt/tenant').query({id: 'acme'}).reply(200, '')
      const err = await failure(loadTenant(testClient(), 'acme'))
      expect(err).to.be.instanceOf(DescopeApiError)
      expect(err.code).to.equal('invalid_response')
    })

    it('lets a 404 through as a not-found DescopeApiError', async () => {
      nock(BASE).get('/v1/mgmt/tenant').query({id: 'nope'}).reply(404, {errorCode: 'E011404', errorDescription: 'Tenant not found'})
      const err = await failure(loadTenant(testClient(), 'nope'))
      expect((err as unknown as DescopeApiError).details).to.include({errorCode: 'E011404', path: '/v1/mgmt/tenant', status: 404})
    })
  })

  it('loadAllTenants maps {tenants} and tolerates an empty body', async () => {
    nock(BASE).get('/v1/mgmt/tenant/all').reply(200, {tenants: [acme, {id: 'b', name: 'B'}]})
    expect(await loadAllTenants(testClient())).to.deep.equal([acme, {id: 'b', name: 'B'}])
    nock(BASE).get('/v1/mgmt/tenant/all').reply(200, {})
    expect(await loadAllTenants(testClient())).to.deep.equal([])
    nock(BASE).get('/v1/mgmt/tenant/all').reply(200, {tenants: 'oops'})
    expect((await failure(loadAllTenants(testClient()))).code).to.equal('invalid_response')
  })

  it('searchTenants sends the wire fields and maps {tenants}', async () => {
    const req = {
      customAttributes: {plan: 'gold'}, parentTenantId: 'root', tenantIds: ['acme'], tenantNames: ['Acme'], tenantSelfProvisioningDomains: ['acme.com'],
    }
    nock(BASE).post('/v1/mgmt/tenant/search', req).reply(200, {tenants: [acme]})
    expect(await searchTenants(testClient(), req)).to.deep.equal([acme])
    nock(BASE).post('/v1/mgmt/tenant/search', {}).reply(200, '')
    expect(await searchTenants(testClient())).to.deep.equal([])
  })

  describe('tenantMatchesRequest', () => {
    it('treats missing, empty and false as the same default', () => {
      expect(tenantMatchesRequest({id: 'a', name: 'A'}, {id: 'a', name: 'A'})).to.equal(true)
      expect(tenantMatchesRequest(
        {
          customAttributes: {}, disabled: false, enforceSSO: false, enforceSSOExclusions: [], id: 'a', name: 'A', parent: '', roleInheritance: '', selfProvisioningDomains: [],
        },
        {id: 'a', name: 'A'},
      )).to.equal(true)
      expect(tenantMatchesRequest({customAttributes: {x: null}, id: 'a', name: 'A'}, {customAttributes: {}, id: 'a', name: 'A'})).to.equal(true)
      expect(tenantMatchesRequest({id: 'a', name: 'A'}, {
        disabled: false, enforceSSO: false, id: '', name: 'A', selfProvisioningDomains: [],
      })).to.equal(true)
    })

    it('compares domains and list attributes regardless of order, domains regardless of case', () => {
      const tenant: Tenant = {
        customAttributes: {regions: ['eu', 'us']}, id: 'a', name: 'A', selfProvisioningDomains: ['b.com', 'a.com'],
      }
      expect(tenantMatchesRequest(tenant, {customAttributes: {regions: ['us', 'eu']}, name: 'A', selfProvisioningDomains: ['A.com', 'b.com']})).to.equal(true)
    })

    it('sees real differences', () => {
      const base: Tenant = {
        customAttributes: {seats: 10}, id: 'a', name: 'A', selfProvisioningDomains: ['a.com'],
      }
      const req = {
        customAttributes: {seats: 10}, id: 'a', name: 'A', selfProvisioningDomains: ['a.com'],
      }
      expect(tenantMatchesRequest(base, req)).to.equal(true)
      expect(tenantMatchesRequest({...base, name: 'B'}, req)).to.equal(false)
      expect(tenantMatchesRequest({...base, id: 'b'}, req)).to.equal(false)
      expect(tenantMatchesRequest({...base, selfProvisioningDomains: []}, req)).to.equal(false)
      expect(tenantMatchesRequest({...base, customAttributes: {seats: '10'}}, req)).to.equal(false)
      expect(tenantMatchesRequest({...base, customAttributes: {seats: 10, extra: 'x'}}, req)).to.equal(false)
      expect(tenantMatchesRequest({...base, disabled: true}, req)).to.equal(false)
      expect(tenantMatchesRequest({...base, enforceSSO: true}, req)).to.equal(false)
      expect(tenantMatchesRequest({...base, roleInheritance: 'none'}, req)).to.equal(false)
      expect(tenantMatchesRequest({...base, parent: 'p'}, req)).to.equal(false)
    })
  })
})
