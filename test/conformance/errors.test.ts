import {expect} from 'chai'

import {
  Conformance, dataOf, expectFailure, managementKey, otherManagementKey, otherProjectId, projectId,
} from './sdk.js'

describe('conformance: error responses through @descope/node-sdk', () => {
  const sdk = new Conformance()

  before(() => sdk.start())

  beforeEach(() => sdk.reset())

  after(() => sdk.stop())

  it('a wrong key answers 401 with an error code; nothing is created', async () => {
    const client = sdk.clientFor(projectId, 'K2NotTheRightKey0000000000000000')
    const result = await client.management.tenant.create('Acme')
    expectFailure(result, 401, 'E011101')
    expect(result.error?.errorDescription).to.equal('Unauthorized')
    expectFailure(await client.management.flow.list(), 401, 'E011101')
    expect(dataOf(await sdk.management.tenant.loadAll())).to.deep.equal([])
  })

  it('an unknown project answers 401, the key of another project 403', async () => {
    expectFailure(await sdk.clientFor('P2NoSuchProject0000000000001', managementKey).management.role.loadAll(), 401, 'E011101')
    expectFailure(await sdk.clientFor(otherProjectId, managementKey).management.role.loadAll(), 403, 'E011102')
    expect(dataOf(await sdk.clientFor(otherProjectId, otherManagementKey).management.role.loadAll())).to.deep.equal([])
  })

  it('projects are isolated from each other', async () => {
    dataOf(await sdk.management.tenant.createWithId('acme', 'Acme'))
    const other = sdk.clientFor(otherProjectId, otherManagementKey)
    expectFailure(await other.management.tenant.load('acme'), 400, 'E011404')
    dataOf(await other.management.tenant.createWithId('acme', 'Acme'))
  })

  it('a missing required argument answers 400 E011002 (Missing arguments)', async () => {
    const result = await sdk.management.tenant.create('')
    expectFailure(result, 400, 'E011002', /name/)
    expect(result.error?.errorDescription).to.equal('Missing arguments')
  })

  it('a wrongly typed argument answers 400 E011003', async () => {
    expectFailure(await sdk.management.tenant.create('Acme', 'acme.com' as unknown as string[]), 400, 'E011003', /selfProvisioningDomains/)
  })

  it('an unknown entity answers 400 with the emulator’s not-found code and a text naming its kind', async () => {
    const result = await sdk.management.tenant.load('no-such-tenant')
    expectFailure(result, 400, 'E011404', /no-such-tenant/)
    expect(result.error?.errorDescription).to.equal('Tenant not found')
    expectFailure(await sdk.management.flow.export('no-such-flow'), 400, 'E011404', /no-such-flow/)
    expectFailure(await sdk.management.permission.delete('no-such-permission'), 400, 'E011404')
    const duplicate = await sdk.management.tenant.createWithId('acme', 'Acme').then(() => sdk.management.tenant.createWithId('acme', 'Acme'))
    expectFailure(duplicate, 400, 'E011409', /acme/)
    expect(duplicate.error?.errorDescription).to.equal('Tenant already exists')
  })

  it('under the rest error style, an unknown entity answers 404 and a duplicate 409, with the same codes', async () => {
    await sdk.emulator.admin.setErrorStyle('rest')
    expectFailure(await sdk.management.tenant.load('no-such-tenant'), 404, 'E011404', /no-such-tenant/)
    expectFailure(await sdk.management.role.delete('no-such-role'), 404, 'E011404')
    dataOf(await sdk.management.permission.create('users.read'))
    expectFailure(await sdk.management.permission.create('users.read'), 409, 'E011409')
  })
})
