/**
 * The apply journal: one JSONL file per apply run, appended with fsync after every line, so that
 * after a crash or Ctrl-C `apply --resume` knows which changes finished.
 *
 * A journal holds change ids (`kind:key`), times and error messages (which the client already
 * scrubs of secrets): never the management key, never request headers.
 */
import {randomUUID} from 'node:crypto'
import {
  chmod, type FileHandle, mkdir, open, readdir, readFile, unlink,
} from 'node:fs/promises'
import {hostname} from 'node:os'
import path from 'node:path'

export const JOURNAL_FORMAT_VERSION = 1

export interface JournalHeader {
  type: 'start'
  formatVersion: number
  runId: string
  planFingerprint: string
  environment?: string
  projectId: string
  /** Every change id of the plan, in plan order. */
  changes: string[]
  createdAt: string
  pid: number
  host: string
  /** The run this one resumes, when it does. */
  resumedFrom?: string
  /** Ids finished by the runs this one resumes: not run again. */
  alreadyDone?: string[]
  /** false: a one-change command's run, which `--resume` passes over (absent: resumable). */
  resumable?: false
}

/** What the end line records; `status` as in the execution result. */
export interface JournalEndResult {
  status: string
  stopReason?: string
  done: number
  failed: number
  skipped: number
  notStarted: number
  alreadyDone: number
}

export interface JournalChangeLine {
  type: 'done' | 'started'
  id: string
  at: string
  /** On a `done` line: the key Descope generated for a create that had none. */
  createdKey?: string
}

export interface JournalFailedLine {
  type: 'failed'
  id: string
  at: string
  error: {code?: string; message: string}
}

export interface JournalEndLine {
  type: 'end'
  at: string
  result: JournalEndResult
}

export type JournalEntry = JournalChangeLine | JournalEndLine | JournalFailedLine | JournalHeader

export interface JournalStartOptions {
  planFingerprint: string
  environment?: string
  projectId: string
  changes: string[]
  resumedFrom?: string
  alreadyDone?: string[]
  /** false for a one-change command's run: `--resume` passes it over (default true). */
  resumable?: boolean
  /** Chosen when absent. */
  runId?: string
  /** Applied to error messages before they are written (a last guard against secrets). */
  redact?: (text: string) => string
  now?: () => Date
}

/** The folder of the journals of one project. */
export function journalDir(dataDir: string, projectId: string): string {
  return path.join(dataDir, 'journals', safeFileName(projectId))
}

/** Keeps a project id usable as a file name (they are alphanumeric; this is a guard, not a mapping). */
export function safeFileName(value: string): string {
  return value.replaceAll(/[^\w.-]/g, '_') || '_'
}

function errorOf(error: unknown): {code?: string; message: string} {
  if (error && typeof error === 'object') {
    const {code, message} = error as {code?: unknown; message?: unknown}
    return {
      ...(typeof code === 'string' ? {code} : {}),
      message: typeof message === 'string' ? message : String(error),
    }
  }

  return {message: String(error)}
}

/** An open journal; writes are serialised and each is fsynced before its promise resolves. */
export class Journal {
  private chain: Promise<void> = Promise.resolve()
  private closed = false

  private constructor(
    readonly file: string,
    readonly header: JournalHeader,
    private readonly handle: FileHandle,
    private readonly now: () => Date,
    private readonly redact: (text: string) => string,
  ) {}

  get runId(): string {
    return this.header.runId
  }

  /** Creates `dir` (0700) and a new journal file (0600) in it, and writes the header line. */
  static async create(dir: string, options: JournalStartOptions): Promise<Journal> {
    const now = options.now ?? (() => new Date())
    await mkdir(dir, {mode: 0o700, recursive: true})
    await chmod(dir, 0o700)
    const runId = options.runId ?? randomUUID().slice(0, 8)
    const createdAt = now()
    const file = path.join(dir, `${createdAt.toISOString().replaceAll(':', '-')}-${safeFileName(runId)}.jsonl`)
    const handle = await open(file, 'wx', 0o600)
    try {
      await handle.chmod(0o600)
      const header: JournalHeader = {
        type: 'start',
        formatVersion: JOURNAL_FORMAT_VERSION,
        runId,
        planFingerprint: options.planFingerprint,
        ...(options.environment === undefined ? {} : {environment: options.environment}),
        projectId: options.projectId,
        changes: options.changes,
        createdAt: createdAt.toISOString(),
        pid: process.pid,
        host: hostname(),
        ...(options.resumedFrom ? {resumedFrom: options.resumedFrom} : {}),
        ...(options.alreadyDone && options.alreadyDone.length > 0 ? {alreadyDone: options.alreadyDone} : {}),
        ...(options.resumable === false ? {resumable: false as const} : {}),
      }
      const journal = new Journal(file, header, handle, now, options.redact ?? (text => text))
      await journal.append(header)
      await syncDir(dir)
      return journal
    } catch (error) {
      await handle.close().catch(() => {})
      // Without its header line (full disk) the file is no journal: leave nothing half-written.
      await unlink(file).catch(() => {})
      throw error
    }
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    await this.chain.catch(() => {})
    await this.handle.close()
  }

