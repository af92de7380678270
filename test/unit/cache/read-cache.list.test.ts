import {expect} from 'chai'

import type {ListCollector} from '../../../src/lib/api/types.js'

import {JsonListReader} from '../../../src/lib/api/json-list.js'
import {MAX_STORED_ANSWER_BYTES} from '../../../src/lib/cache/read-cache.js'
import {cacheOver, failingSend, MemoryBackend} from './helpers.js'

const target = {baseUrl: 'https://api.descope.com', managementKey: 'K2abcdefghijklmnopqrstuvwxyz', projectId: 'P2aaaaaaaaaaaaaaaaaaaaaaaaaaa'}
const ALL = {method: 'GET', path: '/v1/mgmt/tenant/all'} as const

/** An answer of `count` tenants; about 100 bytes each. */
function answerOf(count: number): {tenants: Array<{id: string; name: string}>} {
  return {tenants: Array.from({length: count}, (_, index) => ({id: `t${String(index).padStart(6, '0')}`, name: `Tenant ${index} of a project large enough`}))}
}

/** The API as a client's requestList sees it: the answer's bytes in chunks, through a JsonListReader. */
class StreamingApi {
  calls = 0

  constructor(public answer: unknown, private readonly delayMs = 0) {}

  send = async <R>(collect: () => ListCollector<R>): Promise<R> => {
    this.calls++
    if (this.delayMs) await new Promise(resolve => {
      setTimeout(resolve, this.delayMs)
    })
    const collector = collect()
    const reader = new JsonListReader('tenants', element => collector.item(element))
    const bytes = Buffer.from(JSON.stringify(this.answer))
    for (let start = 0; start < bytes.length; start += 65_536) {
      const chunk = bytes.subarray(start, start + 65_536)
      collector.chunk?.(chunk)
      reader.write(chunk)
    }

    return collector.end(reader.end())
  }
  /** For `cache.request`: the same answer, read whole. */
  whole = async <T>(): Promise<T> => {
    this.calls++
    if (this.delayMs) await new Promise(resolve => {
      setTimeout(resolve, this.delayMs)
    })
    return structuredClone(this.answer) as T
  }
}

/** Collects the ids, and the rest of the answer. */
const ids = (): ListCollector<{ids: string[]; rest: unknown}> => {
  const seen: string[] = []
  return {
    end: rest => ({ids: seen, rest}),
    item(element) {
      seen.push((element as {id: string}).id)
    },
  }
}

const entries = (backend: MemoryBackend) => [...backend.data.keys()].filter(key => key.startsWith('entry:'))

describe('read cache: list reads', () => {
  it('stores a small answer and answers the next read from it, element by element', async () => {
    const backend = new MemoryBackend()
    const api = new StreamingApi(answerOf(3))
    const first = await cacheOver(backend).cache.requestList(target, ALL, 'tenants', ids, api.send)
    const second = await cacheOver(backend).cache.requestList(target, ALL, 'tenants', ids, api.send)
    expect(second).to.deep.equal(first).and.deep.equal({ids: ['t000000', 't000001', 't000002'], rest: {tenants: []}})
    expect(api.calls).to.equal(1)
    // A read of the same answer as a whole gets it too.
    expect(await cacheOver(backend).cache.request(target, ALL, api.whole)).to.deep.equal(answerOf(3))
    expect(api.calls).to.equal(1)
  })

  it('does not store an answer larger than MAX_STORED_ANSWER_BYTES: the next read asks again', async () => {
    const large = answerOf(Math.ceil(MAX_STORED_ANSWER_BYTES / 50))
    expect(JSON.stringify(large).length).to.be.above(MAX_STORED_ANSWER_BYTES)
    const backend = new MemoryBackend()
    const api = new StreamingApi(large)
    for (let run = 0; run < 2; run++) expect((await cacheOver(backend).cache.requestList(target, ALL, 'tenants', ids, api.send)).ids).to.have.length(large.tenants.length)
    expect(api.calls).to.equal(2)
    expect(entries(backend)).to.deep.equal([])
  })

  it('does not store a large answer read whole either', async () => {
    const backend = new MemoryBackend()
    const api = new StreamingApi(answerOf(Math.ceil(MAX_STORED_ANSWER_BYTES / 50)))
    await cacheOver(backend).cache.request(target, ALL, api.whole)
    expect(entries(backend)).to.deep.equal([])
    await cacheOver(backend).cache.request(target, ALL, api.whole)
    expect(api.calls).to.equal(2)
  })

  for (const mode of ['use', 'fresh', 'off'] as const) {
    it(`shares a small answer with identical reads in flight, list or whole (mode ${mode})`, async () => {
      const {cache} = cacheOver(mode === 'off' ? undefined : new MemoryBackend(), {mode})
      const api = new StreamingApi(answerOf(2), 10)
      const [list, whole, again] = await Promise.all([
        cache.requestList(target, ALL, 'tenants', ids, api.send),
        cache.request<unknown>(target, ALL, api.whole),
        cache.requestList(target, ALL, 'tenants', ids, api.send),
      ])
      expect(api.calls).to.equal(1)
      expect(list).to.deep.equal({ids: ['t000000', 't000001'], rest: {tenants: []}}).and.deep.equal(again)
      expect(whole).to.deep.equal(answerOf(2))
      expect(cache.counters.coalesced).to.equal(2)
    })
  }

  it('does not share a large answer: an identical read in flight sends its own once it is known', async () => {
    const {cache} = cacheOver(undefined, {mode: 'off'})
    const large = answerOf(Math.ceil(MAX_STORED_ANSWER_BYTES / 50))
    const api = new StreamingApi(large, 10)
    const [list, whole] = await Promise.all([
      cache.requestList(target, ALL, 'tenants', ids, api.send),
      cache.request<typeof large>(target, ALL, api.whole),
    ])
    expect(api.calls).to.equal(2)
    expect(list.ids).to.have.length(large.tenants.length)
    expect(whole.tenants).to.have.length(large.tenants.length)
  })

  it('passes a failure to the reads that joined it, and stores nothing', async () => {
    const backend = new MemoryBackend()
    const {cache} = cacheOver(backend)
    const failing = failingSend()

    const results = await Promise.allSettled([cache.requestList(target, ALL, 'tenants', ids, failing.send), cache.request(target, ALL, failing.send)])
    expect(results.map(result => result.status)).to.deep.equal(['rejected', 'rejected'])
    expect(failing.calls()).to.equal(1)
    expect(entries(backend)).to.deep.equal([])
  })
})
