import {Flags} from '@oclif/core'

import {backupDirFlag} from '../backup/flags.js'
import {parseLockWait} from './lock.js'

/** `--lock-wait 5m`: milliseconds, checked while the flags are parsed (a bad value is refused before anything connects). */
export const lockWaitFlag = Flags.custom<number>({
  description: 'Wait up to this long (30s, 5m) for another run that holds the project lock, instead of refusing at once; then give up with the same error.',
  helpValue: 'DURATION',
  async parse(input) {
    return parseLockWait(input)!
  },
})()

/** Flags of every command that writes to a project (through the engine: lock, backup, journal). */
export const writeFlags = {
  'backup-dir': backupDirFlag,
  'lock-wait': lockWaitFlag,
}