  async done(id: string, createdKey?: string): Promise<void> {
    await this.append({
      at: this.now().toISOString(), id, type: 'done', ...(createdKey ? {createdKey} : {}),
    })
  }

  /** Writes the end line and closes the file. */
  async end(result: JournalEndResult): Promise<void> {
    await this.append({at: this.now().toISOString(), result, type: 'end'})
    await this.close()
  }

  async failed(id: string, error: unknown): Promise<void> {
    const {code, message} = errorOf(error)
    await this.append({
      at: this.now().toISOString(), error: {...(code ? {code} : {}), message: this.redact(message)}, id, type: 'failed',
    })
  }

  async started(id: string): Promise<void> {
    await this.append({at: this.now().toISOString(), id, type: 'started'})
  }

  private append(entry: JournalEntry): Promise<void> {
    if (this.closed) return Promise.reject(new Error(`The journal ${this.file} is closed.`))
    const line = `${JSON.stringify(entry)}\n`
    const write = this.chain.then(async () => {
      await this.handle.write(line)
      await this.handle.sync()
    })
    // A failed write fails its caller; the next write still gets its turn.
    this.chain = write.catch(() => {})
    return write
  }
}

/** fsync of a folder makes a new file's name durable; not every platform allows it. */
async function syncDir(dir: string): Promise<void> {
  let handle: FileHandle | undefined
  try {
    handle = await open(dir, 'r')
    await handle.sync()
  } catch {
    // Best effort (Windows and some file systems refuse).
  } finally {
    await handle?.close().catch(() => {})
  }
}

export interface JournalContents {
  header?: JournalHeader
  entries: JournalEntry[]
  /** Lines that did not parse (a crash mid-write leaves at most the last one). */
  badLines: number
}

/** Reads a journal; unparsable lines (a truncated last line after a crash) are counted and skipped. */
export async function readJournal(file: string): Promise<JournalContents> {
  const text = await readFile(file, 'utf8')
  const entries: JournalEntry[] = []
  let badLines = 0
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue
    try {
      const entry = JSON.parse(line) as JournalEntry
      if (entry && typeof entry === 'object' && typeof entry.type === 'string') entries.push(entry)
      else badLines++
    } catch {
      badLines++
    }
  }

  const first = entries[0]
  return {badLines, entries, header: first?.type === 'start' ? first : undefined}
}

export interface JournalRun {
  file: string
  runId: string
  header: JournalHeader
  /** Finished in this run or in the runs it resumed. */
  done: Set<string>
  /** Failed in this run (and not done later in it), with the message. */
  failed: Map<string, string>
  /** Started but neither done nor failed: the process died or was stopped during them. */
  inFlight: Set<string>
  /** The end line's result, when the run ended (also after Ctrl-C or a stop on failure). */
  end?: JournalEndResult
}

/** Folds the lines of one journal into the state of its run. */
export function summariseJournal(file: string, contents: JournalContents): JournalRun | undefined {
  const {header} = contents
  if (!header) return undefined
  const done = new Set(header.alreadyDone ?? [])
  const failed = new Map<string, string>()
  const inFlight = new Set<string>()
  let end: JournalEndResult | undefined
  for (const entry of contents.entries) {
    switch (entry.type) {
    case 'done': {
      done.add(entry.id)
      failed.delete(entry.id)
      inFlight.delete(entry.id)
      break
    }

    case 'end': {
      end = entry.result
      break
    }

    case 'failed': {
      failed.set(entry.id, entry.error?.message ?? 'failed')
      inFlight.delete(entry.id)
      break
    }

    case 'started': {
      inFlight.add(entry.id)
      break
    }

    default:
    }
  }

  return {
    done, end, failed, file, header, inFlight, runId: header.runId,
  }
}

/** Journal files of a folder, newest first (names start with an ISO time). */
export async function listJournals(dir: string): Promise<string[]> {
  let names: string[]
  try {
    names = await readdir(dir)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw error
  }

  return names.filter(name => name.endsWith('.jsonl')).sort().reverse().map(name => path.join(dir, name))
}

/**
 * The run `apply --resume` continues: the newest run of the folder, unless it finished everything.
 * A run is resumable when it has no end line (crash, SIGKILL) or its end line says it did not
 * complete (stopped on a failure, Ctrl-C, API down). A newer complete run means there is nothing to
 * resume, even if an older run was interrupted: the newer run made the project converge.
 * Empty or header-less files (a crash before the header was written) and the runs of one-change
 * commands (`tenant update`…) are passed over.
 */
export async function findResumable(dir: string): Promise<JournalRun | undefined> {
  for (const file of await listJournals(dir)) {
    let run: JournalRun | undefined
    try {
      run = summariseJournal(file, await readJournal(file))
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue
      throw error
    }

    // A one-change command's run is neither continued nor proof that an earlier run converged.
    if (!run || run.header.resumable === false) continue
    return run.end?.status === 'complete' ? undefined : run
  }

  return undefined
}
