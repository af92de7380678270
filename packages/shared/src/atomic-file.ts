/**
 * Whole-file writes of project data and state (plans, exports, the cache file, the emulator's
 * store): a temporary file beside the target, flushed and renamed over it, so a reader never sees
 * half a file and a crash leaves the old one. write-file-atomic does that; this adds the missing
 * folder and the exact mode (0600 unless told: the umask cannot loosen or tighten it).
 */
import {mkdir} from 'node:fs/promises'
import path from 'node:path'
import writeFileAtomic from 'write-file-atomic'

export interface AtomicWriteOptions {
  /** The file's mode; default 0600 (private). */
  mode?: number
  /**
   * Flush the data to disk before the rename (default true). A cache can skip it: after a power
   * loss it may find an empty file, and start over.
   */
  durable?: boolean
}

/** Writes `data` to `file` atomically, creating its folder (0700) when missing. */
export async function writeFileAtomically(file: string, data: Buffer | string, options: AtomicWriteOptions = {}): Promise<void> {
  await mkdir(path.dirname(path.resolve(file)), {mode: 0o700, recursive: true})
  await writeFileAtomic(file, data, {fsync: options.durable ?? true, mode: options.mode ?? 0o600})
}
