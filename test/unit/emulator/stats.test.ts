import {expect} from 'chai'

import {RequestLog, StatsRecorder} from '../../../plugins/plugin-emulator/src/lib/stats.js'

const entry = (index: number, method = 'GET') => ({
  method, outcome: 'served' as const, path: `/p${index}`, projectId: null, status: 200, time: '',
})

describe('emulator stats and request log', () => {
  it('keeps only the last `capacity` requests, oldest first, numbered in order', () => {
    const log = new RequestLog(3)
    for (let index = 1; index <= 5; index++) log.add(entry(index))
    expect(log.list().map(({path, seq}) => [seq, path])).to.deep.equal([[3, '/p3'], [4, '/p4'], [5, '/p5']])
    log.add(entry(6, 'POST'))
    expect(log.list({method: 'post'}).map(({path}) => path)).to.deep.equal(['/p6'])
    expect(log.list({path: '/p*'})).to.have.length(3)
    log.clear()
    expect(log.list()).to.deep.equal([])
  })

  it('counts a request in the totals, its route and its project', () => {
    const stats = new StatsRecorder()
    stats.record({
      method: 'POST', mutation: true, outcome: 'served', path: '/a', projectId: 'P', route: 'POST /a', status: 200,
    })
    stats.record({
      fault: 'status 503', method: 'POST', mutation: true, outcome: 'fault', path: '/a', projectId: 'P', route: 'POST /a', status: 503,
    })
    stats.record({
      method: 'GET', mutation: false, outcome: 'rateLimited', path: '/b', projectId: 'P', route: 'GET /b', status: 429,
    })
    stats.record({
      method: 'GET', mutation: false, outcome: 'served', path: '/c', status: 404,
    })
    const snapshot = stats.snapshot()
    expect(snapshot.totals).to.deep.equal({
      byStatus: {
        200: 1, 404: 1, 429: 1, 503: 1,
      }, faultsInjected: 1, mutations: 1, rateLimited: 1, requests: 4, served: 2,
    })
    expect(snapshot.routes['POST /a']).to.deep.equal({
      byStatus: {200: 1, 503: 1}, faultsInjected: 1, mutations: 1, rateLimited: 0, requests: 2, served: 1,
    })
    expect(snapshot.routes.unmatched.requests).to.equal(1)
    expect(snapshot.projects.P.requests).to.equal(3)
    snapshot.totals.requests = 99
    expect(stats.snapshot().totals.requests, 'a snapshot is a copy').to.equal(4)
  })
})
