import {expect} from 'chai'
import nock from 'nock'

import type {DescopeConfig} from '../../../src/lib/config/schema.js'
import type {ResourceItem} from '../../../src/lib/resources/types.js'

import {buildPlan} from '../../../src/lib/plan/build.js'
import {resourceKinds, selectKinds} from '../../../src/lib/resources/index.js'
import {permissionItem, permissionsKind} from '../../../src/lib/resources/permissions.js'
import {
  roleItem, roleKey, roleRef, rolesKind,
} from '../../../src/lib/resources/roles.js'
import {tenantsKind} from '../../../src/lib/resources/tenants.js'
import {BASE, resetApiState, testClient} from '../api/fixtures.js'

const config = (rest: Partial<DescopeConfig>): DescopeConfig => ({environments: {local: {emulator: true}}, version: 1, ...rest} as DescopeConfig)

describe('resource kinds: permissions and roles', () => {
  beforeEach(() => resetApiState())

  afterEach(() => resetApiState())

  it('are registered in write order: permissions, tenants and their settings, roles, flows, theme', () => {
    expect(resourceKinds.map(kind => `${kind.plural}:${kind.phase}`)).to.deep.equal(['permissions:0', 'tenants:1', 'tenantSettings:1.5', 'roles:2', 'flows:3', 'theme:4'])
    expect(selectKinds(['roles,permissions']).map(kind => kind.name)).to.deep.equal(['permission', 'role'])
  })

  describe('permissions', () => {
    it('desired: key = name, only the fields the configuration sets', () => {
      const items = permissionsKind.desired(config({permissions: [{description: 'Read', name: 'users.read'}, {name: 'users.write'}]}))
      expect(items).to.deep.equal([
        {fields: {description: 'Read'}, key: 'users.read', kind: 'permission'},
        {fields: {}, key: 'users.write', kind: 'permission'},
      ])
      expect(permissionsKind.dependsOn(items[0])).to.deep.equal([])
    })

    it('readLive: every field with defaults, Descope\'s built-in permissions included and marked', async () => {
      nock(BASE).get('/v1/mgmt/permission/all').reply(200, {
        permissions: [
          {
            description: 'Read', id: 'PE1', name: 'users.read', systemDefault: false,
          },
          {id: 'PE2', name: 'users.write'},
          {
            description: 'Manage users', id: 'PE3', name: 'User Admin', systemDefault: true,
          },
        ],
      })
      expect(await permissionsKind.readLive(testClient())).to.deep.equal([
        {fields: {description: 'Read'}, key: 'users.read', kind: 'permission'},
        {fields: {description: ''}, key: 'users.write', kind: 'permission'},
        {fields: {description: 'Manage users', systemDefault: true}, key: 'User Admin', kind: 'permission'},
      ])
    })

    it('create, update (newName = name, live description kept when unmanaged) and delete', async () => {
      const scope = nock(BASE)
      .post('/v1/mgmt/permission/create', {description: 'Read', name: 'users.read'})
      .reply(200, {})
      .post('/v1/mgmt/permission/create', {name: 'bare'})
      .reply(200, {})
      .post('/v1/mgmt/permission/update', {description: 'New', name: 'users.read', newName: 'users.read'})
      .reply(200, {})
      .post('/v1/mgmt/permission/update', {description: 'Live', name: 'bare', newName: 'bare'})
      .reply(200, {})
      .post('/v1/mgmt/permission/delete', {name: 'old'})
      .reply(200, {})
      const client = testClient()
      await permissionsKind.create(client, permissionItem({description: 'Read', name: 'users.read'}, true))
      await permissionsKind.create(client, permissionItem({name: 'bare'}, true))
      await permissionsKind.update(client, permissionItem({description: 'New', name: 'users.read'}, true), permissionItem({description: 'Read', name: 'users.read'}))
      await permissionsKind.update(client, permissionItem({name: 'bare'}, true), permissionItem({description: 'Live', name: 'bare'}))
      await permissionsKind.delete(client, permissionItem({name: 'old'}))
      expect(scope.isDone()).to.equal(true)
    })
  })

  describe('roles', () => {
    it('desired: key = name or tenantId/name, permissions as a sorted set, only the fields set', () => {
      const items = rolesKind.desired(config({
        roles: [
          {default: true, name: 'Viewer', permissionNames: ['b', 'a', 'b']},
          {name: 'Admin', private: false, tenantId: 'acme'},
        ],
      }))
      expect(items).to.deep.equal([
        {fields: {default: true, permissionNames: ['a', 'b']}, key: 'Viewer', kind: 'role'},
        {fields: {private: false, tenantId: 'acme'}, key: 'acme/Admin', kind: 'role'},
      ])
    })

    it('readLive: every field with defaults; tenantId only for tenant roles', async () => {
      nock(BASE).get('/v1/mgmt/tenant/all').reply(200, {tenants: [{id: 'acme', name: 'Acme'}]})
      nock(BASE).post('/v1/mgmt/role/search', {includeProjectRoles: true, tenantIds: ['acme']}).reply(200, {
        roles: [
          {
            createdTime: 1, id: 'RL1', name: 'Viewer', permissionNames: ['z', 'a'], tenantId: '',
          },
          {
            default: true, description: 'Audits', id: 'RL2', name: 'Auditor', private: true, tenantId: 'acme',
          },
          {id: 'RL3', name: ''},
        ],
      })
      expect(await rolesKind.readLive(testClient())).to.deep.equal([
        {
          fields: {
            default: false, description: '', permissionNames: ['a', 'z'], private: false,
          },
          key: 'Viewer',
          kind: 'role',
        },
        {
          fields: {
            default: true, description: 'Audits', permissionNames: [], private: true, tenantId: 'acme',
          },
          key: 'acme/Auditor',
          kind: 'role',
        },
      ])
    })

    it('dependsOn: its permissions and its tenant', () => {
      expect(rolesKind.dependsOn(roleItem({name: 'Viewer', permissionNames: ['b', 'a']}, true))).to.deep.equal(['permission:a', 'permission:b'])
      expect(rolesKind.dependsOn(roleItem({name: 'Admin', permissionNames: ['a'], tenantId: 'acme'}, true))).to.deep.equal(['permission:a', 'tenant:acme'])
      expect(rolesKind.dependsOn(roleItem({name: 'Bare'}, true))).to.deep.equal([])
    })

    it('roleRef reads the scope from the fields, so a project role may contain "/"', () => {
      expect(roleKey('Admin', 'acme')).to.equal('acme/Admin')
      expect(roleRef(roleItem({name: 'Admin', tenantId: 'acme'}))).to.deep.equal({name: 'Admin', tenantId: 'acme'})
      expect(roleRef(roleItem({name: 'a/b'}))).to.deep.equal({name: 'a/b', tenantId: ''})
      expect(roleRef(roleItem({name: 'x/y', tenantId: 'acme'}))).to.deep.equal({name: 'x/y', tenantId: 'acme'})
    })

    it('create sends the fields set; update sends the full role with newName = name; delete names the scope', async () => {
      const scope = nock(BASE)
      .post('/v1/mgmt/role/create', {name: 'Viewer', permissionNames: ['a']})
      .reply(200, {})
      .post('/v1/mgmt/role/create', {name: 'Admin', private: true, tenantId: 'acme'})
      .reply(200, {})
      .post('/v1/mgmt/role/update', {
        default: false, description: 'Live description', name: 'Admin', newName: 'Admin', permissionNames: ['a', 'b'], private: true, tenantId: 'acme',
      })
      .reply(200, {})
      .post('/v1/mgmt/role/delete', {name: 'Old'})
      .reply(200, {})
      .post('/v1/mgmt/role/delete', {name: 'Old', tenantId: 'acme'})
      .reply(200, {})
      const client = testClient()
      await rolesKind.create(client, roleItem({name: 'Viewer', permissionNames: ['a']}, true))
      await rolesKind.create(client, roleItem({name: 'Admin', private: true, tenantId: 'acme'}, true))
      // The configuration manages only the permissions: description and private come from live.
      await rolesKind.update(
        client,
        roleItem({name: 'Admin', permissionNames: ['b', 'a'], tenantId: 'acme'}, true),
        roleItem({
          description: 'Live description', name: 'Admin', permissionNames: ['a'], private: true, tenantId: 'acme',
        }),
      )
      await rolesKind.delete(client, roleItem({name: 'Old'}))
      await rolesKind.delete(client, roleItem({name: 'Old', tenantId: 'acme'}))
      expect(scope.isDone()).to.equal(true)
    })
  })

  describe('through buildPlan', () => {
    const kinds = [rolesKind, tenantsKind, permissionsKind]
    const plan = (desired: ResourceItem[], live: ResourceItem[], prune = false) =>
      buildPlan({
        desired, kinds, live, projectId: 'P1', prune, tool: 'test',
      })

    it('creates permissions, then tenants, then roles; each role waits for its permissions and tenant', () => {
      const cfg = config({
        permissions: [{name: 'users.read'}, {name: 'audit.read'}],
        roles: [
          {name: 'Viewer', permissionNames: ['users.read']},
          {name: 'Auditor', permissionNames: ['audit.read'], tenantId: 'acme'},
        ],
        tenants: [{id: 'acme', name: 'Acme'}],
      })
      const result = plan(kinds.flatMap(kind => kind.desired(cfg)), [])
      expect(result.changes.map(change => `${change.action} ${change.id} ${change.after.join(',')}`)).to.deep.equal([
        'create permission:audit.read ',
        'create permission:users.read ',
        'create tenant:acme ',
        'create role:Viewer permission:users.read',
        'create role:acme/Auditor permission:audit.read,tenant:acme',
      ])
      expect(result.resources).to.deep.equal(['roles', 'tenants', 'permissions'])
    })

    it('plans nothing when live matches, whatever the order of permissions and the unmanaged fields', () => {
      const desired = [roleItem({name: 'Viewer', permissionNames: ['b', 'a']}, true), permissionItem({name: 'a'}, true)]
      const live = [
        roleItem({description: 'Kept', name: 'Viewer', permissionNames: ['a', 'b']}),
        permissionItem({description: 'Kept', name: 'a'}),
      ]
      expect(plan(desired, live).changes).to.deep.equal([])
    })

    it('updates a role field by field', () => {
      const result = plan([roleItem({default: true, name: 'Viewer', permissionNames: ['a', 'c']}, true)], [roleItem({name: 'Viewer', permissionNames: ['a', 'b']})])
      expect(result.changes).to.have.length(1)
      expect(result.changes[0]).to.deep.include({action: 'update', id: 'role:Viewer'})
      expect(result.changes[0].fields.map(field => field.path)).to.include('default')
      expect(result.changes[0].live).to.deep.include({description: ''})
    })

    it('does not guess renames: a changed role name is a delete and a create, the delete only with --prune', () => {
      const desired = [roleItem({name: 'Reader', permissionNames: ['a']}, true)]
      const live = [roleItem({name: 'Viewer', permissionNames: ['a']})]
      const kept = plan(desired, live)
      expect(kept.changes.map(change => `${change.action} ${change.id}`)).to.deep.equal(['create role:Reader'])
      expect(kept.skipped.map(skip => `${skip.reason} ${skip.id}`)).to.deep.equal(['unmanaged role:Viewer'])
      const pruned = plan(desired, live, true)
      expect(pruned.changes.map(change => `${change.action} ${change.id}`)).to.deep.equal(['create role:Reader', 'delete role:Viewer'])
    })

    it('keeps a project role and a tenant role of the same name apart', () => {
      const desired = [roleItem({name: 'Admin'}, true), roleItem({name: 'Admin', tenantId: 'acme'}, true)]
      const result = plan(desired, [roleItem({name: 'Admin'})])
      expect(result.changes.map(change => `${change.action} ${change.id}`)).to.deep.equal(['create role:acme/Admin'])
    })
  })
})
