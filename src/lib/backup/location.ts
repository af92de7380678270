/** Where backups live: `<dataDir>/backups`, unless --backup-dir or DESCOPE_MGMT_BACKUP_DIR says otherwise. */
import path from 'node:path'

export const BACKUP_DIR_ENV = 'DESCOPE_MGMT_BACKUP_DIR'

export interface BackupRootOptions {
  /** oclif's `config.dataDir` (follows XDG_DATA_HOME). */
  dataDir: string
  /** The --backup-dir flag. */
  flag?: string
  /** Default: process.env. */
  env?: NodeJS.ProcessEnv
}

/** The backup root folder: the flag, else DESCOPE_MGMT_BACKUP_DIR, else `<dataDir>/backups`. Absolute. */
export function resolveBackupRoot(options: BackupRootOptions): string {
  const env = options.env ?? process.env
  const chosen = options.flag?.trim() || env[BACKUP_DIR_ENV]?.trim()
  return path.resolve(chosen || path.join(options.dataDir, 'backups'))
}
