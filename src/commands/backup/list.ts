import {Flags} from '@oclif/core'

import {BackupCommand} from '../../lib/backup/command.js'
import {backupDirFlag} from '../../lib/backup/flags.js'
import {listColumns} from '../../lib/backup/present.js'
import {listBackups, type ListedBackup} from '../../lib/backup/store.js'
import {formatTable} from '../../lib/ui/output.js'

export default class BackupList extends BackupCommand<typeof BackupList> {
  static override description = `Lists the backups of the project, newest first: id, time, environment, the operation that took it (manual, apply, restore…), label, resource counts and size.
Without -e it lists the project of the configuration's only environment (or of DESCOPE_PROJECT_ID), or every project when none is configured.
Backups being written are never listed; a backup whose metadata.json cannot be read is listed as DAMAGED.`
  static override examples = [
    {command: '<%= config.bin %> <%= command.id %> -e production', description: 'Backups of the production project.'},
    {command: '<%= config.bin %> <%= command.id %> --all', description: 'Backups of every project on this machine.'},
    {command: '<%= config.bin %> <%= command.id %> -e staging --json | jq -r ".[0].id"', description: 'The id of the newest staging backup.'},
    {command: '<%= config.bin %> <%= command.id %> --all --backup-dir /mnt/backups/descope', description: 'Backups kept in another folder.'},
  ]
  static override flags = {
    all: Flags.boolean({default: false, description: 'List the backups of every project.'}),
    'backup-dir': backupDirFlag,
  }
  static override summary = 'List backups, newest first.'

  async run(): Promise<ListedBackup[]> {
    const dir = this.backupRoot()
    const projectId = await this.projectScope(this.flags.all)
    const backups = await listBackups(dir, projectId)
    if (!this.jsonEnabled()) {
      if (backups.length === 0) {
        this.log(projectId ? `No backups of project ${projectId} in ${dir}.` : `No backups in ${dir}.`)
      } else {
        const projects = new Set(backups.map(backup => backup.projectId))
        this.log(formatTable(backups, listColumns(!projectId || projects.size > 1)))
      }
    }

    return backups
  }
}
