import {expect} from 'chai'

import type {Family} from '../../../src/lib/cache/endpoints.js'

import {classify} from '../../../src/lib/cache/endpoints.js'
import {
  cacheOver, failingSend, FakeApi, manualClock, MemoryBackend,
} from './helpers.js'

const target = {baseUrl: 'https://api.descope.com', managementKey: 'K2abcdefghijklmnopqrstuvwxyz', projectId: 'P2aaaaaaaaaaaaaaaaaaaaaaaaaaa'}
const ALL = {method: 'GET', path: '/v1/mgmt/tenant/all'} as const

describe('read cache', () => {
  describe('TTL', () => {
    it('answers a read from the cache until the TTL has passed, then fetches again', async () => {
      const clock = manualClock()
      const backend = new MemoryBackend(clock.now)
      const {cache} = cacheOver(backend, {now: clock.now, ttlMs: 60_000})
      const api = new FakeApi()
      const read = () => cache.request(target, ALL, api.send('GET', ALL.path))

      await read()
      clock.advance(59_999)
      expect(await read()).to.deep.equal({tenants: [{id: 't1', name: 'One'}]})
      expect(api.count('GET /v1/mgmt/tenant/all')).to.equal(1)

      clock.advance(1)
      await read()
      expect(api.count('GET /v1/mgmt/tenant/all')).to.equal(2)
      expect(cache.counters).to.deep.include({hits: 1, misses: 2})
    })

    it('a run with a shorter TTL accepts only answers younger than its TTL', async () => {
      const clock = manualClock()
      const backend = new MemoryBackend(clock.now)
      const api = new FakeApi()
      await cacheOver(backend, {now: clock.now, ttlMs: 60_000}).cache.request(target, ALL, api.send('GET', ALL.path))
      clock.advance(15_000)
      await cacheOver(backend, {now: clock.now, ttlMs: 20_000}).cache.request(target, ALL, api.send('GET', ALL.path))
      expect(api.calls).to.have.length(1)
      await cacheOver(backend, {now: clock.now, ttlMs: 10_000}).cache.request(target, ALL, api.send('GET', ALL.path))
      expect(api.calls).to.have.length(2)
    })

    it('persists across "processes" sharing the store, and a new process honours the TTL too', async () => {
      const clock = manualClock()
      const backend = new MemoryBackend(clock.now)
      const api = new FakeApi()
      await cacheOver(backend, {now: clock.now, ttlMs: 1000}).cache.request(target, ALL, api.send('GET', ALL.path))
      await cacheOver(backend, {now: clock.now, ttlMs: 1000}).cache.request(target, ALL, api.send('GET', ALL.path))
      expect(api.calls).to.have.length(1)
      clock.advance(1000)
      await cacheOver(backend, {now: clock.now, ttlMs: 1000}).cache.request(target, ALL, api.send('GET', ALL.path))
      expect(api.calls).to.have.length(2)
    })
  })

  describe('invalidation by writes', () => {
    // Each kind of write, the read it must invalidate, and a read of another family it must not.
    const writes: Array<{write: [string, string]; stale: [string, string]; kept?: [string, string]}> = [
      {kept: ['POST', '/v1/mgmt/flow/list'], stale: ['GET', '/v1/mgmt/tenant/all'], write: ['POST', '/v1/mgmt/tenant/create']},
      {kept: ['POST', '/v1/mgmt/flow/list'], stale: ['POST', '/v1/mgmt/tenant/search'], write: ['POST', '/v1/mgmt/tenant/update']},
      {kept: ['POST', '/v2/mgmt/theme/export'], stale: ['GET', '/v1/mgmt/tenant'], write: ['POST', '/v1/mgmt/tenant/delete']},
      {kept: ['POST', '/v1/mgmt/flow/list'], stale: ['GET', '/v1/mgmt/tenant/all'], write: ['POST', '/v1/mgmt/tenant/updateDefaultRoles']},
      {kept: ['GET', '/v1/mgmt/permission/all'], stale: ['GET', '/v1/mgmt/role/all'], write: ['POST', '/v1/mgmt/role/create']},
      {kept: ['GET', '/v1/mgmt/permission/all'], stale: ['POST', '/v1/mgmt/role/search'], write: ['POST', '/v1/mgmt/role/update/batch']},
      {kept: ['GET', '/v1/mgmt/permission/all'], stale: ['GET', '/v1/mgmt/tenant/all'], write: ['POST', '/v1/mgmt/role/delete']},
      {kept: ['GET', '/v1/mgmt/tenant/all'], stale: ['GET', '/v1/mgmt/permission/all'], write: ['POST', '/v1/mgmt/permission/create/batch']},
      {kept: ['GET', '/v1/mgmt/tenant/all'], stale: ['GET', '/v1/mgmt/role/all'], write: ['POST', '/v1/mgmt/permission/update']},
      {kept: ['GET', '/v1/mgmt/tenant/all'], stale: ['GET', '/v1/mgmt/role/all'], write: ['POST', '/v1/mgmt/permission/delete']},
      {kept: ['GET', '/v1/mgmt/tenant/all'], stale: ['POST', '/v1/mgmt/flow/list'], write: ['POST', '/v1/mgmt/flow/delete']},
      {kept: ['POST', '/v2/mgmt/theme/export'], stale: ['POST', '/v2/mgmt/flow/export'], write: ['POST', '/v2/mgmt/flow/import']},
      {kept: ['POST', '/v1/mgmt/flow/list'], stale: ['POST', '/v1/mgmt/theme/export'], write: ['POST', '/v1/mgmt/theme/import']},
      {stale: ['POST', '/v2/mgmt/theme/export'], write: ['POST', '/v1/mgmt/project/snapshot/import']},
      {stale: ['GET', '/v1/mgmt/role/all'], write: ['POST', '/v1/mgmt/project/snapshot/import']},
      {stale: ['POST', '/v1/mgmt/projects/list'], write: ['POST', '/v1/mgmt/project/update/name']},
      {kept: ['GET', '/v1/mgmt/tenant/all'], stale: ['POST', '/v1/mgmt/audit/search'], write: ['POST', '/v1/mgmt/audit/event']},
      {stale: ['GET', '/v1/mgmt/tenant/all'], write: ['PUT', '/v1/mgmt/infra']},
    ]

    for (const {kept, stale, write} of writes) {
      it(`${write.join(' ')} drops cached ${stale.join(' ')}${kept ? ` but keeps ${kept.join(' ')}` : ''}`, async () => {
        const backend = new MemoryBackend()
        const api = new FakeApi()
        const reader = cacheOver(backend).cache
        const writer = cacheOver(backend).cache // another process sharing the store
        const read = async ([method, path]: [string, string]) => reader.request(target, {json: method === 'POST' ? {} : undefined, method, path}, api.send(method, path))
        await read(stale)
        if (kept) await read(kept)
        await writer.request(target, {json: {}, method: write[0], path: write[1]}, api.send(write[0], write[1]))
        await read(stale)
        expect(api.count(stale.join(' ')), 'stale read fetched again').to.equal(2)
        if (kept) {
          await read(kept)
          expect(api.count(kept.join(' ')), 'other family still cached').to.equal(1)
        }
      })
    }

    it('invalidates even when the write fails (it may have been applied)', async () => {
      const backend = new MemoryBackend()
      const {cache} = cacheOver(backend)
      const api = new FakeApi()
      await cache.request(target, ALL, api.send('GET', ALL.path))
      const failing = cache.request(target, {json: {}, method: 'POST', path: '/v1/mgmt/tenant/create'}, async () => {
        throw new Error('timeout')
      })
      const error = await failing.then(() => {}, (error_: Error) => error_)
      expect(error?.message).to.equal('timeout')
      await cache.request(target, ALL, api.send('GET', ALL.path))
      expect(api.count('GET /v1/mgmt/tenant/all')).to.equal(2)
    })

    it('never serves an answer that raced a write: it is stored under the old generation', async () => {
      const backend = new MemoryBackend()
      const {cache} = cacheOver(backend)
      const api = new FakeApi()
      const slowRead = cache.request(target, ALL, api.send('GET', ALL.path, 30))
      await new Promise(resolve => {
        setTimeout(resolve, 5)
      })
      api.tenants.push({id: 't2', name: 'Two'})
      await cache.request(target, {json: {}, method: 'POST', path: '/v1/mgmt/tenant/create'}, api.send('POST', '/v1/mgmt/tenant/create'))
      await slowRead
      const after = await cache.request<{tenants: unknown[]}>(target, ALL, api.send('GET', ALL.path))
      expect(after.tenants).to.have.length(2)
    })

    it('keeps the couplings in one table: permission writes invalidate roles, role writes tenants', () => {
      const families = (method: string, path: string): Family[] => {
        const kind = classify(method, path)
        return kind.kind === 'write' ? kind.families : []
      }

      expect(families('POST', '/v1/mgmt/permission/delete')).to.include.members(['permission', 'role', 'audit'])
      expect(families('POST', '/v1/mgmt/role/delete')).to.include.members(['role', 'tenant'])
      expect(families('POST', '/v1/mgmt/flow/import')).to.deep.equal(['flow', 'audit'])
      expect(classify('POST', '/v1/mgmt/tenant/search')).to.deep.equal({family: 'tenant', kind: 'read'})
      expect(classify('GET', '/v1/mgmt/tenant/')).to.deep.equal({family: 'tenant', kind: 'read'})
      expect(classify('POST', '/v1/mgmt/project/snapshot/validate')).to.deep.equal({kind: 'pass'})
    })
  })

  describe('isolation', () => {
    it('never shares entries between projects, keys or base URLs', async () => {
      const backend = new MemoryBackend()
      const {cache} = cacheOver(backend)
      const api = new FakeApi()
      const others = [
        {...target, projectId: 'P2bbbbbbbbbbbbbbbbbbbbbbbbbbb'},
        {...target, managementKey: 'K2zyxwvutsrqponmlkjihgfedcba'},
        {...target, baseUrl: 'https://api.euc1.descope.com'},
      ]
      await cache.request(target, ALL, api.send('GET', ALL.path))
      for (const other of others) await cache.request(other, ALL, api.send('GET', ALL.path))
      expect(api.calls).to.have.length(4)
      // …while each of them now hits its own entry.
      for (const other of [target, ...others]) await cache.request(other, ALL, api.send('GET', ALL.path))
      expect(api.calls).to.have.length(4)
    })

    it('tells requests apart by query and body, but not by the order of body keys', async () => {
      const {cache} = cacheOver(new MemoryBackend())
      const api = new FakeApi()
      const search = (json: unknown) => cache.request(target, {json, method: 'POST', path: '/v1/mgmt/tenant/search'}, api.send('POST', 'search'))
      await search({tenantIds: ['a'], tenantNames: ['x']})
      await search({tenantNames: ['x'], tenantIds: ['a']})
      await search({tenantIds: ['b']})
      expect(api.count('POST search')).to.equal(2)
      const load = (id: string) => cache.request(target, {method: 'GET', path: '/v1/mgmt/tenant', searchParams: {id}}, api.send('GET', 'load'))
      await load('a')
      await load('b')
      await load('a')
      expect(api.count('GET load')).to.equal(2)
    })

    it('a write through one key invalidates the reads made with another key of the same project', async () => {
      const backend = new MemoryBackend()
      const {cache} = cacheOver(backend)
      const api = new FakeApi()
      const otherKey = {...target, managementKey: 'K2zyxwvutsrqponmlkjihgfedcba'}
      await cache.request(target, ALL, api.send('GET', ALL.path))
      await cache.request(otherKey, {json: {}, method: 'POST', path: '/v1/mgmt/tenant/delete'}, api.send('POST', 'delete'))
      await cache.request(target, ALL, api.send('GET', ALL.path))
      expect(api.count('GET /v1/mgmt/tenant/all')).to.equal(2)
    })
  })

  describe('modes', () => {
    it('--no-cache (off) neither reads nor stores entries, but writes still invalidate', async () => {
      const backend = new MemoryBackend()
      const api = new FakeApi()
      const normal = cacheOver(backend).cache
      await normal.request(target, ALL, api.send('GET', ALL.path))
      const entries = () => [...backend.data.keys()].filter(key => key.startsWith('entry:')).length
      expect(entries()).to.equal(1)

      const off = cacheOver(backend, {mode: 'off'}).cache
      await off.request(target, ALL, api.send('GET', ALL.path))
      await off.request(target, {method: 'GET', path: '/v1/mgmt/role/all'}, api.send('GET', 'roles'))
      expect(api.count('GET /v1/mgmt/tenant/all')).to.equal(2)
      expect(entries()).to.equal(1)

      await off.request(target, {json: {}, method: 'POST', path: '/v1/mgmt/tenant/create'}, api.send('POST', 'create'))
      await normal.request(target, ALL, api.send('GET', ALL.path))
      expect(api.count('GET /v1/mgmt/tenant/all')).to.equal(3)
    })

    it('fresh (plan, apply) always fetches, and stores what it fetched for later cached reads', async () => {
      const backend = new MemoryBackend()
      const api = new FakeApi()
      const fresh = cacheOver(backend, {mode: 'fresh'}).cache
      await fresh.request(target, ALL, api.send('GET', ALL.path))
      await fresh.request(target, ALL, api.send('GET', ALL.path))
      expect(api.calls).to.have.length(2)
      await cacheOver(backend).cache.request(target, ALL, api.send('GET', ALL.path))
      expect(api.calls).to.have.length(2)
    })
  })

  describe('coalescing', () => {
    for (const mode of ['use', 'off'] as const) {
      it(`sends one request for N concurrent identical reads (mode ${mode}), and gives each caller its own copy`, async () => {
        const {cache} = cacheOver(mode === 'use' ? new MemoryBackend() : undefined, {mode})
        const api = new FakeApi()
        const results = await Promise.all(Array.from({length: 10}, () => cache.request<{tenants: Array<{name: string}>}>(target, ALL, api.send('GET', ALL.path, 10))))
        expect(api.calls).to.have.length(1)
        expect(cache.counters.coalesced).to.equal(9)
        results[0].tenants[0].name = 'changed'
        expect(results[1].tenants[0].name).to.equal('One')
      })
    }

    it('does not coalesce a read issued after a write with one issued before it', async () => {
      const {cache} = cacheOver(undefined, {mode: 'off'})
      const api = new FakeApi()
      const before = cache.request(target, ALL, api.send('GET', ALL.path, 20))
      await cache.request(target, {json: {}, method: 'POST', path: '/v1/mgmt/tenant/create'}, api.send('POST', 'create'))
      const after = cache.request(target, ALL, api.send('GET', ALL.path, 20))
      await Promise.all([before, after])
      expect(api.count('GET /v1/mgmt/tenant/all')).to.equal(2)
    })

    it('passes errors to every coalesced caller, and caches nothing', async () => {
      const backend = new MemoryBackend()
      const {cache} = cacheOver(backend)
      const failing = failingSend()

      const results = await Promise.allSettled([cache.request(target, ALL, failing.send), cache.request(target, ALL, failing.send)])
      expect(results.map(result => result.status)).to.deep.equal(['rejected', 'rejected'])
      expect(failing.calls()).to.equal(1)
      expect([...backend.data.keys()].filter(key => key.startsWith('entry:'))).to.deep.equal([])
    })
  })

  describe('failures of the store', () => {
    it('a store that cannot be opened: one warning, every read goes to the API', async () => {
      const backend = new MemoryBackend()
      backend.failing = true
      const {cache, warnings} = cacheOver(backend)
      const api = new FakeApi()
      for (let i = 0; i < 3; i++) await cache.request(target, ALL, api.send('GET', ALL.path))
      await cache.request(target, {json: {}, method: 'POST', path: '/v1/mgmt/tenant/create'}, api.send('POST', 'create'))
      await cache.close()
      expect(api.count('GET /v1/mgmt/tenant/all')).to.equal(3)
      expect(warnings).to.have.length(1)
      expect(warnings[0]).to.match(/not usable: cannot open the store\. Continuing without it/)
      expect(backend.opened).to.equal(1)
    })

    it('a store failing in the middle of a run: one warning, and it is left alone afterwards', async () => {
      const backend = new MemoryBackend()
      const {cache, warnings} = cacheOver(backend)
      const api = new FakeApi()
      await cache.request(target, ALL, api.send('GET', ALL.path))
      backend.failing = true
      const {operations} = backend
      for (let i = 0; i < 3; i++) await cache.request(target, ALL, api.send('GET', ALL.path))
      await cache.close()
      expect(api.count('GET /v1/mgmt/tenant/all')).to.equal(4)
      expect(warnings).to.have.length(1)
      expect(backend.operations - operations).to.equal(1)
    })

    it('a write whose invalidation cannot be stored (full disk) discards the store, so no later run reads stale answers', async () => {
      const backend = new MemoryBackend()
      const api = new FakeApi()
      const first = cacheOver(backend).cache
      await first.request(target, ALL, api.send('GET', ALL.path))
      await first.close()

      backend.failingWrites = true
      const {cache: writer, warnings} = cacheOver(backend)
      api.tenants = [{id: 't1', name: 'Renamed'}]
      await writer.request(target, {json: {id: 't1', name: 'Renamed'}, method: 'POST', path: '/v1/mgmt/tenant/update'}, api.send('POST', 'update'))
      await writer.close()
      expect(warnings).to.have.length(1)
      expect(backend.discarded).to.equal(1)

      backend.failingWrites = false
      const later = cacheOver(backend).cache
      expect(await later.request(target, ALL, api.send('GET', ALL.path))).to.deep.equal({tenants: [{id: 't1', name: 'Renamed'}]})
      expect(api.count('GET /v1/mgmt/tenant/all')).to.equal(2)
    })

    it('a failing store with no write in the run is left as it is', async () => {
      const backend = new MemoryBackend()
      const api = new FakeApi()
      await cacheOver(backend).cache.request(target, ALL, api.send('GET', ALL.path))
      backend.failingWrites = true
      const {cache} = cacheOver(backend)
      await cache.request(target, {method: 'GET', path: '/v1/mgmt/role/all'}, api.send('GET', '/v1/mgmt/role/all'))
      await cache.close()
      expect(backend.discarded).to.equal(0)
      expect(backend.data.size).to.be.greaterThan(0)
    })

    it('--no-cache stays silent about a broken store', async () => {
      const backend = new MemoryBackend()
      backend.failing = true
      const {cache, warnings} = cacheOver(backend, {mode: 'off'})
      await cache.request(target, {json: {}, method: 'POST', path: '/v1/mgmt/tenant/create'}, new FakeApi().send('POST', 'create'))
      expect(warnings).to.deep.equal([])
    })
  })

  describe('statistics', () => {
    it('adds hits and misses of each run to those stored, per project', async () => {
      const backend = new MemoryBackend()
      const api = new FakeApi()
      for (let run = 0; run < 3; run++) {
        const {cache} = cacheOver(backend)
        await cache.request(target, ALL, api.send('GET', ALL.path))
        await cache.request(target, ALL, api.send('GET', ALL.path))
        await cache.close()
      }

      const [record] = [...backend.data].filter(([key]) => key.startsWith('stats:')).map(([, item]) => item.value)
      expect(record).to.deep.equal({
        hits: 5, misses: 1, p: target.projectId, u: target.baseUrl,
      })
    })
  })
})
