/**
 * A keyv store adapter that keeps the whole cache in one JSON file under oclif's cache folder.
 *
 * Why not keyv-file 5.3.5: it writes with `fs.writeFile` (mode 0644 under the usual
 * umask, not atomic, so a crash leaves a torn file), prints raw errors with console.error when
 * the file is corrupt, has no size bounds, and rewrites the file from its own memory: two CLI
 * processes running at once lose each other's writes, including a generation bump, which would
 * let a stale read survive a write. This adapter instead:
 * - writes a temporary file with mode 0600 and renames it over the store (atomic);
 * - merges on every save: under a lock file, it re-reads the store and replays only its own
 *   changes (sets, deletes, access times) on top, so concurrent processes compose;
 * - notices changes made by other processes (stat before each read) and reloads them;
 * - bounds the store in entries and bytes, evicting the least recently used entries first
 *   (access times are kept in the file, so LRU holds across runs);
 * - reports a corrupt file once through `onCorrupt` and starts over with an empty store;
 * - does not rewrite the file for a run that only read from it: the access times and statistics
 *   such a run changes are appended as one line to a journal beside it (`<file>.journal`, mode
 *   0600), which readers apply on top of the file and the next full save merges into it. A warm
 *   read then costs one small append instead of rewriting a store of up to `maxBytes`. A torn
 *   line (a crash mid-append) is skipped; a line appended while a save takes the journal over can
 *   be lost, which costs an access time or a hit count, never an entry or a generation.
 */
import type {Stats} from 'node:fs'

import {EventEmitter} from 'node:events'
import {
  appendFile, mkdir, readFile, rename, rm, stat,
} from 'node:fs/promises'
import path from 'node:path'

import {LockBusyError} from '../lock/types.js'

export const FILE_FORMAT = 'descope-mgmt-read-cache'

/** One stored value with its expiry, last access and size (bytes of key and value). */
interface FileRecord {
  v: string
  e?: number
  a: number
  s: number
}

interface FileDocument {
  format: typeof FILE_FORMAT
  version: 1
  entries: Record<string, FileRecord>
}

/** One line of the journal: access times, and records of journaled keys. */
interface JournalLine {
  a?: Record<string, number>
  s?: Record<string, FileRecord>
}

const DEFAULT_MAX_JOURNAL_BYTES = 256 * 1024

export interface FileStoreOptions {
  file: string
  maxEntries: number
  maxBytes: number
  /** Keys never evicted nor counted against the bounds (generations, statistics). */
  isPinned?: (key: string) => boolean
  /**
   * Keys whose changes a run that changed nothing else may append to the journal (statistics).
   * Any other change (an entry, a generation, a delete) rewrites the file under its lock.
   */
  isJournaled?: (key: string) => boolean
  /** The journal's size above which the next flush rewrites the file instead (default 256 KiB). */
  maxJournalBytes?: number
  /** Told once per load about a corrupt or foreign file; the store then starts empty. */
  onCorrupt?: (reason: string) => void
  now?: () => number
  /** Delay before changes are written (they are always written by `disconnect()`/`flush()`). */
  writeDelayMs?: number
  /** How long to wait for another process's lock before writing anyway. */
  lockWaitMs?: number
}

function isRecord(value: unknown): value is FileRecord {
  if (!value || typeof value !== 'object') return false
  const record = value as Partial<FileRecord>
  const expiry = record.e === undefined || typeof record.e === 'number'
  return expiry && typeof record.v === 'string' && typeof record.a === 'number' && typeof record.s === 'number'
}

/** Parses the file; throws a readable reason when it is not a store of ours. */
function parseDocument(text: string): Map<string, FileRecord> {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    throw new Error(`not JSON (${(error as Error).message})`)
  }

  const document = parsed as Partial<FileDocument> | null
  if (!document || document.format !== FILE_FORMAT || document.version !== 1 || !document.entries || typeof document.entries !== 'object') {
    throw new Error('not a descope-mgmt read cache')
  }

  const entries = new Map<string, FileRecord>()
  for (const [key, record] of Object.entries(document.entries)) {
    if (!isRecord(record)) throw new Error(`entry "${key.slice(0, 40)}" is malformed`)
    entries.set(key, record)
  }

  return entries
}

/** Applies the lines of a journal to `entries`, in order; a line that does not parse is skipped. */
function applyJournal(entries: Map<string, FileRecord>, text: string): Map<string, FileRecord> {
  for (const raw of text.split('\n')) {
    if (!raw) continue
    let line: JournalLine | null
    try {
      line = JSON.parse(raw) as JournalLine | null
    } catch {
      continue
    }

    if (!line || typeof line !== 'object') continue
    for (const [key, record] of Object.entries(line.s ?? {})) if (isRecord(record)) entries.set(key, record)
    for (const [key, access] of Object.entries(line.a ?? {})) {
      const record = entries.get(key)
      if (record && typeof access === 'number') record.a = Math.max(record.a, access)
    }
  }

  return entries
}

