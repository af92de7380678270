import {Flags} from '@oclif/core'

import {BACKUP_DIR_ENV} from './location.js'

/** `--backup-dir`, shared by the backup commands (and usable by apply). */
export const backupDirFlag = Flags.string({
  description: `Folder of the backups (env var ${BACKUP_DIR_ENV}). Default: "backups" in the data folder of descope-mgmt.`,
  env: BACKUP_DIR_ENV,
  helpGroup: 'BACKUP',
})

/** `--resources tenants,roles`: comma-separated or repeated plurals. */
export const resourcesFlag = Flags.string({
  description: 'Resource kinds, comma-separated or repeated (tenants, roles, permissions, flows, theme; those this build supports). Default: all.',
  multiple: true,
})
