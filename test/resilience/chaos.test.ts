import {expect} from 'chai'

import {errorStyles, type LogEntry} from '../../plugins/plugin-emulator/src/index.js'
import {DEFAULT_RETRY} from '../../src/lib/api/client.js'
import {type LiveTenant} from '../helpers/emulator-log.js'
import {
  type DeclaredPermission, type DeclaredRole, MUTATION, seedFrom, successfulWrites, tenants, waitFor, type Workspace, workspaceWithSeededEmulator, writeTarget,
} from './helpers.js'

interface AuditRecord {
  operation: string
  resource: string
  result: string
  runId?: string
}

const PERMISSIONS: DeclaredPermission[] = Array.from({length: 30}, (_, index) => ({description: `Permission ${index}`, name: `perm.${String(index).padStart(2, '0')}`}))
const ROLES: DeclaredRole[] = Array.from({length: 30}, (_, index) => ({
  description: `Role ${index}`,
  name: `role-${String(index).padStart(2, '0')}`,
  permissionNames: [PERMISSIONS[index].name, PERMISSIONS[(index + 7) % PERMISSIONS.length].name],
}))
// Every 10th tenant is a sub-tenant of the one before it: parents must come first under faults too.
const TENANTS = tenants(440, {childEvery: 10})
const TOTAL = TENANTS.length + PERMISSIONS.length + ROLES.length

// Steady noise on every API route: 10 % of attempts answer a retryable 5xx (503 or 524; the two
// probabilities combine to 1 - 0.93 × 0.967 ≈ 10 %) and 1 % lose their connection. Bursts: the
// next 20 requests answer 429 with Retry-After, at the start and again halfway. Storm: the emulator
// allows 30 requests per 2 seconds while the client believes it may send 200 a second, so its rate
// limiter answers 429 with Retry-After too (the limit is low enough to be exceeded on a loaded
// machine as well: the run sends ~600 requests). Latency jitter 0–20 ms on every answer.
// A change fails for good only if five attempts in a row fail (q ≈ 0.11 each): ≈ 1.6e-5 per
// request, under 1 % for the whole run.
const NOISE = ['reset:*:p=0.01', '503:*:p=0.07', '524:*:p=0.033']
const BURST = '429:*:20'

function keyOf(entry: LogEntry): string {
  return `${entry.path} ${writeTarget(entry)}`
}

