/**
 * The permission, tenant and role kinds against a real emulator: a plan executed change by change
 * in its order (the way apply does, one at a time) makes live equal to the configuration, and
 * planning again finds nothing to do.
 */
import {expect} from 'chai'

import type {DescopeClient} from '../../../src/lib/api/types.js'
import type {DescopeConfig} from '../../../src/lib/config/schema.js'
import type {Plan} from '../../../src/lib/plan/types.js'

import {startEmulator} from '../../../plugins/plugin-emulator/src/index.js'
import {resetCircuitBreakers} from '../../../src/lib/api/breaker.js'
import {createDescopeClient} from '../../../src/lib/api/client.js'
import {resetRateLimiters} from '../../../src/lib/api/rate-limiter.js'
import {loadAllRoles} from '../../../src/lib/api/roles.js'
import {buildPlan} from '../../../src/lib/plan/build.js'
import {readLive} from '../../../src/lib/plan/compute.js'
import {resourceKinds} from '../../../src/lib/resources/index.js'

type Emulator = Awaited<ReturnType<typeof startEmulator>>

const config = (rest: Partial<DescopeConfig>): DescopeConfig => ({environments: {local: {emulator: true}}, version: 1, ...rest} as DescopeConfig)

async function planFor(client: DescopeClient, desired: DescopeConfig, prune = false): Promise<Plan> {
  return buildPlan({
    desired: resourceKinds.flatMap(kind => kind.desired(desired)),
    kinds: resourceKinds,
    live: await readLive(client, resourceKinds),
    projectId: 'P',
    prune,
    tool: 'test',
  })
}

/** Runs the changes one by one in plan order, with the full live item for updates and deletes. */
async function execute(client: DescopeClient, plan: Plan): Promise<void> {
  const kinds = new Map(resourceKinds.map(kind => [kind.name, kind]))
  for (const change of plan.changes) {
    const kind = kinds.get(change.kind)!
    const item = (fields: Record<string, unknown> | undefined) => ({fields: fields ?? {}, key: change.key, kind: change.kind})
    if (change.action === 'create') await kind.create(client, item(change.desired))
    else if (change.action === 'update') await kind.update(client, item(change.desired), item(change.live))
    else await kind.delete(client, item(change.live))
  }
}

describe('permission and role kinds against the emulator', function () {
  this.timeout(30_000)
  let emulator: Emulator
  let client: DescopeClient

  before(async () => {
    emulator = await startEmulator({newProjects: 'empty', rateLimit: 'off', port: 0})
    const [project] = emulator.projects
    client = createDescopeClient({baseUrl: emulator.url, managementKey: project.managementKey, projectId: project.id})
  })

  after(async () => {
    await emulator?.stop()
    resetRateLimiters()
    resetCircuitBreakers()
  })

  const first = config({
    permissions: [{description: 'Read users', name: 'users.read'}, {name: 'audit.read'}],
    roles: [
      {
        default: true, description: 'Reads', name: 'Viewer', permissionNames: ['users.read'],
      },
      {
        name: 'Auditor', permissionNames: ['audit.read', 'users.read'], private: true, tenantId: 'acme',
      },
    ],
    tenants: [{id: 'acme', name: 'Acme'}],
  })

  it('creates everything from empty in dependency order, then plans nothing', async () => {
    const plan = await planFor(client, first)
    expect(plan.summary).to.deep.include({create: 5, delete: 0, update: 0})
    await execute(client, plan)
    expect((await planFor(client, first)).changes).to.deep.equal([])
    const roles = await loadAllRoles(client)
    expect(roles.find(role => role.name === 'Auditor')).to.deep.include({private: true, tenantId: 'acme'})
  })

  it('updates a tenant role in place and keeps the fields the configuration does not manage', async () => {
    const next = config({
      ...first,
      roles: [
        {name: 'Viewer', permissionNames: ['users.read', 'audit.read']},
        {description: 'Audits Acme', name: 'Auditor', tenantId: 'acme'},
      ],
    })
    const plan = await planFor(client, next)
    expect(plan.changes.map(change => `${change.action} ${change.id}`)).to.deep.equal(['update role:Viewer', 'update role:acme/Auditor'])
    await execute(client, plan)
    expect((await planFor(client, next)).changes).to.deep.equal([])
    const roles = await loadAllRoles(client)
    // Unmanaged fields kept: Viewer stays default and keeps its description; Auditor its permissions.
    expect(roles.find(role => role.name === 'Viewer')).to.deep.include({default: true, description: 'Reads'})
    expect(roles.find(role => role.name === 'Auditor')?.permissionNames).to.have.members(['audit.read', 'users.read'])
  })

  it('with --prune, deletes a role before its tenant and its permissions, and a rename is a delete and a create', async () => {
    const last = config({
      permissions: [{description: 'Read users', name: 'users.read'}],
      roles: [{name: 'Reader', permissionNames: ['users.read']}],
    })
    const plan = await planFor(client, last, true)
    expect(plan.changes.map(change => `${change.action} ${change.id}`)).to.deep.equal([
      'create role:Reader',
      'delete role:Viewer',
      'delete role:acme/Auditor',
      'delete tenant:acme',
      'delete permission:audit.read',
    ])
    await execute(client, plan)
    expect((await planFor(client, last, true)).changes).to.deep.equal([])
  })
})
