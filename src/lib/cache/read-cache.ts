/**
 * The read cache: answers Management API reads from a keyv store while fresh, invalidates by
 * resource family on writes, and coalesces identical concurrent reads into one request.
 *
 * Invalidation without listing keys: each (project, family) has a generation token in the
 * store, folded into every entry key. A write replaces the tokens of the families it touches,
 * so every older entry becomes unreachable at once, in this process and in any other process
 * sharing the store; unreachable entries age out by TTL (and LRU in the file store). A read
 * takes the token before it sends, so an answer that raced a write is stored under the old
 * token and never served.
 *
 * Nothing here may fail a command: every store operation is contained; the first failure prints
 * one warning and the store is left alone for the rest of the run (reads then go to the API).
 */
import {randomBytes} from 'node:crypto'

import type {ListCollector} from '../api/types.js'
import type {CacheBackend, OpenStoreOptions} from './store.js'

import {collectAnswer, parseAnswer} from '../api/json-list.js'
import {classify, type Family} from './endpoints.js'
import {
  entryKey, generationKey, keyFingerprint, projectScope, requestDigest, type RequestIdentity, statsKey,
} from './keys.js'
import {type CacheSettings, describeStore} from './settings.js'

/** What is stored for one cached answer. */
export interface Envelope {
  /** The answer, as JSON text. */
  b: string
  /** Stored at (epoch ms). */
  t: number
  /** Fresh until (epoch ms). */
  x: number
  /** Project id and base URL (for statistics; not secrets). */
  p: string
  u: string
  /** `METHOD path?query`. */
  r: string
}

/** Hits and misses of one project, kept in the store across runs. */
export interface StatsRecord {
  p: string
  u: string
  hits: number
  misses: number
}

export interface ReadCacheOptions {
  /** Opens the persistent store; default: `openStore` (keyv + file or redis), imported lazily. */
  openStore?: (settings: CacheSettings, options: OpenStoreOptions) => Promise<CacheBackend>
  now?: () => number
  /** Prints a warning (default: stderr). Called at most once per ReadCache. */
  warn?: (message: string) => void
  /** Write delay of the file store (default 50 ms; always flushed by close). */
  writeDelayMs?: number
}

/** The identity a cached answer is bound to. The key itself is only hashed. */
export interface CacheTarget {
  baseUrl: string
  projectId: string
  managementKey: string
}

export interface CacheCounters {
  hits: number
  misses: number
  /** Requests sent to the API through this cache (misses, fresh reads, writes, pass-through). */
  sent: number
  /** Reads answered by joining an identical read already in flight. */
  coalesced: number
}

type Send<T> = () => Promise<T>

/**
 * Answers larger than this are not stored: a large project's tenant list (3 MB for 10,000 tenants)
 * would be written as text several times over (the envelope, keyv's JSON, the file's JSON), for a
 * read that costs one request. Coalescing in the process does not depend on it.
 */
export const MAX_STORED_ANSWER_BYTES = 1024 * 1024

/**
 * The answer's text as the collectors of a list read saw it arrive, when it is small enough to be
 * stored; undefined when larger.
 */
function capturing<R>(collect: () => ListCollector<R>, keep: (text: string | undefined) => void): () => ListCollector<R> {
  return () => {
    const collector = collect()
    let parts: Buffer[] | undefined = []
    let bytes = 0
    return {
      chunk(chunk) {
        collector.chunk?.(chunk)
        if (!parts) return
        bytes += chunk.length
        // Copies: the stream's buffers are not kept beyond their chunk.
        if (bytes > MAX_STORED_ANSWER_BYTES) parts = undefined
        else parts.push(Buffer.from(chunk))
      },
      end(rest) {
        const result = collector.end(rest)
        const text = parts && Buffer.concat(parts).toString('utf8').trim()
        keep(text === '' ? '{}' : text)
        return result
      },
      item: value => collector.item(value),
    }
  }
}

function defaultWarn(message: string): void {
  process.stderr.write(`Warning: ${message}\n`)
}