// Under both error styles of the emulator: "already exists" and "not found" must read the same.
for (const errorStyle of errorStyles) describe(`chaos: 500 resources applied through 5xx, 429 bursts, latency jitter and connection resets (error style ${errorStyle})`, function () {
  this.timeout(240_000)
  const seed = seedFrom(20_240_601)
  let ws: Workspace

  before(async () => {
    ws = await workspaceWithSeededEmulator('Chaos', seed, {
      errorStyle, faults: [BURST, ...NOISE], latency: '0-20ms', rateLimit: '30/2s',
    })
    await ws.configure({permissions: PERMISSIONS, roles: ROLES, tenants: TENANTS}, {concurrency: 8, rateLimit: {requests: 200, windowSeconds: 1}})
  })

  after(async () => {
    await ws?.emulator.stop()
  })

  it('exits 0, live == config, every change made exactly once, audited, and retries within their bounds', async () => {
    const started = Date.now()
    const running = ws.cli(['apply', '-e', 'e', '--yes'], {timeoutMs: 200_000})
    let ended: Awaited<typeof running> | undefined
    running.then(result => {
      ended = result
    }, () => {})
    // Halfway through the writes, a second 429 burst on top of the noise (an apply that ends before
    // then fails the test at once, with its output).
    await waitFor('half of the writes', async () => {
      if (ended) throw new Error(`the apply ended (exit ${ended.code}) before half of the writes:\n${ended.stdout.slice(-1500)}\n${ended.stderr.slice(-3000)}`)
      return (await successfulWrites(ws.emulator)).size >= TOTAL / 2
    }, 180_000, 50)
    await ws.emulator.admin.setFaults([BURST, ...NOISE])
    const apply = await running
    const durationMs = Date.now() - started
    await ws.emulator.admin.clearFaults()

    const log = await ws.emulator.admin.requests()
    const {totals} = await ws.emulator.stats()
    // Requests refused by the rate limiter are logged before their body is read: they name no
    // resource, so per-write figures count the attempts that reached the API.
    const writes = log.filter(entry => entry.method === 'POST' && MUTATION.test(entry.path) && entry.body !== undefined)
    const byKind = (predicate: (entry: LogEntry) => boolean) => log.filter(entry => predicate(entry)).length
    const injected5xx = byKind(entry => entry.outcome === 'fault' && entry.status >= 500)
    // Requests that reached the fault check (not refused by the rate limiter nor taken by a burst).
    const exposed = byKind(entry => entry.outcome !== 'rateLimited' && !(entry.outcome === 'fault' && entry.status === 429))
    const injected429 = byKind(entry => entry.outcome === 'fault' && entry.status === 429)
    const resets = byKind(entry => entry.status === 0)
    const rateLimited = byKind(entry => entry.outcome === 'rateLimited')
    const retries = log.length - byKind(entry => entry.status === 200)
    const logical = new Set(writes.map(entry => keyOf(entry))).size
    const attemptsByWrite = new Map<string, LogEntry[]>()
    for (const entry of writes) attemptsByWrite.set(keyOf(entry), [...(attemptsByWrite.get(keyOf(entry)) ?? []), entry])
    const maxAttempts = Math.max(...[...attemptsByWrite.values()].map(attempts => attempts.length))
    const maxFailedAttempts = Math.max(...[...attemptsByWrite.values()].map(attempts => attempts.filter(entry => entry.status !== 200 && entry.status !== 429).length))
    console.log([
      `      chaos figures (seed ${seed}, replay with RESILIENCE_SEED=${seed}):`,
      `        operations: ${TOTAL} changes (${TENANTS.length} tenants, ${PERMISSIONS.length} permissions, ${ROLES.length} roles), ${log.length} API requests in all`,
      `        injected faults: ${injected5xx} 5xx (${(100 * injected5xx / exposed).toFixed(1)} % of the ${exposed} requests exposed to the noise),`
      + ` ${injected429} injected 429, ${resets} connection resets`,
      `        rate limiter: ${rateLimited} requests refused with 429 + Retry-After`,
      `        retries: ${retries} (every request that did not answer 200 was retried, as the apply succeeded);`
      + ` write attempts ${writes.length} for ${logical} writes; most attempts of one write: ${maxAttempts} (failed other than 429: at most ${maxFailedAttempts})`,
      `        duration: ${(durationMs / 1000).toFixed(1)} s for the apply`,
    ].join('\n'))

    expect(apply.code, `${apply.stdout.slice(-3000)}\n${apply.stderr}\n${JSON.stringify(totals)}`).to.equal(0)
    expect(apply.stdout).to.contain(`Plan: ${TOTAL} to create, 0 to update, 0 to delete.`).and.contain(`✓ Applied ${TOTAL} changes.`)

    // The chaos really happened, at about the rates asked for.
    // (p = 0.1 over ~550 requests: a standard deviation of ~1.3 %; the window is ±4 of them.)
    expect(injected5xx / exposed, '5xx share of the requests exposed to the noise').to.be.within(0.048, 0.152)
    expect(injected429, 'injected 429 bursts').to.equal(40)
    expect(log.filter(entry => entry.status === 429).length, '429 answers').to.equal(injected429 + rateLimited)
    expect(resets, 'connection resets').to.be.greaterThan(0)
    expect(rateLimited, 'requests refused by the rate limiter').to.be.greaterThan(0)

    // Every change made exactly once: one successful write per resource, none twice.
    const successes = await successfulWrites(ws.emulator)
    expect([...successes].filter(([, count]) => count !== 1), 'writes that succeeded more than once').to.deep.equal([])
    const expectedWrites = [
      ...PERMISSIONS.map(permission => `/v1/mgmt/permission/create permission:${permission.name}`),
      ...ROLES.map(role => `/v1/mgmt/role/create role:${role.name}`),
      ...TENANTS.map(tenant => `/v1/mgmt/tenant/create tenant:${tenant.id}`),
    ].sort()
    expect([...successes.keys()].sort()).to.deep.equal(expectedWrites)

    // Retries within their bounds: per write, failures other than a scheduled 429 ≤ retry.limit
    // (so at most limit + 1 such attempts), the last attempt is the success, and 429 retries are
    // bounded by maxTotalMs (each waits at least the 1 s of Retry-After).
    for (const [key, attempts] of attemptsByWrite) {
      const failed = attempts.filter(entry => entry.status !== 200 && entry.status !== 429)
      const limited = attempts.filter(entry => entry.status === 429)
      expect(failed.length, `failed attempts of ${key}`).to.be.at.most(DEFAULT_RETRY.limit)
      expect(attempts.at(-1)!.status, `last attempt of ${key}`).to.equal(200)
      expect(limited.length, `429s of ${key}`).to.be.at.most(DEFAULT_RETRY.maxTotalMs / 1000)
      expect(attempts.length, `attempts of ${key}`).to.be.at.most(DEFAULT_RETRY.limit + 1 + limited.length)
    }

    // Live state == config, read straight from the emulator's store.
    const state = await ws.emulator.admin.state()
    const project = state.projects.find(candidate => candidate.id === ws.projectId)! as unknown as {
      tenants: Array<[string, LiveTenant]>
      roles: Array<[string, {name: string; description?: string; permissionNames: string[]; tenantId?: string}]>
      permissions: Array<[string, {name: string; description?: string}]>
    }
    const liveTenants = project.tenants.map(([, tenant]) => tenant).sort((a, b) => a.id.localeCompare(b.id))
    expect(liveTenants.map(tenant => ({
      customAttributes: tenant.customAttributes, id: tenant.id, name: tenant.name, parent: tenant.parent || undefined, selfProvisioningDomains: tenant.selfProvisioningDomains,
    }))).to.deep.equal(TENANTS.map(tenant => ({...tenant, parent: tenant.parent})))
    expect(project.permissions.map(([, permission]) => ({description: permission.description, name: permission.name})).sort((a, b) => a.name.localeCompare(b.name))).to.deep.equal(PERMISSIONS)
    expect(project.roles.map(([, role]) => ({description: role.description, name: role.name, permissionNames: [...role.permissionNames].sort()})).sort((a, b) => a.name.localeCompare(b.name)))
    .to.deep.equal(ROLES.map(role => ({...role, permissionNames: [...role.permissionNames].sort()})))

    // A following plan (faults off) sees nothing to do.
    const plan = await ws.cli(['plan', '-e', 'e'])
    expect(plan.code, plan.stdout + plan.stderr).to.equal(0)
    expect(plan.stdout).to.contain('No changes')

    // The audit log lists every write, once, as ok, all in the apply's run.
    const audit = await ws.cli(['audit', 'list', '--json', '--limit', '2000'])
    expect(audit.code, audit.stderr).to.equal(0)
    const records = JSON.parse(audit.stdout) as AuditRecord[]
    expect(records).to.have.length(TOTAL)
    expect(records.every(record => record.result === 'ok' && record.operation === 'create')).to.equal(true)
    expect(new Set(records.map(record => record.runId)).size).to.equal(1)
    expect(records.map(record => record.resource).sort()).to.deep.equal(expectedWrites.map(write => write.split(' ')[1]).sort())
  })
})
