import {expect} from 'chai'
import nock from 'nock'

import {isAlreadyExists, isNotFound} from '../../../src/lib/api/errors.js'
import {
  createPermission,
  createPermissions,
  deletePermission,
  deletePermissions,
  loadAllPermissions,
  permissionMatchesRequest,
  updatePermission,
  updatePermissions,
} from '../../../src/lib/api/permissions.js'
import {DescopeApiError} from '../../../src/lib/errors.js'
import {
  BASE, failure, KEY, renderings, resetApiState, testClient,
} from './fixtures.js'

describe('api permissions', () => {
  beforeEach(() => resetApiState())

  afterEach(() => resetApiState())

  describe('createPermission', () => {
    it('sends name and description, and leaves an absent description out', async () => {
      const scope = nock(BASE)
      .post('/v1/mgmt/permission/create', {description: 'Read users', name: 'users.read'})
      .reply(200, {})
      .post('/v1/mgmt/permission/create', body => JSON.stringify(body) === '{"name":"users.write"}')
      .reply(200, '')
      await createPermission(testClient(), {description: 'Read users', name: 'users.read'})
      await createPermission(testClient(), {name: 'users.write'})
      expect(scope.isDone()).to.equal(true)
    })

    it('sends the bearer of project and key', async () => {
      const scope = nock(BASE, {reqheaders: {authorization: `Bearer P2TestProject000000000000001:${KEY}`}})
      .post('/v1/mgmt/permission/create')
      .reply(200, {})
      await createPermission(testClient(), {name: 'p'})
      expect(scope.isDone()).to.equal(true)
    })

    it('a first-attempt "already exists" is a real error, with no load', async () => {
      const scope = nock(BASE)
      .post('/v1/mgmt/permission/create')
      .reply(409, {errorCode: 'E011409', errorDescription: 'Already exists', errorMessage: 'A permission named "p" already exists'})
      const err = await failure(createPermission(testClient(), {name: 'p'}))
      expect(err).to.be.instanceOf(DescopeApiError)
      expect(isAlreadyExists(err)).to.equal(true)
      expect(err.message).to.contain('POST /v1/mgmt/permission/create').and.contain('A permission named "p" already exists')
      expect(scope.isDone()).to.equal(true)
    })

    it('a retried create answered "already exists" succeeds when the permission matches', async () => {
      const scope = nock(BASE)
      .post('/v1/mgmt/permission/create')
      .reply(503)
      .post('/v1/mgmt/permission/create')
      .reply(400, {errorCode: 'E011409', errorDescription: 'Permission already exists'})
      .get('/v1/mgmt/permission/all')
      .reply(200, {
        permissions: [{
          description: 'Read', id: 'PE1', name: 'users.read', systemDefault: false,
        }],
      })
      await createPermission(testClient(), {description: 'Read', name: 'users.read'})
      expect(scope.isDone()).to.equal(true)
    })

    it('a retried create answered "already exists" fails when the permission differs or cannot be read', async () => {
      nock(BASE)
      .post('/v1/mgmt/permission/create')
      .reply(503)
      .post('/v1/mgmt/permission/create')
      .reply(409, {errorCode: 'E011409', errorDescription: 'Already exists'})
      .get('/v1/mgmt/permission/all')
      .reply(200, {permissions: [{description: 'Someone else', name: 'users.read'}]})
      const differs = await failure(createPermission(testClient(), {description: 'Read', name: 'users.read'}))
      expect((differs as unknown as DescopeApiError).details).to.include({retryCount: 1, status: 409})

      nock(BASE)
      .post('/v1/mgmt/permission/create')
      .reply(520)
      .post('/v1/mgmt/permission/create')
      .reply(409, {errorCode: 'E011409', errorDescription: 'Permission already exists'})
      .get('/v1/mgmt/permission/all')
      .reply(500, {})
      const unreadable = await failure(createPermission(testClient({retry: {limit: 1}}), {name: 'users.read'}))
      expect((unreadable as unknown as DescopeApiError).status).to.equal(409)
    })
  })

  it('updatePermission sends name, newName and description', async () => {
    const scope = nock(BASE)
    .post('/v1/mgmt/permission/update', {description: 'Reads users', name: 'users.read', newName: 'users.view'})
    .reply(200, {})
    .post('/v1/mgmt/permission/update', {name: 'a', newName: 'a'})
    .reply(200, {})
    await updatePermission(testClient(), {description: 'Reads users', name: 'users.read', newName: 'users.view'})
    await updatePermission(testClient(), {name: 'a', newName: 'a'})
    expect(scope.isDone()).to.equal(true)
  })

  describe('deletePermission', () => {
    it('sends the name', async () => {
      const scope = nock(BASE).post('/v1/mgmt/permission/delete', {name: 'users.read'}).reply(200, {})
      await deletePermission(testClient(), 'users.read')
      expect(scope.isDone()).to.equal(true)
    })

    it('a first-attempt "not found" is an error; a retried one means the first attempt deleted it', async () => {
      nock(BASE).post('/v1/mgmt/permission/delete').reply(404, {errorCode: 'E011404', errorMessage: 'Permission "x" does not exist'})
      const err = await failure(deletePermission(testClient(), 'x'))
      expect(isNotFound(err)).to.equal(true)

      const scope = nock(BASE).post('/v1/mgmt/permission/delete').reply(503).post('/v1/mgmt/permission/delete').reply(400, {errorCode: 'E011404', errorDescription: 'Permission not found'})
      await deletePermission(testClient(), 'x')
      expect(scope.isDone()).to.equal(true)
    })

    it('a retried delete answered by a 404 of an unknown route is an error, not "already deleted"', async () => {
      nock(BASE).post('/v1/mgmt/permission/delete').reply(503).post('/v1/mgmt/permission/delete').reply(404, '404 page not found')
      const err = await failure(deletePermission(testClient(), 'x'))
      expect(isNotFound(err)).to.equal(false)
      expect(err.code).to.equal('unknown_endpoint')
      expect(err.exitCode).to.equal(5)
    })
  })

  it('loadAllPermissions maps {permissions}, tolerates an empty body and rejects a non-list', async () => {
    const permissions = [
      {
        description: 'Read', id: 'PE1', name: 'users.read', systemDefault: false,
      },
      {
        description: '', id: 'PE2', name: 'User Admin', systemDefault: true,
      },
    ]
    nock(BASE).get('/v1/mgmt/permission/all').reply(200, {permissions})
    expect(await loadAllPermissions(testClient())).to.deep.equal(permissions)
    nock(BASE).get('/v1/mgmt/permission/all').reply(200, '')
    expect(await loadAllPermissions(testClient())).to.deep.equal([])
    nock(BASE).get('/v1/mgmt/permission/all').reply(200, {permissions: {name: 'x'}})
    const err = await failure(loadAllPermissions(testClient()))
    expect(err.code).to.equal('invalid_response')
    expect(err.message).to.contain('"permissions" is not a list')
  })

  it('batch variants send {permissions} and {names}', async () => {
    const scope = nock(BASE)
    .post('/v1/mgmt/permission/create/batch', {permissions: [{description: 'R', name: 'a'}, {name: 'b'}]})
    .reply(200, {})
    .post('/v1/mgmt/permission/update/batch', {permissions: [{description: 'R2', name: 'a', newName: 'a2'}]})
    .reply(200, {})
    .post('/v1/mgmt/permission/delete/batch', {names: ['a2', 'b']})
    .reply(200, {})
    await createPermissions(testClient(), [{description: 'R', name: 'a'}, {name: 'b'}])
    await updatePermissions(testClient(), [{description: 'R2', name: 'a', newName: 'a2'}])
    await deletePermissions(testClient(), ['a2', 'b'])
    expect(scope.isDone()).to.equal(true)
  })

  it('maps a 401 to an error that names the request and never holds the key', async () => {
    nock(BASE).get('/v1/mgmt/permission/all').reply(401, {errorCode: 'E011101', errorDescription: 'Unauthorized'})
    const err = await failure(loadAllPermissions(testClient()))
    expect(err.message).to.contain('GET /v1/mgmt/permission/all').and.contain('HTTP 401')
    for (const text of renderings(err)) expect(text).to.not.contain(KEY)
  })

  it('permissionMatchesRequest treats an absent description as ""', () => {
    expect(permissionMatchesRequest({name: 'a'}, {description: '', name: 'a'})).to.equal(true)
    expect(permissionMatchesRequest({description: '', name: 'a'}, {name: 'a'})).to.equal(true)
    expect(permissionMatchesRequest({description: 'x', name: 'a'}, {name: 'a'})).to.equal(false)
    expect(permissionMatchesRequest({name: 'b'}, {name: 'a'})).to.equal(false)
  })
})
