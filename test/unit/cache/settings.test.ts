import {expect} from 'chai'

import {
  parseDuration, parseSize, redactUrl, resolveCacheSettings,
} from '../../../src/lib/cache/settings.js'
import {InputError} from '../../../src/lib/errors.js'

describe('cache settings', () => {
  it('reads durations as seconds or with a unit', () => {
    expect(parseDuration(300)).to.equal(300_000)
    expect(parseDuration('300')).to.equal(300_000)
    expect(parseDuration('90s')).to.equal(90_000)
    expect(parseDuration('5m')).to.equal(300_000)
    expect(parseDuration('1h')).to.equal(3_600_000)
    expect(parseDuration('1500ms')).to.equal(1500)
    expect(() => parseDuration('soon')).to.throw(InputError, /not a duration/)
    expect(() => parseDuration(-1)).to.throw(InputError)
  })

  it('reads sizes as bytes or with a binary unit', () => {
    expect(parseSize(1024)).to.equal(1024)
    expect(parseSize('512KB')).to.equal(512 * 1024)
    expect(parseSize('50MB')).to.equal(50 * 1024 * 1024)
    expect(() => parseSize('big')).to.throw(InputError, /not a size/)
  })

  it('defaults to a 5 minute file store under the cache folder, 500 entries, 50 MB', () => {
    const settings = resolveCacheSettings({cacheDir: '/home/u/.cache/descope-mgmt', env: {}})
    expect(settings).to.deep.include({
      file: '/home/u/.cache/descope-mgmt/read-cache.json', maxBytes: 50 * 1024 * 1024, maxEntries: 500, mode: 'use', store: 'file', ttlMs: 300_000,
    })
  })

  it('takes the flag over the environment variable over the configuration', () => {
    const config = {
      maxBytes: '1MB', maxEntries: 10, ttl: '1h', url: 'redis://config:6379',
    }
    expect(resolveCacheSettings({cacheDir: '/c', config, env: {}})).to.deep.include({
      maxBytes: 1024 * 1024, maxEntries: 10, store: 'redis', ttlMs: 3_600_000, url: 'redis://config:6379',
    })
    expect(resolveCacheSettings({cacheDir: '/c', config, env: {DESCOPE_MGMT_CACHE_TTL: '2m', DESCOPE_MGMT_CACHE_URL: 'redis://env:6379'}})).to.deep.include({ttlMs: 120_000, url: 'redis://env:6379'})
    expect(resolveCacheSettings({
      cacheDir: '/c', config, env: {DESCOPE_MGMT_CACHE_TTL: '2m'}, ttl: '30s',
    }).ttlMs).to.equal(30_000)
  })

  it('shares the coordination Redis when the cache names no store of its own', () => {
    expect(resolveCacheSettings({cacheDir: '/c', coordinationUrl: 'redis://coordination:6379', env: {}})).to.deep.include({store: 'redis', url: 'redis://coordination:6379'})
    expect(resolveCacheSettings({
      cacheDir: '/c', config: {url: 'redis://cache:6379'}, coordinationUrl: 'redis://coordination:6379', env: {},
    }).url).to.equal('redis://cache:6379')
    expect(resolveCacheSettings({cacheDir: '/c', coordinationUrl: 'redis://coordination:6379', env: {DESCOPE_MGMT_CACHE_URL: 'redis://env:6379'}}).url).to.equal('redis://env:6379')
  })

  it('turns the cache off with --no-cache, DESCOPE_MGMT_NO_CACHE=1 or a TTL of 0', () => {
    expect(resolveCacheSettings({cacheDir: '/c', env: {}, noCache: true}).mode).to.equal('off')
    expect(resolveCacheSettings({cacheDir: '/c', env: {DESCOPE_MGMT_NO_CACHE: '1'}}).mode).to.equal('off')
    expect(resolveCacheSettings({cacheDir: '/c', env: {DESCOPE_MGMT_NO_CACHE: '0'}}).mode).to.equal('use')
    expect(resolveCacheSettings({cacheDir: '/c', env: {}, ttl: '0'}).mode).to.equal('off')
    expect(resolveCacheSettings({cacheDir: '/c', env: {}, mode: 'fresh'}).mode).to.equal('fresh')
    expect(resolveCacheSettings({cacheDir: '/c', env: {}, memoryOnly: true}).store).to.equal('none')
  })

  it('refuses a cache URL that is not redis://, without printing its password', () => {
    expect(() => resolveCacheSettings({cacheDir: '/c', env: {DESCOPE_MGMT_CACHE_URL: 'http://u:secret@host'}})).to.throw(InputError, /not a redis:\/\/ URL/).and.not.match(/secret/)
    expect(redactUrl('redis://user:secret@host:6379/0')).to.equal('redis://user:***@host:6379/0')
    expect(redactUrl('redis://secret@host')).to.equal('redis://***@host')
  })
})
