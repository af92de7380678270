import {expect} from 'chai'

import {Conformance, dataOf, expectFailure} from './sdk.js'

/** Wire fields node-sdk's `Permission` type does not declare. */
type WirePermission = {id?: string}

describe('conformance: permissions through @descope/node-sdk', () => {
  const sdk = new Conformance()

  before(() => sdk.start())

  beforeEach(() => sdk.reset())

  after(() => sdk.stop())

  const permissionNames = async () =>
    dataOf(await sdk.management.permission.loadAll())
    .map(permission => permission.name)
    .sort()

  it('create → loadAll: name, description, systemDefault and a generated id', async () => {
    dataOf(await sdk.management.permission.create('users.read', 'Read users'))
    dataOf(await sdk.management.permission.create('users.write'))
    const permissions = dataOf(await sdk.management.permission.loadAll())
    expect(permissions).to.have.length(2)
    const read = permissions.find(permission => permission.name === 'users.read')
    expect(read?.description).to.equal('Read users')
    expect(read?.systemDefault).to.equal(false)
    expect((read as WirePermission).id).to.be.a('string').and.not.equal('')
    expect(permissions.find(permission => permission.name === 'users.write')?.description).to.equal('')

    expectFailure(await sdk.management.permission.create('users.read'), 400, 'E011409')
    expectFailure(await sdk.management.permission.create(''), 400, 'E011002', /name/)
  })

  it('createBatch creates all or nothing', async () => {
    dataOf(await sdk.management.permission.createBatch([
      {description: 'Read', name: 'a.read', systemDefault: false},
      {name: 'a.write', systemDefault: false},
    ]))
    expect(await permissionNames()).to.deep.equal(['a.read', 'a.write'])
    expectFailure(
      await sdk.management.permission.createBatch([
        {name: 'b.read', systemDefault: false},
        {name: 'a.read', systemDefault: false},
      ]),
      400,
      'E011409',
      /permissions\[1\]/,
    )
    expect(await permissionNames()).to.deep.equal(['a.read', 'a.write'])
  })

  it('update, updateWithId and updateBatch rename and redescribe, and roles follow the rename', async () => {
    dataOf(await sdk.management.permission.createBatch([{name: 'p1', systemDefault: false}, {name: 'p2', systemDefault: false}, {name: 'p3', systemDefault: false}]))
    dataOf(await sdk.management.role.create('Viewer', '', ['p1', 'p2', 'p3']))

    dataOf(await sdk.management.permission.update('p1', 'q1', 'first'))
    const byName = async (name: string) => (dataOf(await sdk.management.permission.loadAll()).find(permission => permission.name === name) ?? {}) as WirePermission & {description?: string}
    const p2 = await byName('p2')
    dataOf(await sdk.management.permission.updateWithId(p2.id as string, 'q2', 'second'))
    const p3 = await byName('p3')
    dataOf(await sdk.management.permission.updateBatch([{description: 'third', id: p3.id as string, newName: 'q3'}]))

    expect(await permissionNames()).to.deep.equal(['q1', 'q2', 'q3'])
    expect((await byName('q2')).description).to.equal('second')
    expect((await byName('q3')).id).to.equal(p3.id)
    expect(dataOf(await sdk.management.role.loadAll())[0].permissionNames).to.deep.equal(['q1', 'q2', 'q3'])

    expectFailure(await sdk.management.permission.update('missing', 'x'), 400, 'E011404')
    expectFailure(await sdk.management.permission.update('q1', ''), 400, 'E011002', /newName/)
  })

  it('delete, deleteWithId and deleteBatch remove permissions, also from roles', async () => {
    dataOf(await sdk.management.permission.createBatch(['p1', 'p2', 'p3', 'p4', 'p5'].map(name => ({name, systemDefault: false}))))
    dataOf(await sdk.management.role.create('Viewer', '', ['p1', 'p2', 'p3', 'p4', 'p5']))
    const idOf = async (name: string) => (dataOf(await sdk.management.permission.loadAll()).find(permission => permission.name === name) as WirePermission).id as string

    dataOf(await sdk.management.permission.delete('p1'))
    dataOf(await sdk.management.permission.deleteWithId(await idOf('p2')))
    dataOf(await sdk.management.permission.deleteBatch(['p3'], [await idOf('p4')]))
    expect(await permissionNames()).to.deep.equal(['p5'])
    expect(dataOf(await sdk.management.role.loadAll())[0].permissionNames).to.deep.equal(['p5'])

    expectFailure(await sdk.management.permission.delete('p1'), 400, 'E011404')
    expectFailure(await sdk.management.permission.deleteBatch(), 400, 'E011002')
  })
})
