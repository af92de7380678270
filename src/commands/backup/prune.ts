import {Flags} from '@oclif/core'

import {BackupCommand} from '../../lib/backup/command.js'
import {backupDirFlag} from '../../lib/backup/flags.js'
import {formatTime, parseAge} from '../../lib/backup/present.js'
import {MINIMUM_KEEP, pruneBackups, type PruneOptions} from '../../lib/backup/store.js'

export interface PruneOutput {
  removed: Array<{id: string; projectId: string; createdAt: string}>
  kept: number
  tempRemoved: string[]
}

export default class BackupPrune extends BackupCommand<typeof BackupPrune> {
  static override description = `Deletes old backups.
A backup is deleted when it is older than --older-than and is not among the newest --keep of its project; the newest ${MINIMUM_KEEP} backups of each project are always kept.
With --keep alone, age does not matter. Without either, --older-than 30d.
It also removes the temporary folders left by interrupted backups. On a terminal it asks first; in scripts and CI it refuses unless --yes is given.
After each successful apply, backups older than backupRetentionDays (configuration, default 30) are pruned the same way.`
  static override examples = [
    {command: '<%= config.bin %> <%= command.id %> -e production', description: 'Delete production backups older than 30 days (keeping the newest 5).'},
    {command: '<%= config.bin %> <%= command.id %> --all --older-than 90d --keep 20 --yes', description: 'Every project: older than 90 days, keeping the newest 20 of each; no prompt.'},
    {command: '<%= config.bin %> <%= command.id %> -e staging --keep 10 --yes', description: 'Keep only the newest 10 staging backups, whatever their age.'},
  ]
  static override flags = {
    all: Flags.boolean({default: false, description: 'Prune the backups of every project.'}),
    'backup-dir': backupDirFlag,
    keep: Flags.integer({description: `Keep at least this many newest backups per project (never fewer than ${MINIMUM_KEEP}).`, min: 0}),
    'older-than': Flags.string({description: 'Delete backups older than this: 30d, 12h, 2w. Default 30d unless only --keep is given.'}),
    yes: Flags.boolean({char: 'y', default: false, description: 'Do not ask for confirmation.'}),
  }
  static override summary = 'Delete old backups.'

  async run(): Promise<PruneOutput> {
    const olderThan = this.flags['older-than']
    const olderThanDays = olderThan === undefined ? (this.flags.keep === undefined ? 30 : undefined) : parseAge(olderThan)
    const options: PruneOptions = {
      dir: this.backupRoot(),
      keep: this.flags.keep,
      olderThanDays,
      projectId: await this.projectScope(this.flags.all),
    }
    const preview = await pruneBackups({...options, dryRun: true})
    if (preview.removed.length === 0) {
      // Abandoned temporary folders are not backups: removed without asking.
      const result = preview.tempRemoved.length > 0 ? await pruneBackups(options) : preview
      this.log(`Nothing to prune: ${result.kept.length} backup${result.kept.length === 1 ? '' : 's'} kept.`)
      if (result.tempRemoved.length > 0) this.log(`Removed ${result.tempRemoved.length} folder(s) left by interrupted backups.`)
      return {kept: result.kept.length, removed: [], tempRemoved: result.tempRemoved}
    }

    if (!this.jsonEnabled()) {
      this.log(`${preview.removed.length} backup${preview.removed.length === 1 ? '' : 's'} to delete (${preview.kept.length} kept):`)
      for (const backup of preview.removed) this.log(`  - ${backup.projectId}/${backup.id}  ${formatTime(backup.createdAt)}${backup.damaged ? '  (damaged)' : ''}`)
    }

    await this.confirm(`Delete ${preview.removed.length} backup${preview.removed.length === 1 ? '' : 's'}?`, this.flags.yes)
    const result = await pruneBackups(options)
    this.log(`✓ Deleted ${result.removed.length} backup${result.removed.length === 1 ? '' : 's'}; ${result.kept.length} kept.`)
    if (result.tempRemoved.length > 0) this.log(`Removed ${result.tempRemoved.length} folder(s) left by interrupted backups.`)
    return {
      kept: result.kept.length,
      removed: result.removed.map(backup => ({createdAt: backup.createdAt, id: backup.id, projectId: backup.projectId})),
      tempRemoved: result.tempRemoved,
    }
  }
}
