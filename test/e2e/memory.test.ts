import {expect} from 'chai'
import {spawn} from 'node:child_process'
import {readFile, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {builtCli, repoRoot} from '../helpers/cli.js'

/** The size (bytes) V8's young generation reaches in `node ...args` with a burst of allocation at its exit. */
async function youngGeneration(args: string[]): Promise<number> {
  const file = path.join(tmpdir(), `descope-mgmt-young-${process.pid}-${Date.now()}.txt`)
  const hook = path.join(repoRoot, 'test', 'helpers', 'young-generation.mjs')
  const status = await new Promise<null | number>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', hook, ...args], {env: {...process.env, YOUNG_GENERATION_FILE: file}, stdio: 'ignore'})
    child.on('error', reject)
    child.on('close', resolve)
  })
  expect(status).to.equal(0)
  try {
    return Number((await readFile(file, 'utf8')).split(' ')[0])
  } finally {
    await rm(file, {force: true})
  }
}

describe('memory', function () {
  this.timeout(30_000)

  it('keeps V8\'s young generation at its initial size in the CLI (it would grow to 32 MB or more and stay)', async () => {
    const MB = 1024 * 1024
    // The same allocation in a plain Node process: the young generation grows (the test can fail).
    expect(await youngGeneration(['-e', '0'])).to.be.at.least(16 * MB)
    expect(await youngGeneration([builtCli, '--version'])).to.be.at.most(4 * MB)
  })
})
