import {Args} from '@oclif/core'

import {BackupCommand} from '../../lib/backup/command.js'
import {backupDirFlag} from '../../lib/backup/flags.js'
import {BackupDamagedError} from '../../lib/backup/format.js'
import {formatCounts} from '../../lib/backup/present.js'
import {resolveBackup, verifyBackup} from '../../lib/backup/store.js'

export interface VerifyOutput {
  id: string
  path: string
  ok: true
  /** Files checked, metadata.json included. */
  checked: number
  counts: Record<string, number>
}

export default class BackupVerify extends BackupCommand<typeof BackupVerify> {
  static override args = {
    id: Args.string({description: 'Backup id, or an unambiguous prefix of one.', required: true}),
  }
  static override description = `Checks a backup completely: metadata.json is readable and of a known format version;
every file it lists is present, with the recorded sha256, valid JSON and the recorded number of resources.
Exit code 0 when intact; 3 when damaged, naming every damaged file. Restore runs the same checks before it plans anything.`
  static override examples = [
    {command: '<%= config.bin %> <%= command.id %> 20250512T103015Z-manual', description: 'Verify one backup.'},
    {
      command: String.raw`<%= config.bin %> backup list --all --json | jq -r ".[] | .projectId + \"/\" + .id" | xargs -n1 <%= config.bin %> <%= command.id %>`,
      description: 'Verify every backup on this machine.',
    },
  ]
  static override flags = {
    'backup-dir': backupDirFlag,
  }
  static override summary = 'Check the files of a backup against its checksums.'

  async run(): Promise<VerifyOutput> {
    const ref = await resolveBackup(this.backupRoot(), this.args.id)
    const result = await verifyBackup(ref)
    if (!result.ok || !result.metadata) throw new BackupDamagedError(ref.id, ref.path, result.problems)
    const {metadata} = result
    this.log(`✓ Backup ${ref.id} is intact: ${result.checked} files match their checksums; ${formatCounts(metadata.resources, metadata.counts)}.`)
    return {
      checked: result.checked, counts: metadata.counts, id: ref.id, ok: true, path: ref.path,
    }
  }
}
