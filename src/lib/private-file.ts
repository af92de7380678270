/**
 * Files the user names with --out (plans, audit exports) hold project data: written atomically
 * (a temporary file renamed over the target) with mode 0600, creating missing folders.
 */
import {mkdir} from 'node:fs/promises'
import path from 'node:path'
import writeFileAtomic from 'write-file-atomic'

import {InputError} from './errors.js'

export async function writePrivateFile(file: string, text: string): Promise<void> {
  try {
    await mkdir(path.dirname(path.resolve(file)), {recursive: true})
    await writeFileAtomic(file, text, {mode: 0o600})
  } catch (error) {
    throw new InputError(`Cannot write ${file}: ${(error as Error).message}.`, {
      hint: 'Check the path, that its folder is writable and that the disk has space; nothing else was written.',
    })
  }
}
