import {expect} from 'chai'
import {spawn} from 'node:child_process'
import {readFile, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {startEmulator} from '../../plugins/plugin-emulator/src/index.js'
import {builtCli, makeTempHome, repoRoot} from '../helpers/cli.js'

interface Probe {
  youngGenerationBytes: number
  listFormats: number
}

/** What test/helpers/memory-probe.mjs saw in `node ...args`. */
async function probe(args: string[], env: Record<string, string> = {}): Promise<Probe> {
  const file = path.join(tmpdir(), `descope-mgmt-memory-${process.pid}-${Date.now()}.json`)
  const hook = path.join(repoRoot, 'test', 'helpers', 'memory-probe.mjs')
  const result = await new Promise<{status: null | number; stderr: string}>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', hook, ...args], {env: {...process.env, ...env, MEMORY_PROBE_FILE: file}, stdio: ['ignore', 'ignore', 'pipe']})
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
    })
    child.on('error', reject)
    child.on('close', status => resolve({status, stderr}))
  })
  expect(result.status, result.stderr).to.equal(0)
  try {
    return JSON.parse(await readFile(file, 'utf8')) as Probe
  } finally {
    await rm(file, {force: true})
  }
}

describe('memory', function () {
  this.timeout(30_000)
  const MB = 1024 * 1024

  it('keeps V8\'s young generation at its initial size in the CLI (it would grow to 32 MB or more and stay)', async () => {
    // The same allocation in a plain Node process: the young generation grows (the test can fail).
    expect((await probe(['-e', '0'])).youngGenerationBytes).to.be.at.least(16 * MB)
    expect((await probe([builtCli, '--version'])).youngGenerationBytes).to.be.at.most(4 * MB)
  })

  it('builds no Intl.ListFormat when a command loads got (its locale data costs MBs of RSS)', async () => {
    const project = {id: 'P2MemoryListFormat00000000001', managementKey: 'K2MemoryListFormatKey0000001'}
    const emulator = await startEmulator({
      newProjects: 'empty', port: 0, projects: [{...project, tenants: [{id: 'acme', name: 'Acme'}]}], rateLimit: 'off',
    })
    const home = await makeTempHome()
    try {
      const seen = await probe([builtCli, 'tenant', 'list', '--no-cache'], {
        ...home.env, DESCOPE_BASE_URL: emulator.url, DESCOPE_MANAGEMENT_KEY: project.managementKey, DESCOPE_PROJECT_ID: project.id,
      })
      expect(seen.listFormats).to.equal(0)
    } finally {
      await emulator.stop()
      await home.cleanup()
    }
  })
})
