import {expect} from 'chai'
import {spawn} from 'node:child_process'
import {readFile, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {repoRoot} from './cli.js'

/**
 * Runs `node --import test/helpers/<hook> ...args`, expects exit 0, and returns what the hook wrote
 * to the file named by the environment variable `fileVariable`. Asynchronous: the emulator of a
 * test answers from this process. A process that runs until stopped (`emulator start`) is sent
 * SIGTERM once its standard output matches `stopWhen`.
 */
export async function runWithHook(hook: string, fileVariable: string, args: string[], options: {cwd?: string; env?: Record<string, string>; stopWhen?: RegExp} = {}): Promise<string> {
  const file = path.join(tmpdir(), `descope-mgmt-${path.basename(hook, '.mjs')}-${process.pid}-${Date.now()}.out`)
  const result = await new Promise<{status: null | number; stderr: string}>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', path.join(repoRoot, 'test', 'helpers', hook), ...args], {
      cwd: options.cwd, env: {...process.env, ...options.env, [fileVariable]: file}, stdio: ['ignore', options.stopWhen ? 'pipe' : 'ignore', 'pipe'],
    })
    let stdout = ''
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString()
      if (options.stopWhen?.test(stdout)) child.kill('SIGTERM')
    })
    let stderr = ''
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
    })
    child.on('error', reject)
    child.on('close', status => resolve({status, stderr}))
  })
  expect(result.status, result.stderr).to.equal(0)
  try {
    return await readFile(file, 'utf8')
  } finally {
    await rm(file, {force: true})
  }
}
