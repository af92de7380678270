import {expect} from 'chai'
import {spawn} from 'node:child_process'
import {readdir, stat} from 'node:fs/promises'
import path from 'node:path'

import {listBackups, pruneBackups, resolveBackup} from '../../../src/lib/backup/store.js'
import {repoRoot} from '../../helpers/cli.js'
import {backup, PROJECT, tempDir} from './helpers.js'

/** Runs the backup child and SIGKILLs it once it printed `until`; resolves with everything it printed. */
function killDuringBackup(dir: string, until: string): Promise<{stdout: string; signal: NodeJS.Signals | null}> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx/esm', path.join(repoRoot, 'test/helpers/backup-child.ts'), dir, PROJECT], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString()
      if (stdout.includes(until)) child.kill('SIGKILL')
    })
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
    })
    child.on('error', reject)
    child.on('close', (_code, signal) => {
      if (signal === 'SIGKILL') resolve({signal, stdout})
      else reject(new Error(`the child was not killed (exit ${_code}):\n${stdout}\n${stderr}`))
    })
  })
}

describe('backup interrupted by SIGKILL', function () {
  this.timeout(60_000)
  let dir: string
  let cleanup: () => Promise<void>

  beforeEach(async () => {
    ({cleanup, dir} = await tempDir())
  })

  afterEach(async () => cleanup())

  it('leaves no complete-looking backup: only a temporary folder that list ignores and prune removes', async () => {
    const earlier = await backup(dir)
    const {stdout} = await killDuringBackup(dir, 'READING roles')
    expect(stdout).to.contain('WROTE tenants.json')
    expect(stdout).to.not.contain('DONE')

    const projectDir = path.join(dir, PROJECT)
    const entries = await readdir(projectDir)
    const temporary = entries.filter(name => name.startsWith('.tmp-'))
    expect(temporary, 'the killed backup is still a temporary folder').to.have.length(1)
    expect(entries.filter(name => !name.startsWith('.tmp-')), 'no other folder appeared').to.deep.equal([earlier.id])
    const partial = await readdir(path.join(projectDir, temporary[0]))
    expect(partial, 'it holds the tenants written before the kill, and no metadata.json').to.deep.equal(['tenants.json'])
    expect((await stat(path.join(projectDir, temporary[0], 'tenants.json'))).size).to.be.greaterThan(1_000_000)

    expect((await listBackups(dir)).map(item => item.id)).to.deep.equal([earlier.id])
    let error: Error | undefined
    await resolveBackup(dir, temporary[0]).catch((error_: Error) => {
      error = error_
    })
    expect(error?.message).to.contain('is not a backup id')

    const pruned = await pruneBackups({dir, olderThanDays: 30})
    expect(pruned.tempRemoved.map(folder => path.basename(folder))).to.deep.equal(temporary)
    expect(pruned.removed).to.deep.equal([])
    expect(await readdir(projectDir)).to.deep.equal([earlier.id])
  })

  it('leaves no complete-looking backup when killed right after the first file', async () => {
    await killDuringBackup(dir, 'WROTE tenants.json')
    expect(await listBackups(dir)).to.deep.equal([])
    const entries = await readdir(path.join(dir, PROJECT))
    expect(entries.every(name => name.startsWith('.tmp-')), entries.join(', ')).to.equal(true)
  })
})
