import {expect} from 'chai'

import {
  Conformance, dataOf, expectFailure, seconds,
} from './sdk.js'

/** Wire fields that node-sdk's `Tenant` type does not declare (reference §2.1). */
type WireTenant = {parent?: string; successors?: string[]; roleInheritance?: string; enforceSSOExclusions?: string[]; federatedAppIds?: string[]}

describe('conformance: tenants through @descope/node-sdk', () => {
  const sdk = new Conformance()

  before(() => sdk.start())

  beforeEach(() => sdk.reset())

  after(() => sdk.stop())

  it('create → load: every field as sent, createdTime in epoch seconds', async () => {
    const {id} = dataOf(await sdk.management.tenant.create('Acme', ['acme.com', 'acme.io'], {tier: 'gold', seats: 25, beta: true}, true, false))
    expect(id).to.match(/^T[A-Za-z0-9]{27}$/)

    const tenant = dataOf(await sdk.management.tenant.load(id))
    expect(tenant.id).to.equal(id)
    expect(tenant.name).to.equal('Acme')
    expect(tenant.selfProvisioningDomains).to.deep.equal(['acme.com', 'acme.io'])
    expect(tenant.customAttributes).to.deep.equal({tier: 'gold', seats: 25, beta: true})
    expect(tenant.enforceSSO).to.equal(true)
    expect(tenant.disabled).to.equal(false)
    expect(tenant.authType).to.equal('none')
    expect(tenant.domains).to.deep.equal([])
    expect(tenant.defaultRoles).to.deep.equal([])
    expect(tenant.createdTime).to.be.a('number')
    expect(Number.isInteger(tenant.createdTime)).to.equal(true)
    expect(tenant.createdTime).to.equal(seconds(sdk.clock.now))
    const wire = tenant as WireTenant
    expect(wire.parent).to.equal('')
    expect(wire.successors).to.deep.equal([])
    expect(wire.roleInheritance).to.equal('')
  })

  it('createWithId keeps the id; a sub-tenant names its parent and appears in its successors', async () => {
    expect(dataOf(await sdk.management.tenant.createWithId('acme', 'Acme'))).to.deep.equal({id: 'acme'})
    dataOf(await sdk.management.tenant.createWithId('acme-eu', 'Acme EU', ['eu.acme.com'], undefined, false, true, 'acme', 'userOnly'))

    const child = dataOf(await sdk.management.tenant.load('acme-eu')) as WireTenant & {disabled?: boolean}
    expect(child.parent).to.equal('acme')
    expect(child.roleInheritance).to.equal('userOnly')
    expect(child.disabled).to.equal(true)
    expect((dataOf(await sdk.management.tenant.load('acme')) as WireTenant).successors).to.deep.equal(['acme-eu'])

    expectFailure(await sdk.management.tenant.createWithId('acme', 'Another'), 400, 'E011409')
    expectFailure(await sdk.management.tenant.create('Acme'), 400, 'E011409', /Acme/)
    expectFailure(await sdk.management.tenant.createWithId('orphan', 'Orphan', [], {}, false, false, 'no-such-parent'), 400, 'E011404')
  })

  it('update overrides every field it sends, and clears the ones it leaves out', async () => {
    dataOf(await sdk.management.tenant.createWithId('acme', 'Acme', ['acme.com'], {tier: 'gold'}, true, false))
    dataOf(await sdk.management.tenant.update('acme', 'Acme Inc', ['acme.org'], {tier: 'platinum'}, false, true, 'none'))
    let tenant = dataOf(await sdk.management.tenant.load('acme'))
    expect(tenant.name).to.equal('Acme Inc')
    expect(tenant.selfProvisioningDomains).to.deep.equal(['acme.org'])
    expect(tenant.customAttributes).to.deep.equal({tier: 'platinum'})
    expect(tenant.enforceSSO).to.equal(false)
    expect(tenant.disabled).to.equal(true)
    expect((tenant as WireTenant).roleInheritance).to.equal('none')
    expect(tenant.createdTime).to.equal(seconds(sdk.clock.now))

    dataOf(await sdk.management.tenant.update('acme', 'Acme Inc'))
    tenant = dataOf(await sdk.management.tenant.load('acme'))
    expect(tenant.selfProvisioningDomains).to.deep.equal([])
    expect(tenant.customAttributes).to.deep.equal({})
    expect(tenant.disabled).to.equal(false)

    expectFailure(await sdk.management.tenant.update('missing', 'X'), 400, 'E011404')
    expectFailure(await sdk.management.tenant.update('acme', ''), 400, 'E011002', /name/)
  })

  it('updateDefaultRoles sets project roles as the tenant default roles', async () => {
    dataOf(await sdk.management.tenant.createWithId('acme', 'Acme'))
    dataOf(await sdk.management.role.create('Viewer'))
    dataOf(await sdk.management.tenant.updateDefaultRoles('acme', ['Viewer']))
    expect(dataOf(await sdk.management.tenant.load('acme')).defaultRoles).to.deep.equal(['Viewer'])
    expectFailure(await sdk.management.tenant.updateDefaultRoles('acme', ['Unknown']), 400, 'E011003', /Unknown/)
  })

  it('loadAll returns every tenant', async () => {
    dataOf(await sdk.management.tenant.createWithId('t1', 'One'))
    dataOf(await sdk.management.tenant.createWithId('t2', 'Two'))
    const tenants = dataOf(await sdk.management.tenant.loadAll())
    expect(tenants.map(tenant => tenant.id).sort()).to.deep.equal(['t1', 't2'])
    expect(tenants.find(tenant => tenant.id === 't2')?.name).to.equal('Two')
  })

  it('searchAll filters by ids, names, self-provisioning domains, custom attributes and parent', async () => {
    dataOf(await sdk.management.tenant.createWithId('acme', 'Acme', ['acme.com'], {tier: 'gold'}))
    dataOf(await sdk.management.tenant.createWithId('globex', 'Globex', ['globex.com'], {tier: 'silver'}))
    dataOf(await sdk.management.tenant.createWithId('acme-eu', 'Acme EU', [], {tier: 'gold'}, false, false, 'acme'))
    const ids = async (...args: Parameters<typeof sdk.management.tenant.searchAll>) =>
      dataOf(await sdk.management.tenant.searchAll(...args))
      .map(tenant => tenant.id)
      .sort()

    expect(await ids()).to.deep.equal(['acme', 'acme-eu', 'globex'])
    expect(await ids(['globex', 'nope'])).to.deep.equal(['globex'])
    expect(await ids(undefined, ['Acme EU'])).to.deep.equal(['acme-eu'])
    expect(await ids(undefined, undefined, ['acme.com'])).to.deep.equal(['acme'])
    expect(await ids(undefined, undefined, undefined, {tier: 'gold'})).to.deep.equal(['acme', 'acme-eu'])
    expect(await ids(undefined, undefined, undefined, undefined, 'acme')).to.deep.equal(['acme-eu'])
    expect(await ids(['acme', 'globex'], undefined, undefined, {tier: 'gold'})).to.deep.equal(['acme'])
  })

  it('configureSettings then getSettings', async () => {
    dataOf(await sdk.management.tenant.createWithId('acme', 'Acme', ['acme.com']))
    let settings = dataOf(await sdk.management.tenant.getSettings('acme'))
    expect(settings.selfProvisioningDomains).to.deep.equal(['acme.com'])

    dataOf(await sdk.management.tenant.configureSettings('acme', {
      domains: ['sso.acme.com'],
      enabled: true,
      enableInactivity: true,
      InactivityTime: 30,
      InactivityTimeUnit: 'minutes',
      JITDisabled: true,
      refreshTokenExpiration: 4,
      refreshTokenExpirationUnit: 'weeks',
      selfProvisioningDomains: ['acme.net'],
      sessionTokenExpiration: 10,
      sessionTokenExpirationUnit: 'minutes',
    }))
    settings = dataOf(await sdk.management.tenant.getSettings('acme'))
    expect(settings.selfProvisioningDomains).to.deep.equal(['acme.net'])
    expect(settings.domains).to.deep.equal(['sso.acme.com'])
    expect(settings.enabled).to.equal(true)
    expect(settings.enableInactivity).to.equal(true)
    expect(settings.JITDisabled).to.equal(true)
    expect(settings.refreshTokenExpiration).to.equal(4)
    expect(settings.refreshTokenExpirationUnit).to.equal('weeks')
    expect(settings.sessionTokenExpiration).to.equal(10)
    expect(settings.sessionTokenExpirationUnit).to.equal('minutes')
    // node-sdk sends and types `InactivityTime` (capital I); the wire name everywhere else is
    // `inactivityTime`, which is what the emulator answers (reference §2.1): the typed field is empty.
    const wire = settings as {inactivityTime?: number; inactivityTimeUnit?: string}
    expect(wire.inactivityTime).to.equal(30)
    expect(wire.inactivityTimeUnit).to.equal('minutes')
    expect(settings.InactivityTime).to.equal(undefined)
    // The tenant itself shows the domains configured through settings.
    expect(dataOf(await sdk.management.tenant.load('acme')).selfProvisioningDomains).to.deep.equal(['acme.net'])

    expectFailure(await sdk.management.tenant.getSettings('missing'), 400, 'E011404')
    expectFailure(await sdk.management.tenant.configureSettings('acme', {selfProvisioningDomains: [], sessionTokenExpirationUnit: 'years' as 'weeks'}), 400, 'E011003')
  })

  it('delete (with cascade) removes the tenant and its tenant roles; sub-tenants first', async () => {
    dataOf(await sdk.management.tenant.createWithId('acme', 'Acme'))
    dataOf(await sdk.management.tenant.createWithId('acme-eu', 'Acme EU', [], {}, false, false, 'acme'))
    dataOf(await sdk.management.role.create('Auditor', '', [], 'acme-eu'))

    expectFailure(await sdk.management.tenant.delete('acme', true), 400, 'E011003', /sub-tenants/)
    dataOf(await sdk.management.tenant.delete('acme-eu', true))
    expectFailure(await sdk.management.tenant.load('acme-eu'), 400, 'E011404')
    expect(dataOf(await sdk.management.role.loadAll()).map(role => role.name)).to.deep.equal([])
    dataOf(await sdk.management.tenant.delete('acme'))
    expect(dataOf(await sdk.management.tenant.loadAll())).to.deep.equal([])
    expectFailure(await sdk.management.tenant.delete('acme'), 400, 'E011404')
  })
})
