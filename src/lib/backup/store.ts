/**
 * The backup store on disk: `<root>/<projectId>/<id>/` with `metadata.json` and the files of each
 * resource kind; writes a snapshot (src/lib/backup/snapshot.ts), lists, reads, verifies, prunes.
 *
 * A backup is written into a temporary folder beside its final place (`.tmp-…`, ignored by `list`,
 * removed by `prune` once abandoned), every file flushed to disk, `metadata.json` last, then the
 * folder is renamed into place: a folder with a backup id as its name is always complete.
 */
import {execFile} from 'node:child_process'
import {createHash, randomBytes} from 'node:crypto'
import {
  readdir, readFile, rename, rm, stat,
} from 'node:fs/promises'
import {userInfo} from 'node:os'
import path from 'node:path'
import {promisify} from 'node:util'

import type {ResourceItem} from '../resources/types.js'
import type {KindSnapshot} from './snapshot.js'

import {jsonSyntaxError} from '../config/json-text.js'
import {decodeText} from '../config/text.js'
import {InputError} from '../errors.js'
import {isProcessAlive} from '../lock/file-lock.js'
import {kindByPlural, kindNames} from '../resources/index.js'
import {fsyncDir, mkdirPrivate, writeFileDurable} from './durable.js'
import {
  assertSafeProjectId,
  BACKUP_FORMAT_VERSION,
  BackupDamagedError,
  BackupFileContentError,
  type BackupFileEntry,
  backupId,
  type BackupMetadata,
  type BackupOperation,
  type BackupProblem,
  formatTimestamp,
  isBackupFolderName,
  isSafeRelativePath,
  METADATA_FILE,
  TEMP_PREFIX,
  timestampOfId,
} from './format.js'
import {
  asResourceItems, type BackupFile, type KindFiles, singleFileKind,
} from './kind-files.js'

export const TOOL_NAME = 'descope-mgmt'

export interface WriteBackupOptions {
  /** The kinds to write, in order (their names are recorded as the backup's resources). */
  snapshot: AsyncIterable<KindSnapshot>
  projectId: string
  environment?: string
  label?: string
  operation: BackupOperation
  /** The backup root (`<dataDir>/backups` by default); the backup goes to `<dir>/<projectId>/<id>/`. */
  dir: string
  toolVersion: string
  /** Clock, for tests. */
  now?: () => Date
  /** Folder whose git commit is recorded (default: the working folder); `false` records none. */
  gitCwd?: false | string
  /** Called after each file is flushed into the temporary folder (tests inject failures here). */
  afterFile?(file: string): Promise<void> | void
}

/** Where a complete backup is. */
export interface BackupRef {
  id: string
  projectId: string
  path: string
}

export interface CreatedBackup extends BackupRef {
  metadata: BackupMetadata
}

/** A backup as `list` shows it (read from metadata.json only; checksums are not verified). */
export interface ListedBackup extends BackupRef {
  createdAt: string
  environment?: string
  operation: string
  label?: string
  resources: string[]
  counts: Record<string, number>
  size: number
  /** Why metadata.json could not be read; the other fields are then guesses from the folder name. */
  damaged?: string
}

export interface LoadedBackup extends BackupRef {
  metadata: BackupMetadata
  /** Items by resource kind plural. */
  items: Record<string, ResourceItem[]>
}

export interface VerifyResult extends BackupRef {
  ok: boolean
  metadata?: BackupMetadata
  problems: BackupProblem[]
  /** Files checked (metadata.json included). */
  checked: number
  items: Record<string, ResourceItem[]>
}

const execFileAsync = promisify(execFile)

/** The backup layout of a kind, by plural: its definition's, or one JSON file for a kind this build does not know. */
function filesOf(plural: string): KindFiles {
  return kindByPlural(plural)?.backup ?? singleFileKind
}

function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex')
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code
}

/** The commit of the git repository around `cwd`, or undefined (no git, no repository, too slow). */
export async function gitCommit(cwd: string): Promise<string | undefined> {
  try {
    const {stdout} = await execFileAsync('git', ['rev-parse', 'HEAD'], {cwd, timeout: 2000, windowsHide: true})
    const commit = stdout.trim()
    return /^[0-9a-f]{40,64}$/.test(commit) ? commit : undefined
  } catch {
    return undefined
  }
}

function currentUser(): string {
  try {
    return userInfo().username
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? 'unknown'
  }
}

function serialise(content: unknown): string {
  return `${JSON.stringify(content, null, 2)}\n`
}