function newToken(now: number): string {
  return `${now.toString(36)}.${randomBytes(6).toString('hex')}`
}

function isEnvelope(value: unknown): value is Envelope {
  const envelope = value as Partial<Envelope> | undefined
  return Boolean(envelope) && typeof envelope?.b === 'string' && typeof envelope.x === 'number'
}

export class ReadCache {
  readonly settings: CacheSettings
  /** In-process counters (what `cache stats` adds to the stored ones). */
  readonly counters: CacheCounters = {
    coalesced: 0, hits: 0, misses: 0, sent: 0,
  }
  private backend?: Promise<CacheBackend | undefined>
  private broken = false
  /** A write was invalidated in the store since the last successful flush. */
  private unflushedInvalidation = false
  private warned = false
  /** Reads in flight by key: their answer's text, or undefined when too large to be shared (a list read's). */
  private readonly inFlight = new Map<string, Promise<string | undefined>>()
  /** In-process epochs per scope and family, for coalescing across writes with or without a store. */
  private readonly epochs = new Map<string, number>()
  private readonly statDeltas = new Map<string, StatsRecord>()
  private readonly now: () => number
  private readonly options: ReadCacheOptions

  constructor(settings: CacheSettings, options: ReadCacheOptions = {}) {
    this.settings = settings
    this.options = options
    this.now = options.now ?? Date.now
  }

  /** Identifies the behaviour of this cache (clients with different caches are different). */
  get id(): string {
    const {mode, store, ttlMs} = this.settings
    return `${store}:${describeStore(this.settings)}:${mode}:${ttlMs}`
  }

  /** Writes statistics and pending entries, and disconnects; the cache reopens on next use. */
  async close(): Promise<void> {
    const opening = this.backend
    this.backend = undefined
    const backend = await opening?.catch(() => {})
    if (!backend) return
    if (!this.broken) {
      await this.guard(async () => {
        await this.flushStats(backend)
        await backend.flush()
        this.unflushedInvalidation = false
      })
    }

    // Cached answers older than a write whose invalidation was not stored would be served to
    // later runs as fresh: throw them all away instead.
    if (this.broken && this.unflushedInvalidation) await backend.discard().catch(() => {})

    await backend.close().catch(() => {})
  }

  /**
   * Sends `request` through the cache: a read may be answered from it (and is coalesced with an
   * identical read in flight); a write invalidates its families once it has been sent, whether
   * it succeeded or not (a failed write may still have been applied).
   */
  async request<T>(target: CacheTarget, request: RequestIdentity, send: Send<T>): Promise<T> {
    const kind = classify(request.method, request.path)
    if (kind.kind === 'pass') return this.sendCounted(send)
    const scope = projectScope(target.baseUrl, target.projectId)
    if (kind.kind === 'write') {
      try {
        return await this.sendCounted(send)
      } finally {
        await this.invalidate(scope, kind.families)
      }
    }

    const fingerprint = keyFingerprint(target.managementKey)
    const flightKey = this.flightKey(scope, fingerprint, kind.family, request)
    const joined = this.inFlight.has(flightKey) ? await this.join(flightKey) : undefined
    // Each caller gets its own copy: callers may change what they receive.
    if (joined !== undefined) return parseAnswer(joined) as T
    const flight = this.readThrough(target, scope, fingerprint, kind.family, request, send)
    this.fly(flightKey, flight)
    return JSON.parse(await flight) as T
  }

