/**
 * Files the user names with --out (plans, exports) hold project data: written atomically (a
 * temporary file renamed over the target) with mode 0600, creating missing folders; a failure is
 * an input error naming the file.
 */
import {writeFileAtomically} from '@descope-mgmt/shared/atomic-file'

import {InputError} from './errors.js'

export async function writePrivateFile(file: string, text: string): Promise<void> {
  try {
    await writeFileAtomically(file, text)
  } catch (error) {
    throw new InputError(`Cannot write ${file}: ${(error as Error).message}.`, {
      hint: 'Check the path, that its folder is writable and that the disk has space; nothing else was written.',
    })
  }
}
