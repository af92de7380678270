import {expect} from 'chai'

import type {Tenant} from '../../../src/lib/api/types.js'
import type {Connection} from '../../../src/lib/connection.js'
import type {Plan} from '../../../src/lib/plan/types.js'
import type {ResourceItem} from '../../../src/lib/resources/types.js'

import {buildPlan} from '../../../src/lib/plan/build.js'
import {computePlan} from '../../../src/lib/plan/compute.js'
import {rolesKind} from '../../../src/lib/resources/roles.js'
import {tenantItem, tenantsKind} from '../../../src/lib/resources/tenants.js'

const want = (id: string, fields: Partial<Tenant> = {}) => tenantItem({id, name: id.toUpperCase(), ...fields}, true)
const tenant = (id: string, fields: Partial<Tenant> = {}): Tenant => ({
  authType: 'none', customAttributes: {}, id, name: id.toUpperCase(), selfProvisioningDomains: [], ...fields,
})

/** A connection whose client answers tenant/all with `tenants` (read whole: it has no requestList), and role/all with none. */
function connectionTo(tenants: Tenant[]): Connection {
  return {
    baseUrl: 'http://emulator',
    client: {
      baseUrl: 'http://emulator',
      projectId: 'P1',
      async request<T>(_method: string, path: string) {
        return (path.endsWith('/tenant/all') ? {tenants: structuredClone(tenants)} : {roles: []}) as T
      },
    },
    coordination: {kind: 'file', stateDir: '/nonexistent'} as unknown as Connection['coordination'],
    async close() {},
    emulator: false,
    projectId: 'P1',
  }
}

/** A plan without its time. */
function timeless(plan: Plan): Partial<Plan> {
  return {...plan, createdAt: undefined}
}

/** The plan as buildPlan makes it from every live item, which is what computePlan made before it left items out. */
function reference(desired: ResourceItem[], tenants: Tenant[], options: {prune: boolean}) {
  return timeless(buildPlan({
    desired, kinds: [tenantsKind, rolesKind], live: tenants.map(item => tenantItem(item)), projectId: 'P1', tool: 'test', ...options,
  }))
}

describe('computePlan', () => {
  const tenants = [
    tenant('same', {customAttributes: {seats: 1}, selfProvisioningDomains: ['same.com']}),
    tenant('renamed'),
    tenant('child', {parent: 'same'}),
    tenant('deep', {parent: 'renamed'}),
    tenant('extra'),
    tenant('extra-child', {parent: 'extra'}),
    tenant('protected'),
    // Twice (Descope never does): the plan compares the last.
    tenant('twice'),
    tenant('twice', {name: 'Other'}),
    tenant('twice-then-same', {name: 'Old'}),
    tenant('twice-then-same'),
  ]
  const desired = [
    want('same', {customAttributes: {seats: 1}, selfProvisioningDomains: ['SAME.com']}),
    want('renamed', {name: 'New name'}),
    want('child', {parent: 'same'}),
    want('deep', {name: 'Deeper'}),
    want('new-child', {parent: 'child'}),
    want('new', {}),
    want('protected', {name: 'Changed'}),
    want('twice'),
    want('twice-then-same'),
  ]

  for (const prune of [false, true]) {
    it(`gives the plan made from every live item, leaving out the unchanged ones as they are read (prune ${prune})`, async () => {
      const connection = connectionTo(tenants)
      const plan = timeless(await computePlan({
        connection, desired, kinds: [tenantsKind, rolesKind], prune, tool: 'test',
      }))
      expect(plan).to.deep.equal(reference(desired, tenants, {prune}))
      expect(plan.changes!.map(change => `${change.action} ${change.key}`)).to.include.members(['update renamed', 'update deep', 'create new-child', 'update twice'])
    })
  }

  it('writes again the text of each unchanged item for the fingerprint, or keeps it when it cannot', async () => {
    // A null Descope sends where the configuration has the default: unchanged, with another text.
    const many = [tenant('nulls', {parent: null as unknown as string}), ...Array.from({length: 80}, (_, index) => tenant(`t${index}`, {customAttributes: {seats: index}}))]
    const wanted = [want('nulls', {parent: ''}), ...many.slice(1).map(item => want(item.id))]
    const connection = connectionTo(many)
    const plan = timeless(await computePlan({
      connection, desired: wanted, kinds: [tenantsKind], prune: false, tool: 'test',
    }))
    expect(plan.changes).to.deep.equal([])
    expect(plan.fingerprint).to.equal(timeless(buildPlan({
      desired: wanted, kinds: [tenantsKind], live: many.map(item => tenantItem(item)), projectId: 'P1', prune: false, tool: 'test',
    })).fingerprint)
  })

  it('keeps in memory only the live items a plan may change', async () => {
    const seen: ResourceItem[][] = []
    const readLive = tenantsKind.readLive.bind(tenantsKind)
    const kind = {
      ...tenantsKind,
      async readLive(client: Parameters<typeof readLive>[0], keep?: Parameters<typeof readLive>[1]) {
        const items = await readLive(client, keep)
        seen.push(items)
        return items
      },
    }
    const connection = connectionTo(tenants)
    await computePlan({
      connection, desired, kinds: [kind], prune: false, tool: 'test',
    })
    // `same`, `child` and the first `twice` have what they should; a second of a key is always kept.
    expect(seen[0].map(item => item.key)).to.deep.equal(['renamed', 'deep', 'extra', 'extra-child', 'protected', 'twice', 'twice-then-same', 'twice-then-same'])
  })
})
