/**
 * The persistent stores behind the read cache, both through keyv: the file store (default) and
 * redis (`cache.url` / DESCOPE_MGMT_CACHE_URL). keyv, @keyv/redis and the file store are
 * imported here only, and this module is itself imported lazily on the first cached read.
 */
import type {Keyv} from 'keyv'

import type {CacheSettings} from './settings.js'

import {FileStore} from './file-store.js'
import {isMetaKey, isStatsKey} from './keys.js'
import {redactUrl} from './settings.js'

export const NAMESPACE = 'descope-mgmt'
/** Longest a store operation may take before the cache gives up on the store for this run. */
export const STORE_TIMEOUT_MS = 3000

/** A stored value as the store holds it, for statistics. */
export interface StoredItem<T = unknown> {
  key: string
  value: T
  bytes: number
  /** Last access (file store only: redis does not say). */
  lastAccess?: number
}

/** What the read cache needs from a store; every method may throw (the caller contains it). */
export interface CacheBackend {
  readonly kind: 'file' | 'redis'
  /** Where it is, without secrets. */
  readonly location: string
  get<T>(key: string): Promise<T | undefined>
  set(key: string, value: unknown, ttlMs?: number): Promise<void>
  delete(keys: string[]): Promise<void>
  /** Every live item (keys without the namespace). */
  items<T>(): Promise<Array<StoredItem<T>>>
  /** Removes every key of descope-mgmt from the store. */
  clear(): Promise<void>
  /** Writes pending changes (file store). */
  flush(): Promise<void>
  /**
   * Throws away every entry without writing one (the file store deletes its file, which a full
   * disk does not prevent): for when invalidations could not be stored.
   */
  discard(): Promise<void>
  close(): Promise<void>
}

export interface OpenStoreOptions {
  now?: () => number
  /** A corrupt file store was found and reset (once per load). */
  onCorrupt?: (reason: string) => void
  /** Write delay of the file store; undefined writes only on flush/close. */
  writeDelayMs?: number
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

class KeyvBackend implements CacheBackend {
  constructor(
    readonly kind: 'file' | 'redis',
    readonly location: string,
    private readonly keyv: Keyv,
    private readonly raw: () => AsyncGenerator<Array<string | undefined>> | undefined,
    private readonly sizes: () => Promise<Map<string, {bytes: number; lastAccess?: number}>>,
    private readonly afterClose: () => Promise<void>,
    private readonly discardAll: () => Promise<void>,
  ) {}

  async clear(): Promise<void> {
    await withTimeout(this.keyv.clear(), STORE_TIMEOUT_MS * 5, 'clearing the cache')
  }

  async close(): Promise<void> {
    await this.afterClose()
  }

  async discard(): Promise<void> {
    await this.discardAll()
  }

  async delete(keys: string[]): Promise<void> {
    if (keys.length > 0) await withTimeout(this.keyv.delete(keys), STORE_TIMEOUT_MS, 'a cache delete')
  }

  async flush(): Promise<void> {
    if (this.kind === 'file') await (this.keyv.store as {flush(): Promise<void>}).flush()
  }

  async get<T>(key: string): Promise<T | undefined> {
    return withTimeout(this.keyv.get<T>(key), STORE_TIMEOUT_MS, 'a cache read')
  }

  async items<T>(): Promise<Array<StoredItem<T>>> {
    const sizes = await this.sizes()
    const out: Array<StoredItem<T>> = []
    const iterator = this.raw()
    if (!iterator) return out
    for await (const [key, raw] of iterator) {
      if (key === undefined || raw === undefined) continue
      const data = await this.keyv.deserializeData<T>(raw)
      if (!data || (typeof data.expires === 'number' && data.expires < Date.now())) continue
      const size = sizes.get(key)
      out.push({
        bytes: size?.bytes ?? Buffer.byteLength(key) + Buffer.byteLength(raw), key, lastAccess: size?.lastAccess, value: data.value as T,
      })
    }

    return out
  }

  async set(key: string, value: unknown, ttlMs?: number): Promise<void> {
    await withTimeout(this.keyv.set(key, value, ttlMs), STORE_TIMEOUT_MS, 'a cache write')
  }
}

/** Opens the store the settings name: imports keyv (and @keyv/redis for redis://) now. */
export async function openStore(settings: CacheSettings, options: OpenStoreOptions = {}): Promise<CacheBackend> {
  const {Keyv} = await import('keyv')
  if (settings.store === 'redis') {
    const url = settings.url ?? ''
    const {createClient, default: KeyvRedis} = await import('@keyv/redis')
    const client = createClient({disableOfflineQueue: true, socket: {connectTimeout: STORE_TIMEOUT_MS, reconnectStrategy: false}, url})
    // Without a listener, a dropped connection would be an uncaught 'error' event.
    client.on('error', () => {})
    const adapter = new KeyvRedis(client, {
      connectionTimeout: STORE_TIMEOUT_MS, namespace: NAMESPACE, throwOnConnectError: true, throwOnErrors: true,
    })
    adapter.on('error', () => {})
    const keyv = new Keyv({
      namespace: NAMESPACE, store: adapter, throwOnErrors: true, useKeyPrefix: false,
    })
    keyv.on('error', () => {})
    // Connect now, so that an unreachable server fails here (once) rather than on every read.
    await withTimeout(adapter.getClient(), STORE_TIMEOUT_MS + 500, `connecting to ${redactUrl(url)}`)
    return new KeyvBackend(
      'redis',
      redactUrl(url),
      keyv,
      () => adapter.iterator(NAMESPACE) as AsyncGenerator<Array<string | undefined>>,
      async () => new Map(),
      async () => {
        await adapter.disconnect().catch(async () => adapter.disconnect(true))
      },
      async () => withTimeout(keyv.clear(), STORE_TIMEOUT_MS * 5, 'clearing the cache'),
    )
  }

  const store = await FileStore.open({
    file: settings.file,
    isJournaled: isStatsKey,
    isPinned: isMetaKey,
    maxBytes: settings.maxBytes,
    maxEntries: settings.maxEntries,
    now: options.now,
    onCorrupt: options.onCorrupt,
    writeDelayMs: options.writeDelayMs,
  })
  const keyv = new Keyv({store, throwOnErrors: true, useKeyPrefix: false})
  keyv.on('error', () => {})
  return new KeyvBackend(
    'file',
    settings.file,
    keyv,
    () => store.iterator(),
    async () => new Map((await store.describe()).map(item => [item.key, {bytes: item.bytes, lastAccess: item.lastAccess}])),
    async () => store.flush(),
    async () => store.discard(),
  )
}
