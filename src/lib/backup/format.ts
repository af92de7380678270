/**
 * The on-disk format of a backup: `backups/<projectId>/<id>/` with `metadata.json` and the files
 * of each resource kind. Everything here is pure: names, ids, and the shapes of the files.
 */
import {randomBytes} from 'node:crypto'

import {CliError, ExitCode} from '../errors.js'

/** The format this build writes and reads. A backup with another version is refused. */
export const BACKUP_FORMAT_VERSION = 1

export const METADATA_FILE = 'metadata.json'

/** Folders being written start with this: `list` ignores them, `prune` removes abandoned ones. */
export const TEMP_PREFIX = '.tmp-'

/** What caused a backup. Apply and restore take one before their first write. */
export type BackupOperation = 'apply' | 'import' | 'manual' | 'restore' | (string & {})

export interface BackupFileEntry {
  /** Plural of the resource kind the file belongs to (`tenants`). */
  kind: string
  sha256: string
  /** Bytes. */
  size: number
}

/** Contents of `metadata.json`. */
export interface BackupMetadata {
  formatVersion: number
  tool: string
  toolVersion: string
  /** ISO 8601, UTC, with milliseconds. */
  createdAt: string
  user: string
  /** `git rev-parse HEAD` of the working folder, when it is inside a git repository. */
  gitCommit?: string
  /** Environment of the configuration the backup was taken from, when one was used. */
  environment?: string
  projectId: string
  operation: BackupOperation
  /** The label as the user typed it. */
  label?: string
  /** Plurals of the resource kinds in the backup, including kinds with no items. */
  resources: string[]
  /** Items per resource kind. */
  counts: Record<string, number>
  /** Bytes of every file but metadata.json. */
  size: number
  /** Every file but metadata.json, by path relative to the backup folder ('/'-separated). */
  files: Record<string, BackupFileEntry>
}

/** One problem found in a backup, always naming the file. */
export interface BackupProblem {
  /** Path relative to the backup folder (`tenants.json`, `metadata.json`). */
  file: string
  problem: string
}

/** A problem with the content of one file of a kind with several files: verify names that file. */
export class BackupFileContentError extends Error {
  constructor(readonly file: string, message: string) {
    super(message)
    this.name = 'BackupFileContentError'
  }
}

/** A backup that cannot be trusted: refused with exit code 3, naming every damaged file. */
export class BackupDamagedError extends CliError {
  readonly backupPath: string
  readonly problems: BackupProblem[]

  constructor(id: string, backupPath: string, problems: BackupProblem[]) {
    const lines = problems.map(problem => `  ${problem.file}: ${problem.problem}`)
    super(`Backup ${id} is damaged and was refused; nothing was changed:\n${lines.join('\n')}`, {
      code: 'backup_damaged',
      exitCode: ExitCode.InvalidInput,
      hint: `The files are in ${backupPath}. Restore from another backup (\`descope-mgmt backup list\`), or see docs/recovery.md.`,
    })
    this.name = 'BackupDamagedError'
    this.backupPath = backupPath
    this.problems = problems
  }

  override toJSON(): Record<string, unknown> {
    return {...super.toJSON(), path: this.backupPath, problems: this.problems}
  }
}

/** `20250512T103015Z`: sortable, readable, safe in every filesystem. */
export function formatTimestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z').replaceAll(/[-:]/g, '')
}

/** The time at the start of a backup id, or undefined when the id does not start with one. */
export function timestampOfId(id: string): Date | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z/.exec(id)
  if (!match) return undefined
  const [, year, month, day, hour, minute, second] = match
  const date = new Date(`${year}-${month}-${day}T${hour}:${minute}:${second}Z`)
  return Number.isNaN(date.getTime()) ? undefined : date
}

/** A label as it appears in a folder name: lower case letters, digits, `.`, `_` and `-`; at most 40 characters. */
export function slugifyLabel(label: string): string {
  return label
  .toLowerCase()
  .replaceAll(/[^a-z0-9._-]+/g, '-')
  .replaceAll(/^[-.]+|[-.]+$/g, '')
  .slice(0, 40)
  .replace(/[-.]+$/, '')
}

/** `<timestamp>-<label or operation>`, with a short random suffix when asked (a second backup in the same second). */
export function backupId(date: Date, nameOrOperation: string, suffix = false): string {
  const name = slugifyLabel(nameOrOperation) || 'backup'
  const base = `${formatTimestamp(date)}-${name}`
  return suffix ? `${base}-${randomBytes(2).toString('hex')}` : base
}

/** Whether a folder name may be a backup id (complete backups only: never a temp folder). */
export function isBackupFolderName(name: string): boolean {
  return !name.startsWith('.') && timestampOfId(name) !== undefined
}

/** Project ids name folders: only `P` and letters or digits are accepted. */
export function assertSafeProjectId(projectId: string): void {
  if (!/^[A-Za-z0-9_-]+$/.test(projectId)) {
    throw new CliError(`"${projectId}" cannot name a backup folder: a project id has only letters and digits.`, {
      code: 'invalid_project_id',
      exitCode: ExitCode.InvalidInput,
    })
  }
}

/** A file path listed in metadata.json must stay inside the backup folder. */
export function isSafeRelativePath(file: string): boolean {
  if (file === '' || file.startsWith('/') || file.includes('\\') || file.includes('\0')) return false
  return file.split('/').every(part => part !== '' && part !== '.' && part !== '..')
}
