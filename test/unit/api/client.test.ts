import {expect} from 'chai'
import nock from 'nock'

import {getRateLimiter, hostKey} from '../../../src/lib/api/rate-limiter.js'
import {DescopeApiError, ExitCode} from '../../../src/lib/errors.js'
import {
  BASE, failure, KEY, localServer, networkError, PROJECT, recordEvents, renderings, resetApiState, testClient,
} from './fixtures.js'

describe('api client', () => {
  beforeEach(() => resetApiState())

  afterEach(() => resetApiState())

  describe('requests', () => {
    it('sends the auth, sdk and project headers, and JSON bodies', async () => {
      const scope = nock(BASE, {
        reqheaders: {
          accept: 'application/json',
          authorization: `Bearer ${PROJECT}:${KEY}`,
          'content-type': /^application\/json/,
          'x-descope-project-id': PROJECT,
          'x-descope-sdk-name': 'descope-mgmt',
          'x-descope-sdk-version': '1.2.3',
        },
      })
      .post('/v1/mgmt/tenant/search', {tenantNames: ['Acme']})
      .reply(200, {tenants: []})
      const body = await testClient().request('POST', '/v1/mgmt/tenant/search', {json: {tenantNames: ['Acme']}})
      expect(body).to.deep.equal({tenants: []})
      expect(scope.isDone()).to.equal(true)
    })

    it('sends query parameters on GET, without a body or content-type', async () => {
      const scope = nock(BASE, {badheaders: ['content-type']}).get('/v1/mgmt/tenant').query({id: 'T 1/x'}).reply(200, {id: 'T 1/x'})
      expect(await testClient().request('GET', 'v1/mgmt/tenant', {searchParams: {id: 'T 1/x'}})).to.deep.equal({id: 'T 1/x'})
      expect(scope.isDone()).to.equal(true)
    })

    it('sends {} on a POST without body', async () => {
      const scope = nock(BASE).post('/v1/mgmt/flow/list', {}).reply(200, {flows: [], total: 0})
      await testClient().request('POST', '/v1/mgmt/flow/list')
      expect(scope.isDone()).to.equal(true)
    })

    it('works with a base URL that has a path and a trailing slash', async () => {
      const scope = nock('http://127.0.0.1:9').get('/proxy/v1/mgmt/tenant/all').reply(200, {tenants: []})
      const client = testClient({baseUrl: 'http://127.0.0.1:9/proxy/'})
      expect(client.baseUrl).to.equal('http://127.0.0.1:9/proxy')
      await client.request('GET', '/v1/mgmt/tenant/all')
      expect(scope.isDone()).to.equal(true)
    })

    it('treats an empty body as {}', async () => {
      nock(BASE).post('/v1/mgmt/tenant/update').reply(200, '').post('/v1/mgmt/tenant/delete').reply(200)
      const client = testClient()
      expect(await client.request('POST', '/v1/mgmt/tenant/update', {json: {id: 'T1'}})).to.deep.equal({})
      expect(await client.request('POST', '/v1/mgmt/tenant/delete', {json: {id: 'T1'}})).to.deep.equal({})
    })

    it('fails clearly on a 200 body that is not JSON', async () => {
      nock(BASE).get('/v1/mgmt/tenant/all').reply(200, '<html>login</html>')
      const err = await failure(testClient().request('GET', '/v1/mgmt/tenant/all'))
      expect(err).to.be.instanceOf(DescopeApiError)
      expect(err).to.include({code: 'invalid_response', exitCode: ExitCode.Api})
    })

    it('rejects a base URL that is not http(s)', () => {
      expect(() => testClient({baseUrl: 'ftp://x'})).to.throw(/Invalid Descope base URL/)
      expect(() => testClient({baseUrl: 'api.descope.com'})).to.throw(/Invalid Descope base URL/)
    })
  })

  describe('retries', () => {
    it('honours Retry-After on 429 and reports the wait through onRetry', async () => {
      nock(BASE)
      .post('/v1/mgmt/tenant/update')
      .reply(429, {errorCode: 'E130429'}, {'Retry-After': '1'})
      .post('/v1/mgmt/tenant/update')
      .reply(200, {})
      const events = recordEvents()
      const started = Date.now()
      await testClient({}, events).request('POST', '/v1/mgmt/tenant/update', {json: {id: 'T1', name: 'A'}})
      expect(Date.now() - started).to.be.at.least(1000)
      expect(events.calls).to.deep.equal([
        {
          name: 'onRetry', payload: {
            attempt: 1, delayMs: 1000, method: 'POST', path: '/v1/mgmt/tenant/update', status: 429,
          },
        },
        {name: 'onRateLimitWait', payload: 1000, reason: 'backoff'},
      ])
    })

    it('retries 429s with Retry-After beyond the retry count (a storm), within maxTotalMs', async () => {
      nock(BASE)
      .post('/v1/mgmt/tenant/create')
      .twice()
      .reply(429, {errorCode: 'E130429'}, {'Retry-After': '1'})
      .post('/v1/mgmt/tenant/create')
      .reply(200, {id: 'T1'})
      const body = await testClient({retry: {limit: 1}}).request('POST', '/v1/mgmt/tenant/create', {json: {id: 'T1', name: 'A'}})
      expect(body).to.deep.equal({id: 'T1'})
    })

    it('fails at once when Retry-After is longer than maxRetryAfterMs', async () => {
      const scope = nock(BASE).get('/v1/mgmt/tenant/all').reply(429, {errorCode: 'E130429'}, {'Retry-After': '120'})
      const events = recordEvents()
      const started = Date.now()
      const err = await failure(testClient({}, events).request('GET', '/v1/mgmt/tenant/all'))
      expect(Date.now() - started).to.be.below(500)
      expect(scope.isDone()).to.equal(true)
      expect(err).to.be.instanceOf(DescopeApiError)
      expect((err as unknown as DescopeApiError).details).to.include({retryAfter: 120, retryCount: 0, status: 429})
      expect(err.message).to.include('wait 120 s')
      expect(err.hint).to.include('Retry in 120 s')
      expect(events.calls).to.deep.equal([])
    })

    it('stops when the next wait would pass maxTotalMs', async () => {
      nock(BASE).get('/v1/mgmt/tenant/all').reply(429, {}, {'Retry-After': '1'})
      const err = await failure(testClient({retry: {maxTotalMs: 300}}).request('GET', '/v1/mgmt/tenant/all'))
      expect((err as unknown as DescopeApiError).details).to.include({retryCount: 0, status: 429})
    })

    it('recovers from a sequence of 503/520/530 with backoff', async () => {
      nock(BASE)
      .post('/v1/mgmt/tenant/search')
      .reply(503, 'Service Unavailable')
      .post('/v1/mgmt/tenant/search')
      .reply(520)
      .post('/v1/mgmt/tenant/search')
      .reply(530)
      .post('/v1/mgmt/tenant/search')
      .reply(200, {tenants: [{id: 'T1', name: 'A'}]})
      const events = recordEvents()
      const body = await testClient({}, events).request('POST', '/v1/mgmt/tenant/search', {json: {}})
      expect(body).to.deep.equal({tenants: [{id: 'T1', name: 'A'}]})
      const retries = events.calls.map(call => call.payload as {attempt: number; delayMs: number; status: number})
      expect(retries.map(r => [r.attempt, r.status])).to.deep.equal([
        [1, 503],
        [2, 520],
        [3, 530],
      ])
      for (const r of retries) expect(r.delayMs).to.be.within(1, 5)
    })

    it('recovers from ECONNRESET', async () => {
      nock(BASE)
      .get('/v1/mgmt/tenant/all')
      .replyWithError(networkError('ECONNRESET'))
      .get('/v1/mgmt/tenant/all')
      .reply(200, {tenants: []})
      const events = recordEvents()
      expect(await testClient({}, events).request('GET', '/v1/mgmt/tenant/all')).to.deep.equal({tenants: []})
      expect(events.calls).to.have.length(1)
      expect(events.calls[0].payload).to.include({attempt: 1, code: 'ECONNRESET'})
    })

    it('bounds retries: after the limit, a DescopeApiError with exit 5 and the retry count', async () => {
      const scope = nock(BASE).post('/v1/mgmt/tenant/update').times(3).reply(503, {errorCode: 'E000503', errorDescription: 'down'})
      const err = await failure(testClient({retry: {limit: 2}}).request('POST', '/v1/mgmt/tenant/update', {json: {id: 'T1'}}))
      expect(scope.isDone()).to.equal(true)
      expect(err).to.be.instanceOf(DescopeApiError)
      expect(err.exitCode).to.equal(ExitCode.Api)
      expect((err as unknown as DescopeApiError).details).to.include({retryCount: 2, status: 503})
      expect(err.message).to.include('Descope is having trouble').and.include('after 2 retries')
    })

    it('does not retry 4xx', async () => {
      for (const status of [400, 404, 409, 401, 403, 500, 502]) {
        const scope = nock(BASE).post('/v1/mgmt/tenant/create').reply(status, {errorCode: 'E1'})
        const err = await failure(testClient().request('POST', '/v1/mgmt/tenant/create', {json: {name: 'A'}}))
        expect(scope.isDone(), String(status)).to.equal(true)
        expect((err as unknown as DescopeApiError).details, String(status)).to.include({retryCount: 0, status})
        nock.cleanAll()
      }
    })

    it('does not retry ENOTFOUND', async () => {
      nock(BASE).get('/v1/mgmt/tenant/all').replyWithError(networkError('ENOTFOUND'))
      const err = await failure(testClient().request('GET', '/v1/mgmt/tenant/all'))
      expect((err as unknown as DescopeApiError).details).to.include({networkCode: 'ENOTFOUND', retryCount: 0})
      expect(err.exitCode).to.equal(ExitCode.Api)
      expect(err.hint).to.include('DESCOPE_BASE_URL')
    })

    it('retries a connection that closed before it opened (how Node 24.20+ reports a refused one to got), within the retry limit', async () => {
      const scope = nock(BASE)
      .get('/v1/mgmt/tenant/all')
      .replyWithError(networkError('ERR_SOCKET_CLOSED_BEFORE_CONNECTION'))
      .get('/v1/mgmt/tenant/all')
      .reply(200, {tenants: []})
      expect(await testClient().request('GET', '/v1/mgmt/tenant/all')).to.deep.equal({tenants: []})
      expect(scope.isDone()).to.equal(true)

      nock(BASE).get('/v1/mgmt/tenant/all').times(2).replyWithError(networkError('ERR_SOCKET_CLOSED_BEFORE_CONNECTION'))
      const err = await failure(testClient({retry: {limit: 1}}).request('GET', '/v1/mgmt/tenant/all'))
      expect((err as unknown as DescopeApiError).details).to.include({networkCode: 'ERR_SOCKET_CLOSED_BEFORE_CONNECTION', retryCount: 1})
    })

    it('maps an unreachable server to exit 5 with the base URL', async () => {
      const err = await failure(testClient({baseUrl: 'http://127.0.0.1:1', retry: {limit: 1}}).request('GET', '/v1/mgmt/tenant/all'))
      expect(err.message).to.equal('Cannot reach http://127.0.0.1:1 (ECONNREFUSED) for GET /v1/mgmt/tenant/all after 1 retry.')
      expect(err.exitCode).to.equal(ExitCode.Api)
    })

    it('times out each attempt and retries', async () => {
      const server = await localServer((_request, response, index) => {
        if (index === 0) return // never answers
        response.setHeader('content-type', 'application/json')
        response.end('{"tenants":[]}')
      })
      try {
        const events = recordEvents()
        const client = testClient({baseUrl: server.url, timeoutMs: 50}, events)
        expect(await client.request('GET', '/v1/mgmt/tenant/all')).to.deep.equal({tenants: []})
        expect(events.calls[0].payload).to.include({code: 'ETIMEDOUT'})
        expect(server.requests).to.equal(2)
      } finally {
        await server.close()
      }
    })

    it('a timeout that persists ends in an error naming the timeout', async () => {
      const server = await localServer(() => {})
      try {
        const err = await failure(testClient({baseUrl: server.url, retry: {limit: 1}, timeoutMs: 30}).request('GET', '/v1/mgmt/tenant/all'))
        expect(err.message).to.equal(`No answer from ${server.url} within 30 ms for GET /v1/mgmt/tenant/all after 1 retry.`)
        expect(err.code).to.equal('timeout')
        expect(err.exitCode).to.equal(ExitCode.Api)
      } finally {
        await server.close()
      }
    })

    it('401 and 403 exit with 4 and the hint', async () => {
      nock(BASE).get('/v1/mgmt/tenant/all').reply(401, {errorCode: 'E011001', errorDescription: 'Unauthorized'})
      const unauthorized = await failure(testClient().request('GET', '/v1/mgmt/tenant/all'))
      expect(unauthorized.exitCode).to.equal(ExitCode.Auth)
      expect(unauthorized.hint).to.include('check the management key and the project id'.replace('check', 'Check'))
      expect(unauthorized.hint).to.include('the key must belong to the project')
      nock(BASE).get('/v1/mgmt/tenant/all').reply(403, 'Forbidden')
      const forbidden = await failure(testClient().request('GET', '/v1/mgmt/tenant/all'))
      expect(forbidden.exitCode).to.equal(ExitCode.Auth)
      expect(forbidden.message).to.include('not allowed').and.include(PROJECT)
    })
  })

  describe('the management key', () => {
    const cases: Array<[string, () => void]> = [
      ['401 echoing the header', () => nock(BASE).get('/v1/mgmt/tenant/all').reply(401, {errorDescription: `bad bearer ${PROJECT}:${KEY}`, errorMessage: KEY}, {'x-request-id': KEY})],
      ['503 after retries', () => nock(BASE).get('/v1/mgmt/tenant/all').times(3).reply(503, `oops ${KEY}`)],
      ['ECONNRESET after retries', () => nock(BASE).get('/v1/mgmt/tenant/all').times(3).replyWithError(Object.assign(networkError('ECONNRESET'), {message: `reset ${KEY}`}))],
      ['a body that is not JSON', () => nock(BASE).get('/v1/mgmt/tenant/all').reply(200, `<${KEY}>`)],
      ['a 429 with a long Retry-After', () => nock(BASE).get('/v1/mgmt/tenant/all').reply(429, KEY, {'Retry-After': '999'})],
    ]
    for (const [name, setup] of cases) {
      it(`never appears in an error or an event: ${name}`, async () => {
        setup()
        const events = recordEvents()
        const err = await failure(testClient({retry: {limit: 2}}, events).request('GET', '/v1/mgmt/tenant/all'))
        expect(err).to.be.instanceOf(DescopeApiError)
        for (const text of renderings(err)) expect(text).to.not.include(KEY)
        expect(err.cause).to.equal(undefined)
        expect(JSON.stringify(events.calls)).to.not.include(KEY)
      })
    }

    it('never appears in an error or an event: a timeout', async () => {
      const server = await localServer(() => {})
      try {
        const events = recordEvents()
        const err = await failure(testClient({baseUrl: server.url, retry: {limit: 1}, timeoutMs: 30}, events).request('GET', '/v1/mgmt/tenant/all'))
        for (const text of renderings(err)) expect(text).to.not.include(KEY)
        expect(JSON.stringify(events.calls)).to.not.include(KEY)
      } finally {
        await server.close()
      }
    })
  })

  describe('rate limiting', () => {
    it('takes a slot before every attempt, retries included', async () => {
      nock(BASE).get('/v1/mgmt/tenant/all').reply(503).get('/v1/mgmt/tenant/all').reply(200, {tenants: []})
      const client = testClient({rateLimit: {requests: 100, windowMs: 60_000}})
      await client.request('GET', '/v1/mgmt/tenant/all')
      expect(getRateLimiter(hostKey(BASE)).stats().granted).to.equal(2)
      expect(client.rateLimit?.estimateMs(98)).to.equal(0)
      expect(client.rateLimit?.estimateMs(99)).to.be.above(59_000)
    })

    it('waits for the window and tells onRateLimitWait; clients of one host share the window', async () => {
      nock(BASE).get('/v1/mgmt/tenant/all').times(3).reply(200, {tenants: []})
      const events = recordEvents()
      const a = testClient({rateLimit: {guardMs: 0, requests: 2, windowMs: 200}}, events)
      const b = testClient({projectId: 'P2Other', rateLimit: {guardMs: 0, requests: 2, windowMs: 200}}, events)
      const started = Date.now()
      await Promise.all([a.request('GET', '/v1/mgmt/tenant/all'), b.request('GET', '/v1/mgmt/tenant/all'), a.request('GET', '/v1/mgmt/tenant/all')])
      expect(Date.now() - started).to.be.at.least(180)
      const waits = events.calls.filter(call => call.name === 'onRateLimitWait')
      expect(waits).to.have.length(1)
      expect(waits[0].payload).to.be.within(150, 200)
    })

    it('keeps hosts independent', async () => {
      nock(BASE).get('/v1/mgmt/tenant/all').reply(200, {})
      nock('https://api.eu.descope.test').get('/v1/mgmt/tenant/all').reply(200, {})
      const events = recordEvents()
      const started = Date.now()
      await testClient({rateLimit: {requests: 1, windowMs: 5000}}, events).request('GET', '/v1/mgmt/tenant/all')
      await testClient({baseUrl: 'https://api.eu.descope.test', rateLimit: {requests: 1, windowMs: 5000}}, events).request('GET', '/v1/mgmt/tenant/all')
      expect(Date.now() - started).to.be.below(1000)
      expect(events.calls).to.deep.equal([])
    })

    it("a 429 pauses every request to the host for Retry-After, reports Descope's backoff, then paces them", async () => {
      const sentAt: Array<{path: string; at: number}> = []
      let started = Date.now()
      const answer = (path: string, status: number, body: object, headers = {}) => () => {
        sentAt.push({at: Date.now() - started, path})
        return [status, body, headers] as [number, object, Record<string, string>]
      }

      nock(BASE)
      .post('/v1/mgmt/tenant/create')
      .reply(answer('create', 429, {errorCode: 'E130429'}, {'Retry-After': '1'}))
      .post('/v1/mgmt/tenant/create')
      .reply(answer('create', 200, {id: 'T1'}))
      .get('/v1/mgmt/role/all')
      .times(3)
      .reply(answer('roles', 200, {roles: []}))
      const events = recordEvents()
      let backoffStarted: () => void = () => {}
      const throttled = new Promise<void>(resolve => {
        backoffStarted = resolve
      })
      const onRetry = events.onRetry!
      events.onRetry = info => {
        onRetry(info)
        started = Date.now()
        backoffStarted()
      }

      // 10 per second: after the backoff, one request every 100 ms.
      const limits = {guardMs: 0, requests: 10, windowMs: 1000}
      const client = testClient({rateLimit: limits}, events)
      const other = testClient({projectId: 'P2Other', rateLimit: limits}, events)
      const create = client.request('POST', '/v1/mgmt/tenant/create', {json: {name: 'A'}})
      // Sent once the 429 is in: the other project's requests must wait for the backoff too.
      await throttled
      await Promise.all([create, ...Array.from({length: 3}, () => other.request('GET', '/v1/mgmt/role/all'))])
      const after = sentAt.slice(1)
      expect(after).to.have.length(4)
      expect(after.every(({at}) => at >= 950)).to.equal(true)
      // Paced, not a burst (a burst sends them within a few ms): 100 ms apart as scheduled; a busy
      // event loop may send one late, which shortens the next gap but not the span of all four.
      const gaps = after.slice(1).map((entry, index) => entry.at - after[index].at)
      expect(Math.min(...gaps)).to.be.at.least(50)
      expect(after[3].at - after[0].at).to.be.at.least(270)
      const waits = events.calls.filter(call => call.name === 'onRateLimitWait')
      // The 429'd request and each of the three held back were told they wait for Descope's backoff.
      expect(waits.filter(call => call.reason === 'backoff').length).to.be.at.least(4)
    })
  })

  describe('circuit breaker', () => {
    const opts = {breaker: {halfOpenAfterMs: 100, threshold: 2}, retry: {limit: 0}}

    it('opens after N consecutive 5xx/network failures, fails fast, then half-opens after the delay', async () => {
      nock(BASE).get('/v1/mgmt/tenant/all').reply(503).get('/v1/mgmt/tenant/all').replyWithError(networkError('ECONNRESET'))
      const client = testClient(opts)
      expect((await failure(client.request('GET', '/v1/mgmt/tenant/all'))).message).to.include('HTTP 503')
      expect((await failure(client.request('GET', '/v1/mgmt/tenant/all'))).message).to.include('ECONNRESET')
      const untouched = nock(BASE, {reqheaders: {'x-descope-project-id': PROJECT}}).get('/v1/mgmt/tenant/all').reply(200, {tenants: []})
      // Another client of the same project shares the breaker.
      const open = await failure(testClient(opts).request('GET', '/v1/mgmt/tenant/all'))
      expect(open).to.be.instanceOf(DescopeApiError)
      expect(open.exitCode).to.equal(ExitCode.Api)
      expect(open.code).to.equal('api_unavailable')
      expect(open.message).to.equal(`Descope API at ${BASE} looks unavailable: 2 requests in a row failed; stopped early.`)
      expect(open.hint).to.be.a('string').and.include('run the command again')
      expect(untouched.isDone()).to.equal(false)
      // Another project is not affected.
      nock(BASE).get('/v1/mgmt/tenant/all').reply(200, {})
      await testClient({...opts, projectId: 'P2Other'}).request('GET', '/v1/mgmt/tenant/all')
      await new Promise(resolve => {
        setTimeout(resolve, 120)
      })
      expect(await client.request('GET', '/v1/mgmt/tenant/all')).to.deep.equal({tenants: []})
      expect(untouched.isDone()).to.equal(true)
    })

    it('re-opens when the half-open request fails', async () => {
      nock(BASE).get('/v1/mgmt/tenant/all').times(3).reply(500)
      const client = testClient(opts)
      await failure(client.request('GET', '/v1/mgmt/tenant/all'))
      await failure(client.request('GET', '/v1/mgmt/tenant/all'))
      await new Promise(resolve => {
        setTimeout(resolve, 120)
      })
      expect((await failure(client.request('GET', '/v1/mgmt/tenant/all'))).message).to.include('HTTP 500')
      expect((await failure(client.request('GET', '/v1/mgmt/tenant/all'))).code).to.equal('api_unavailable')
    })

    it('does not count 4xx (429 included)', async () => {
      nock(BASE).get('/v1/mgmt/tenant/all').times(2).reply(400, {}).get('/v1/mgmt/tenant/all').reply(429, {}).get('/v1/mgmt/tenant/all').reply(404, {})
      const client = testClient(opts)
      for (const status of [400, 400, 429, 404]) {
        const err = await failure(client.request('GET', '/v1/mgmt/tenant/all'))
        expect((err as unknown as DescopeApiError).status).to.equal(status)
      }
    })

    it('a success resets the count', async () => {
      nock(BASE)
      .get('/v1/mgmt/tenant/all')
      .reply(503)
      .get('/v1/mgmt/tenant/all')
      .reply(200, {})
      .get('/v1/mgmt/tenant/all')
      .reply(503)
      .get('/v1/mgmt/tenant/all')
      .reply(200, {})
      const client = testClient(opts)
      await failure(client.request('GET', '/v1/mgmt/tenant/all'))
      await client.request('GET', '/v1/mgmt/tenant/all')
      await failure(client.request('GET', '/v1/mgmt/tenant/all'))
      await client.request('GET', '/v1/mgmt/tenant/all')
    })
  })

  describe('license handshake', () => {
    const withLicense = (options: Parameters<typeof testClient>[0] = {}) => testClient({licenseHandshake: true, ...options})

    it('asks the tier once per process and project, then sends it on every request', async () => {
      const license = nock(BASE, {reqheaders: {authorization: `Bearer ${PROJECT}:${KEY}`}}).get('/v1/mgmt/license').once().reply(200, {rateLimitTier: 'tier3'})
      const calls = nock(BASE, {reqheaders: {'x-descope-license': 'tier3'}}).get('/v1/mgmt/tenant/all').times(3).reply(200, {tenants: []})
      const first = withLicense()
      await Promise.all([first.request('GET', '/v1/mgmt/tenant/all'), first.request('GET', '/v1/mgmt/tenant/all')])
      // A second client of the same project in the same process does not ask again.
      await withLicense().request('GET', '/v1/mgmt/tenant/all')
      expect(license.isDone()).to.equal(true)
      expect(calls.isDone()).to.equal(true)
    })

    it('uses a tier remembered by an earlier process without asking, and remembers one it learns', async () => {
      const written: string[] = []
      let remembered: string | undefined = 'tier4'
      const licenseTierMemo = {
        read: async () => remembered, async write(tier: string) {
          written.push(tier)
        },
      }
      const calls = nock(BASE, {reqheaders: {'x-descope-license': 'tier4'}}).get('/v1/mgmt/tenant/all').reply(200, {tenants: []})
      await withLicense({licenseTierMemo}).request('GET', '/v1/mgmt/tenant/all')
      expect(calls.isDone(), 'sent with the remembered tier, no handshake').to.equal(true)
      expect(written).to.deep.equal([])

      resetApiState()
      remembered = undefined
      const license = nock(BASE).get('/v1/mgmt/license').once().reply(200, {rateLimitTier: 'tier2'})
      nock(BASE, {reqheaders: {'x-descope-license': 'tier2'}}).get('/v1/mgmt/tenant/all').reply(200, {tenants: []})
      await withLicense({licenseTierMemo}).request('GET', '/v1/mgmt/tenant/all')
      expect(license.isDone()).to.equal(true)
      expect(written).to.deep.equal(['tier2'])
    })

    it('asks again for another project', async () => {
      const other = 'P2OtherProject00000000000001'
      const license = nock(BASE).get('/v1/mgmt/license').twice().reply(200, {rateLimitTier: 'tier1'})
      nock(BASE).get('/v1/mgmt/tenant/all').twice().reply(200, {tenants: []})
      await withLicense().request('GET', '/v1/mgmt/tenant/all')
      await withLicense({projectId: other}).request('GET', '/v1/mgmt/tenant/all')
      expect(license.isDone()).to.equal(true)
    })

    it('never stops a command: a failed or odd handshake means requests without the header, and it is not repeated', async () => {
      for (const reply of [[500, {errorCode: 'E000000'}], [200, 'not json'], [200, {rateLimitTier: 7}]] as const) {
        resetApiState()
        const license = nock(BASE).get('/v1/mgmt/license').once().reply(reply[0], reply[1])
        const calls = nock(BASE, {badheaders: ['x-descope-license']}).get('/v1/mgmt/tenant/all').twice().reply(200, {tenants: []})
        const client = withLicense()
        await client.request('GET', '/v1/mgmt/tenant/all')
        await client.request('GET', '/v1/mgmt/tenant/all')
        expect(license.isDone(), JSON.stringify(reply)).to.equal(true)
        expect(calls.isDone(), JSON.stringify(reply)).to.equal(true)
      }
    })

    it('does not wait longer than the client timeout for a handshake that hangs', async () => {
      nock(BASE).get('/v1/mgmt/license').delay(2000).reply(200, {rateLimitTier: 'tier2'})
      const calls = nock(BASE, {badheaders: ['x-descope-license']}).get('/v1/mgmt/tenant/all').reply(200, {tenants: []})
      const started = Date.now()
      await withLicense({timeoutMs: 200}).request('GET', '/v1/mgmt/tenant/all')
      expect(Date.now() - started).to.be.below(1500)
      expect(calls.isDone()).to.equal(true)
    })
  })
})
