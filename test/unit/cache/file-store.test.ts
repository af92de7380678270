import {expect} from 'chai'
import {
  mkdtemp, readdir, readFile, rm, stat, writeFile,
} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {FileStore} from '../../../src/lib/cache/file-store.js'
import {isMetaKey} from '../../../src/lib/cache/keys.js'
import {ReadCache} from '../../../src/lib/cache/read-cache.js'
import {resolveCacheSettings} from '../../../src/lib/cache/settings.js'
import {openStore} from '../../../src/lib/cache/store.js'
import {FakeApi, manualClock} from './helpers.js'

describe('file store', () => {
  describe('the store', () => {
    let dir: string
    let file: string

    beforeEach(async () => {
      dir = await mkdtemp(path.join(tmpdir(), 'descope-mgmt-cache-'))
      file = path.join(dir, 'cache', 'read-cache.json')
    })

    afterEach(async () => {
      await rm(dir, {force: true, recursive: true})
    })

    const open = (options: Partial<Parameters<typeof FileStore.open>[0]> = {}) => FileStore.open({
      file, isPinned: isMetaKey, maxBytes: 1_000_000, maxEntries: 100, ...options,
    })

    it('keeps the changes made while a save is running, and writes them with the next save', async () => {
      const store = await open()
      await store.set('entry:first', 'first')
      const saving = store.flush()
      // Writes of this process (generation bumps) that land while the file is being written.
      for (let index = 0; index < 40; index++) {
        await new Promise(resolve => {
          setImmediate(resolve)
        })
        await store.set(`entry:${index}`, String(index))
      }

      await saving
      await store.flush()
      const other = await open()
      for (let index = 0; index < 40; index++) expect(await other.get(`entry:${index}`), `entry:${index}`).to.equal(String(index))
    })

    it('writes the file with mode 0600 in a folder with mode 0700, atomically (no temporary file left)', async () => {
      const store = await open()
      await store.set('entry:a', 'value')
      await store.flush()
      expect((await stat(file)).mode % 0o1000).to.equal(0o600)
      expect((await stat(path.dirname(file))).mode % 0o1000).to.equal(0o700)
      expect(await readdir(path.dirname(file))).to.deep.equal(['read-cache.json'])
      expect(JSON.parse(await readFile(file, 'utf8'))).to.deep.include({format: 'descope-mgmt-read-cache', version: 1})
    })

    it('discard deletes the file and forgets pending changes, writing nothing', async () => {
      const store = await open()
      await store.set('entry:a', 'saved')
      await store.flush()
      await store.set('entry:b', 'pending')
      await store.discard()
      expect(await readdir(path.dirname(file))).to.deep.equal([])
      expect(await store.get('entry:b')).to.equal(undefined)
      await store.flush()
      expect(await (await open()).get('entry:a')).to.equal(undefined)
    })

    it('persists across instances and expires entries by their TTL', async () => {
      const clock = manualClock()
      const first = await open({now: clock.now})
      await first.set('entry:short', 'a', 1000)
      await first.set('entry:long', 'b', 10_000)
      await first.flush()
      clock.advance(5000)
      const second = await open({now: clock.now})
      expect(await second.get('entry:short')).to.equal(undefined)
      expect(await second.get('entry:long')).to.equal('b')
    })

    it('evicts the least recently used entries beyond maxEntries, never generations or statistics', async () => {
      const clock = manualClock()
      const store = await open({maxEntries: 3, now: clock.now})
      await store.set('gen:scope:tenant', 'token')
      await store.set('stats:scope', '{}')
      for (const name of ['a', 'b', 'c']) {
        clock.advance(10)
        await store.set(`entry:${name}`, name)
      }

      clock.advance(10)
      expect(await store.get('entry:a')).to.equal('a') // a is now the most recently used
      clock.advance(10)
      await store.set('entry:d', 'd')
      await store.flush()
      const reopened = await open({maxEntries: 3, now: clock.now})
      const keys = (await reopened.describe()).map(item => item.key).sort()
      expect(keys).to.deep.equal(['entry:a', 'entry:c', 'entry:d', 'gen:scope:tenant', 'stats:scope'])
    })

    it('evicts the least recently used entries beyond maxBytes', async () => {
      const clock = manualClock()
      const store = await open({maxBytes: 250, now: clock.now})
      for (const name of ['a', 'b', 'c']) {
        clock.advance(10)
        await store.set(`entry:${name}`, name.repeat(100))
      }

      const items = await store.describe()
      expect(items.map(item => item.key).sort()).to.deep.equal(['entry:b', 'entry:c'])
      expect(items.reduce((total, item) => total + item.bytes, 0)).to.be.at.most(250)
    })

    it('merges concurrent writers instead of losing one side, and sees the other side\'s changes', async () => {
      const a = await open()
      const b = await open()
      await a.set('entry:from-a', '1')
      await b.set('gen:scope:tenant', 'bumped-by-b')
      await b.flush()
      // `a` was loaded before b's bump: it still sees it (stat before read), and keeps it when saving.
      expect(await a.get('gen:scope:tenant')).to.equal('bumped-by-b')
      await a.flush()
      const c = await open()
      expect(await c.get('entry:from-a')).to.equal('1')
      expect(await c.get('gen:scope:tenant')).to.equal('bumped-by-b')
    })

    it('replays deletes on top of what another process wrote', async () => {
      const a = await open()
      await a.set('entry:x', '1')
      await a.flush()
      const b = await open()
      await b.set('entry:y', '2')
      await b.flush()
      await a.delete('entry:x')
      await a.flush()
      const c = await open()
      expect(await c.get('entry:x')).to.equal(undefined)
      expect(await c.get('entry:y')).to.equal('2')
    })

    it('reports a corrupt file once, starts empty, and writes a valid store back', async () => {
      await open()
      await writeFile(file, '{"entries": garbage', {mode: 0o600})
      const reasons: string[] = []
      const store = await open({onCorrupt: reason => reasons.push(reason)})
      expect(reasons).to.have.length(1)
      expect(reasons[0]).to.match(/not JSON/)
      expect(await store.get('entry:a')).to.equal(undefined)
      await store.set('entry:a', 'fresh')
      await store.flush()
      expect(JSON.parse(await readFile(file, 'utf8')).entries['entry:a'].v).to.equal('fresh')
    })

    it('rebuilds a corrupt file even when nothing else is written', async () => {
      await open()
      await writeFile(file, 'not json at all')
      const store = await open({onCorrupt() {}})
      await store.flush()
      expect(JSON.parse(await readFile(file, 'utf8'))).to.deep.include({entries: {}, format: 'descope-mgmt-read-cache'})
    })
  })

  describe('read cache on the file store', () => {
    let dir: string

    beforeEach(async () => {
      dir = await mkdtemp(path.join(tmpdir(), 'descope-mgmt-cache-'))
    })

    afterEach(async () => {
      await rm(dir, {force: true, recursive: true})
    })

    const target = {baseUrl: 'http://127.0.0.1:4280', managementKey: 'K2SecretManagementKeyThatMustNeverBeStored', projectId: 'P2aaaaaaaaaaaaaaaaaaaaaaaaaaa'}

    it('never writes the management key (nor the bearer) into the store', async () => {
      const settings = resolveCacheSettings({cacheDir: dir, env: {}})
      const cache = new ReadCache(settings, {warn() {}})
      const api = new FakeApi()
      await cache.request(target, {method: 'GET', path: '/v1/mgmt/tenant/all'}, api.send('GET', 'all'))
      await cache.request(target, {json: {tenantIds: ['t1']}, method: 'POST', path: '/v1/mgmt/tenant/search'}, api.send('POST', 'search'))
      await cache.request(target, {json: {id: 't1'}, method: 'POST', path: '/v1/mgmt/tenant/delete'}, api.send('POST', 'delete'))
      await cache.close()
      const text = await readFile(settings.file, 'utf8')
      expect(text).to.contain(target.projectId)
      expect(text).not.to.contain(target.managementKey)
      expect(text).not.to.contain(target.managementKey.slice(2, 20))
    })

    it('a corrupt store: one warning through the cache, the read still answers, and the next run is silent', async () => {
      const settings = resolveCacheSettings({cacheDir: dir, env: {}})
      await writeFile(settings.file, '\u0000\u0001garbage')
      const warnings: string[] = []
      const api = new FakeApi()
      const first = new ReadCache(settings, {warn: message => warnings.push(message)})
      expect(await first.request(target, {method: 'GET', path: '/v1/mgmt/tenant/all'}, api.send('GET', 'all'))).to.deep.equal({tenants: [{id: 't1', name: 'One'}]})
      await first.close()
      expect(warnings).to.have.length(1)
      expect(warnings[0]).to.match(/was unreadable .*it has been reset/)

      const second = new ReadCache(settings, {warn: message => warnings.push(message)})
      await second.request(target, {method: 'GET', path: '/v1/mgmt/tenant/all'}, api.send('GET', 'all'))
      await second.close()
      expect(warnings).to.have.length(1)
      expect(api.calls).to.have.length(1)
    })

    it('an unreadable store (a folder in its place): one warning and no cache, never a failure', async () => {
      const settings = resolveCacheSettings({cacheDir: dir, env: {}})
      await rm(settings.file, {force: true})
      await (await import('node:fs/promises')).mkdir(settings.file, {recursive: true})
      const warnings: string[] = []
      const cache = new ReadCache(settings, {warn: message => warnings.push(message)})
      const api = new FakeApi()
      await cache.request(target, {method: 'GET', path: '/v1/mgmt/tenant/all'}, api.send('GET', 'all'))
      await cache.request(target, {method: 'GET', path: '/v1/mgmt/tenant/all'}, api.send('GET', 'all'))
      await cache.close()
      expect(api.calls).to.have.length(2)
      expect(warnings).to.have.length(1)
    })

    it('stores through keyv: the stored value is keyv\'s {value, expires}', async () => {
      const settings = resolveCacheSettings({cacheDir: dir, env: {}})
      const store = await openStore(settings)
      await store.set('entry:x', {b: '{}'}, 60_000)
      await store.flush()
      const raw = JSON.parse(await readFile(settings.file, 'utf8')).entries['entry:x'].v
      expect(JSON.parse(raw)).to.have.keys(['value', 'expires'])
      expect(await store.get('entry:x')).to.deep.equal({b: '{}'})
      await store.close()
    })
  })
})