/** Writes a snapshot as a complete backup, atomically. */
export async function writeBackup(options: WriteBackupOptions): Promise<CreatedBackup> {
  assertSafeProjectId(options.projectId)
  const createdAt = (options.now ?? (() => new Date()))()
  const projectDir = path.join(options.dir, options.projectId)
  await mkdirPrivate(projectDir)
  const tempName = `${TEMP_PREFIX}${formatTimestamp(createdAt)}-${process.pid}-${randomBytes(4).toString('hex')}`
  const tempDir = path.join(projectDir, tempName)
  await mkdirPrivate(tempDir)

  try {
    const files: Record<string, BackupFileEntry> = {}
    const counts: Record<string, number> = {}
    const folders = new Set<string>([tempDir])
    const resources: string[] = []
    for await (const {items, kind} of options.snapshot) {
      resources.push(kind.plural)
      for (const file of filesOf(kind.plural).toFiles(items, kind.plural)) {
        if (!isSafeRelativePath(file.path) || file.path === METADATA_FILE || files[file.path]) {
          throw new Error(`Backup layout of ${kind.plural} gave an invalid or duplicate file path "${file.path}".`)
        }

        const target = path.join(tempDir, ...file.path.split('/'))
        const folder = path.dirname(target)
        if (!folders.has(folder)) {
          await mkdirPrivate(folder)
          folders.add(folder)
        }

        const data = serialise(file.content)
        await writeFileDurable(target, data)
        files[file.path] = {kind: kind.plural, sha256: sha256(data), size: Buffer.byteLength(data)}
        await options.afterFile?.(file.path)
      }

      counts[kind.plural] = items.length
    }

    const commit = options.gitCwd === false ? undefined : await gitCommit(options.gitCwd ?? process.cwd())
    const metadata: BackupMetadata = {
      formatVersion: BACKUP_FORMAT_VERSION,
      tool: TOOL_NAME,
      toolVersion: options.toolVersion,
      createdAt: createdAt.toISOString(),
      user: currentUser(),
      ...(commit ? {gitCommit: commit} : {}),
      ...(options.environment ? {environment: options.environment} : {}),
      projectId: options.projectId,
      operation: options.operation,
      ...(options.label ? {label: options.label} : {}),
      resources,
      counts,
      size: Object.values(files).reduce((total, entry) => total + entry.size, 0),
      files,
    }
    // metadata.json last: a folder without it was never finished.
    await writeFileDurable(path.join(tempDir, METADATA_FILE), serialise(metadata))
    for (const folder of [...folders].reverse()) await fsyncDir(folder)

    const id = await renameIntoPlace(tempDir, projectDir, createdAt, options.label || options.operation)
    await fsyncDir(projectDir)
    return {
      id, metadata, path: path.join(projectDir, id), projectId: options.projectId,
    }
  } catch (error) {
    await rm(tempDir, {force: true, recursive: true}).catch(() => {})
    throw error
  }
}

/** Renames the finished folder to its id; a second backup in the same second gets a random suffix. */
async function renameIntoPlace(tempDir: string, projectDir: string, createdAt: Date, name: string): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    const id = backupId(createdAt, name, attempt > 0)
    try {
      // A complete backup is never empty, so rename(2) refuses to replace one (ENOTEMPTY/EEXIST).
      await rename(tempDir, path.join(projectDir, id))
      return id
    } catch (error) {
      if (attempt >= 8 || !['EEXIST', 'ENOTEMPTY', 'EPERM'].includes(errorCode(error) ?? '')) throw error
    }
  }
}

async function listDirs(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, {withFileTypes: true})
    return entries.filter(entry => entry.isDirectory()).map(entry => entry.name).sort()
  } catch (error) {
    if (errorCode(error) === 'ENOENT' || errorCode(error) === 'ENOTDIR') return []
    throw error
  }
}

