import {expect} from 'chai'
import {createHash} from 'node:crypto'

import type {ResourceItem, ResourceKind} from '../../../src/lib/resources/types.js'

import {buildPlan, canonicalJson, fingerprintLive} from '../../../src/lib/plan/build.js'
import {flowsKind} from '../../../src/lib/resources/flows.js'
import {permissionItem, permissionsKind} from '../../../src/lib/resources/permissions.js'
import {roleItem, rolesKind} from '../../../src/lib/resources/roles.js'
import {tenantItem, tenantsKind} from '../../../src/lib/resources/tenants.js'

const live = (id: string, fields: Record<string, unknown> = {}) => tenantItem({id, name: id.toUpperCase(), ...fields})
const want = (id: string, fields: Record<string, unknown> = {}) => tenantItem({id, name: id.toUpperCase(), ...fields}, true)

function plan(desired: ResourceItem[], current: ResourceItem[], options: Partial<Parameters<typeof buildPlan>[0]> = {}) {
  return buildPlan({
    desired, kinds: [permissionsKind, rolesKind, tenantsKind], live: current, projectId: 'P1', prune: false, tool: 'test', ...options,
  })
}

describe('buildPlan', () => {
  it('plans nothing when live already matches, with defaults filling absent live fields', () => {
    const result = plan([want('acme', {disabled: false, selfProvisioningDomains: ['Acme.com']})], [live('acme', {selfProvisioningDomains: ['acme.com']})])
    expect(result.changes).to.deep.equal([])
    expect(result.summary).to.deep.equal({
      builtIn: 0, create: 0, delete: 0, skipped: 0, unmanaged: 0, update: 0,
    })
  })

  it('keeps Descope\'s built-in roles, permissions and flows out of prune, and counts them once', () => {
    const current = [
      permissionItem({name: 'User Admin', systemDefault: true}),
      permissionItem({name: 'Future System Permission', systemDefault: true}),
      permissionItem({name: 'users.read'}),
      roleItem({name: 'Tenant Admin', permissionNames: ['User Admin']}),
      roleItem({name: 'Tenant Admin', tenantId: 'acme'}),
      roleItem({name: 'Old'}),
      {fields: {}, key: 'sign-in', kind: 'flow' as const},
      {fields: {}, key: 'custom-login', kind: 'flow' as const},
    ]
    const kinds = [permissionsKind, rolesKind, flowsKind]
    const pruned = plan([], current, {kinds, prune: true})
    expect(pruned.changes.map(change => change.id)).to.have.members([
      'permission:users.read', 'role:Old', 'role:acme/Tenant Admin', 'flow:custom-login',
    ])
    expect(pruned.builtIns).to.deep.equal([
      {id: 'permission:Future System Permission', key: 'Future System Permission', kind: 'permission'},
      {id: 'permission:User Admin', key: 'User Admin', kind: 'permission'},
      {id: 'role:Tenant Admin', key: 'Tenant Admin', kind: 'role'},
      {id: 'flow:sign-in', key: 'sign-in', kind: 'flow'},
    ])
    expect(pruned.summary).to.deep.include({builtIn: 4, delete: 4, unmanaged: 0})

    // Without prune they are not "unmanaged" either: --prune would not delete them.
    const kept = plan([], current, {kinds, prune: false})
    expect(kept.skipped.map(skip => skip.id)).to.have.members(['permission:users.read', 'role:Old', 'role:acme/Tenant Admin', 'flow:custom-login'])
    expect(kept.summary).to.deep.include({builtIn: 4, unmanaged: 4})
  })

  it('manages a built-in role the configuration names', () => {
    const current = [roleItem({description: 'Descope\'s', name: 'Tenant Admin', permissionNames: ['User Admin']})]
    const result = plan([roleItem({description: 'Ours', name: 'Tenant Admin'}, true)], current, {prune: true})
    expect(result.changes.map(change => [change.action, change.id])).to.deep.equal([['update', 'role:Tenant Admin']])
    expect(result.builtIns).to.deep.equal([])
  })

  it('creates missing resources with every managed field as added', () => {
    const result = plan([want('acme', {customAttributes: {plan: 'gold'}})], [])
    expect(result.changes).to.have.length(1)
    expect(result.changes[0]).to.deep.include({action: 'create', id: 'tenant:acme'})
    expect(result.changes[0].fields).to.deep.equal([
      {after: {plan: 'gold'}, kind: 'added', path: 'customAttributes'},
      {after: 'ACME', kind: 'added', path: 'name'},
    ])
  })

  it('updates only the managed fields, and keeps the full live fields for the request', () => {
    const result = plan([want('acme', {name: 'Acme Corp'})], [live('acme', {customAttributes: {plan: 'gold'}})])
    expect(result.changes).to.have.length(1)
    const [change] = result.changes
    expect(change.action).to.equal('update')
    expect(change.fields).to.deep.equal([{
      after: 'Acme Corp', before: 'ACME', kind: 'changed', path: 'name',
    }])
    expect(change.live).to.deep.include({customAttributes: {plan: 'gold'}})
  })

  it('deletes unmanaged resources only with prune, and never protected ones', () => {
    const current = [live('acme'), live('old'), live('keep')]
    const withoutPrune = plan([want('acme')], current)
    expect(withoutPrune.changes).to.deep.equal([])
    expect(withoutPrune.skipped.map(skip => [skip.id, skip.reason])).to.deep.equal([['tenant:keep', 'unmanaged'], ['tenant:old', 'unmanaged']])
    expect(withoutPrune.summary).to.deep.include({skipped: 0, unmanaged: 2})

    const pruned = plan([want('acme')], current, {protect: ['keep'], prune: true})
    expect(pruned.changes.map(change => [change.action, change.id])).to.deep.equal([['delete', 'tenant:old']])
    expect(pruned.skipped).to.deep.equal([{
      action: 'delete', id: 'tenant:keep', key: 'keep', kind: 'tenant', reason: 'protected',
    }])

    const allowed = plan([want('acme')], current, {allowProtected: true, protect: ['keep'], prune: true})
    expect(allowed.changes.map(change => change.id)).to.deep.equal(['tenant:keep', 'tenant:old'])
  })

  it('does not update a protected resource, and refuses to move a tenant to another parent', () => {
    const result = plan([want('acme', {name: 'X'}), want('child', {parent: 'acme'})], [live('acme'), live('child', {parent: 'other'})], {protect: ['tenant:acme']})
    expect(result.changes).to.deep.equal([])
    expect(result.skipped).to.deep.equal([
      {
        action: 'update', id: 'tenant:acme', key: 'acme', kind: 'tenant', reason: 'protected',
      },
      {
        action: 'update', detail: 'parent cannot change after creation', id: 'tenant:child', key: 'child', kind: 'tenant', reason: 'immutable',
      },
    ])
  })

  // Tenant roles need their tenant, so tenants (phase 1) come between permissions (0) and roles (2).
  it('orders permissions before tenants before roles, parents before children, and deletes last in reverse', () => {
    const desired: ResourceItem[] = [
      want('grandchild', {parent: 'child'}),
      want('child', {parent: 'root'}),
      want('root'),
      {fields: {permissionNames: ['read']}, key: 'viewer', kind: 'role'},
      {fields: {permissionNames: ['read'], tenantId: 'root'}, key: 'root/admin', kind: 'role'},
      {fields: {description: 'Read'}, key: 'read', kind: 'permission'},
    ]
    const current: ResourceItem[] = [
      live('gone-parent'),
      live('gone-child', {parent: 'gone-parent'}),
      {fields: {description: ''}, key: 'old-perm', kind: 'permission'},
      {fields: {description: '', permissionNames: ['old-perm']}, key: 'old-role', kind: 'role'},
      {fields: {description: '', permissionNames: [], tenantId: 'gone-child'}, key: 'gone-child/old-admin', kind: 'role'},
    ]
    const result = plan(desired, current, {prune: true})
    expect(result.changes.map(change => `${change.action} ${change.id}`)).to.deep.equal([
      'create permission:read',
      'create tenant:root',
      'create tenant:child',
      'create tenant:grandchild',
      'create role:root/admin',
      'create role:viewer',
      'delete role:gone-child/old-admin',
      'delete role:old-role',
      'delete tenant:gone-child',
      'delete tenant:gone-parent',
      'delete permission:old-perm',
    ])
    const byId = new Map(result.changes.map(change => [change.id, change]))
    expect(byId.get('role:viewer')?.after).to.deep.equal(['permission:read'])
    expect(byId.get('role:root/admin')?.after).to.deep.equal(['permission:read', 'tenant:root'])
    expect(byId.get('tenant:child')?.after).to.deep.equal(['tenant:root'])
    expect(byId.get('tenant:gone-parent')?.after).to.deep.equal(['tenant:gone-child'])
    expect(byId.get('tenant:gone-child')?.after).to.deep.equal(['role:gone-child/old-admin'])
    expect(byId.get('permission:old-perm')?.after).to.deep.equal(['role:old-role'])
    const phase = (id: string) => byId.get(id)!.phase
    expect(phase('permission:read')).to.be.below(phase('tenant:root'))
    expect(phase('tenant:grandchild')).to.be.below(phase('role:root/admin'))
    expect(phase('role:old-role')).to.be.below(phase('tenant:gone-child'))
    expect(phase('tenant:gone-parent')).to.be.below(phase('permission:old-perm'))
  })

  it('fingerprints the live state independently of order, and changes with it', () => {
    const a = [live('a'), live('b')]
    expect(fingerprintLive(a, ['tenant'])).to.equal(fingerprintLive([...a].reverse(), ['tenant']))
    expect(fingerprintLive(a, ['tenant'])).to.not.equal(fingerprintLive([live('a'), live('b', {disabled: true})], ['tenant']))
    expect(fingerprintLive(a, ['role'])).to.equal(fingerprintLive([], ['role']))
    expect(canonicalJson({b: 1, a: {d: 1, c: 2}})).to.equal('{"a":{"c":2,"d":1},"b":1}')
  })

  it('writes canonical JSON as the sorted copy of every object would (JSON.stringify with Object.fromEntries of sorted entries)', () => {
    const reference = (value: unknown) => JSON.stringify(value, (_key, inner: unknown) => (inner && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : inner))
    const values = [
      {b: 1, a: {d: [1, {z: 0, y: null}], c: 2}},
      {
        10: 'ten', 9: 'nine', a: 1, B: undefined, '': '', é: 1, '💡': 2,
      },
      ['tenant:t1', {
        name: 'A', selfProvisioningDomains: ['a.com'], customAttributes: {seats: 1, plan: 'gold'}, disabled: false,
      }],
      {date: new Date(0), list: [undefined, Number.NaN, -0], nested: {sorted: {a: 1, b: 2}}},
      'text',
      3,
      null,
      [],
    ]
    for (const value of values) expect(canonicalJson(value)).to.equal(reference(value))
  })

  it('fingerprints the canonical JSON of the whole sorted live state, written item by item', () => {
    const odd = {
      '': 0, 'b"q': [1, null, undefined, Number.NaN, -0, 1e21, '\u2028 ✓ 😀'], 1: 'one', 9: 9, 10: 10, 4_294_967_295: 'not an index', a: {z: {}, y: []}, B: undefined, u: undefined,
    }
    const items = [live('b', {customAttributes: odd}), live('a', {customAttributes: {date: new Date(0), seats: 2}}), {fields: {name: 'r'}, key: 'r', kind: 'role' as const}]
    // What fingerprintLive hashed before: one text of every item, with a sorted copy of every object.
    const whole = items.filter(item => item.kind === 'tenant').map(item => [`${item.kind}:${item.key}`, item.fields]).sort(([a], [b]) => (a < b ? -1 : 1))
    expect(fingerprintLive(items, ['tenant'])).to.equal(`sha256:${createHash('sha256').update(canonicalJson(whole)).digest('hex')}`)
  })

  it('never deletes a singleton kind (the theme), even with prune', () => {
    const theme: ResourceKind = {
      ...tenantsKind, name: 'theme', phase: 4, plural: 'theme', singleton: true,
    }
    const result = buildPlan({
      desired: [], kinds: [theme], live: [{fields: {styles: {}}, key: 'theme', kind: 'theme'}], projectId: 'P1', prune: true, tool: 'test',
    })
    expect(result.changes).to.deep.equal([])
    expect(result.skipped).to.deep.equal([])
  })
})
