import {expect} from 'chai'
import nock from 'nock'

import type {Role} from '../../../src/lib/api/types.js'

import {isNotFound} from '../../../src/lib/api/errors.js'
import {
  createRole,
  createRoles,
  deleteRole,
  deleteRoles,
  loadAllRoles,
  loadRoleAll,
  ROLE_SEARCH_TENANT_CHUNK,
  roleMatchesRequest,
  searchRoles,
  updateRole,
  updateRoles,
} from '../../../src/lib/api/roles.js'
import {DescopeApiError} from '../../../src/lib/errors.js'
import {
  BASE, failure, resetApiState, testClient,
} from './fixtures.js'

const viewer: Role = {
  createdTime: 1_726_067_547,
  default: true,
  description: 'Reads users',
  id: 'RL1',
  name: 'Viewer',
  permissionNames: ['users.read'],
  private: false,
  tenantId: '',
}

describe('api roles', () => {
  beforeEach(() => resetApiState())

  afterEach(() => resetApiState())

  describe('createRole', () => {
    it('sends the wire fields of a project role without tenantId, and of a tenant role with it', async () => {
      const scope = nock(BASE)
      .post('/v1/mgmt/role/create', {
        default: true, description: 'Reads users', name: 'Viewer', permissionNames: ['users.read'], private: false,
      })
      .reply(200, viewer)
      .post('/v1/mgmt/role/create', {name: 'Auditor', permissionNames: [], tenantId: 'acme'})
      .reply(200, {})
      .post('/v1/mgmt/role/create', body => JSON.stringify(body) === '{"name":"Bare"}')
      .reply(200, '')
      await createRole(testClient(), {
        default: true, description: 'Reads users', name: 'Viewer', permissionNames: ['users.read'], private: false, tenantId: '',
      })
      await createRole(testClient(), {name: 'Auditor', permissionNames: [], tenantId: 'acme'})
      await createRole(testClient(), {name: 'Bare'})
      expect(scope.isDone()).to.equal(true)
    })

    it('a first-attempt "already exists" is a real error', async () => {
      const scope = nock(BASE).post('/v1/mgmt/role/create').reply(409, {errorCode: 'E011409', errorMessage: 'Role "Viewer" already exists'})
      const err = await failure(createRole(testClient(), {name: 'Viewer'}))
      expect(err).to.be.instanceOf(DescopeApiError)
      expect(err.message).to.contain('Role "Viewer" already exists')
      expect(scope.isDone()).to.equal(true)
    })

    it('a retried create answered "already exists" succeeds when the role of that scope matches', async () => {
      const scope = nock(BASE)
      .post('/v1/mgmt/role/create')
      .reply(503)
      .post('/v1/mgmt/role/create')
      .reply(400, {errorCode: 'E011409', errorDescription: 'Role already exists'})
      .get('/v1/mgmt/role/all')
      .reply(200, {
        roles: [
          {...viewer, description: 'Other scope', tenantId: 'acme'},
          {...viewer, permissionNames: ['users.read', 'users.read']},
        ],
      })
      await createRole(testClient(), {
        default: true, description: 'Reads users', name: 'Viewer', permissionNames: ['users.read'],
      })
      expect(scope.isDone()).to.equal(true)
    })

    it('a retried create answered "already exists" fails when the role differs', async () => {
      nock(BASE)
      .post('/v1/mgmt/role/create')
      .reply(503)
      .post('/v1/mgmt/role/create')
      .reply(400, {errorCode: 'E011003', errorDescription: 'Role already exists'})
      .get('/v1/mgmt/role/all')
      .reply(200, {roles: [{...viewer, tenantId: 'acme'}]})
      const err = await failure(createRole(testClient(), {
        default: true, description: 'Reads users', name: 'Viewer', permissionNames: ['users.read'],
      }))
      expect((err as unknown as DescopeApiError).details).to.include({retryCount: 1, status: 400})
    })
  })

  it('updateRole sends name, newName, tenantId and every field', async () => {
    const req = {
      default: false, description: 'Edits', name: 'Editor', newName: 'Editor', permissionNames: ['a', 'b'], private: true, tenantId: 'acme',
    }
    const scope = nock(BASE)
    .post('/v1/mgmt/role/update', req)
    .reply(200, {})
    .post('/v1/mgmt/role/update', {name: 'Old', newName: 'New'})
    .reply(200, {})
    await updateRole(testClient(), req)
    await updateRole(testClient(), {name: 'Old', newName: 'New', tenantId: ''})
    expect(scope.isDone()).to.equal(true)
  })

  describe('deleteRole', () => {
    it('sends the name, and the tenantId of a tenant role', async () => {
      const scope = nock(BASE)
      .post('/v1/mgmt/role/delete', {name: 'Viewer'})
      .reply(200, {})
      .post('/v1/mgmt/role/delete', {name: 'Auditor', tenantId: 'acme'})
      .reply(200, {})
      await deleteRole(testClient(), 'Viewer')
      await deleteRole(testClient(), 'Auditor', {tenantId: 'acme'})
      expect(scope.isDone()).to.equal(true)
    })

    it('a first-attempt "not found" is an error; a retried one is done', async () => {
      nock(BASE).post('/v1/mgmt/role/delete').reply(404, {errorCode: 'E011404', errorMessage: 'Role "x" does not exist'})
      const err = await failure(deleteRole(testClient(), 'x'))
      expect(isNotFound(err)).to.equal(true)
      expect(err.message).to.contain('Role "x" does not exist')

      const scope = nock(BASE).post('/v1/mgmt/role/delete').reply(522).post('/v1/mgmt/role/delete').reply(400, {errorCode: 'E011404', errorDescription: 'Role not found'})
      await deleteRole(testClient(), 'x')
      expect(scope.isDone()).to.equal(true)
    })

    it('a retried delete answered by a 404 without a Descope body is an error, not "already deleted"', async () => {
      nock(BASE).post('/v1/mgmt/role/delete').reply(522).post('/v1/mgmt/role/delete').reply(404, {})
      const err = await failure(deleteRole(testClient(), 'x'))
      expect(isNotFound(err)).to.equal(false)
      expect(err.code).to.equal('unknown_endpoint')
      expect(err.message).to.contain('does not know the endpoint POST /v1/mgmt/role/delete')
    })
  })

  it('loadRoleAll maps {roles}, tolerates an empty body and rejects a non-list', async () => {
    const roles = [viewer, {...viewer, id: 'RL2', tenantId: 'acme'}]
    nock(BASE).get('/v1/mgmt/role/all').reply(200, {roles})
    expect(await loadRoleAll(testClient())).to.deep.equal(roles)
    nock(BASE).get('/v1/mgmt/role/all').reply(200, {roles: null})
    expect(await loadRoleAll(testClient())).to.deep.equal([])
    nock(BASE).get('/v1/mgmt/role/all').reply(200, {roles: 'x'})
    expect((await failure(loadRoleAll(testClient()))).code).to.equal('invalid_response')
  })

  it('loadAllRoles reads tenant roles with role/search over every tenant, project roles included, whatever role/all carries', async () => {
    const acmeRole = {...viewer, id: 'RL2', tenantId: 'acme'}
    const scope = nock(BASE)
    .get('/v1/mgmt/tenant/all')
    .reply(200, {tenants: [{id: 'globex', name: 'Globex'}, {id: 'acme', name: 'Acme'}]})
    .post('/v1/mgmt/role/search', {includeProjectRoles: true, tenantIds: ['acme', 'globex']})
    .reply(200, {roles: [viewer, acmeRole]})
    expect(await loadAllRoles(testClient())).to.deep.equal([viewer, acmeRole])
    expect(scope.isDone()).to.equal(true)
  })

  it(`loadAllRoles asks for ${ROLE_SEARCH_TENANT_CHUNK} tenants at a time and keeps each project role once`, async () => {
    const ids = Array.from({length: ROLE_SEARCH_TENANT_CHUNK + 3}, (_, index) => `t${String(index).padStart(3, '0')}`)
    const first = ids.slice(0, ROLE_SEARCH_TENANT_CHUNK)
    const rest = ids.slice(ROLE_SEARCH_TENANT_CHUNK)
    const tenantRoles = (tenantIds: string[]) => tenantIds.map(tenantId => ({name: 'Admin', tenantId}))
    const scope = nock(BASE)
    .get('/v1/mgmt/tenant/all')
    .reply(200, {tenants: ids.map(id => ({id, name: id}))})
    .post('/v1/mgmt/role/search', {includeProjectRoles: true, tenantIds: first})
    .reply(200, {roles: [viewer, ...tenantRoles(first)]})
    .post('/v1/mgmt/role/search', {includeProjectRoles: true, tenantIds: rest})
    .reply(200, {roles: [viewer, ...tenantRoles(rest)]})
    const roles = await loadAllRoles(testClient())
    expect(scope.isDone()).to.equal(true)
    expect(roles.filter(role => !role.tenantId)).to.deep.equal([viewer])
    expect(roles.filter(role => role.tenantId).map(role => role.tenantId)).to.deep.equal(ids)
  })

  it('loadAllRoles uses role/all when the project has no tenant', async () => {
    nock(BASE).get('/v1/mgmt/tenant/all').reply(200, {tenants: []}).get('/v1/mgmt/role/all').reply(200, {roles: [viewer]})
    expect(await loadAllRoles(testClient())).to.deep.equal([viewer])
  })

  it('searchRoles sends the wire fields and maps {roles}', async () => {
    const req = {
      includeProjectRoles: true, permissionNames: ['users.read'], roleNameLike: 'view', roleNames: ['Viewer'], tenantIds: ['acme'],
    }
    nock(BASE).post('/v1/mgmt/role/search', req).reply(200, {roles: [viewer]})
    expect(await searchRoles(testClient(), req)).to.deep.equal([viewer])
    nock(BASE).post('/v1/mgmt/role/search', {}).reply(200, {})
    expect(await searchRoles(testClient())).to.deep.equal([])
  })

  it('batch variants send {roles} and {roleNames, tenantId}', async () => {
    const scope = nock(BASE)
    .post('/v1/mgmt/role/create/batch', {roles: [{name: 'A', permissionNames: ['p']}, {name: 'B', tenantId: 'acme'}]})
    .reply(200, {roles: []})
    .post('/v1/mgmt/role/update/batch', {roles: [{name: 'A', newName: 'A2'}]})
    .reply(200, {roles: []})
    .post('/v1/mgmt/role/delete/batch', {roleNames: ['B'], tenantId: 'acme'})
    .reply(200, {})
    .post('/v1/mgmt/role/delete/batch', {roleNames: ['A2']})
    .reply(200, {})
    await createRoles(testClient(), [{name: 'A', permissionNames: ['p']}, {name: 'B', tenantId: 'acme'}])
    await updateRoles(testClient(), [{name: 'A', newName: 'A2'}])
    await deleteRoles(testClient(), ['B'], {tenantId: 'acme'})
    await deleteRoles(testClient(), ['A2'])
    expect(scope.isDone()).to.equal(true)
  })

  it('roleMatchesRequest: defaults equal absence, permissions compare as a set, scope matters', () => {
    expect(roleMatchesRequest({name: 'A'}, {name: 'A'})).to.equal(true)
    expect(roleMatchesRequest({
      default: false, description: '', name: 'A', permissionNames: [], private: false, tenantId: '',
    }, {name: 'A'})).to.equal(true)
    expect(roleMatchesRequest({name: 'A', permissionNames: ['b', 'a']}, {name: 'A', permissionNames: ['a', 'b']})).to.equal(true)
    expect(roleMatchesRequest({name: 'A', permissionNames: ['a']}, {name: 'A', permissionNames: ['a', 'b']})).to.equal(false)
    expect(roleMatchesRequest({name: 'A', tenantId: 'acme'}, {name: 'A'})).to.equal(false)
    expect(roleMatchesRequest({default: true, name: 'A'}, {name: 'A'})).to.equal(false)
    expect(roleMatchesRequest({name: 'A', private: true}, {name: 'A'})).to.equal(false)
    expect(roleMatchesRequest({description: 'x', name: 'A'}, {name: 'A'})).to.equal(false)
  })
})