/** Project folders under the root (each holds the backups of one project). */
export async function listProjects(dir: string): Promise<string[]> {
  return (await listDirs(dir)).filter(name => !name.startsWith('.'))
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** What is wrong with the shape of a parsed metadata.json, or undefined when it is usable. */
function metadataShapeProblem(value: unknown): string | undefined {
  if (!isRecord(value)) return 'not a backup metadata object'
  if (typeof value.formatVersion !== 'number') return 'no "formatVersion": not a descope-mgmt backup'
  if (value.formatVersion !== BACKUP_FORMAT_VERSION) {
    return `unknown format version ${JSON.stringify(value.formatVersion)}: this build of descope-mgmt reads version ${BACKUP_FORMAT_VERSION} (a newer descope-mgmt may read it)`
  }

  const missing = ['createdAt', 'projectId', 'operation'].filter(field => typeof value[field] !== 'string')
  if (!Array.isArray(value.resources) || !value.resources.every(name => typeof name === 'string')) missing.push('resources')
  if (!isRecord(value.counts)) missing.push('counts')
  if (!isRecord(value.files)) missing.push('files')
  if (missing.length > 0) return `missing or invalid ${missing.map(field => `"${field}"`).join(', ')}`
  for (const [file, entry] of Object.entries(value.files as Record<string, unknown>)) {
    if (!isRecord(entry) || typeof entry.sha256 !== 'string' || typeof entry.kind !== 'string') return `the entry of "${file}" in "files" has no "kind" or "sha256"`
  }

  return undefined
}

/** Parsed JSON of a stored file, or what is wrong with it (binary, not UTF-8, not JSON: with the line). */
function parseStoredJson(data: Buffer): {content: unknown} | {problem: string} {
  const decoded = decodeText(data)
  if ('problem' in decoded) return {problem: `not valid JSON: ${decoded.problem.message}`}
  try {
    return {content: JSON.parse(decoded.text)}
  } catch {
    const found = jsonSyntaxError(decoded.text)
    return {problem: found ? `not valid JSON at line ${found.line}, column ${found.column}: ${found.message}` : 'not valid JSON'}
  }
}

/** metadata.json of the backup folder of a project, or the problem with it. */
async function readMetadata(folder: string, projectId: string): Promise<{metadata: BackupMetadata} | {problem: string}> {
  let data: Buffer
  try {
    data = await readFile(path.join(folder, METADATA_FILE))
  } catch (error) {
    return {problem: errorCode(error) === 'ENOENT' ? 'missing' : `unreadable (${(error as Error).message})`}
  }

  const parsed = parseStoredJson(data)
  if ('problem' in parsed) return parsed
  const problem = metadataShapeProblem(parsed.content)
  if (problem) return {problem}
  const metadata = parsed.content as BackupMetadata
  if (metadata.projectId !== projectId) {
    return {problem: `records project ${metadata.projectId}, but the backup is in the folder of project ${projectId}: it was moved or copied there, and is refused`}
  }

  return {metadata}
}

function byNewest(a: {createdAt: string; id: string}, b: {createdAt: string; id: string}): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? 1 : -1
  return a.id < b.id ? 1 : (a.id > b.id ? -1 : 0)
}

/** Complete backups, newest first; of one project, or of all. Never shows a backup being written. */
export async function listBackups(dir: string, projectId?: string): Promise<ListedBackup[]> {
  if (projectId) assertSafeProjectId(projectId)
  const projects = projectId ? [projectId] : await listProjects(dir)
  const listed: ListedBackup[] = []
  for (const project of projects) {
    const projectDir = path.join(dir, project)
    for (const id of (await listDirs(projectDir)).filter(name => isBackupFolderName(name))) {
      const folder = path.join(projectDir, id)
      const read = await readMetadata(folder, project)
      if ('metadata' in read) {
        const {metadata} = read
        listed.push({
          counts: metadata.counts,
          createdAt: metadata.createdAt,
          environment: metadata.environment,
          id,
          label: metadata.label,
          operation: metadata.operation,
          path: folder,
          projectId: project,
          resources: metadata.resources,
          size: metadata.size,
        })
      } else {
        listed.push({
          counts: {},
          createdAt: timestampOfId(id)?.toISOString() ?? '',
          damaged: `${METADATA_FILE}: ${read.problem}`,
          id,
          operation: 'unknown',
          path: folder,
          projectId: project,
          resources: [],
          size: 0,
        })
      }
    }
  }

  return listed.sort(byNewest)
}

/**
 * Finds a backup by id, or by an unambiguous prefix of one, in any project (`<projectId>/<id>`
 * narrows it to one project).
 */
