/** Private, durable file writes: files 0600, folders 0700, data on disk before a rename. */
import {chmod, mkdir, open} from 'node:fs/promises'

export const FILE_MODE = 0o600
export const DIR_MODE = 0o700

/** Creates a folder (and its missing parents) readable by the owner only. */
export async function mkdirPrivate(dir: string): Promise<void> {
  const created = await mkdir(dir, {mode: DIR_MODE, recursive: true})
  // The umask can only remove bits; set the mode again on the folder itself in case it was stricter.
  if (created !== undefined) await chmod(dir, DIR_MODE)
}

/** Writes a new file (never overwrites), 0600, and flushes it to disk before returning. */
export async function writeFileDurable(file: string, data: Buffer | string): Promise<void> {
  const handle = await open(file, 'wx', FILE_MODE)
  try {
    await handle.writeFile(data)
    await handle.chmod(FILE_MODE)
    await handle.sync()
  } finally {
    await handle.close()
  }
}

/** Flushes a folder's entries (a rename, a new file) to disk; a no-op where folders cannot be synced. */
export async function fsyncDir(dir: string): Promise<void> {
  let handle
  try {
    handle = await open(dir, 'r')
    await handle.sync()
  } catch (error) {
    const {code} = (error as NodeJS.ErrnoException)
    if (code !== 'EISDIR' && code !== 'EINVAL' && code !== 'EPERM' && code !== 'EBADF') throw error
  } finally {
    await handle?.close()
  }
}
