import type {Command} from '@oclif/core'

import {BaseCommand} from '../base-command.js'
import {CliError} from '../errors.js'
import {resolveBackupRoot} from './location.js'

/** Errors that only say "no project was chosen": listing then covers every project. */
const noProjectChosen = new Set(['config_not_found', 'environment_required', 'missing_project_id'])

/** The base of the backup commands: where backups live, and which project a command is about. */
export abstract class BackupCommand<T extends typeof Command> extends BaseCommand<T> {
  /** The backup root: --backup-dir, DESCOPE_MGMT_BACKUP_DIR, or `<dataDir>/backups`. */
  protected backupRoot(): string {
    const flags = this.flags as {'backup-dir'?: string}
    return resolveBackupRoot({dataDir: this.config.dataDir, flag: flags['backup-dir']})
  }

  /**
   * The project whose backups a command is about: none (every project) with `--all`; the project
   * of -e / --project-id when given; else the one the configuration or DESCOPE_PROJECT_ID names,
   * or every project when nothing names one.
   */
  protected async projectScope(all: boolean): Promise<string | undefined> {
    if (all) return undefined
    const flags = this.flags as {environment?: string; 'project-id'?: string}
    if (flags['project-id']) return flags['project-id']
    try {
      return (await this.connect()).projectId
    } catch (error) {
      if (!flags.environment && error instanceof CliError && noProjectChosen.has(error.code)) return undefined
      throw error
    }
  }
}