  /**
   * A read whose answer's list goes to collectors element by element (`DescopeClient.requestList`):
   * the answer is stored only when it is small, and a large one is not held whole, so only an
   * answer small enough to store is shared with identical reads in flight.
   */
  async requestList<R>(
    target: CacheTarget,
    request: RequestIdentity,
    list: string,
    collect: () => ListCollector<R>,
    send: (collect: () => ListCollector<R>) => Promise<R>,
  ): Promise<R> {
    const kind = classify(request.method, request.path)
    if (kind.kind !== 'read') return this.request(target, request, () => send(collect))
    const scope = projectScope(target.baseUrl, target.projectId)
    const fingerprint = keyFingerprint(target.managementKey)
    const flightKey = this.flightKey(scope, fingerprint, kind.family, request)
    const joined = this.inFlight.has(flightKey) ? await this.join(flightKey) : undefined
    if (joined !== undefined) return collectAnswer(parseAnswer(joined), list, collect())
    let shared!: (text: string | undefined) => void
    let failed!: (error: unknown) => void
    this.fly(flightKey, new Promise<string | undefined>((resolve, reject) => {
      shared = resolve
      failed = reject
    }))
    try {
      const {result, text} = await this.readListThrough(target, scope, fingerprint, kind.family, request, list, collect, send)
      shared(text)
      return result
    } catch (error) {
      failed(error)
      throw error
    }
  }

  /** Drops the cached reads of these families of a project (generation bump), here and in the store. */
  async invalidate(scope: string, families: readonly Family[]): Promise<void> {
    for (const family of families) {
      const key = `${scope}:${family}`
      this.epochs.set(key, (this.epochs.get(key) ?? 0) + 1)
    }

    const backend = await this.store()
    if (!backend) return
    const token = newToken(this.now())
    this.unflushedInvalidation = true
    await this.guard(async () => {
      for (const family of families) await backend.set(generationKey(scope, family), token)
    })
  }

  /** The store, opened on first use; undefined when off, absent or broken. */
  async store(): Promise<CacheBackend | undefined> {
    if (this.settings.store === 'none' || this.broken) return undefined
    this.backend ??= this.openBackend()
    return this.backend
  }

  private flightKey(scope: string, fingerprint: string, family: Family, request: RequestIdentity): string {
    return `${scope}:${fingerprint}:${this.epochs.get(`${scope}:${family}`) ?? 0}:${requestDigest(request)}`
  }

  /**
   * The text of the identical read in flight, once answered; undefined when its answer is not shared.
   * (Callers check `inFlight` first: a read with none in flight must start its own at once, before
   * an identical one issued in the same tick looks.)
   */
  private async join(flightKey: string): Promise<string | undefined> {
    const text = await this.inFlight.get(flightKey)
    if (text !== undefined) this.counters.coalesced++
    return text
  }

  private fly(flightKey: string, flight: Promise<string | undefined>): void {
    this.inFlight.set(flightKey, flight)
    const clear = (): void => {
      if (this.inFlight.get(flightKey) === flight) this.inFlight.delete(flightKey)
    }

    flight.then(clear, clear)
  }

  private count(scope: string, target: CacheTarget, field: 'hits' | 'misses'): void {
    this.counters[field]++
    let record = this.statDeltas.get(scope)
    if (!record) {
      record = {
        hits: 0, misses: 0, p: target.projectId, u: target.baseUrl,
      }
      this.statDeltas.set(scope, record)
    }

    record[field]++
  }

  private async flushStats(backend: CacheBackend): Promise<void> {
    for (const [scope, delta] of this.statDeltas) {
      const stored = await backend.get<StatsRecord>(statsKey(scope))
      await backend.set(statsKey(scope), {
        ...delta,
        hits: (stored?.hits ?? 0) + delta.hits,
        misses: (stored?.misses ?? 0) + delta.misses,
      })
    }

    this.statDeltas.clear()
  }

  /** Runs a store operation; a failure warns once, and the store is not used again this run. */
  private async guard<T>(operation: () => Promise<T>): Promise<T | undefined> {
    try {
      return await operation()
    } catch (error) {
      this.broken = true
      this.warnOnce(`the response cache (${describeStore(this.settings)}) is not usable: ${(error as Error).message}. Continuing without it.`)
      return undefined
    }
  }

