import {expect} from 'chai'

import {admin, Api, withEmulator} from './helpers.js'

interface Listed {
  permissions: Array<{name: string; systemDefault: boolean}>
  roles: Array<{name: string; tenantId: string; permissionNames: string[]}>
  flows: Array<{id: string; name: string}>
}

async function contents(api: Api): Promise<Listed> {
  const [permissions, roles, flows] = await Promise.all([
    api.get<Pick<Listed, 'permissions'>>('/v1/mgmt/permission/all'),
    api.get<Pick<Listed, 'roles'>>('/v1/mgmt/role/all'),
    api.post<Pick<Listed, 'flows'>>('/v1/mgmt/flow/list'),
  ])
  return {flows: flows.body.flows, permissions: permissions.body.permissions, roles: roles.body.roles}
}

describe('emulator: what a new project holds', () => {
  it('holds what Descope puts in every new project by default', async () => {
    await withEmulator({newProjects: undefined}, async (_emulator, api) => {
      const {flows, permissions, roles} = await contents(api)
      expect(permissions.map(permission => [permission.name, permission.systemDefault])).to.have.deep.members([
        ['User Admin', true], ['SSO Admin', true], ['Impersonate', true],
      ])
      expect(roles.map(role => [role.name, role.tenantId, role.permissionNames])).to.deep.equal([['Tenant Admin', '', ['User Admin', 'SSO Admin']]])
      expect(flows.map(flow => flow.id)).to.have.members(['sign-up-or-in', 'sign-up', 'sign-in', 'step-up', 'update-user'])
      // Each flow exports as a valid v2 flow that imports again.
      const exported = await api.post<{flow: Record<string, unknown>}>('/v2/mgmt/flow/export', {flowId: 'sign-up-or-in'})
      expect(exported.status).to.equal(200)
      expect(exported.body.flow).to.include.keys('contents', 'metadata', 'screens')
      expect((await api.post('/v2/mgmt/flow/import', {flow: exported.body.flow})).status).to.equal(200)
    })
  })

  it('holds nothing with newProjects "empty", and reset returns to the same contents', async () => {
    await withEmulator({newProjects: 'empty'}, async (emulator, api) => {
      expect(await contents(api)).to.deep.equal({flows: [], permissions: [], roles: []})
      await api.post('/v1/mgmt/permission/create', {name: 'users.read'})
      await admin(emulator, 'POST', '/emulator/reset')
      expect((await contents(api)).permissions).to.deep.equal([])
    })
  })

  it('lets a seed declare a built-in itself, and a seed file choose "empty"', async () => {
    const seed = {
      projects: [
        {
          id: 'P2Seeded', managementKey: 'K2Seeded', roles: [{description: 'ours', name: 'Tenant Admin'}],
        },
        {contents: 'empty', id: 'P2Bare', managementKey: 'K2Bare'},
      ],
    }
    await withEmulator({newProjects: undefined, seed}, async (emulator, api) => {
      const seeded = await contents(api)
      expect(seeded.roles.map(role => [role.name, role.permissionNames])).to.deep.equal([['Tenant Admin', []]])
      expect(seeded.permissions).to.have.length(3)
      const bare = await contents(new Api(emulator, 'P2Bare', 'K2Bare'))
      expect(bare).to.deep.equal({flows: [], permissions: [], roles: []})
    })

    await withEmulator({newProjects: undefined, seed: {newProjects: 'nothing'}}, async () => {}).then(
      () => expect.fail('a bad newProjects value must be refused'),
      (error: Error) => expect(error.message).to.match(/"newProjects" must be "descope" or "empty", not "nothing"/),
    )
  })
})
