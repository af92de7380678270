import {Args} from '@oclif/core'

import type {BackupMetadata} from '../../lib/backup/format.js'

import {BackupCommand} from '../../lib/backup/command.js'
import {backupDirFlag} from '../../lib/backup/flags.js'
import {renderMetadata} from '../../lib/backup/present.js'
import {readBackupMetadata, resolveBackup} from '../../lib/backup/store.js'

export interface ShowResult extends BackupMetadata {
  id: string
  path: string
}

export default class BackupShow extends BackupCommand<typeof BackupShow> {
  static override args = {
    id: Args.string({description: 'Backup id, or an unambiguous prefix of one (`<projectId>/<id>` narrows it to one project).', required: true}),
  }
  static override description = `Prints the metadata of a backup: project, environment, time, operation, label, user, git commit, tool version, resource counts, and the size and sha256 of every file.
It reads metadata.json only; \`backup verify\` checks the files against it.`
  static override examples = [
    {command: '<%= config.bin %> <%= command.id %> 20250512T103015Z-manual', description: 'Show one backup.'},
    {command: '<%= config.bin %> <%= command.id %> 20250512T10', description: 'A prefix is enough when only one backup starts with it.'},
    {command: '<%= config.bin %> <%= command.id %> 20250512T103015Z-manual --json | jq .counts', description: 'The resource counts as JSON.'},
  ]
  static override flags = {
    'backup-dir': backupDirFlag,
  }
  static override summary = 'Show the metadata and counts of a backup.'

  async run(): Promise<ShowResult> {
    const ref = await resolveBackup(this.backupRoot(), this.args.id)
    const metadata = await readBackupMetadata(ref)
    if (!this.jsonEnabled()) this.log(renderMetadata(ref.id, ref.path, metadata))
    return {...metadata, id: ref.id, path: ref.path}
  }
}
