import {expect} from 'chai'
import {spawnSync} from 'node:child_process'
import {readFile, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {builtCli, repoRoot} from '../helpers/cli.js'

const heavy = ['/node_modules/got/', '/node_modules/keyv/', '/node_modules/cosmiconfig/', '/node_modules/listr2/', '/node_modules/zod/']

async function importsOf(args: string[]): Promise<string[]> {
  const file = path.join(tmpdir(), `descope-mgmt-imports-${process.pid}-${Date.now()}.txt`)
  const hook = path.join(repoRoot, 'test', 'helpers', 'record-imports.mjs')
  const result = spawnSync(process.execPath, ['--import', hook, builtCli, ...args], {
    encoding: 'utf8',
    env: {...process.env, RECORD_IMPORTS_FILE: file},
  })
  expect(result.status, result.stderr).to.equal(0)
  try {
    return (await readFile(file, 'utf8')).split('\n')
  } finally {
    await rm(file, {force: true})
  }
}

describe('start-up cost', function () {
  this.timeout(30_000)

  for (const args of [['--version'], ['--help'], ['tenant', '--help'], ['role', '--help'], ['permission', '--help']]) {
    it(`\`${args.join(' ')}\` loads none of got, keyv, cosmiconfig, listr2 or zod`, async () => {
      const urls = await importsOf(args)
      expect(urls.some(url => url.includes('@oclif/core')), 'the recorder saw oclif').to.equal(true)
      for (const name of heavy) expect(urls.filter(url => url.includes(name)), name).to.deep.equal([])
    })
  }
})
