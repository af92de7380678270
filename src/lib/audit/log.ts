/**
 * The local audit log: one JSON line per write this tool makes to a Descope project, appended
 * (and fsynced) to `<dataDir>/audit.jsonl`, mode 0600. It never holds the management key: only
 * resource ids, outcomes and error messages (which the client already scrubs of secrets).
 */
import {createReadStream} from 'node:fs'
import {mkdir, open} from 'node:fs/promises'
import {userInfo} from 'node:os'
import path from 'node:path'

import type {Column} from '../ui/output.js'

import {apiErrorDetails} from '../api/errors.js'
import {InputError} from '../errors.js'

export const AUDIT_FILE_NAME = 'audit.jsonl'

/** create/update/delete from apply and the tenant commands; import/restore from backups; open for others. */
export type AuditOperation = 'create' | 'delete' | 'import' | 'restore' | 'update' | (string & {})

export interface AuditRecord {
  time: string
  user: string
  environment?: string
  projectId: string
  operation: AuditOperation
  /** `kind:key`, e.g. `tenant:acme`. */
  resource: string
  result: 'failed' | 'ok'
  errorCode?: string
  error?: string
  requestId?: string
  durationMs: number
  toolVersion: string
  /** The apply run (journal) the write belongs to. */
  runId?: string
}

export interface AuditContext {
  projectId: string
  environment?: string
  toolVersion: string
  /** Defaults to the OS user name. */
  user?: string
  runId?: string
  /** Applied to error messages before they are written (a last guard against secrets). */
  redact?: (text: string) => string
  now?: () => Date
}

export interface AuditEntry {
  operation: AuditOperation
  resource: string
  /** Absent or undefined: the write succeeded. */
  error?: unknown
  requestId?: string
  durationMs: number
}

export function auditFile(dataDir: string): string {
  return path.join(dataDir, AUDIT_FILE_NAME)
}

/** The OS user name; containers without a passwd entry fall back to $USER. */
export function currentUser(): string {
  try {
    return userInfo().username
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? 'unknown'
  }
}

/** Appends audit records for one project and environment; appends are serialised and fsynced. */
export class AuditLog {
  private chain: Promise<void> = Promise.resolve()
  private readonly user: string

  constructor(
    readonly file: string,
    private readonly context: AuditContext,
  ) {
    this.user = context.user ?? currentUser()
  }

  static forDataDir(dataDir: string, context: AuditContext): AuditLog {
    return new AuditLog(auditFile(dataDir), context)
  }

  /** Appends one record and resolves once it is on disk. */
  record(entry: AuditEntry): Promise<AuditRecord> {
    const record = this.toRecord(entry)
    const line = `${JSON.stringify(record)}\n`
    const write = this.chain.then(() => appendDurably(this.file, line))
    this.chain = write.catch(() => {})
    return write.then(() => record)
  }

  private toRecord(entry: AuditEntry): AuditRecord {
    const redact = this.context.redact ?? ((text: string) => text)
    const failed = entry.error !== undefined
    const details = failed ? apiErrorDetails(entry.error) : undefined
    const code = failed ? (entry.error as {code?: unknown}).code : undefined
    const message = failed ? (entry.error instanceof Error ? entry.error.message : String(entry.error)) : undefined
    const requestId = entry.requestId ?? details?.requestId
    return {
      time: (this.context.now?.() ?? new Date()).toISOString(),
      user: this.user,
      ...(this.context.environment === undefined ? {} : {environment: this.context.environment}),
      projectId: this.context.projectId,
      operation: entry.operation,
      resource: entry.resource,
      result: failed ? 'failed' : 'ok',
      ...(typeof code === 'string' ? {errorCode: code} : {}),
      ...(message === undefined ? {} : {error: redact(message)}),
      ...(requestId ? {requestId} : {}),
      durationMs: Math.max(0, Math.round(entry.durationMs)),
      toolVersion: this.context.toolVersion,
      ...(this.context.runId ? {runId: this.context.runId} : {}),
    }
  }
}

async function appendDurably(file: string, line: string): Promise<void> {
  await mkdir(path.dirname(file), {mode: 0o700, recursive: true})
  const handle = await open(file, 'a+', 0o600)
  try {
    // The mode of `open` only applies on creation; an existing file made by hand is tightened too.
    await handle.chmod(0o600)
    const {size} = await handle.stat()
    // A record cut short earlier (a crash) must not swallow this one: start on a line of its own.
    const last = Buffer.alloc(1)
    if (size > 0) await handle.read(last, 0, 1, size - 1)
    const text = size > 0 && last[0] !== 0x0A ? `\n${line}` : line
    try {
      await handle.write(text)
      await handle.sync()
    } catch (error) {
      // A failed append (full disk) is taken back, so the file holds whole records only.
      await handle.truncate(size).catch(() => {})
      throw error
    }
  } finally {
    await handle.close()
  }
}

const UNIT_MS: Record<string, number> = {
  d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000, w: 604_800_000,
}

/**
 * `--since`: a duration back from now (`30s`, `15m`, `2h`, `7d`, `2w`), or an ISO date or time
 * (`2024-05-01`, `2024-05-01T12:00:00Z`; a date alone is midnight UTC).
 */
