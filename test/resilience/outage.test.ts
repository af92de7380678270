import {expect} from 'chai'
import {readdir, readFile} from 'node:fs/promises'
import {createServer} from 'node:net'
import path from 'node:path'

import type {CliResult} from '../helpers/cli.js'

import {startEmulator} from '../../plugins/plugin-emulator/src/index.js'
import {DEFAULT_BREAKER} from '../../src/lib/api/breaker.js'
import {DEFAULT_RETRY} from '../../src/lib/api/client.js'
import {DEFAULT_CONCURRENCY} from '../../src/lib/apply/executor.js'
import {
  type DeclaredPermission, type DeclaredRole, inFreshHome, MANAGEMENT_KEY, MUTATION, projectId, tempDir, tenantCreates, tenants, waitFor, type Workspace, workspace,
} from './helpers.js'

const PERMISSIONS: DeclaredPermission[] = [{description: 'Read', name: 'read'}, {description: 'Write', name: 'write'}]
const ROLES: DeclaredRole[] = [{description: 'Reads', name: 'viewer', permissionNames: ['read']}]
const TENANTS = tenants(40)
const DECLARED = {permissions: PERMISSIONS, roles: ROLES, tenants: TENANTS}
/** The kinds the configuration declares: plan reads each once, in parallel. */
const KINDS = 3
/** Attempts of one request: the first, then `limit` retries. */
const ATTEMPTS = DEFAULT_RETRY.limit + 1
/** Wall-clock bound of a failing command with the client's retry limits (worst backoff ≈ 3 s per request). */
const BOUND_MS = 30_000

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>(resolve => {
    server.listen(0, '127.0.0.1', resolve)
  })
  const {port} = server.address() as {port: number}
  await new Promise(resolve => {
    server.close(resolve)
  })
  return port
}

async function timed(fn: () => Promise<CliResult>): Promise<CliResult & {ms: number}> {
  const started = Date.now()
  const result = await fn()
  return {...result, ms: Date.now() - started}
}

function expectNoSuccessReported(result: CliResult): void {
  const output = result.stdout + result.stderr
  expect(output).to.not.match(/Applied \d+ change|No changes/)
}

async function journalLines(ws: Workspace): Promise<Array<Record<string, unknown>>> {
  const dir = path.join(ws.dataDir, 'journals', ws.projectId)
  const names = (await readdir(dir).catch(() => [] as string[])).filter(name => name.endsWith('.jsonl'))
  expect(names.length, 'journals').to.be.at.most(1)
  if (names.length === 0) return []
  const text = await readFile(path.join(dir, names[0]), 'utf8')
  return text.trim().split('\n').map(line => JSON.parse(line) as Record<string, unknown>)
}

