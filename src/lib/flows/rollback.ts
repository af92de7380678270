/** The backups that hold a flow, for `flow rollback`. */
import type {ResourceItem} from '../resources/types.js'

import {
  listBackups, type ListedBackup, loadBackup, readBackupMetadata,
} from '../backup/store.js'
import {InputError} from '../errors.js'
import {flowFileName} from './format.js'

export interface FlowBackup {
  id: string
  createdAt: string
  operation: string
  label?: string
}

/** Backups of the project holding `flowId` (as `flows/<flowId>.json`), newest first. */
export async function backupsOfFlow(root: string, projectId: string, flowId: string): Promise<FlowBackup[]> {
  const holding: FlowBackup[] = []
  const candidates = (await listBackups(root, projectId)).filter((backup: ListedBackup) => !backup.damaged && backup.resources.includes('flows'))
  for (const backup of candidates) {
    const metadata = await readBackupMetadata(backup).catch(() => {})
    if (!metadata?.files[`flows/${flowFileName(flowId)}`]) continue
    holding.push({
      createdAt: backup.createdAt, id: backup.id, label: backup.label, operation: backup.operation,
    })
  }

  return holding
}

/**
 * The backup to roll back to: `--to`, else the newest backup taken by an import or a delete of
 * this flow (the flow as it was before that write), else the newest backup holding it.
 */
export function chooseBackup(backups: FlowBackup[], flowId: string, to?: string): FlowBackup {
  if (to) {
    const found = backups.find(backup => backup.id === to) ?? backups.find(backup => backup.id.startsWith(to))
    if (!found) {
      throw new InputError(`Backup "${to}" does not hold flow "${flowId}".`, {code: 'backup_not_found', hint: `List the backups holding it with \`descope-mgmt flow rollback ${flowId} --list\`.`})
    }

    return found
  }

  const chosen = backups.find(backup => backup.operation === 'import' || backup.operation === 'delete') ?? backups[0]
  if (!chosen) {
    throw new InputError(`No backup holds flow "${flowId}".`, {code: 'backup_not_found', hint: 'Backups of a flow are taken by `flow import --apply`, `apply` and `backup create`.'})
  }

  return chosen
}

/** The flow as the backup holds it (the backup is verified first). */
export async function flowFromBackup(root: string, projectId: string, backupId: string, flowId: string): Promise<ResourceItem> {
  const backup = await loadBackup(root, `${projectId}/${backupId}`)
  const item = (backup.items.flows ?? []).find(candidate => candidate.key === flowId)
  if (!item) throw new InputError(`Backup ${backupId} does not hold flow "${flowId}".`, {code: 'backup_not_found'})
  return item
}
