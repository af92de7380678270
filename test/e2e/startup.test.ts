import {expect} from 'chai'
import {spawn} from 'node:child_process'
import {mkdtemp, readFile, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {startEmulator} from '../../plugins/plugin-emulator/src/index.js'
import {builtCli, makeTempHome, repoRoot} from '../helpers/cli.js'

const heavy = ['/node_modules/got/', '/node_modules/keyv/', '/node_modules/cosmiconfig/', '/node_modules/log-update/', '/node_modules/zod/']

async function importsOf(args: string[], options: {cwd?: string; env?: Record<string, string>} = {}): Promise<string[]> {
  const file = path.join(tmpdir(), `descope-mgmt-imports-${process.pid}-${Date.now()}.txt`)
  const hook = path.join(repoRoot, 'test', 'helpers', 'record-imports.mjs')
  // Asynchronous: the emulator of a test answers from this process.
  const result = await new Promise<{status: null | number; stderr: string}>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', hook, builtCli, ...args], {
      cwd: options.cwd, env: {...process.env, ...options.env, RECORD_IMPORTS_FILE: file}, stdio: ['ignore', 'ignore', 'pipe'],
    })
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
    })
    child.on('error', reject)
    child.on('close', status => resolve({status, stderr}))
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
    it(`\`${args.join(' ')}\` loads none of got, keyv, cosmiconfig, log-update or zod`, async () => {
      const urls = await importsOf(args)
      expect(urls.some(url => url.includes('@oclif/core')), 'the recorder saw oclif').to.equal(true)
      for (const name of heavy) expect(urls.filter(url => url.includes(name)), name).to.deep.equal([])
    })
  }

  it('a warm `tenant list` outside any project loads neither the configuration parsers nor got', async () => {
    const project = {id: 'P2StartupWarmList0000000000001', managementKey: 'K2StartupWarmListKey000000001'}
    const emulator = await startEmulator({
      newProjects: 'empty', rateLimit: 'off', port: 0, projects: [{...project, tenants: [{id: 'acme', name: 'Acme'}]}],
    })
    const home = await makeTempHome()
    // A folder with no configuration (nor package.json) in it or above it.
    const outside = await mkdtemp(path.join(tmpdir(), 'descope-mgmt-outside-'))
    try {
      const env = {
        ...home.env, DESCOPE_BASE_URL: emulator.url, DESCOPE_MANAGEMENT_KEY: project.managementKey, DESCOPE_PROJECT_ID: project.id,
      }
      const cold = await importsOf(['tenant', 'list'], {cwd: outside, env})
      expect(cold.some(url => url.includes('/node_modules/got/')), 'the cold run requests with got').to.equal(true)
      const warm = await importsOf(['tenant', 'list'], {cwd: outside, env})
      expect(warm.some(url => url.includes('/node_modules/keyv/')), 'the warm run reads the cache').to.equal(true)
      for (const name of ['/node_modules/got/', '/node_modules/cosmiconfig/', '/node_modules/zod/', '/node_modules/log-update/', '/dist/lib/config/load.js']) {
        expect(warm.filter(url => url.includes(name)), name).to.deep.equal([])
      }
    } finally {
      await emulator.stop()
      await home.cleanup()
      await rm(outside, {force: true, recursive: true})
    }
  })
})