export function parseSince(text: string, now: Date = new Date()): Date {
  const value = text.trim()
  const duration = /^(\d+(?:\.\d+)?)\s*([smhdw])$/i.exec(value)
  if (duration) return new Date(now.getTime() - (Number(duration[1]) * UNIT_MS[duration[2].toLowerCase()]))
  if (/^\d{4}-\d{2}-\d{2}(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/.test(value)) {
    const time = Date.parse(value)
    if (Number.isFinite(time)) return new Date(time)
  }

  throw new InputError(`Invalid --since "${text}".`, {
    hint: 'Use a duration such as 30m, 2h or 7d, or an ISO date or time such as 2024-05-01 or 2024-05-01T12:00:00Z.',
  })
}

/** `*` any run of characters, `?` one character; everything else literal. */
export function globToRegExp(glob: string): RegExp {
  const source = [...glob].map(char => {
    if (char === '*') return '.*'
    if (char === '?') return '.'
    return char.replaceAll(/[$()+.[\\\]^{|}]/g, String.raw`\$&`)
  })
  return new RegExp(`^${source.join('')}$`)
}

/** A resource filter: a glob when it has `*` or `?`, else a prefix (`tenant:` matches every tenant). */
export function resourceMatcher(pattern: string): (resource: string) => boolean {
  if (/[*?]/.test(pattern)) {
    const regexp = globToRegExp(pattern)
    return resource => regexp.test(resource)
  }

  return resource => resource.startsWith(pattern)
}

export interface AuditFilters {
  /** A Date, or text for `parseSince`. */
  since?: Date | string
  /** One or more operations; comma-separated values are split. */
  operation?: string | string[]
  /** Prefix or glob, see `resourceMatcher`. */
  resource?: string
  /** Only failed writes. */
  failed?: boolean
  environment?: string
  projectId?: string
  /** The newest this many. */
  limit?: number
  now?: Date
}

function isRecord(value: unknown): value is AuditRecord {
  if (!value || typeof value !== 'object') return false
  const record = value as Partial<AuditRecord>
  return typeof record.time === 'string' && typeof record.resource === 'string' && typeof record.operation === 'string'
}

/**
 * The records of an audit file that match the filters, newest first. A missing file has no
 * records; lines that do not parse (a crash mid-write) are skipped.
 */
export async function readAudit(file: string, filters: AuditFilters = {}): Promise<AuditRecord[]> {
  const since = filters.since === undefined ? undefined : (filters.since instanceof Date ? filters.since : parseSince(filters.since, filters.now))
  const operations = new Set([filters.operation ?? []].flat().flatMap(value => value.split(',')).map(value => value.trim().toLowerCase()).filter(Boolean))
  const matchResource = filters.resource ? resourceMatcher(filters.resource) : undefined
  const records: AuditRecord[] = []
  // Only reading the log needs readline; every command that writes one loads this module.
  const {createInterface} = await import('node:readline')
  const stream = createReadStream(file, {encoding: 'utf8'})
  try {
    const lines = createInterface({crlfDelay: Infinity, input: stream})
    for await (const line of lines) {
      if (line.trim() === '') continue
      let value: unknown
      try {
        value = JSON.parse(line)
      } catch {
        continue
      }

      if (!isRecord(value)) continue
      if (since && !(Date.parse(value.time) >= since.getTime())) continue
      if (operations.size > 0 && !operations.has(value.operation.toLowerCase())) continue
      if (matchResource && !matchResource(value.resource)) continue
      if (filters.failed && value.result !== 'failed') continue
      if (filters.environment !== undefined && value.environment !== filters.environment) continue
      if (filters.projectId !== undefined && value.projectId !== filters.projectId) continue
      records.push(value)
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw error
  } finally {
    stream.destroy()
  }

  // Appends are chronological per process; sorting also orders lines from concurrent processes.
  const newestFirst = records
  .map((record, index) => ({index, record, time: Date.parse(record.time)}))
  .sort((a, b) => b.time - a.time || b.index - a.index)
  .map(({record}) => record)
  return filters.limit === undefined ? newestFirst : newestFirst.slice(0, Math.max(0, filters.limit))
}

/** Columns of the table and of the CSV export. */
export const auditTableColumns: Array<Column<AuditRecord>> = [
  {get: record => record.time, header: 'TIME'},
  {get: record => record.user, header: 'USER'},
  {get: record => record.environment, header: 'ENVIRONMENT'},
  {get: record => record.operation, header: 'OPERATION'},
  {get: record => record.resource, header: 'RESOURCE'},
  {get: record => record.result, header: 'RESULT'},
  {get: record => `${record.durationMs} ms`, header: 'DURATION'},
  {get: record => (record.error ? `${record.errorCode ? `${record.errorCode}: ` : ''}${record.error}` : ''), header: 'ERROR'},
]

export const auditCsvColumns: Array<Column<AuditRecord>> = [
  {get: record => record.time, header: 'time'},
  {get: record => record.user, header: 'user'},
  {get: record => record.environment, header: 'environment'},
  {get: record => record.projectId, header: 'projectId'},
  {get: record => record.operation, header: 'operation'},
  {get: record => record.resource, header: 'resource'},
  {get: record => record.result, header: 'result'},
  {get: record => record.errorCode, header: 'errorCode'},
  {get: record => record.error, header: 'error'},
  {get: record => record.requestId, header: 'requestId'},
  {get: record => record.durationMs, header: 'durationMs'},
  {get: record => record.toolVersion, header: 'toolVersion'},
  {get: record => record.runId, header: 'runId'},
]