export async function resolveBackup(dir: string, idOrPrefix: string): Promise<BackupRef> {
  const wanted = idOrPrefix.trim().replace(/\/+$/, '')
  const slash = wanted.indexOf('/')
  const project = slash === -1 ? undefined : wanted.slice(0, slash)
  const prefix = slash === -1 ? wanted : wanted.slice(slash + 1)
  if (!prefix || prefix.includes('/') || prefix.startsWith('.')) {
    throw new InputError(`"${idOrPrefix}" is not a backup id.`, {code: 'backup_not_found', hint: 'Backup ids look like 20250512T103015Z-manual; see `descope-mgmt backup list --all`.'})
  }

  if (project) assertSafeProjectId(project)
  const projects = project ? [project] : await listProjects(dir)
  const candidates: BackupRef[] = []
  for (const name of projects) {
    for (const id of (await listDirs(path.join(dir, name))).filter(folder => isBackupFolderName(folder))) {
      if (id.startsWith(prefix)) candidates.push({id, path: path.join(dir, name, id), projectId: name})
    }
  }

  const exact = candidates.filter(candidate => candidate.id === prefix)
  const matches = exact.length > 0 ? exact : candidates
  if (matches.length === 1) return matches[0]
  if (matches.length === 0) {
    throw new InputError(`No backup "${idOrPrefix}" in ${dir}.`, {
      code: 'backup_not_found',
      hint: 'List the backups with `descope-mgmt backup list --all`; if they are elsewhere, point to them with --backup-dir or DESCOPE_MGMT_BACKUP_DIR.',
    })
  }

  const named = matches.slice(0, 10).map(match => `${match.projectId}/${match.id}`)
  const more = matches.length > 10 ? `, and ${matches.length - 10} more` : ''
  throw new InputError(`"${idOrPrefix}" matches ${matches.length} backups: ${named.join(', ')}${more}.`, {
    code: 'backup_ambiguous',
    hint: 'Give more of the id, or the full <projectId>/<id>.',
  })
}

/**
 * Checks a backup completely: metadata.json readable and of a known format version, every listed
 * file present with the recorded sha256 and valid JSON, every kind readable with its recorded
 * count. Reports every problem, each naming its file; never throws for a damaged backup.
 */
export async function verifyBackup(ref: BackupRef): Promise<VerifyResult> {
  const result: VerifyResult = {
    ...ref, checked: 1, items: {}, ok: false, problems: [],
  }
  const read = await readMetadata(ref.path, ref.projectId)
  if ('problem' in read) {
    result.problems.push({file: METADATA_FILE, problem: read.problem})
    return result
  }

  const {metadata} = read
  result.metadata = metadata
  const parsedFiles = new Map<string, BackupFile[]>()
  const damagedKinds = new Set<string>()
  for (const [file, entry] of Object.entries(metadata.files).sort(([a], [b]) => (a < b ? -1 : 1))) {
    result.checked++
    const fail = (problem: string) => {
      result.problems.push({file, problem})
      damagedKinds.add(entry.kind)
    }

    if (!isSafeRelativePath(file) || file === METADATA_FILE) {
      fail('listed in metadata.json with a path outside the backup folder; refused')
      continue
    }

    let data: Buffer
    try {
      data = await readFile(path.join(ref.path, ...file.split('/')))
    } catch (error) {
      fail(errorCode(error) === 'ENOENT' ? 'missing (listed in metadata.json)' : `unreadable (${(error as Error).message})`)
      continue
    }

    const actual = sha256(data)
    if (actual !== entry.sha256) fail(`checksum mismatch: metadata.json records sha256 ${entry.sha256.slice(0, 12)}…, the file has ${actual.slice(0, 12)}… (changed or damaged since the backup)`)
    const parsed = parseStoredJson(data)
    if ('problem' in parsed) {
      fail(parsed.problem)
      continue
    }

    const list = parsedFiles.get(entry.kind) ?? []
    list.push({content: parsed.content, path: file})
    parsedFiles.set(entry.kind, list)
  }

  for (const plural of metadata.resources) {
    if (damagedKinds.has(plural)) continue
    const files = parsedFiles.get(plural) ?? []
    if (files.length === 0) {
      result.problems.push({file: METADATA_FILE, problem: `lists resource kind "${plural}" but no file of it`})
      continue
    }

    try {
      const items = asResourceItems(filesOf(plural).fromFiles(files, plural), kindNames)
      const expected = metadata.counts[plural]
      if (typeof expected === 'number' && expected !== items.length) {
        result.problems.push({file: files[0].path, problem: `holds ${items.length} ${plural}, metadata.json records ${expected}`})
        continue
      }

      result.items[plural] = items
    } catch (error) {
      const file = error instanceof BackupFileContentError ? error.file : files[0].path
      result.problems.push({file, problem: `not a list of ${plural}: ${(error as Error).message}`})
    }
  }

  result.ok = result.problems.length === 0
  return result
}

/** A verified backup with its items; a damaged one is refused with a BackupDamagedError (exit 3) naming each file. */
export async function loadBackup(dir: string, idOrPrefix: string): Promise<LoadedBackup> {
  const ref = await resolveBackup(dir, idOrPrefix)
  const verified = await verifyBackup(ref)
  if (!verified.ok || !verified.metadata) throw new BackupDamagedError(ref.id, ref.path, verified.problems)
  return {...ref, items: verified.items, metadata: verified.metadata}
}

