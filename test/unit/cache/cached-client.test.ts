import {expect} from 'chai'
import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {startEmulator} from '../../../plugins/plugin-emulator/src/index.js'
import {createDescopeClient} from '../../../src/lib/api/client.js'
import {loadAllTenants, mapAllTenants} from '../../../src/lib/api/tenants.js'
import {createCachedClient} from '../../../src/lib/cache/cached-client.js'
import {ReadCache} from '../../../src/lib/cache/read-cache.js'
import {resolveCacheSettings} from '../../../src/lib/cache/settings.js'
import {createServices} from '../../../src/lib/services.js'

type Emulator = Awaited<ReturnType<typeof startEmulator>>

describe('cached client against the emulator', function () {
  this.timeout(20_000)
  let emulator: Emulator
  let dir: string

  before(async () => {
    emulator = await startEmulator({
      newProjects: 'empty',
      rateLimit: 'off',
      latency: 20,
      projects: [{id: 'P2CacheClientTest00000000000001', managementKey: 'K2CacheClientTestKey', tenants: [{id: 'acme', name: 'Acme'}]}],
    })
  })

  after(async () => {
    await emulator.stop()
  })

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'descope-mgmt-cache-'))
    await emulator.admin.resetStats()
  })

  afterEach(async () => {
    await rm(dir, {force: true, recursive: true})
  })

  const options = () => ({
    baseUrl: emulator.url, managementKey: 'K2CacheClientTestKey', projectId: 'P2CacheClientTest00000000000001', retry: {limit: 0},
  })
  const tenantAllCalls = async () => (await emulator.stats()).routes['GET /v1/mgmt/tenant/all']?.requests ?? 0

  for (const mode of ['use', 'off'] as const) {
    it(`coalesces 20 concurrent identical reads into one request (mode ${mode})`, async () => {
      const cache = new ReadCache(resolveCacheSettings({cacheDir: dir, env: {}, noCache: mode === 'off'}))
      const client = createCachedClient(options(), cache, async () => createDescopeClient(options()))
      const answers = await Promise.all(Array.from({length: 20}, () => loadAllTenants(client)))
      await cache.close()
      expect(answers.every(tenants => tenants.length === 1 && tenants[0].id === 'acme')).to.equal(true)
      expect(await tenantAllCalls()).to.equal(1)
    })
  }

  it('streams a list read through the real client, keeps the small answer in the file store, and answers the next run from it', async () => {
    const settings = resolveCacheSettings({cacheDir: dir, env: {}})
    const run = async () => {
      const cache = new ReadCache(settings)
      const client = createCachedClient(options(), cache, async () => createDescopeClient(options()))
      const ids = await mapAllTenants(client, tenant => tenant.id)
      await cache.close()
      return ids
    }

    expect(await run()).to.deep.equal(['acme'])
    expect(await run()).to.deep.equal(['acme'])
    expect(await tenantAllCalls()).to.equal(1)
  })

  it('creates the got client only when a request has to be sent', async () => {
    const settings = resolveCacheSettings({cacheDir: dir, env: {}})
    let created = 0
    const run = async () => {
      const cache = new ReadCache(settings)
      const client = createCachedClient(options(), cache, async () => {
        created++
        return createDescopeClient(options())
      })
      await loadAllTenants(client)
      await cache.close()
    }

    await run()
    await run()
    expect(created).to.equal(1)
    expect(await tenantAllCalls()).to.equal(1)
  })

  it('services hand out one client per cache, and writes through it invalidate', async () => {
    const services = createServices()
    const cache = await services.readCache(resolveCacheSettings({cacheDir: dir, env: {}}))
    expect(await services.readCache(resolveCacheSettings({cacheDir: dir, env: {}}))).to.equal(cache)
    const client = await services.getClient({...options(), cache})
    expect(await services.getClient({...options(), cache})).to.equal(client)
    await loadAllTenants(client)
    await client.request('POST', '/v1/mgmt/tenant/create', {json: {id: 'globex', name: 'Globex'}})
    const after = await loadAllTenants(client)
    await cache.close()
    expect(after.map(tenant => tenant.id).sort()).to.deep.equal(['acme', 'globex'])
    expect(await tenantAllCalls()).to.equal(2)
    await emulator.admin.reset()
  })
})
