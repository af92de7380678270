import {expect} from 'chai'

import {
  Conformance, dataOf, expectFailure, seconds,
} from './sdk.js'

describe('conformance: roles through @descope/node-sdk', () => {
  const sdk = new Conformance()

  before(() => sdk.start())

  after(() => sdk.stop())

  beforeEach(async () => {
    await sdk.reset()
    dataOf(await sdk.management.permission.createBatch(['users.read', 'users.write', 'audit.read'].map(name => ({name, systemDefault: false}))))
    dataOf(await sdk.management.tenant.createWithId('acme', 'Acme'))
  })

  const roleNames = async () =>
    dataOf(await sdk.management.role.loadAll())
    .map(role => `${role.tenantId}/${role.name}`)
    .sort()

  it('create → loadAll: every field, createdTime in epoch seconds', async () => {
    dataOf(await sdk.management.role.create('Viewer', 'Reads users', ['users.read'], undefined, true))
    sdk.clock.advance(5000)
    dataOf(await sdk.management.role.create('Auditor', 'Reads the audit trail', ['audit.read'], 'acme'))

    const roles = dataOf(await sdk.management.role.loadAll())
    const viewer = roles.find(role => role.name === 'Viewer')
    expect(viewer?.description).to.equal('Reads users')
    expect(viewer?.permissionNames).to.deep.equal(['users.read'])
    expect(viewer?.tenantId).to.equal('')
    expect(viewer?.default).to.equal(true)
    expect(viewer?.private).to.equal(false)
    expect(viewer?.id).to.be.a('string').and.not.equal('')
    expect(viewer?.createdTime).to.equal(seconds(sdk.clock.now - 5000))
    const auditor = roles.find(role => role.name === 'Auditor')
    expect(auditor?.tenantId).to.equal('acme')
    expect(auditor?.createdTime).to.equal(seconds(sdk.clock.now))

    expectFailure(await sdk.management.role.create('Viewer'), 400, 'E011409')
    expectFailure(await sdk.management.role.create(''), 400, 'E011002', /name/)
    expectFailure(await sdk.management.role.create('Writer', '', ['no.such.permission']), 400, 'E011003', /no\.such\.permission/)
    expectFailure(await sdk.management.role.create('Ghost', '', [], 'no-such-tenant'), 400, 'E011404')
  })

  it('the same role name may exist in the project and in a tenant', async () => {
    dataOf(await sdk.management.role.create('Admin'))
    dataOf(await sdk.management.role.create('Admin', '', [], 'acme'))
    expect(await roleNames()).to.deep.equal(['/Admin', 'acme/Admin'])
  })

  it('createBatch returns the created roles and is all or nothing', async () => {
    const created = dataOf(await sdk.management.role.createBatch([
      {
        createdTime: 0, description: 'Reads', name: 'Viewer', permissionNames: ['users.read'],
      },
      {
        createdTime: 0, name: 'Editor', permissionNames: ['users.read', 'users.write'], tenantId: 'acme',
      },
    ]))
    expect(created.map(role => role.name)).to.deep.equal(['Viewer', 'Editor'])
    expect(created[1].tenantId).to.equal('acme')
    expect(created[0].createdTime).to.equal(seconds(sdk.clock.now))
    expect(created[0].id).to.be.a('string')

    expectFailure(
      await sdk.management.role.createBatch([
        {createdTime: 0, name: 'New', permissionNames: []},
        {createdTime: 0, name: 'Viewer', permissionNames: []},
      ]),
      400,
      'E011409',
      /roles\[1\]/,
    )
    expect(await roleNames()).to.deep.equal(['/Viewer', 'acme/Editor'])
  })

  it('update, updateWithId and updateBatch override every field', async () => {
    dataOf(await sdk.management.role.create('Viewer', 'Reads', ['users.read'], undefined, true))
    dataOf(await sdk.management.role.create('Editor', 'Writes', ['users.write']))
    dataOf(await sdk.management.role.create('Auditor', '', [], 'acme'))

    dataOf(await sdk.management.role.update('Viewer', 'Reader', 'Reads users', ['users.read', 'audit.read']))
    const roles = dataOf(await sdk.management.role.loadAll())
    const reader = roles.find(role => role.name === 'Reader')
    expect(reader?.permissionNames).to.deep.equal(['users.read', 'audit.read'])
    expect(reader?.default).to.equal(false, 'update overrides default too')

    const editor = roles.find(role => role.name === 'Editor')
    dataOf(await sdk.management.role.updateWithId(editor?.id as string, 'Writer', 'Writes users', ['users.write']))
    const auditor = roles.find(role => role.name === 'Auditor')
    const updated = dataOf(await sdk.management.role.updateBatch([{
      description: 'Tenant audit', id: auditor?.id as string, newName: 'Tenant Auditor', permissionNames: ['audit.read'], tenantId: 'acme',
    }]))
    expect(updated).to.have.length(1)
    expect(updated[0].name).to.equal('Tenant Auditor')
    expect(updated[0].permissionNames).to.deep.equal(['audit.read'])

    expect(await roleNames()).to.deep.equal(['/Reader', '/Writer', 'acme/Tenant Auditor'])
    expectFailure(await sdk.management.role.update('Missing', 'X'), 400, 'E011404')
    expectFailure(await sdk.management.role.update('Reader', 'Writer'), 400, 'E011409')
  })

  it('delete, deleteWithId and deleteBatch', async () => {
    for (const name of ['R1', 'R2', 'R3', 'R4']) dataOf(await sdk.management.role.create(name))
    dataOf(await sdk.management.role.create('T1', '', [], 'acme'))
    const idOf = async (name: string) => dataOf(await sdk.management.role.loadAll()).find(role => role.name === name)?.id as string

    dataOf(await sdk.management.role.delete('R1'))
    dataOf(await sdk.management.role.deleteWithId(await idOf('R2')))
    dataOf(await sdk.management.role.deleteBatch(['R3'], undefined, [await idOf('R4')]))
    expect(await roleNames()).to.deep.equal(['acme/T1'])
    expectFailure(await sdk.management.role.delete('T1'), 400, 'E011404', /T1/)
    dataOf(await sdk.management.role.delete('T1', 'acme'))
    expect(await roleNames()).to.deep.equal([])
    expectFailure(await sdk.management.role.deleteBatch(), 400, 'E011002')
  })

  it('search filters by tenant, names, name substring and permissions', async () => {
    dataOf(await sdk.management.role.create('Viewer', '', ['users.read']))
    dataOf(await sdk.management.role.create('Editor', '', ['users.read', 'users.write']))
    dataOf(await sdk.management.role.create('Tenant Viewer', '', ['users.read'], 'acme'))
    const search = async (options: Parameters<typeof sdk.management.role.search>[0]) =>
      dataOf(await sdk.management.role.search(options))
      .map(role => role.name)
      .sort()

    expect(await search({})).to.deep.equal(['Editor', 'Tenant Viewer', 'Viewer'])
    expect(await search({tenantIds: ['acme']})).to.deep.equal(['Tenant Viewer'])
    expect(await search({includeProjectRoles: true, tenantIds: ['acme']})).to.deep.equal(['Editor', 'Tenant Viewer', 'Viewer'])
    expect(await search({roleNames: ['Editor']})).to.deep.equal(['Editor'])
    expect(await search({roleNameLike: 'VIEW'})).to.deep.equal(['Tenant Viewer', 'Viewer'])
    expect(await search({permissionNames: ['users.write']})).to.deep.equal(['Editor'])
  })
})
