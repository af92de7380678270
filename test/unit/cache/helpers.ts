import type {CacheBackend, StoredItem} from '../../../src/lib/cache/store.js'

import {ReadCache, type ReadCacheOptions} from '../../../src/lib/cache/read-cache.js'
import {type CacheSettings, resolveCacheSettings} from '../../../src/lib/cache/settings.js'

/** A clock the test moves by hand. */
export function manualClock(start = Date.parse('2026-01-01T00:00:00Z')): {now: () => number; advance(ms: number): void} {
  let time = start
  return {
    advance(ms: number) {
      time += ms
    },
    now: () => time,
  }
}

/** An in-memory store shared by several ReadCache instances ("processes"); can be made to fail. */
export class MemoryBackend implements CacheBackend {
  readonly data = new Map<string, {value: unknown; expires?: number}>()
  discarded = 0
  failing = false
  /** Reads work, writes fail (a full disk). */
  failingWrites = false
  readonly kind = 'file' as const
  readonly location = 'memory'
  opened = 0
  operations = 0

  constructor(private readonly now: () => number = Date.now) {}

  async clear(): Promise<void> {
    this.check(true)
    this.data.clear()
  }

  async close(): Promise<void> {}

  async delete(keys: string[]): Promise<void> {
    this.check(true)
    for (const key of keys) this.data.delete(key)
  }

  async discard(): Promise<void> {
    this.discarded++
    this.data.clear()
  }

  async flush(): Promise<void> {
    this.check(true)
  }

  async get<T>(key: string): Promise<T | undefined> {
    this.check()
    const item = this.data.get(key)
    if (!item || (item.expires !== undefined && item.expires <= this.now())) return undefined
    return structuredClone(item.value) as T
  }

  async items<T>(): Promise<Array<StoredItem<T>>> {
    this.check()
    return [...this.data].map(([key, item]) => ({bytes: key.length + JSON.stringify(item.value).length, key, value: item.value as T}))
  }

  async set(key: string, value: unknown, ttlMs?: number): Promise<void> {
    this.check(true)
    this.data.set(key, {expires: ttlMs ? this.now() + ttlMs : undefined, value: structuredClone(value)})
  }

  private check(write = false): void {
    this.operations++
    if (this.failing) throw new Error('the store is down')
    if (write && this.failingWrites) throw new Error('ENOSPC: no space left on device')
  }
}

export function settings(overrides: Partial<CacheSettings> = {}): CacheSettings {
  return {...resolveCacheSettings({cacheDir: '/nonexistent/descope-mgmt-test', env: {}}), ...overrides}
}

/** A ReadCache over `backend`, with warnings collected. */
export function cacheOver(
  backend: MemoryBackend | undefined,
  options: Partial<CacheSettings> & {now?: () => number} = {},
  extra: ReadCacheOptions = {},
): {cache: ReadCache; warnings: string[]} {
  const warnings: string[] = []
  const {now, ...rest} = options
  const cache = new ReadCache(settings({store: backend ? 'file' : 'none', ...rest}), {
    now,
    async openStore() {
      if (!backend) throw new Error('no store')
      backend.opened++
      if (backend.failing) throw new Error('cannot open the store')
      return backend
    },
    warn: message => warnings.push(message),
    ...extra,
  })
  return {cache, warnings}
}

/** A fake API: counts calls per `METHOD path`, answers from a mutable state. */
export class FakeApi {
  calls: string[] = []
  tenants: Array<{id: string; name: string}> = [{id: 't1', name: 'One'}]

  count(route: string): number {
    return this.calls.filter(call => call === route).length
  }

  send<T>(method: string, path: string, delayMs = 0): () => Promise<T> {
    return async () => {
      this.calls.push(`${method} ${path}`)
      if (delayMs) await new Promise(resolve => {
        setTimeout(resolve, delayMs)
      })
      return {tenants: structuredClone(this.tenants)} as T
    }
  }
}

/** A send that fails with "HTTP 500" after 5 ms (long enough for other reads to join it), counting its calls. */
export function failingSend(): {calls: () => number; send: () => Promise<never>} {
  let calls = 0
  return {
    calls: () => calls,
    async send() {
      calls++
      await new Promise(resolve => {
        setTimeout(resolve, 5)
      })
      throw new Error('HTTP 500')
    },
  }
}