/** metadata.json of a backup, for `show`; a missing or unreadable one is refused naming it. */
export async function readBackupMetadata(ref: BackupRef): Promise<BackupMetadata> {
  const read = await readMetadata(ref.path, ref.projectId)
  if ('problem' in read) throw new BackupDamagedError(ref.id, ref.path, [{file: METADATA_FILE, problem: read.problem}])
  return read.metadata
}

export interface PruneOptions {
  dir: string
  /** Only this project; default: every project under `dir`. */
  projectId?: string
  /** Delete backups older than this many days. Without it, age does not matter (only `keep`). */
  olderThanDays?: number
  /** Keep at least this many newest backups per project. */
  keep?: number
  /** Floor of `keep`: the newest backups of each project that are never pruned. Default 5. */
  minimumKeep?: number
  /** Only report what would be deleted. */
  dryRun?: boolean
  now?: Date
  /** Abandoned temporary folders older than this are removed even when their process may live. Default one day. */
  staleTempMs?: number
}

export interface PruneResult {
  /** Deleted (or, with dryRun, to be deleted), newest first. */
  removed: ListedBackup[]
  kept: ListedBackup[]
  /** Abandoned temporary folders (of a crashed or killed backup) removed. */
  tempRemoved: string[]
}

export const MINIMUM_KEEP = 5
const DAY_MS = 24 * 60 * 60 * 1000

/** Temporary folders whose backup will never finish: their process is gone, or they are too old. */
async function abandonedTempFolders(projectDir: string, now: number, staleMs: number): Promise<string[]> {
  const abandoned: string[] = []
  for (const name of (await listDirs(projectDir)).filter(entry => entry.startsWith(TEMP_PREFIX))) {
    const folder = path.join(projectDir, name)
    const pid = Number(/-(\d+)-[0-9a-f]+$/.exec(name)?.[1])
    const info = await stat(folder).catch(() => {})
    if (!info) continue
    const dead = !Number.isInteger(pid) || pid <= 0 || (pid !== process.pid && !isProcessAlive(pid))
    if (dead || now - info.mtimeMs > staleMs) abandoned.push(folder)
  }

  return abandoned
}

/** Deletes a backup folder so that no half-deleted folder ever looks like a backup: renamed away first. */
async function removeBackupFolder(ref: BackupRef): Promise<void> {
  const away = path.join(path.dirname(ref.path), `${TEMP_PREFIX}deleting-${process.pid}-${randomBytes(4).toString('hex')}`)
  await rename(ref.path, away)
  await rm(away, {force: true, recursive: true})
}

/**
 * Deletes the backups older than `olderThanDays` that are not among the newest `max(keep,
 * minimumKeep)` of their project, and abandoned temporary folders. A backup whose metadata.json
 * cannot be read is deleted only for its age (from its id), never to make room.
 */
export async function pruneBackups(options: PruneOptions): Promise<PruneResult> {
  if (options.olderThanDays === undefined && options.keep === undefined) {
    throw new InputError('Pruning needs an age (--older-than) or a number of backups to keep (--keep).')
  }

  const now = (options.now ?? new Date()).getTime()
  const keepCount = Math.max(options.keep ?? 0, options.minimumKeep ?? MINIMUM_KEEP)
  const all = await listBackups(options.dir, options.projectId)
  const result: PruneResult = {kept: [], removed: [], tempRemoved: []}
  const projects = [...new Set([...(options.projectId ? [options.projectId] : await listProjects(options.dir)), ...all.map(backup => backup.projectId)])]

  for (const project of projects) {
    const backups = all.filter(backup => backup.projectId === project)
    const intact = backups.filter(backup => !backup.damaged)
    const protectedIds = new Set(intact.slice(0, keepCount).map(backup => backup.id))
    for (const backup of backups) {
      const time = Date.parse(backup.createdAt)
      const old = options.olderThanDays === undefined ? !backup.damaged : Number.isFinite(time) && now - time > options.olderThanDays * DAY_MS
      if (protectedIds.has(backup.id) || !old) {
        result.kept.push(backup)
        continue
      }

      if (!options.dryRun) await removeBackupFolder(backup)
      result.removed.push(backup)
    }

    const projectDir = path.join(options.dir, project)
    for (const folder of await abandonedTempFolders(projectDir, now, options.staleTempMs ?? DAY_MS)) {
      if (!options.dryRun) await rm(folder, {force: true, recursive: true})
      result.tempRemoved.push(folder)
    }
  }

  result.removed.sort(byNewest)
  result.kept.sort(byNewest)
  return result
}