async function statIfPresent(file: string): Promise<Stats | undefined> {
  try {
    return await stat(file)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
}

async function readIfPresent(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
}

/** Identity of a file: inode, size, mtime ('' when there is none). */
function signatureOf(info: Stats | undefined): string {
  return info ? `${info.ino}:${info.size}:${info.mtimeMs}` : ''
}

function sizeOf(key: string, value: string): number {
  return Buffer.byteLength(key) + Buffer.byteLength(value)
}

// keyv subscribes to its store's 'error' events with `on`: an EventEmitter, not an EventTarget.
// eslint-disable-next-line unicorn/prefer-event-target
export class FileStore extends EventEmitter {
  namespace?: string
  readonly opts: FileStoreOptions & {dialect: string; url: string}
  private data = new Map<string, FileRecord>()
  /** Changes since the last save: a record set, or null for a delete. */
  private readonly pending = new Map<string, FileRecord | null>()
  private readonly touched = new Set<string>()
  private cleared = false
  /** The file did not parse: the next flush rewrites it, even with nothing else to write. */
  private corrupt = false
  private dirty = false
  /** Identity of the file as last read or written: inode, size, mtime. */
  private signature = ''
  /** The same, of the journal, and its size. */
  private journalSignature = ''
  private journalBytes = 0
  private timer?: NodeJS.Timeout
  private saving?: Promise<void>
  private readonly now: () => number

  constructor(options: FileStoreOptions) {
    super()
    this.opts = {...options, dialect: 'descope-mgmt-file', url: options.file}
    this.now = options.now ?? Date.now
  }

  get file(): string {
    return this.opts.file
  }

  private get journalFile(): string {
    return `${this.opts.file}.journal`
  }

  /** Where a save moves the journal while it merges it. */
  private get mergingFile(): string {
    return `${this.opts.file}.journal.merging`
  }

  /** Creates the folder (0700) and reads the file; an unreadable folder or file throws. */
  static async open(options: FileStoreOptions): Promise<FileStore> {
    const store = new FileStore(options)
    await mkdir(path.dirname(options.file), {mode: 0o700, recursive: true})
    await store.reload()
    return store
  }

  async get(key: string): Promise<string | undefined> {
    await this.refresh()
    const record = this.data.get(key)
    if (!record) return undefined
    const now = this.now()
    if (record.e !== undefined && record.e <= now) {
      this.remove(key)
      return undefined
    }

    record.a = Math.max(record.a, now)
    this.touched.add(key)
    this.schedule()
    return record.v
  }

  async getMany(keys: string[]): Promise<Array<string | undefined>> {
    const values: Array<string | undefined> = []
    for (const key of keys) values.push(await this.get(key))
    return values
  }

  async has(key: string): Promise<boolean> {
    return (await this.get(key)) !== undefined
  }

  async set(key: string, value: unknown, ttl?: number): Promise<boolean> {
    const text = typeof value === 'string' ? value : JSON.stringify(value)
    const now = this.now()
    const record: FileRecord = {
      a: now, s: sizeOf(key, text), v: text, ...(ttl ? {e: now + ttl} : {}),
    }
    this.data.set(key, record)
    this.pending.set(key, record)
    this.evict(this.data)
    this.schedule()
    return true
  }

  async delete(key: string): Promise<boolean> {
    const had = this.data.has(key)
    this.remove(key)
    return had
  }

  async deleteMany(keys: string[]): Promise<boolean> {
    let all = true
    for (const key of keys) all = (await this.delete(key)) && all
    return all
  }

  /** Empties the store (the file is ours alone: keyv namespaces are not used here). */
  async clear(): Promise<void> {
    this.data.clear()
    this.pending.clear()
    this.touched.clear()
    this.cleared = true
    this.schedule()
  }

  /** Deletes the file and forgets everything, writing nothing (works on a full disk). */
  async discard(): Promise<void> {
    clearTimeout(this.timer)
    this.data.clear()
    this.pending.clear()
    this.touched.clear()
    this.cleared = false
    this.corrupt = false
    this.dirty = false
    await Promise.all([this.opts.file, this.journalFile, this.mergingFile].map(file => rm(file, {force: true})))
    this.signature = ''
    this.journalSignature = ''
    this.journalBytes = 0
  }

  /**
   * Every live key with its raw value.
   * @yields [key, raw value]
   */
  async * iterator(): AsyncGenerator<[string, string], void> {
    await this.refresh()
    const now = this.now()
    for (const [key, record] of this.data) {
      if (record.e !== undefined && record.e <= now) continue
      yield [key, record.v]
    }
  }

  /** Sizes and access times, for statistics: [key, bytes, last access]. */
  async describe(): Promise<Array<{key: string; bytes: number; lastAccess: number; expires?: number}>> {
    await this.refresh()
    const now = this.now()
    return [...this.data]
    .filter(([, record]) => record.e === undefined || record.e > now)
    .map(([key, record]) => ({
      bytes: record.s, expires: record.e, key, lastAccess: record.a,
    }))
  }

  async disconnect(): Promise<void> {
    await this.flush()
  }

  /** Writes pending changes now (merged with what other processes wrote meanwhile). */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer)
      this.timer = undefined
    }

    while (this.saving) await this.saving
    if (!this.dirty) return
    this.saving = (this.appendable() ? this.append() : this.save()).finally(() => {
      this.saving = undefined
    })
    await this.saving
  }

  private remove(key: string): void {
    this.data.delete(key)
    this.touched.delete(key)
    this.pending.set(key, null)
    this.schedule()
  }

  private schedule(): void {
    this.dirty = true
    if (this.timer || this.opts.writeDelayMs === undefined) return
    this.timer = setTimeout(() => {
      this.timer = undefined
      this.flush().catch(error => this.emit('error', error))
    }, this.opts.writeDelayMs)
  }

  private async fileSignature(): Promise<string> {
    return signatureOf(await statIfPresent(this.opts.file))
  }

  private async noteJournal(): Promise<void> {
    const journal = await statIfPresent(this.journalFile)
    this.journalSignature = signatureOf(journal)
    this.journalBytes = journal?.size ?? 0
  }

  /** Whether this run changed only access times and journaled keys, with a file to add them to. */
  private appendable(): boolean {
    const {isJournaled} = this.opts
    if (!isJournaled || this.cleared || this.corrupt || this.signature === '') return false
    if (this.journalBytes > (this.opts.maxJournalBytes ?? DEFAULT_MAX_JOURNAL_BYTES)) return false
    for (const [key, record] of this.pending) if (record === null || !isJournaled(key)) return false
    return this.pending.size > 0 || this.touched.size > 0
  }

  /** Appends this run's access times and journaled records to the journal, as one line. */
  private async append(): Promise<void> {
    const appending = new Map(this.pending)
    const line: JournalLine = {}
    const accessed = [...this.touched].flatMap(key => {
      const record = this.data.get(key)
      return record ? [[key, record.a] as const] : []
    })
    if (accessed.length > 0) line.a = Object.fromEntries(accessed)
    if (appending.size > 0) line.s = Object.fromEntries(appending) as Record<string, FileRecord>
    await appendFile(this.journalFile, `${JSON.stringify(line)}\n`, {mode: 0o600})
    for (const [key, record] of appending) if (this.pending.get(key) === record) this.pending.delete(key)
    this.touched.clear()
    this.dirty = this.pending.size > 0
    // This line is applied in memory already; lines other processes append meanwhile are merged
    // from the journal by the next save.
    await this.noteJournal()
  }

  /** Moves the journal aside for a save (under its lock), with what a save that failed left there. */
  private async takeJournal(): Promise<string> {
    const left = await readIfPresent(this.mergingFile) ?? ''
    try {
      await rename(this.journalFile, this.mergingFile)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return left
      throw error
    }

    return left + (await readIfPresent(this.mergingFile) ?? '')
  }

  /** Reads the file: undefined when there is none; an empty map (and one report) when corrupt. */
  private async readDisk(): Promise<Map<string, FileRecord> | undefined> {
    const text = await readIfPresent(this.opts.file)
    if (text === undefined) return undefined
    try {
      return parseDocument(text)
    } catch (error) {
      this.opts.onCorrupt?.((error as Error).message)
      // Rewritten (rebuilt) at the next save, even with nothing else to write.
      this.corrupt = true
      this.dirty = true
      return new Map()
    }
  }

  /** Applies this process's unsaved changes on top of `base`. */
  private replay(base: Map<string, FileRecord>): Map<string, FileRecord> {
    const merged = this.cleared ? new Map<string, FileRecord>() : base
    for (const [key, record] of this.pending) {
      if (record === null) merged.delete(key)
      else merged.set(key, record)
    }

    for (const key of this.touched) {
      const mine = this.data.get(key)
      const theirs = merged.get(key)
      if (mine && theirs) theirs.a = Math.max(theirs.a, mine.a)
    }

    return merged
  }

  /** The file's and the journal's stats (undefined for one that is not there). */
  private async stats(): Promise<[Stats | undefined, Stats | undefined]> {
    return Promise.all([statIfPresent(this.opts.file), statIfPresent(this.journalFile)])
  }

  /** Reads the file and the journal, as of `stats` (taken now by default). */
  private async reload(stats?: [Stats | undefined, Stats | undefined]): Promise<void> {
    const [file, journal] = stats ?? await this.stats()
    const disk = file ? await this.readDisk() : undefined
    const lines = journal ? await readIfPresent(this.journalFile) ?? '' : ''
    this.data = this.replay(applyJournal(disk ?? new Map(), lines))
    this.signature = signatureOf(file)
    this.journalSignature = signatureOf(journal)
    this.journalBytes = journal?.size ?? 0
  }

  /** Picks up what other processes wrote since the last read or write. */
  private async refresh(): Promise<void> {
    const stats = await this.stats()
    const [file, journal] = stats
    if (signatureOf(file) !== this.signature || signatureOf(journal) !== this.journalSignature) await this.reload(stats)
  }

  /** Drops expired entries, then the least recently used until within both bounds. */
  private evict(entries: Map<string, FileRecord>): void {
    const now = this.now()
    const pinned = this.opts.isPinned ?? (() => false)
    let count = 0
    let bytes = 0
    const candidates: Array<[string, FileRecord]> = []
    for (const [key, record] of entries) {
      if (record.e !== undefined && record.e <= now) {
        entries.delete(key)
        if (entries === this.data) this.pending.set(key, null)
        continue
      }

      if (pinned(key)) continue
      count++
      bytes += record.s
      candidates.push([key, record])
    }

    if (count <= this.opts.maxEntries && bytes <= this.opts.maxBytes) return
    candidates.sort(([, a], [, b]) => a.a - b.a)
    for (const [key, record] of candidates) {
      if (count <= this.opts.maxEntries && bytes <= this.opts.maxBytes) break
      entries.delete(key)
      if (entries === this.data) {
        this.pending.set(key, null)
        this.touched.delete(key)
      }

      count--
      bytes -= record.s
    }
  }

  private async save(): Promise<void> {
    const release = await this.lock()
    try {
      // What this save writes: changes made while it runs (other writes of this process) stay pending.
      const saving = new Map(this.pending)
      const journal = await this.takeJournal()
      // Unchanged on disk since this process last read or wrote it: what it holds is the file plus its
      // own changes, and reading and parsing the file again (megabytes for a large project's
      // answers) would give the same map.
      const unchanged = this.signature !== '' && (await this.fileSignature()) === this.signature
      const base = unchanged ? new Map(this.data) : (await this.readDisk()) ?? new Map()
      const merged = this.replay(applyJournal(base, journal))
      this.evict(merged)
      const document: FileDocument = {entries: Object.fromEntries(merged), format: FILE_FORMAT, version: 1}
      // No fsync: a file a power cut left empty is reported once as corrupt and the cache starts
      // over, while an fsync would make every run that writes the cache wait for the disk. Loaded
      // here: a run that only reads never rewrites the file (it appends to the journal).
      const {writeFileAtomically} = await import('@descope-mgmt/shared/atomic-file')
      await writeFileAtomically(this.opts.file, JSON.stringify(document), {durable: false})
      await rm(this.mergingFile, {force: true})

      for (const [key, record] of saving) if (this.pending.get(key) === record) this.pending.delete(key)
      this.touched.clear()
      this.cleared = false
      this.corrupt = false
      this.dirty = this.pending.size > 0
      // Changes made during the save are applied on top of what was written.
      for (const [key, record] of this.pending) {
        if (record === null) merged.delete(key)
        else merged.set(key, record)
      }

      this.data = merged
      this.signature = await this.fileSignature()
      await this.noteJournal()
    } finally {
      await release()
    }
  }

  /**
   * A lock file next to the store, so that read-merge-write cycles of two processes do not
   * interleave. A dead holder's lock, or one older than 10 s, is taken over; after `lockWaitMs`
   * the write goes ahead anyway: a cache must never block a command.
   */
  private async lock(): Promise<() => Promise<void>> {
    try {
      const {acquireFileLock} = await import('../lock/file-lock.js')
      const lock = await acquireFileLock({
        command: 'cache', file: `${this.opts.file}.lock`, handleSignals: false, staleAfterMs: 10_000, waitMs: this.opts.lockWaitMs ?? 2000,
      })
      return () => lock.release()
    } catch (error) {
      if (error instanceof LockBusyError) return async () => {}
      throw error
    }
  }
}
