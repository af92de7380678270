import {expect} from 'chai'
import nock from 'nock'

import {buildPlan, fingerprintLive} from '../../../src/lib/plan/build.js'
import {tenantItem, tenantsKind} from '../../../src/lib/resources/tenants.js'
import {BASE, resetApiState, testClient} from '../api/fixtures.js'

const liveTenant = {
  authType: 'saml',
  createdTime: 1_700_000_000,
  customAttributes: {plan: 'gold'},
  disabled: false,
  domains: ['sso.acme.com'],
  enforceSSO: true,
  enforceSSOExclusions: ['admin@acme.com'],
  federatedAppIds: ['app1', 'app2'],
  id: 'acme',
  name: 'Acme',
  parent: 'holding',
  roleInheritance: 'userOnly' as const,
  selfProvisioningDomains: ['acme.com'],
  successors: [],
}

describe('resource kinds: tenants carry what the tool does not manage', () => {
  beforeEach(() => resetApiState())

  afterEach(() => resetApiState())

  it('passes through exactly the unmanaged fields of Descope\'s UpdateTenantRequest', () => {
    expect([...tenantsKind.passthroughFields].sort()).to.deep.equal(['authType', 'federatedAppIds'])
    for (const field of tenantsKind.passthroughFields) expect(tenantsKind.managedFields).to.not.include(field)
  })

  it('readLive: the managed fields, and the passthrough fields apart', async () => {
    nock(BASE).get('/v1/mgmt/tenant/all').reply(200, {tenants: [liveTenant, {id: 'bare', name: 'Bare'}]})
    const [acme, bare] = await tenantsKind.readLive(testClient())
    expect(acme.passthrough).to.deep.equal({authType: 'saml', federatedAppIds: ['app1', 'app2']})
    expect(acme.fields).to.not.have.any.keys('authType', 'federatedAppIds', 'domains', 'createdTime', 'successors')
    expect(acme.fields.name).to.equal('Acme')
    expect(bare).to.not.have.property('passthrough')
  })

  it('readLive streams the answer into items: the same items as from the answer read whole, and the same refusal of a bad one', async () => {
    const answer = {tenants: [liveTenant, {id: 'bare', name: 'Bare'}, {id: 'odd', selfProvisioningDomains: ['B.com', 'a.com', 'b.com']}], total: 3}
    nock(BASE).get('/v1/mgmt/tenant/all').reply(200, answer)
    const streamed = await tenantsKind.readLive(testClient())
    const client = testClient()
    nock(BASE).get('/v1/mgmt/tenant/all').reply(200, answer)
    // A client without requestList (a test double, a plugin's) reads the answer whole.
    const whole = await tenantsKind.readLive({baseUrl: client.baseUrl, projectId: client.projectId, request: client.request})
    expect(streamed).to.deep.equal(whole).and.deep.equal(answer.tenants.map(tenant => tenantItem(tenant)))

    nock(BASE).get('/v1/mgmt/tenant/all').reply(200, {tenants: {id: 'acme'}})
    const error = await tenantsKind.readLive(testClient()).then(() => null, (error_: Error) => error_)
    expect(error?.message).to.include('"tenants" is not a list')
  })

  it('copies the passthrough fields and defaults it keeps, not sharing them with the answer', () => {
    const answer = {...liveTenant, customAttributes: undefined, federatedAppIds: ['app1']}
    const item = tenantItem(answer)
    expect(item.passthrough).to.deep.equal({authType: 'saml', federatedAppIds: ['app1']})
    expect(item.passthrough!.federatedAppIds).to.not.equal(answer.federatedAppIds)
    expect(item.fields.customAttributes).to.deep.equal({})
    expect(item.fields.customAttributes).to.not.equal(tenantsKind.defaults.customAttributes)
  })

  it('desired items never carry passthrough fields', () => {
    expect(tenantItem({federatedAppIds: ['x'], id: 'acme', name: 'Acme'}, true)).to.deep.equal({fields: {name: 'Acme'}, key: 'acme', kind: 'tenant'})
  })

  it('plans and fingerprints ignore the passthrough fields', () => {
    const live = tenantItem(liveTenant)
    const desired = tenantItem({id: 'acme', name: 'Acme'}, true)
    const other = {...live, passthrough: {authType: 'oidc', federatedAppIds: []}}
    const plan = (items: typeof live[]) => buildPlan({
      desired: [desired], kinds: [tenantsKind], live: items, projectId: 'P1', prune: false, tool: 'test',
    })
    expect(plan([live]).changes).to.deep.equal([])
    expect(fingerprintLive([live], ['tenant'])).to.equal(fingerprintLive([other], ['tenant']))
  })

  it('update: sends the live passthrough fields and every managed field, with the desired ones on top', async () => {
    const scope = nock(BASE)
    .post('/v1/mgmt/tenant/update', {
      authType: 'saml',
      customAttributes: {plan: 'gold'},
      disabled: false,
      enforceSSO: true,
      enforceSSOExclusions: ['admin@acme.com'],
      federatedAppIds: ['app1', 'app2'],
      id: 'acme',
      name: 'Acme Corp',
      roleInheritance: 'userOnly',
      selfProvisioningDomains: ['acme.com'],
    })
    .reply(200, {})
    await tenantsKind.update(testClient(), tenantItem({id: 'acme', name: 'Acme Corp'}, true), tenantItem(liveTenant))
    expect(scope.isDone()).to.equal(true)
  })

  it('create: sends the passthrough fields the desired item carries (a restored backup\'s)', async () => {
    const scope = nock(BASE)
    .post('/v1/mgmt/tenant/create', body => body.federatedAppIds?.[0] === 'app1' && body.authType === 'saml' && body.parent === 'holding' && body.name === 'Acme')
    .reply(200, {id: 'acme'})
    .post('/v1/mgmt/tenant/create', body => !('federatedAppIds' in body) && !('authType' in body))
    .reply(200, {id: 'plain'})
    expect(await tenantsKind.create(testClient(), tenantItem(liveTenant))).to.equal('acme')
    expect(await tenantsKind.create(testClient(), tenantItem({id: 'plain', name: 'Plain'}, true))).to.equal('plain')
    expect(scope.isDone()).to.equal(true)
  })

  it('a create planned from items with passthrough fields carries them in the change', () => {
    const plan = buildPlan({
      desired: [tenantItem(liveTenant)], kinds: [tenantsKind], live: [], projectId: 'P1', prune: false, tool: 'test',
    })
    expect(plan.changes[0]).to.deep.include({action: 'create', passthrough: {authType: 'saml', federatedAppIds: ['app1', 'app2']}})
    expect(plan.changes[0].fields.map(field => field.path)).to.not.include('federatedAppIds')
  })
})
