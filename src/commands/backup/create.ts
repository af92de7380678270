import {Flags} from '@oclif/core'

import type {BackupMetadata} from '../../lib/backup/format.js'

import {BackupCommand} from '../../lib/backup/command.js'
import {createBackup} from '../../lib/backup/create.js'
import {backupDirFlag, resourcesFlag} from '../../lib/backup/flags.js'
import {formatCounts, formatSize} from '../../lib/backup/present.js'
import {selectKinds} from '../../lib/resources/index.js'

export interface CreateResult extends BackupMetadata {
  id: string
  path: string
}

export default class BackupCreate extends BackupCommand<typeof BackupCreate> {
  static override description = `Reads the live project and writes a backup under <backup dir>/<projectId>/<id>/ (files 0600, folders 0700).
It holds one JSON file per resource kind, and a metadata.json with the counts and the sha256 of every file.
The backup is written to a temporary folder and renamed into place when complete, so an interrupted backup never looks like a finished one.
It never contains the management key.`
  static override examples = [
    {command: '<%= config.bin %> <%= command.id %> -e production', description: 'Back up everything this build manages in production.'},
    {command: '<%= config.bin %> <%= command.id %> -e staging --label before-migration', description: 'Name the backup: its id ends with the label, e.g. 20250512T103015Z-before-migration.'},
    {command: '<%= config.bin %> <%= command.id %> -e production --resources tenants', description: 'Only the tenants.'},
    {command: '<%= config.bin %> <%= command.id %> -e production --json | jq -r .id', description: 'Print only the new backup id, for scripts.'},
  ]
  static override flags = {
    'backup-dir': backupDirFlag,
    label: Flags.string({char: 'l', description: 'A name for the backup, kept in its metadata and at the end of its id.'}),
    resources: resourcesFlag,
  }
  /** A backup must hold the live state, never cached answers. */
  static override readCache: 'fresh' | 'use' = 'fresh'
  static override summary = 'Back up the live project.'

  async run(): Promise<CreateResult> {
    const kinds = selectKinds(this.flags.resources)
    const connection = await this.connect()
    const dir = this.backupRoot()
    const quiet = this.jsonEnabled()
    const target = connection.environmentName ? `project ${connection.projectId} (environment "${connection.environmentName}")` : `project ${connection.projectId}`
    if (!quiet) this.logToStderr(`Backing up ${target}…`)
    const backup = await createBackup({
      client: connection.client,
      dir,
      environment: connection.environmentName,
      kinds,
      label: this.flags.label?.trim() || undefined,
      onProgress(event) {
        if (!quiet && event.type === 'read') process.stderr.write(`  ✓ ${event.kind}: ${event.count}\n`)
      },
      operation: 'manual',
      projectId: connection.projectId,
      toolVersion: this.config.version,
    })
    const {metadata} = backup
    this.log(`✓ Backup ${backup.id} created: ${formatCounts(metadata.resources, metadata.counts)} (${formatSize(metadata.size)}).`)
    this.log(`  ${backup.path}`)
    return {...metadata, id: backup.id, path: backup.path}
  }
}
