import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

export const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures')
export const repoRoot = path.resolve(fixtures, '../..')

/** A temporary folder outside the repository (so that searching up finds nothing of ours). */
export async function tempDir(): Promise<{dir: string; write(name: string, content: Buffer | string): Promise<string>; cleanup(): Promise<void>}> {
  const dir = await mkdtemp(path.join(tmpdir(), 'descope-mgmt-config-'))
  return {
    async cleanup() {
      await rm(dir, {force: true, recursive: true})
    },
    dir,
    async write(name, content) {
      const file = path.join(dir, name)
      await writeFile(file, content)
      return file
    },
  }
}

/** Runs a function and returns what it threw (fails when it does not throw). */
export async function rejection(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await promise
  } catch (error) {
    return error as Error & Record<string, unknown>
  }

  throw new Error('expected a rejection')
}
