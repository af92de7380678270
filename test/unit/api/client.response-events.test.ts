import {expect} from 'chai'
import nock from 'nock'

import type {ResponseInfo} from '../../../src/lib/api/types.js'

import {contextRequestEvents, withRequestEvents} from '../../../src/lib/api/request-context.js'
import {
  BASE, failure, KEY, PROJECT, resetApiState, testClient,
} from './fixtures.js'

/** `onResponse`: every HTTP answer, successful or not, with its status, timing and Date header only. */
describe('api client onResponse', () => {
  beforeEach(() => resetApiState())

  afterEach(() => resetApiState())

  it('reports a 200 and a 401 with status, Date, timing and arrival time, and nothing else', async () => {
    const seen: ResponseInfo[] = []
    const date = 'Thu, 01 Jan 2026 12:00:00 GMT'
    nock(BASE)
    .get('/v1/mgmt/tenant/all')
    .reply(200, {tenants: []}, {Date: date, 'x-secret-header': 'no'})
    .get('/v1/mgmt/role/all')
    .reply(401, {errorCode: 'E011401'})
    const client = testClient({retry: {limit: 0}}, {onResponse: info => seen.push(info)})
    const before = Date.now()
    await client.request('GET', '/v1/mgmt/tenant/all')
    await failure(client.request('GET', '/v1/mgmt/role/all'))
    expect(seen.map(({date, method, path, status}) => ({
      date, method, path, status,
    }))).to.deep.equal([
      {
        date, method: 'GET', path: '/v1/mgmt/tenant/all', status: 200,
      },
      {
        date: undefined, method: 'GET', path: '/v1/mgmt/role/all', status: 401,
      },
    ])
    for (const info of seen) {
      expect(Object.keys(info).sort()).to.deep.equal(['date', 'durationMs', 'method', 'path', 'receivedAt', 'status'])
      expect(info.receivedAt).to.be.within(before, Date.now())
    }

    expect(JSON.stringify(seen)).not.to.include(KEY)
    expect(JSON.stringify(seen)).not.to.include(PROJECT)
  })

  it('reports nothing for a network failure, and reaches the events of the request\'s context', async () => {
    nock(BASE).get('/v1/mgmt/tenant/all').replyWithError(Object.assign(new Error('reset'), {code: 'ECONNRESET', errno: -1}))
    nock(BASE).get('/v1/mgmt/permission/all').reply(200, {permissions: []})
    const seen: number[] = []
    const client = testClient({retry: {limit: 0}}, contextRequestEvents)
    await withRequestEvents({onResponse: info => seen.push(info.status)}, async () => {
      await failure(client.request('GET', '/v1/mgmt/tenant/all'))
      await client.request('GET', '/v1/mgmt/permission/all')
    })
    await client.request('GET', '/v1/mgmt/permission/all').catch(() => {})
    expect(seen).to.deep.equal([200])
  })
})