  private async openBackend(): Promise<CacheBackend | undefined> {
    const open = this.options.openStore ?? (async (settings: CacheSettings, options: OpenStoreOptions) => {
      const {openStore} = await import('./store.js')
      return openStore(settings, options)
    })
    return this.guard(() => open(this.settings, {
      now: this.now,
      onCorrupt: reason => this.warnOnce(`the response cache ${describeStore(this.settings)} was unreadable (${reason}); it has been reset.`),
      writeDelayMs: this.options.writeDelayMs ?? 50,
    }))
  }

  /** The entry key of a read, and its stored answer when fresh (a hit or a miss, in mode `use`). */
  private async lookUp(backend: CacheBackend, target: CacheTarget, scope: string, fingerprint: string, family: Family, request: RequestIdentity): Promise<{key: string; hit?: string}> {
    const generation = (await this.guard(() => backend.get<string>(generationKey(scope, family)))) ?? '0'
    const key = entryKey(scope, fingerprint, generation, request)
    if (this.settings.mode !== 'use' || this.broken) return {key}
    const cached = await this.guard(() => backend.get<Envelope>(key))
    // Fresh while younger than this run's TTL and not past the TTL it was stored with.
    const now = this.now()
    if (isEnvelope(cached) && cached.x > now && (typeof cached.t !== 'number' || now - cached.t < this.settings.ttlMs)) {
      this.count(scope, target, 'hits')
      return {hit: cached.b, key}
    }

    this.count(scope, target, 'misses')
    return {key}
  }

  private async readThrough(target: CacheTarget, scope: string, fingerprint: string, family: Family, request: RequestIdentity, send: Send<unknown>): Promise<string> {
    const backend = this.settings.mode === 'off' ? undefined : await this.store()
    if (!backend) return JSON.stringify(await this.sendCounted(send))
    const {hit, key} = await this.lookUp(backend, target, scope, fingerprint, family, request)
    if (hit !== undefined) return hit
    const body = JSON.stringify(await this.sendCounted(send))
    await this.keep(backend, key, target, request, body)
    return body
  }

  /** A list read through the store: answered from it when fresh, else streamed (and stored when small). */
  private async readListThrough<R>(
    target: CacheTarget,
    scope: string,
    fingerprint: string,
    family: Family,
    request: RequestIdentity,
    list: string,
    collect: () => ListCollector<R>,
    send: (collect: () => ListCollector<R>) => Promise<R>,
  ): Promise<{result: R; text?: string}> {
    const backend = this.settings.mode === 'off' ? undefined : await this.store()
    const entry = backend && await this.lookUp(backend, target, scope, fingerprint, family, request)
    if (entry?.hit !== undefined) return {result: collectAnswer(parseAnswer(entry.hit), list, collect()), text: entry.hit}
    let text: string | undefined
    const result = await this.sendCounted(() => send(capturing(collect, kept => {
      text = kept
    })))
    if (backend && entry && text !== undefined) await this.keep(backend, entry.key, target, request, text)
    return {result, text}
  }

  /** Stores an answer's text, unless it is larger than MAX_STORED_ANSWER_BYTES. */
  private async keep(backend: CacheBackend, key: string, target: CacheTarget, request: RequestIdentity, body: string): Promise<void> {
    if (this.broken || Buffer.byteLength(body) > MAX_STORED_ANSWER_BYTES) return
    const now = this.now()
    const envelope: Envelope = {
      b: body,
      p: target.projectId,
      r: requestDigest(request).split(' ').slice(0, 2).join(' '),
      t: now,
      u: target.baseUrl,
      x: now + this.settings.ttlMs,
    }
    await this.guard(() => backend.set(key, envelope, this.settings.ttlMs))
  }

  private async sendCounted<T>(send: Send<T>): Promise<T> {
    this.counters.sent++
    return send()
  }

  private warnOnce(message: string): void {
    if (this.warned) return
    this.warned = true
    // With --no-cache the user asked not to use the cache: invalidation stays silent.
    if (this.settings.mode === 'off') return
    try {
      (this.options.warn ?? defaultWarn)(message)
    } catch {
      // A warning must not fail the command either.
    }
  }
}
