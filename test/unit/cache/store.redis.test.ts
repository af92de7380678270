import {expect} from 'chai'

import {cacheStats, clearCache} from '../../../src/lib/cache/admin.js'
import {projectScope} from '../../../src/lib/cache/keys.js'
import {ReadCache} from '../../../src/lib/cache/read-cache.js'
import {resolveCacheSettings} from '../../../src/lib/cache/settings.js'
import {openStore} from '../../../src/lib/cache/store.js'
import {freePort, redisForTests, type RedisServer} from '../../helpers/redis.js'
import {FakeApi} from './helpers.js'

/**
 * The redis store against a real redis-server (see test/helpers/redis.ts): pending with a line on
 * how to run it where none is installed, a failure in CI (DESCOPE_MGMT_TEST_REQUIRE_REDIS).
 */
describe('redis store (@keyv/redis)', function () {
  this.timeout(30_000)
  let url: string
  let server: RedisServer | undefined

  before(async function () {
    server = await redisForTests(this, 'the redis store suite')
    url = server.url
  })

  after(async () => {
    await server?.stop()
  })

  const target = {baseUrl: 'https://api.descope.com', managementKey: 'K2RedisTestKeyNeverStored0000', projectId: `P2redis${Date.now()}`}
  const settings = () => resolveCacheSettings({cacheDir: '/nonexistent', env: {DESCOPE_MGMT_CACHE_URL: url}})

  it('is chosen by DESCOPE_MGMT_CACHE_URL, with the password kept out of its description', () => {
    const resolved = resolveCacheSettings({cacheDir: '/x', env: {DESCOPE_MGMT_CACHE_URL: 'redis://user:hunter2@cache:6379'}})
    expect(resolved.store).to.equal('redis')
    expect(new ReadCache(resolved).id).not.to.contain('hunter2')
  })

  it('caches reads across processes, invalidates on writes, and keeps statistics', async () => {
    const api = new FakeApi()
    const read = async () => {
      const cache = new ReadCache(settings(), {warn: message => expect.fail(message)})
      const answer = await cache.request(target, {method: 'GET', path: '/v1/mgmt/tenant/all'}, api.send('GET', 'all'))
      await cache.close()
      return answer
    }

    await read()
    await read()
    expect(api.count('GET all')).to.equal(1)

    const writer = new ReadCache(settings())
    await writer.request({...target, managementKey: 'K2AnotherKeyOfTheSameProject00'}, {json: {}, method: 'POST', path: '/v1/mgmt/tenant/create'}, api.send('POST', 'create'))
    await writer.close()
    await read()
    expect(api.count('GET all')).to.equal(2)

    const stats = new ReadCache(settings())
    const summary = await cacheStats(stats)
    await stats.close()
    const project = summary.projects.find(item => item.projectId === target.projectId)
    expect(summary.store).to.deep.include({kind: 'redis', usable: true})
    expect(project).to.deep.include({entries: 2, hits: 1, misses: 2})
  })

  it('stores keys under the descope-mgmt namespace, with a TTL, and never the management key', async () => {
    const project = {...target, projectId: `${target.projectId}ttl`}
    const cache = new ReadCache({...settings(), ttlMs: 60_000})
    await cache.request(project, {method: 'GET', path: '/v1/mgmt/role/all'}, new FakeApi().send('GET', 'roles'))
    await cache.close()
    const {createClient} = await import('@keyv/redis')
    const client = createClient({url})
    await client.connect()
    try {
      const keys = await client.keys(`descope-mgmt::entry:${projectScope(project.baseUrl, project.projectId)}:*`)
      expect(keys.length).to.be.greaterThan(0)
      const ttl = await client.pTTL(keys[0])
      expect(ttl).to.be.greaterThan(0).and.at.most(60_000)
      for (const key of await client.keys('descope-mgmt::*')) {
        expect(key).not.to.contain(target.managementKey)
        expect(String(await client.get(key))).not.to.contain(target.managementKey)
      }
    } finally {
      await client.close()
    }
  })

  it('clears one project, or everything of descope-mgmt', async () => {
    const other = {...target, projectId: `${target.projectId}x`}
    const cache = new ReadCache(settings())
    await cache.request(target, {method: 'GET', path: '/v1/mgmt/tenant/all'}, new FakeApi().send('GET', 'all'))
    await cache.request(other, {method: 'GET', path: '/v1/mgmt/tenant/all'}, new FakeApi().send('GET', 'all'))
    const cleared = await clearCache(cache, {baseUrl: target.baseUrl, projectId: target.projectId})
    expect(cleared.removed).to.be.greaterThan(0)
    let stats = await cacheStats(cache)
    expect(stats.projects.map(item => item.projectId)).to.include(other.projectId).and.not.include(target.projectId)
    await clearCache(cache)
    stats = await cacheStats(cache)
    expect(stats.entries).to.equal(0)
    await cache.close()
  })

  it('an unreachable server: one warning, reads go to the API, and nothing hangs', async () => {
    const port = await freePort()
    const warnings: string[] = []
    const cache = new ReadCache(resolveCacheSettings({cacheDir: '/x', env: {DESCOPE_MGMT_CACHE_URL: `redis://127.0.0.1:${port}`}}), {warn: message => warnings.push(message)})
    const api = new FakeApi()
    await cache.request(target, {method: 'GET', path: '/v1/mgmt/tenant/all'}, api.send('GET', 'all'))
    await cache.request(target, {method: 'GET', path: '/v1/mgmt/tenant/all'}, api.send('GET', 'all'))
    await cache.close()
    expect(api.count('GET all')).to.equal(2)
    expect(warnings).to.have.length(1)
    expect(warnings[0]).to.contain(`redis://127.0.0.1:${port}`)
  })

  it('opens through openStore for redis:// URLs', async () => {
    const store = await openStore(settings())
    expect(store.kind).to.equal('redis')
    await store.set('gen:test:tenant', 'token')
    expect(await store.get('gen:test:tenant')).to.equal('token')
    await store.close()
  })
})
