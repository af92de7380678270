import {expect} from 'chai'

import type {RunningEmulator} from '../../../plugins/plugin-emulator/src/index.js'

import {startEmulator} from '../../../plugins/plugin-emulator/src/index.js'
import {
  Api, apiFor, type DescopeErrorBody, withEmulator,
} from './helpers.js'

const startTime = Date.UTC(2026, 2, 2, 9, 15)
const otherProject = {id: 'P2OtherProject00000000000001', managementKey: 'K2OtherProjectManagementKey00001'}

async function timed<T>(run: () => Promise<T>): Promise<{elapsedMs: number; result: T}> {
  const started = performance.now()
  const result = await run()
  return {elapsedMs: performance.now() - started, result}
}

describe('emulator knobs', () => {
  describe('rate limit', () => {
    const clock = {now: startTime}
    let emulator: RunningEmulator
    let api: Api

    before(async () => {
      emulator = await startEmulator({
        newProjects: 'empty',
        now: () => clock.now, port: 0, projects: [{id: 'P2RateLimited000000000000001', managementKey: 'K2RateLimitedManagementKey000001'}, otherProject], rateLimit: '3/10s',
      })
      api = apiFor(emulator)
    })

    beforeEach(async () => {
      clock.now = startTime
      await emulator.admin.reset()
    })

    after(() => emulator.stop())

    it('answers the N+1st request of a window, and only it, with 429 E130429 and an exact Retry-After', async () => {
      const statuses: number[] = []
      for (const offset of [0, 1000, 2000]) {
        clock.now = startTime + offset
        statuses.push((await api.get('/v1/mgmt/tenant/all')).status)
      }

      clock.now = startTime + 2500
      const limited = await api.get<DescopeErrorBody>('/v1/mgmt/tenant/all')
      expect(statuses).to.deep.equal([200, 200, 200])
      expect(limited.status).to.equal(429)
      expect(limited.body.errorCode).to.equal('E130429')
      // The oldest request (at 0 s) leaves the 10 s window 7.5 s from now: rounded up.
      expect(limited.headers['retry-after']).to.equal('8')

      clock.now = startTime + 10_000
      expect((await api.get('/v1/mgmt/tenant/all')).status).to.equal(200)
      clock.now = startTime + 10_001
      expect((await api.get('/v1/mgmt/tenant/all')).headers['retry-after']).to.equal('1')
    })

    it('does not serve or count a rate-limited request', async () => {
      for (let index = 0; index < 3; index++) await api.post('/v1/mgmt/permission/create', {name: `p${index}`})
      const limited = await api.post('/v1/mgmt/tenant/create', {id: 'late', name: 'Late'})
      expect(limited.status).to.equal(429)
      clock.now += 60_000
      expect((await api.get<DescopeErrorBody>('/v1/mgmt/tenant?id=late')).body.errorCode).to.equal('E011404')

      const stats = await emulator.stats()
      expect(stats.totals).to.deep.include({rateLimited: 1, requests: 5, served: 4})
      expect(stats.routes['POST /v1/mgmt/tenant/create']).to.deep.include({rateLimited: 1, served: 0})
      const log = await emulator.admin.requests({path: '/v1/mgmt/tenant/create'})
      expect(log.map(entry => [entry.status, entry.outcome])).to.deep.equal([[429, 'rateLimited']])
    })

    it('counts every project together by default, per client address as Descope does', async () => {
      const other = new Api(emulator, otherProject.id, otherProject.managementKey)
      for (let index = 0; index < 3; index++) await api.get('/v1/mgmt/tenant/all')
      expect((await other.get('/v1/mgmt/tenant/all')).status).to.equal(429)
      expect((await emulator.admin.state()).knobs.rateLimit.scope).to.equal('ip')
    })

    it('keeps one window per project with the project scope, and a project value overrides the global one', async () => {
      await emulator.admin.setRateLimitScope('project')
      const other = new Api(emulator, otherProject.id, otherProject.managementKey)
      for (let index = 0; index < 3; index++) await api.get('/v1/mgmt/tenant/all')
      expect((await api.get('/v1/mgmt/tenant/all')).status).to.equal(429)
      expect((await other.get('/v1/mgmt/tenant/all')).status).to.equal(200)

      await emulator.admin.setRateLimit('1/60s', otherProject.id)
      expect((await other.get('/v1/mgmt/tenant/all')).status).to.equal(429)
      await emulator.admin.setRateLimit('off', otherProject.id)
      for (let index = 0; index < 5; index++) expect((await other.get('/v1/mgmt/tenant/all')).status).to.equal(200)
    })

    it("with a backoff (Descope's default), refuses every request for the whole backoff, without extending it", async () => {
      await emulator.admin.setRateLimit('3/10s,backoff=60s')
      const other = new Api(emulator, otherProject.id, otherProject.managementKey)
      for (let index = 0; index < 3; index++) await api.get('/v1/mgmt/tenant/all')
      const limited = await api.get<DescopeErrorBody>('/v1/mgmt/tenant/all')
      expect(limited.status).to.equal(429)
      expect(limited.headers['retry-after']).to.equal('60')
      // Long after the 10 s window, but still within the backoff: refused, for the time left.
      clock.now = startTime + 30_000
      const still = await other.get('/v1/mgmt/tenant/all')
      expect([still.status, still.headers['retry-after']]).to.deep.equal([429, '30'])
      clock.now = startTime + 60_000
      expect((await api.get('/v1/mgmt/tenant/all')).status).to.equal(200)
    })

    it("defaults to Descope's documented 100 requests per 60 s with a 60 s backoff, per client address", async () => {
      const running = await startEmulator({port: 0})
      try {
        const {knobs} = await running.admin.state()
        expect(knobs.rateLimit).to.deep.equal({global: '100/60s,backoff=60s', projects: {}, scope: 'ip'})
      } finally {
        await running.stop()
      }
    })

    it('works on the real clock with a small window: one 429 whose Retry-After frees a slot', async function () {
      this.timeout(10_000)
      await withEmulator({rateLimit: '3/2s'}, async (_emulator, realApi) => {
        const responses = []
        for (let index = 0; index < 4; index++) responses.push(await realApi.get('/v1/mgmt/license'))
        expect(responses.map(response => response.status)).to.deep.equal([200, 200, 200, 429])
        const retryAfter = Number(responses[3].headers['retry-after'])
        expect(retryAfter).to.be.oneOf([1, 2])
        await new Promise(resolve => {
          setTimeout(resolve, retryAfter * 1000)
        })
        expect((await realApi.get('/v1/mgmt/license')).status).to.equal(200)
      })
    })
  })

  describe('faults', () => {
    let emulator: RunningEmulator
    let api: Api

    before(async () => {
      emulator = await startEmulator({
        newProjects: 'empty', faults: ['500:GET /v1/mgmt/role/all:1'], port: 0, rateLimit: 'off',
      })
      api = apiFor(emulator)
    })

    beforeEach(() => emulator.admin.reset())

    after(() => emulator.stop())

    it('fails the next N requests of a route, then serves it, without touching other routes', async () => {
      await emulator.admin.setFaults(['503:POST /v1/mgmt/tenant/create:2'])
      const first = await api.post<DescopeErrorBody>('/v1/mgmt/tenant/create', {id: 'acme', name: 'Acme'})
      expect(first.status).to.equal(503)
      expect(first.body).to.include({errorCode: 'E011503', errorDescription: 'Injected fault'})
      expect((await api.get('/v1/mgmt/tenant/all')).status).to.equal(200)
      expect((await api.post('/v1/mgmt/tenant/create', {id: 'acme', name: 'Acme'})).status).to.equal(503)
      expect((await api.get<DescopeErrorBody>('/v1/mgmt/tenant?id=acme')).body.errorCode, 'a failed create changes nothing').to.equal('E011404')
      expect((await api.post('/v1/mgmt/tenant/create', {id: 'acme', name: 'Acme'})).status).to.equal(200)
      expect(await emulator.admin.setFaults([])).to.deep.equal([])

      const stats = await emulator.stats()
      expect(stats.routes['POST /v1/mgmt/tenant/create']).to.deep.include({
        faultsInjected: 2, mutations: 1, requests: 3, served: 1,
      })
      const log = await emulator.admin.requests({method: 'POST', path: '/v1/mgmt/tenant/create'})
      expect(log.map(entry => [entry.status, entry.fault])).to.deep.equal([[503, 'status 503'], [503, 'status 503'], [200, undefined]])
      expect(log.filter(entry => entry.status === 200).map(entry => entry.body)).to.deep.equal([{id: 'acme', name: 'Acme'}])
    })

    it('matches routes by path, METHOD path and prefix, and by project', async () => {
      await emulator.admin.setFaults([{count: 1, route: '/v1/mgmt/role/*', status: 502}, {route: 'GET /v1/mgmt/permission/all', status: 500}, {projectId: 'P2SomeoneElse', status: 400}])
      expect((await api.post('/v1/mgmt/role/search', {})).status).to.equal(502)
      expect((await api.get('/v1/mgmt/role/all')).status).to.equal(200)
      expect((await api.get('/v1/mgmt/permission/all')).status).to.equal(500)
      expect((await api.get('/v1/mgmt/permission/all')).status, 'no count: every request').to.equal(500)
      expect((await api.get('/v1/mgmt/tenant/all')).status, 'the project filter').to.equal(200)
    })

    it('answers an injected 429 as Descope does, with Retry-After', async () => {
      await emulator.admin.setFaults(['429:*:1'])
      const response = await api.get<DescopeErrorBody>('/v1/mgmt/tenant/all')
      expect(response.status).to.equal(429)
      expect(response.body.errorCode).to.equal('E130429')
      expect(response.headers['retry-after']).to.equal('1')
    })

    it('injects probability faults at about the given rate', async () => {
      await emulator.admin.setFaults([{probability: 0.3, route: 'GET /v1/mgmt/license', status: 503}])
      let failures = 0
      for (let index = 0; index < 200; index++) if ((await api.get('/v1/mgmt/license')).status === 503) failures++
      // 60 expected; the bounds are more than 4.5 standard deviations away.
      expect(failures).to.be.within(30, 90)
      expect((await emulator.stats()).totals.faultsInjected).to.equal(failures)
    })

    it('resets the connection', async () => {
      await emulator.admin.setFaults(['reset:GET /v1/mgmt/tenant/all:1'])
      let error: unknown
      try {
        await api.get('/v1/mgmt/tenant/all')
      } catch (error_) {
        error = error_
      }

      expect((error as NodeJS.ErrnoException)?.code).to.equal('ECONNRESET')
      expect((await api.get('/v1/mgmt/tenant/all')).status).to.equal(200)
      const stats = await emulator.stats()
      expect(stats.totals.byStatus).to.deep.include({0: 1})
      expect(stats.totals.faultsInjected).to.equal(1)
    })

    it('slows a response down and still serves it', async () => {
      await emulator.admin.setFaults(['slow=300ms:*:1'])
      const {elapsedMs, result} = await timed(() => api.post('/v1/mgmt/tenant/create', {id: 'slow', name: 'Slow'}))
      expect(result.status).to.equal(200)
      expect(elapsedMs).to.be.at.least(290)
      expect((await emulator.stats()).totals).to.deep.include({faultsInjected: 1, served: 1})
    })

    it('clears faults, and reset brings back the start-up faults', async () => {
      await emulator.admin.clearFaults()
      expect((await api.get('/v1/mgmt/role/all')).status).to.equal(200)
      await emulator.admin.reset()
      expect((await api.get('/v1/mgmt/role/all')).status).to.equal(500)
      expect((await api.get('/v1/mgmt/role/all')).status).to.equal(200)
    })

    it('refuses a fault it cannot understand', async () => {
      for (const bad of ['503', 'teapot:*', '200:*', '503:tenant/create', '503:*:p=2', '503:*:0', 'slow=fast:*']) {
        let error: unknown
        try {
          await emulator.admin.setFaults([bad])
        } catch (error_) {
          error = error_
        }

        expect((error as Error)?.message, bad).to.match(/fault/)
      }
    })
  })

  describe('latency', () => {
    it('delays every response by at least the fixed latency', async () => {
      await withEmulator({latency: '120ms'}, async (_emulator, api) => {
        const {elapsedMs, result} = await timed(() => api.get('/v1/mgmt/tenant/all'))
        expect(result.status).to.equal(200)
        expect(elapsedMs).to.be.at.least(115)
        const unknown = await timed(() => api.get('/v1/mgmt/unknown'))
        expect(unknown.elapsedMs, 'errors are delayed too').to.be.at.least(115)
      })
    })

    it('delays by at least the lower bound of a range, and can be changed per project at run time', async () => {
      await withEmulator({projects: [{id: 'P2Latency', managementKey: 'K2LatencyManagementKey0000000001'}]}, async (emulator, api) => {
        await emulator.admin.setLatency('100-150ms')
        expect((await timed(() => api.get('/v1/mgmt/tenant/all'))).elapsedMs).to.be.at.least(95)
        await emulator.admin.setLatency('250ms', 'P2Latency')
        expect((await timed(() => api.get('/v1/mgmt/tenant/all'))).elapsedMs).to.be.at.least(245)
      })
    })
  })
})
