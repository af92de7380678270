/** A backup of the live project: its snapshot (src/lib/backup/snapshot.ts) written by the store. */
import {readLiveSnapshot, type ReadSnapshotOptions} from './snapshot.js'
import {type CreatedBackup, writeBackup, type WriteBackupOptions} from './store.js'

export type {BackupProgress} from './snapshot.js'

export type CreateBackupOptions = Omit<WriteBackupOptions, 'snapshot'> & ReadSnapshotOptions

/** Reads every kind from the live project and writes a complete backup, atomically. */
export async function createBackup(options: CreateBackupOptions): Promise<CreatedBackup> {
  return writeBackup({...options, snapshot: readLiveSnapshot(options)})
}
