import {expect} from 'chai'

import {startEmulator} from '../../plugins/plugin-emulator/src/index.js'
import {builtCli, makeTempHome} from '../helpers/cli.js'
import {runWithHook} from '../helpers/hooked-run.js'

interface Probe {
  youngGenerationBytes: number
  listFormats: number
  optimized: boolean | null
}

/** What test/helpers/memory-probe.mjs saw in `node ...args`. */
async function probe(args: string[], env: Record<string, string> = {}, stopWhen?: RegExp): Promise<Probe> {
  return JSON.parse(await runWithHook('memory-probe.mjs', 'MEMORY_PROBE_FILE', args, {env, stopWhen})) as Probe
}

describe('memory', function () {
  this.timeout(30_000)
  const MB = 1024 * 1024

  it('keeps V8\'s young generation at its initial size in the CLI (it would grow to 32 MB or more and stay)', async () => {
    // The same allocation in a plain Node process: the young generation grows (the test can fail).
    expect((await probe(['-e', '0'])).youngGenerationBytes).to.be.at.least(16 * MB)
    // (`--version` is answered before the flags are set: it allocates nothing worth them.)
    expect((await probe([builtCli, 'tenant', '--help'])).youngGenerationBytes).to.be.at.most(4 * MB)
  })

  it('runs without V8\'s optimizing compilers, unless DESCOPE_MGMT_V8_OPTIMIZE=1 asks for them', async () => {
    // A plain Node process optimizes the probe's hot function (the test can fail).
    expect((await probe(['--allow-natives-syntax', '-e', '0'])).optimized).to.equal(true)
    expect((await probe(['--allow-natives-syntax', builtCli, 'tenant', '--help'])).optimized).to.equal(false)
    expect((await probe(['--allow-natives-syntax', builtCli, 'tenant', '--help'], {DESCOPE_MGMT_V8_OPTIMIZE: '1'})).optimized).to.equal(true)
  })

  it('turns them back on in `emulator start`, which serves requests for as long as it runs', async () => {
    const home = await makeTempHome()
    try {
      const seen = await probe(['--allow-natives-syntax', builtCli, 'emulator', 'start', '--port', '0'], home.env, /DESCOPE_MANAGEMENT_KEY=/)
      expect(seen.optimized).to.equal(true)
    } finally {
      await home.cleanup()
    }
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
