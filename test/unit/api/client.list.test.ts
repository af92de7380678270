import {expect} from 'chai'
import nock from 'nock'

import type {ListCollector} from '../../../src/lib/api/types.js'

import {DescopeApiError, ExitCode} from '../../../src/lib/errors.js'
import {
  BASE, failure, localServer, networkError, recordEvents, resetApiState, testClient,
} from './fixtures.js'

const ALL = '/v1/mgmt/tenant/all'
const answer = {tenants: Array.from({length: 300}, (_, index) => ({id: `t${index}`, name: `Tenant ${index} "quoted" ✓`})), total: 300}

/** A collector that keeps the ids it is handed, and counts how many were started. */
function ids(): {collect: () => ListCollector<{ids: string[]; rest: unknown}>; started: number} {
  const state = {
    collect() {
      state.started++
      const seen: string[] = []
      return {
        end: (rest: unknown) => ({ids: seen, rest}),
        item(element: unknown) {
          seen.push((element as {id: string}).id)
        },
      }
    },
    started: 0,
  }
  return state
}

describe('api client: list reads', () => {
  beforeEach(() => resetApiState())

  afterEach(() => resetApiState())

  it('hands over the elements of the list and the rest of the answer, as `request` reads them', async () => {
    nock(BASE).get(ALL).twice().reply(200, answer)
    const client = testClient()
    const {collect} = ids()
    const whole = await client.request<typeof answer>('GET', ALL)
    expect(await client.requestList!('GET', ALL, 'tenants', collect)).to.deep.equal({ids: whole.tenants.map(tenant => tenant.id), rest: {tenants: [], total: 300}})
  })

  it('sends the query and the JSON body as `request` does', async () => {
    const scope = nock(BASE).post('/v1/mgmt/tenant/search', {tenantIds: ['t1']}).query({x: '1'}).reply(200, {tenants: [{id: 't1'}]})
    const {collect} = ids()
    expect(await testClient().requestList!('POST', '/v1/mgmt/tenant/search', 'tenants', collect, {json: {tenantIds: ['t1']}, searchParams: {x: '1'}}))
    .to.deep.equal({ids: ['t1'], rest: {tenants: []}})
    expect(scope.isDone()).to.equal(true)
  })

  it('an answer cut off midway fails as with `request` (got retries no 2xx answer)', async () => {
    const text = JSON.stringify(answer)
    const server = await localServer((_request, response) => {
      response.writeHead(200, {'content-type': 'application/json'})
      response.write(text.slice(0, text.length / 2))
      setTimeout(() => response.socket?.destroy(), 20)
    })
    try {
      const client = testClient({baseUrl: server.url})
      const state = ids()
      const streamed = await failure(client.requestList!('GET', ALL, 'tenants', state.collect))
      const whole = await failure(client.request('GET', ALL))
      expect(streamed).to.be.instanceOf(DescopeApiError)
      expect({code: streamed.code, message: streamed.message}).to.deep.equal({code: whole.code, message: whole.message})
      expect(server.requests).to.equal(2)
    } finally {
      await server.close()
    }
  })

  it('retries 5xx and network errors like any request, each attempt with a new collector', async () => {
    nock(BASE).get(ALL).reply(503, {errorCode: 'E000503'}).get(ALL).replyWithError(networkError('ECONNRESET')).get(ALL).reply(200, answer)
    const events = recordEvents()
    const state = ids()
    expect((await testClient({}, events).requestList!('GET', ALL, 'tenants', state.collect)).ids).to.deep.equal(answer.tenants.map(tenant => tenant.id))
    expect(events.calls.map(call => (call.payload as {status?: number; code?: string}).status ?? (call.payload as {code?: string}).code)).to.deep.equal([503, 'ECONNRESET'])
    expect(state.started).to.equal(3)
  })

  it('retries a connection that closed before it opened, as `request` does', async () => {
    const scope = nock(BASE).get(ALL).replyWithError(networkError('ERR_SOCKET_CLOSED_BEFORE_CONNECTION')).get(ALL).reply(200, answer)
    expect((await testClient().requestList!('GET', ALL, 'tenants', ids().collect)).ids).to.have.length(300)
    expect(scope.isDone()).to.equal(true)
  })

  it('maps an unreachable server as `request` does, whatever error Node reports for it', async () => {
    const client = testClient({baseUrl: 'http://127.0.0.1:1', retry: {limit: 1}})
    const error = await failure(client.requestList!('GET', ALL, 'tenants', ids().collect))
    expect(error).to.be.instanceOf(DescopeApiError)
    expect({exitCode: error.exitCode, message: error.message}).to.deep.equal({
      exitCode: ExitCode.Api, message: `Cannot reach http://127.0.0.1:1 (ECONNREFUSED) for GET ${ALL} after 1 retry.`,
    })
  })

  it('fails as `request` does: a body that is not JSON, an error answer with its message', async () => {
    nock(BASE).get(ALL).reply(200, '{"tenants": [{"id": "t1"}, <html>')
    const notJson = await failure(testClient().requestList!('GET', ALL, 'tenants', ids().collect))
    expect(notJson).to.be.instanceOf(DescopeApiError).and.include({code: 'invalid_response', exitCode: ExitCode.Api})

    nock(BASE).get(ALL).reply(401, {errorCode: 'E011003', errorDescription: 'Unauthorized access'})
    const denied = await failure(testClient().requestList!('GET', ALL, 'tenants', ids().collect))
    const expected = await failure((nock(BASE).get(ALL).reply(401, {errorCode: 'E011003', errorDescription: 'Unauthorized access'}), testClient().request('GET', ALL)))
    expect(denied).to.be.instanceOf(DescopeApiError)
    expect({exitCode: denied.exitCode, message: denied.message}).to.deep.equal({exitCode: expected.exitCode, message: expected.message})
  })

  it('ends with what the collector throws, without a retry', async () => {
    const scope = nock(BASE).get(ALL).reply(200, {tenants: 'none'})
    const refusal = new Error('"tenants" is not a list')
    const error = await failure(testClient().requestList!('GET', ALL, 'tenants', () => ({
      end() {
        throw refusal
      },
      item() {},
    })))
    expect(error).to.equal(refusal)
    expect(scope.isDone()).to.equal(true)
  })
})
