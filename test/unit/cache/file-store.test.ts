import {expect} from 'chai'
import {
  mkdtemp, readdir, readFile, rm, stat, writeFile,
} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {FileStore} from '../../../src/lib/cache/file-store.js'
import {isMetaKey, isStatsKey} from '../../../src/lib/cache/keys.js'
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

  describe('the journal of read-only runs', () => {
    let dir: string
    let file: string
    let journal: string

    beforeEach(async () => {
      dir = await mkdtemp(path.join(tmpdir(), 'descope-mgmt-cache-'))
      file = path.join(dir, 'cache', 'read-cache.json')
      journal = `${file}.journal`
    })

    afterEach(async () => {
      await rm(dir, {force: true, recursive: true})
    })

    const open = (options: Partial<Parameters<typeof FileStore.open>[0]> = {}) => FileStore.open({
      file, isJournaled: isStatsKey, isPinned: isMetaKey, maxBytes: 1_000_000, maxEntries: 100, ...options,
    })
    const identity = async () => {
      const info = await stat(file)
      return `${info.ino}:${info.mtimeMs}:${info.size}`
    }

    /** A store holding one entry and the statistics, saved, and a clock. */
    async function seeded() {
      const clock = manualClock()
      const store = await open({now: clock.now})
      await store.set('entry:a', 'answer')
      await store.set('stats:scope', 'hits 0')
      await store.flush()
      return {clock, store}
    }

    it('appends the access times and statistics of a run that only read, leaving the file as it was', async () => {
      const {clock} = await seeded()
      const before = await identity()
      clock.advance(1000)
      const reader = await open({now: clock.now})
      expect(await reader.get('entry:a')).to.equal('answer')
      await reader.set('stats:scope', 'hits 1')
      await reader.flush()
      expect(await identity(), 'the store file').to.equal(before)
      expect((await stat(journal)).mode % 0o1000, 'the journal\'s mode').to.equal(0o600)
      expect((await readFile(journal, 'utf8')).trim().split('\n')).to.have.length(1)
      const next = await open({now: clock.now})
      expect(await next.get('stats:scope')).to.equal('hits 1')
      const entry = (await next.describe()).find(item => item.key === 'entry:a')
      expect(entry?.lastAccess, 'the access time of the read').to.equal(clock.now())
    })

    it('keeps the access times of the journal for eviction: the entry read last survives', async () => {
      const clock = manualClock()
      const first = await open({maxEntries: 2, now: clock.now})
      await first.set('entry:old', 'o')
      clock.advance(10)
      await first.set('entry:new', 'n')
      await first.flush()
      clock.advance(10)
      const reader = await open({maxEntries: 2, now: clock.now})
      expect(await reader.get('entry:old')).to.equal('o')
      await reader.flush()
      clock.advance(10)
      const writer = await open({maxEntries: 2, now: clock.now})
      await writer.set('entry:third', 't')
      await writer.flush()
      expect((await (await open({now: clock.now})).describe()).map(item => item.key).sort()).to.deep.equal(['entry:old', 'entry:third'])
    })

    it('rewrites the file for any other change, merging the journal into it and removing it', async () => {
      const {clock} = await seeded()
      const reader = await open({now: clock.now})
      await reader.set('stats:scope', 'hits 1')
      await reader.flush()
      const writer = await open({now: clock.now})
      await writer.set('gen:scope:tenant', 'bumped')
      await writer.flush()
      expect(await readdir(path.dirname(file))).to.deep.equal(['read-cache.json'])
      const {entries} = JSON.parse(await readFile(file, 'utf8')) as {entries: Record<string, {v: string}>}
      expect(entries['stats:scope'].v, 'the journaled statistics').to.equal('hits 1')
      expect(entries['gen:scope:tenant'].v).to.equal('bumped')
    })

    it('rewrites the file instead of appending once the journal is over its size', async () => {
      const {clock} = await seeded()
      const run = async (hits: number) => {
        // A line is about 60 bytes: the journal takes two.
        const reader = await open({maxJournalBytes: 100, now: clock.now})
        await reader.set('stats:scope', `hits ${hits}`)
        await reader.flush()
      }

      const stored = async () => (JSON.parse(await readFile(file, 'utf8')) as {entries: Record<string, {v: string}>}).entries['stats:scope'].v
      await run(1)
      await run(2)
      expect(await stored()).to.equal('hits 0')
      expect((await readFile(journal, 'utf8')).trim().split('\n')).to.have.length(2)
      await run(3)
      expect(await stored()).to.equal('hits 3')
      expect(await readdir(path.dirname(file))).to.deep.equal(['read-cache.json'])
    })

    it('skips a torn line, and merges what a failed save left aside', async () => {
      const {clock} = await seeded()
      const reader = await open({now: clock.now})
      await reader.set('stats:scope', 'hits 1')
      await reader.flush()
      await writeFile(journal, '{"s":{"stats:scope":{"a":1,"s":6,"v":"hi', {flag: 'a'})
      expect(await (await open()).get('stats:scope'), 'the torn line is skipped').to.equal('hits 1')
      // A save that moved the journal aside and failed before removing it.
      await writeFile(`${journal}.merging`, `${JSON.stringify({s: {'stats:other': {a: 1, s: 10, v: 'aside'}}})}\n`)
      const writer = await open({now: clock.now})
      await writer.set('entry:b', 'b')
      await writer.flush()
      expect(await readdir(path.dirname(file))).to.deep.equal(['read-cache.json'])
      const next = await open()
      expect(await next.get('stats:scope')).to.equal('hits 1')
      expect(await next.get('stats:other')).to.equal('aside')
    })

    it('clear drops the journaled statistics with the rest, and discard deletes the journal', async () => {
      const {clock} = await seeded()
      const reader = await open({now: clock.now})
      await reader.set('stats:scope', 'hits 1')
      await reader.flush()
      const clearing = await open()
      await clearing.clear()
      await clearing.flush()
      expect(await (await open()).get('stats:scope')).to.equal(undefined)
      const again = await open()
      await again.set('entry:a', 'a')
      await again.flush()
      await again.set('stats:scope', 'hits 1')
      await again.flush()
      await again.discard()
      expect(await readdir(path.dirname(file))).to.deep.equal([])
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
