import {expect} from 'chai'

import type {RunningEmulator} from '../../../plugins/plugin-emulator/src/index.js'

import {startEmulator} from '../../../plugins/plugin-emulator/src/index.js'
import {
  admin, Api, apiFor, type DescopeErrorBody,
} from './helpers.js'

interface WireRole {
  id: string
  name: string
  description: string
  permissionNames: string[]
  tenantId: string
  default: boolean
  private: boolean
  createdTime: number
}

interface WirePermission {
  id: string
  name: string
  description: string
  systemDefault: boolean
}

const startTime = Date.UTC(2026, 2, 2, 9, 15)

describe('emulator role and permission routes', () => {
  let emulator: RunningEmulator
  let api: Api

  before(async () => {
    // These tests read every role through role/all: with tenant roles (the kinder of its two behaviours).
    emulator = await startEmulator({
      behaviour: {roleAllIncludesTenantRoles: true}, newProjects: 'empty', now: () => startTime, port: 0, rateLimit: 'off',
    })
    api = apiFor(emulator)
  })

  beforeEach(() => emulator.admin.reset())

  it('role/all leaves tenant roles out by default; the behaviour knob (admin API) puts them in; role/search finds them either way', async () => {
    await api.post('/v1/mgmt/tenant/create', {id: 'acme', name: 'Acme'})
    await api.post('/v1/mgmt/role/create', {name: 'Viewer'})
    await api.post('/v1/mgmt/role/create', {name: 'Admin', tenantId: 'acme'})
    const names = (list: WireRole[]) => list.map(role => `${role.tenantId}/${role.name}`).sort()
    const search = async () => names((await api.post<{roles: WireRole[]}>('/v1/mgmt/role/search', {includeProjectRoles: true, tenantIds: ['acme']})).body.roles)
    expect(names(await roles())).to.include('acme/Admin')
    await admin(emulator, 'POST', '/emulator/behaviour', {roleAllIncludesTenantRoles: false})
    expect(names(await roles())).to.not.include('acme/Admin')
    expect(names(await roles())).to.include('/Viewer')
    expect(await search()).to.include.members(['/Viewer', 'acme/Admin'])
    expect((await admin<DescopeErrorBody>(emulator, 'POST', '/emulator/behaviour', {roleAllIncludes: true})).body.errorCode).to.equal('E011003')
    const fresh = await startEmulator({port: 0, rateLimit: 'off'})
    try {
      expect((await fresh.admin.state()).knobs.behaviour).to.deep.equal({roleAllIncludesTenantRoles: false, tenantUpdateKeepsAuthType: false})
    } finally {
      await fresh.stop()
    }
  })

  after(() => emulator.stop())

  const permissions = async () => (await api.get<{permissions: WirePermission[]}>('/v1/mgmt/permission/all')).body.permissions
  const roles = async () => (await api.get<{roles: WireRole[]}>('/v1/mgmt/role/all')).body.roles
  const roleByName = async (name: string, tenantId = '') => (await roles()).find(role => role.name === name && role.tenantId === tenantId)
  const errorCode = async (path: string, body: Record<string, unknown>) => (await api.post<DescopeErrorBody>(path, body)).body.errorCode

  describe('permissions', () => {
    it('creates, lists, renames and deletes a permission', async () => {
      expect((await api.post('/v1/mgmt/permission/create', {description: 'Read things', name: 'read'})).body).to.deep.equal({})
      const [created] = await permissions()
      expect(created).to.deep.include({description: 'Read things', name: 'read', systemDefault: false})
      expect(created.id).to.be.a('string').and.not.equal('')

      await api.post('/v1/mgmt/permission/update', {name: 'read', newName: 'read:all'})
      expect(await permissions()).to.deep.equal([{...created, description: '', name: 'read:all'}])
      await api.post('/v1/mgmt/permission/update', {description: 'By id', id: created.id, newName: 'read:any'})
      expect((await permissions())[0]).to.deep.include({description: 'By id', name: 'read:any'})

      expect((await api.post('/v1/mgmt/permission/delete', {id: created.id})).status).to.equal(200)
      expect(await permissions()).to.deep.equal([])
    })

    it('validates: duplicate E011409, unknown E011404, missing name/newName E011002, wrong types E011003', async () => {
      await api.post('/v1/mgmt/permission/create', {name: 'read'})
      await api.post('/v1/mgmt/permission/create', {name: 'write'})
      expect(await errorCode('/v1/mgmt/permission/create', {name: 'read'})).to.equal('E011409')
      expect(await errorCode('/v1/mgmt/permission/create', {})).to.equal('E011002')
      expect(await errorCode('/v1/mgmt/permission/create', {description: 4, name: 'x'})).to.equal('E011003')
      expect(await errorCode('/v1/mgmt/permission/update', {name: 'nope', newName: 'x'})).to.equal('E011404')
      expect(await errorCode('/v1/mgmt/permission/update', {name: 'read'})).to.equal('E011002')
      expect(await errorCode('/v1/mgmt/permission/update', {newName: 'x'})).to.equal('E011002')
      expect(await errorCode('/v1/mgmt/permission/update', {name: 'read', newName: 'write'})).to.equal('E011409')
      expect(await errorCode('/v1/mgmt/permission/delete', {name: 'nope'})).to.equal('E011404')
      expect(await errorCode('/v1/mgmt/permission/delete', {})).to.equal('E011002')
    })

    it('carries renames and deletions over to the roles that name the permission', async () => {
      await api.post('/v1/mgmt/permission/create/batch', {permissions: [{name: 'read'}, {name: 'write'}]})
      await api.post('/v1/mgmt/role/create', {name: 'editor', permissionNames: ['read', 'write']})
      await api.post('/v1/mgmt/permission/update', {name: 'read', newName: 'view'})
      expect((await roleByName('editor'))?.permissionNames).to.deep.equal(['view', 'write'])
      await api.post('/v1/mgmt/permission/delete', {name: 'write'})
      expect((await roleByName('editor'))?.permissionNames).to.deep.equal(['view'])
    })

    it('runs batches all or nothing', async () => {
      await api.post('/v1/mgmt/permission/create', {name: 'read'})
      const failed = await api.post<DescopeErrorBody>('/v1/mgmt/permission/create/batch', {permissions: [{name: 'a'}, {name: 'read'}]})
      expect(failed.status).to.equal(400)
      expect(failed.body).to.include({errorCode: 'E011409', errorDescription: 'Permission already exists'})
      expect(failed.body.errorMessage).to.match(/^permissions\[1]: /)
      expect((await permissions()).map(permission => permission.name)).to.deep.equal(['read'])

      await api.post('/v1/mgmt/permission/create/batch', {permissions: [{name: 'a'}, {name: 'b'}]})
      await api.post('/v1/mgmt/permission/update/batch', {permissions: [{name: 'a', newName: 'A'}, {name: 'b', newName: 'B'}]})
      expect((await permissions()).map(permission => permission.name)).to.deep.equal(['read', 'A', 'B'])

      expect(await errorCode('/v1/mgmt/permission/delete/batch', {names: ['A', 'nope']})).to.equal('E011404')
      expect(await errorCode('/v1/mgmt/permission/delete/batch', {})).to.equal('E011002')
      const {id} = (await permissions())[2]
      await api.post('/v1/mgmt/permission/delete/batch', {ids: [id], names: ['A']})
      expect((await permissions()).map(permission => permission.name)).to.deep.equal(['read'])
    })
  })

  describe('roles', () => {
    beforeEach(async () => {
      await api.post('/v1/mgmt/permission/create/batch', {permissions: [{name: 'read'}, {name: 'write'}]})
      await api.post('/v1/mgmt/tenant/create', {id: 'acme', name: 'Acme'})
      await api.post('/v1/mgmt/tenant/create', {id: 'globex', name: 'Globex'})
    })

    it('creates a role and answers it in the wire shape', async () => {
      const response = await api.post<WireRole>('/v1/mgmt/role/create', {
        default: true, description: 'Reads', name: 'viewer', permissionNames: ['read'], private: true,
      })
      expect(response.status).to.equal(200)
      expect(response.body).to.deep.include({
        createdTime: Math.floor(startTime / 1000),
        default: true,
        description: 'Reads',
        name: 'viewer',
        permissionNames: ['read'],
        private: true,
        tenantId: '',
      })
      expect(await roles()).to.deep.equal([response.body])
    })

    it('keeps names unique per tenant, not across tenants', async () => {
      expect((await api.post('/v1/mgmt/role/create', {name: 'admin'})).status).to.equal(200)
      expect((await api.post('/v1/mgmt/role/create', {name: 'admin', tenantId: 'acme'})).status).to.equal(200)
      expect(await errorCode('/v1/mgmt/role/create', {name: 'admin', tenantId: 'acme'})).to.equal('E011409')
      expect(await errorCode('/v1/mgmt/role/create', {name: 'admin'})).to.equal('E011409')
    })

    it('validates: unknown permission E011003, unknown tenant E011404, missing name E011002, wrong types E011003', async () => {
      expect(await errorCode('/v1/mgmt/role/create', {name: 'x', permissionNames: ['read', 'fly']})).to.equal('E011003')
      expect(await errorCode('/v1/mgmt/role/create', {name: 'x', tenantId: 'nope'})).to.equal('E011404')
      expect(await errorCode('/v1/mgmt/role/create', {description: 'no name'})).to.equal('E011002')
      expect(await errorCode('/v1/mgmt/role/create', {default: 'yes', name: 'x'})).to.equal('E011003')
      expect(await errorCode('/v1/mgmt/role/create', {name: 'x', permissionNames: 'read'})).to.equal('E011003')
      expect(await roles()).to.deep.equal([])
    })

    it('updates by name or id, overriding every field', async () => {
      await api.post('/v1/mgmt/role/create', {
        default: true, description: 'd', name: 'viewer', permissionNames: ['read'], private: true,
      })
      const byName = await api.post<WireRole>('/v1/mgmt/role/update', {name: 'viewer', newName: 'reader', permissionNames: ['read', 'write']})
      expect(byName.body).to.deep.include({
        default: false, description: '', name: 'reader', permissionNames: ['read', 'write'], private: false,
      })
      const byId = await api.post<WireRole>('/v1/mgmt/role/update', {description: 'by id', id: byName.body.id, newName: 'reader'})
      expect(byId.body).to.deep.include({description: 'by id', id: byName.body.id, permissionNames: []})
    })

    it('looks a tenant role up within its tenant on update and delete', async () => {
      await api.post('/v1/mgmt/role/create', {name: 'admin', tenantId: 'acme'})
      expect(await errorCode('/v1/mgmt/role/update', {name: 'admin', newName: 'x'})).to.equal('E011404')
      expect((await api.post('/v1/mgmt/role/update', {name: 'admin', newName: 'owner', tenantId: 'acme'})).status).to.equal(200)
      expect(await errorCode('/v1/mgmt/role/delete', {name: 'owner', tenantId: 'globex'})).to.equal('E011404')
      expect((await api.post('/v1/mgmt/role/delete', {name: 'owner', tenantId: 'acme'})).status).to.equal(200)
      expect(await roles()).to.deep.equal([])
    })

    it('validates update and delete: newName required, name taken, unknown permission', async () => {
      await api.post('/v1/mgmt/role/create/batch', {roles: [{name: 'a'}, {name: 'b'}]})
      expect(await errorCode('/v1/mgmt/role/update', {name: 'a'})).to.equal('E011002')
      expect(await errorCode('/v1/mgmt/role/update', {newName: 'c'})).to.equal('E011002')
      expect(await errorCode('/v1/mgmt/role/update', {name: 'a', newName: 'b'})).to.equal('E011409')
      expect(await errorCode('/v1/mgmt/role/update', {name: 'a', newName: 'a', permissionNames: ['fly']})).to.equal('E011003')
      expect(await errorCode('/v1/mgmt/role/delete', {})).to.equal('E011002')
      expect(await errorCode('/v1/mgmt/role/delete', {name: 'zzz'})).to.equal('E011404')
    })

    it('runs batch create, update and delete all or nothing', async () => {
      const created = await api.post<{roles: WireRole[]}>('/v1/mgmt/role/create/batch', {roles: [{name: 'a'}, {name: 'b', tenantId: 'acme'}]})
      expect(created.body.roles.map(role => [role.name, role.tenantId])).to.deep.equal([['a', ''], ['b', 'acme']])

      const failed = await api.post<DescopeErrorBody>('/v1/mgmt/role/create/batch', {roles: [{name: 'c'}, {name: 'c'}]})
      expect(failed.status).to.equal(400)
      expect(failed.body).to.include({errorCode: 'E011409', errorDescription: 'Role already exists'})
      expect(failed.body.errorMessage).to.match(/^roles\[1]: /)
      expect(await roles()).to.have.length(2)

      const updated = await api.post<{roles: WireRole[]}>('/v1/mgmt/role/update/batch', {roles: [{name: 'a', newName: 'A'}, {name: 'b', newName: 'B', tenantId: 'acme'}]})
      expect(updated.body.roles.map(role => role.name)).to.deep.equal(['A', 'B'])
      expect(await errorCode('/v1/mgmt/role/update/batch', {roles: [{name: 'A', newName: 'A2'}, {name: 'nope', newName: 'x'}]})).to.equal('E011404')
      expect(await roleByName('A')).to.not.equal(undefined)
      expect(await errorCode('/v1/mgmt/role/create/batch', {roles: []})).to.equal('E011002')

      expect(await errorCode('/v1/mgmt/role/delete/batch', {roleNames: ['A', 'nope']})).to.equal('E011404')
      expect(await roles()).to.have.length(2)
      expect((await api.post('/v1/mgmt/role/delete/batch', {roleNames: ['B'], tenantId: 'acme'})).status).to.equal(200)
      expect((await api.post('/v1/mgmt/role/delete/batch', {roleIds: [created.body.roles[0].id]})).status).to.equal(200)
      expect(await roles()).to.deep.equal([])
    })

    describe('search', () => {
      beforeEach(async () => {
        await api.post('/v1/mgmt/role/create/batch', {
          roles: [
            {name: 'Viewer', permissionNames: ['read']},
            {name: 'Editor', permissionNames: ['read', 'write']},
            {name: 'Acme Viewer', permissionNames: ['read'], tenantId: 'acme'},
            {name: 'Globex Admin', permissionNames: ['write'], tenantId: 'globex'},
          ],
        })
      })

      const search = async (body: Record<string, unknown>) => {
        const response = await api.post<{roles: WireRole[]}>('/v1/mgmt/role/search', body)
        expect(response.status).to.equal(200)
        return response.body.roles.map(role => role.name)
      }

      it('filters by each criterion', async () => {
        expect(await search({})).to.deep.equal(['Viewer', 'Editor', 'Acme Viewer', 'Globex Admin'])
        expect(await search({tenantIds: ['acme']})).to.deep.equal(['Acme Viewer'])
        expect(await search({includeProjectRoles: true, tenantIds: ['acme']})).to.deep.equal(['Viewer', 'Editor', 'Acme Viewer'])
        expect(await search({roleNames: ['Editor', 'Globex Admin']})).to.deep.equal(['Editor', 'Globex Admin'])
        expect(await search({roleNameLike: 'VIEW'})).to.deep.equal(['Viewer', 'Acme Viewer'])
        expect(await search({permissionNames: ['write']})).to.deep.equal(['Editor', 'Globex Admin'])
        const editor = await roleByName('Editor')
        expect(await search({roleIds: [editor?.id]})).to.deep.equal(['Editor'])
        expect(await search({roleNameLike: 'viewer', tenantIds: ['globex']})).to.deep.equal([])
      })

      it('answers a filter of the wrong type with E011003', async () => {
        expect(await errorCode('/v1/mgmt/role/search', {roleNames: 'Viewer'})).to.equal('E011003')
      })
    })
  })
})