describe('outage: the API is down or answers 503', function () {
  this.timeout(120_000)

  describe('nothing listens on the port', () => {
    let ws: Workspace

    before(async () => {
      // An emulator only to build the workspace; the configuration points at a closed port.
      ws = await workspace('OutageClosed')
      await ws.emulator.stop()
      await ws.configure(DECLARED, {url: `http://127.0.0.1:${await closedPort()}`})
    })

    it('apply fails in bounded time with exit 5 and a clear message; nothing is reported done', async () => {
      const apply = await timed(() => ws.cli(['apply', '-e', 'e', '--yes']))
      console.log(`      closed port: apply failed with exit ${apply.code} after ${(apply.ms / 1000).toFixed(1)} s`)
      expect(apply.code, apply.stdout + apply.stderr).to.equal(5)
      expect(apply.ms).to.be.lessThan(BOUND_MS)
      expect(apply.stderr).to.match(/Cannot reach http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\) for GET \/v1\/mgmt\/\w+\/all after 4 retries/)
      expect(apply.stderr).to.contain('Check `--base-url`/DESCOPE_BASE_URL and your network.')
      expectNoSuccessReported(apply)
      // It failed while reading the live state: no run started, so no journal and no lock left.
      expect(await journalLines(ws)).to.deep.equal([])
      expect(await readdir(path.join(ws.dataDir, 'locks')).catch(() => [])).to.deep.equal([])
    })
  })

  describe('every request answers 503', () => {
    let ws: Workspace

    before(async () => {
      ws = await workspace('Outage503', {faults: ['503:*']})
      await ws.configure(DECLARED)
    })

    after(async () => {
      await ws?.emulator.stop()
    })

    it('apply fails in bounded time with exit 5; requests bounded by the retry limit; nothing sent to write', async () => {
      const apply = await timed(() => ws.cli(['apply', '-e', 'e', '--yes']))
      const log = await ws.emulator.admin.requests()
      console.log(`      every request 503: exit ${apply.code} after ${(apply.ms / 1000).toFixed(1)} s, ${log.length} requests (bound ${KINDS * ATTEMPTS})`)
      expect(apply.code, apply.stdout + apply.stderr).to.equal(5)
      expect(apply.ms).to.be.lessThan(BOUND_MS)
      expect(apply.stderr).to.match(/Descope is having trouble: GET \/v1\/mgmt\/\w+\/all failed with HTTP 503 after 4 retries/)
      expect(apply.stderr).to.contain('This is usually temporary')
      expectNoSuccessReported(apply)
      // The plan reads each kind once (in parallel); each read is tried at most `limit + 1` times.
      expect(log.length).to.be.greaterThan(0).and.at.most(KINDS * ATTEMPTS)
      expect(log.every(entry => entry.status === 503)).to.equal(true)
      expect(log.filter(entry => entry.method !== 'GET'), 'writes sent').to.deep.equal([])
      expect(await journalLines(ws)).to.deep.equal([])
    })
  })

  describe('every write answers 503 (reads work): the circuit breaker opens', () => {
    let ws: Workspace

    before(async () => {
      ws = await workspace('OutageBreaker', {faults: ['503:POST /v1/mgmt/*']})
      await ws.configure(DECLARED)
    })

    after(async () => {
      await ws?.emulator.stop()
    })

    it('--continue-on-error: the breaker stops the run after a bounded number of requests; exit 5; the journal says failed', async () => {
      const apply = await timed(() => ws.cli(['apply', '-e', 'e', '--yes', '--continue-on-error']))
      const writes = (await ws.emulator.admin.requests({method: 'POST'})).filter(entry => MUTATION.test(entry.path))
      const logical = new Set(writes.map(entry => `${entry.path} ${String(entry.body?.id ?? entry.body?.name)}`))
      // At most `threshold` failed changes in a row open the breaker, plus the changes already in
      // flight then (concurrency - 1); each of them is tried at most limit + 1 times.
      const maxChanges = DEFAULT_BREAKER.threshold + DEFAULT_CONCURRENCY - 1
      const planned = TENANTS.length + PERMISSIONS.length + ROLES.length
      const figures = `${writes.length} write requests for ${logical.size} changes, of ${planned} planned (bound ${maxChanges * ATTEMPTS} requests)`
      console.log(`      every write 503: exit ${apply.code} after ${(apply.ms / 1000).toFixed(1)} s; ${figures}`)
      expect(apply.code, apply.stdout + apply.stderr).to.equal(5)
      expect(apply.ms).to.be.lessThan(BOUND_MS)
      expect(logical.size).to.be.at.least(DEFAULT_BREAKER.threshold).and.at.most(maxChanges)
      expect(writes.length).to.be.at.most(maxChanges * ATTEMPTS)
      expect(writes.every(entry => entry.status === 503)).to.equal(true)
      expect(await tenantCreates(ws.emulator)).to.have.property('size', 0)

      expect(apply.stdout).to.contain(`looks unavailable: ${DEFAULT_BREAKER.threshold} requests in a row failed; stopped early`)
      expect(apply.stdout).to.contain('Stopped early: the Descope API looks unavailable.')
      expect(apply.stdout).to.contain('Next: descope-mgmt apply -e e --resume')
      expect(apply.stdout).to.match(/0 of \d+ changes done/)
      expectNoSuccessReported(apply)

      const lines = await journalLines(ws)
      const end = lines.at(-1) as {type: string; result: {status: string; stopReason: string; done: number}}
      expect(end.type).to.equal('end')
      expect(end.result).to.include({done: 0, status: 'failed', stopReason: 'api_unavailable'})
      expect(lines.filter(line => line.type === 'done')).to.deep.equal([])

      // The API recovers: the resume makes everything, once.
      await ws.emulator.admin.clearFaults()
      const resume = await ws.cli(['apply', '-e', 'e', '--resume', '--yes'])
      expect(resume.code, resume.stdout + resume.stderr).to.equal(0)
      const creates = await tenantCreates(ws.emulator)
      expect(creates.size).to.equal(TENANTS.length)
      expect([...creates.values()].every(count => count === 1)).to.equal(true)
    })

    it('without --continue-on-error: stops at the first failure, exit 5, at most `concurrency` changes tried', async () => {
      await ws.emulator.admin.reset()
      const fresh = await inFreshHome(ws)
      await fresh.configure(DECLARED)
      const apply = await timed(() => fresh.cli(['apply', '-e', 'e', '--yes']))
      const writes = (await ws.emulator.admin.requests({method: 'POST'})).filter(entry => MUTATION.test(entry.path))
      const logical = new Set(writes.map(entry => `${entry.path} ${String(entry.body?.id ?? entry.body?.name)}`))
      console.log(`      every write 503, stop at first failure: exit ${apply.code} after ${(apply.ms / 1000).toFixed(1)} s; ${writes.length} write requests for ${logical.size} changes`)
      expect(apply.code, apply.stdout + apply.stderr).to.equal(5)
      expect(apply.ms).to.be.lessThan(BOUND_MS)
      expect(logical.size).to.be.at.least(1).and.at.most(DEFAULT_CONCURRENCY)
      expect(writes.length).to.be.at.most(DEFAULT_CONCURRENCY * ATTEMPTS)
      expect(apply.stdout).to.match(/failed with HTTP 503 after 4 retries/)
      expect(apply.stdout).to.contain('Stopped at the first failure.').and.contain('Next: descope-mgmt apply -e e --resume')
      expectNoSuccessReported(apply)
      const end = (await journalLines(fresh)).at(-1) as {result: {status: string}}
      expect(end.result.status).to.equal('failed')
    })
  })

  describe('the API goes away in the middle of an apply', () => {
    it('reports a partial run (exit 6) with a resumable journal; after the API is back the resume converges', async () => {
      const id = projectId('OutageMid')
      const state = await tempDir()
      let emulator = await startEmulator({
        newProjects: 'empty', rateLimit: 'off',
        dataDir: state, latency: '20ms', port: 0, projects: [{id, managementKey: MANAGEMENT_KEY}],
      })
      const {port} = emulator
      const ws = await inFreshHome({emulator, projectId: id})
      await ws.configure(DECLARED)
      const running = ws.cli(['apply', '-e', 'e', '--yes'])
      await waitFor('10 tenant creates', async () => (await tenantCreates(emulator)).size >= 10, 60_000, 5)
      const started = Date.now()
      await emulator.stop()
      const apply = await running
      console.log(`      API gone mid-apply: exit ${apply.code}, ${((Date.now() - started) / 1000).toFixed(1)} s after the port closed`)
      expect(apply.code, apply.stdout + apply.stderr).to.equal(6)
      expect(Date.now() - started).to.be.lessThan(BOUND_MS)
      expect(apply.stdout).to.match(/Cannot reach http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/)
      expect(apply.stdout).to.match(/\d+ of \d+ changes done, \d+ failed, \d+ not started\./)
      expect(apply.stdout).to.contain('Next: descope-mgmt apply -e e --resume')
      expectNoSuccessReported(apply)
      const end = (await journalLines(ws)).at(-1) as {type: string; result: {status: string}}
      expect(end.type).to.equal('end')
      expect(end.result.status).to.equal('partial')

      // The API comes back on the same port with the same state.
      emulator = await startEmulator({
        newProjects: 'empty', rateLimit: 'off', dataDir: state, port, projects: [{id, managementKey: MANAGEMENT_KEY}],
      })
      try {
        const resume = await ws.cli(['apply', '-e', 'e', '--resume', '--yes'])
        expect(resume.code, resume.stdout + resume.stderr).to.equal(0)
        expect(resume.stdout).to.match(/Resuming run \w+/)
        const plan = await ws.cli(['plan', '-e', 'e'])
        expect(plan.code, plan.stdout).to.equal(0)
        const creates = await tenantCreates(emulator)
        // The restarted emulator's log holds only the resume's creates: none of them repeats one
        // made before the outage, and together they make every tenant.
        const state2 = await emulator.admin.state()
        const live = (state2.projects[0] as unknown as {tenants: Array<[string, unknown]>}).tenants.map(([tenantId]) => tenantId).sort()
        expect(live).to.deep.equal(TENANTS.map(tenant => tenant.id))
        expect([...creates.values()].every(count => count === 1)).to.equal(true)
        expect(creates.size).to.be.lessThan(TENANTS.length)
        const conflicts = (await emulator.admin.requests({method: 'POST'})).filter(entry => entry.errorCode === 'E011409')
        expect(conflicts).to.deep.equal([])
      } finally {
        await emulator.stop()
      }
    })
  })
})
