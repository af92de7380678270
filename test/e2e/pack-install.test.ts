import {expect} from 'chai'
import {type ChildProcessWithoutNullStreams, execFile, spawn} from 'node:child_process'
import {existsSync} from 'node:fs'
import {mkdir, readFile} from 'node:fs/promises'
import path from 'node:path'
import {promisify} from 'node:util'

import {httpFetch} from '../conformance/sdk.js'
import {type CliResult, makeTempHome, repoRoot} from '../helpers/cli.js'

const exec = promisify(execFile)
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'

interface PackResult {
  filename: string
  files: Array<{path: string}>
}

/**
 * What a new user does: `npm pack`, `npm install -g` of the tarball into a clean prefix, then the
 * installed binary: help, version, the emulator, bench, and a third-party plugin installed from a tarball.
 * One pack and one install; the steps share them.
 */
describe('npm pack and a global install of the tarball', function () {
  this.timeout(300_000)
  let home: Awaited<ReturnType<typeof makeTempHome>>
  let prefix: string
  let bin: string
  let pack: PackResult
  let helloTarball: string
  const timings: Record<string, number> = {}

  /** The installed binary, with a temporary HOME and XDG folders and none of the developer's Descope variables. */
  function installed(args: string[], env: Record<string, string> = {}, timeoutMs = 60_000): Promise<CliResult> {
    const childEnv: Record<string, string | undefined> = {
      ...process.env, CI: 'true', NO_COLOR: '1', ...home.env, ...env,
    }
    for (const name of ['DESCOPE_PROJECT_ID', 'DESCOPE_MANAGEMENT_KEY', 'DESCOPE_BASE_URL', 'DESCOPE_MGMT_ENVIRONMENT']) if (!(name in env)) delete childEnv[name]
    return new Promise((resolve, reject) => {
      execFile(bin, args, {cwd: home.dir, env: childEnv, timeout: timeoutMs}, (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') reject(error)
        else resolve({code: error ? Number(error.code) : 0, stderr, stdout})
      })
    })
  }

  async function timed<T>(name: string, step: () => Promise<T>): Promise<T> {
    const started = Date.now()
    try {
      return await step()
    } finally {
      timings[name] = Date.now() - started
    }
  }

  before(async () => {
    home = await makeTempHome()
    prefix = path.join(home.dir, 'prefix')
    const packs = path.join(home.dir, 'packs')
    await mkdir(packs)
    // prepack builds (which writes the manifests); the README of the working tree is left alone.
    const {stdout} = await timed('npm pack', () => exec(npm, ['pack', '--json', '--pack-destination', packs], {
      cwd: repoRoot, env: {...process.env, DESCOPE_MGMT_PACK_NO_README: '1'}, maxBuffer: 64 * 1024 * 1024,
    }))
    pack = (JSON.parse(stdout.slice(stdout.indexOf('[\n'))) as PackResult[])[0]
    const hello = await exec(npm, ['pack', '--json', '--pack-destination', packs], {cwd: path.join(repoRoot, 'examples', 'plugin-hello')})
    helloTarball = path.join(packs, (JSON.parse(hello.stdout) as PackResult[])[0].filename)
    // From the registry (or npm's cache) for public packages; the workspace plugins come from the tarball.
    await timed('npm install -g', () => exec(npm, ['install', '-g', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', path.join(packs, pack.filename)], {
      cwd: home.dir, env: {...process.env, npm_config_update_notifier: 'false'}, maxBuffer: 64 * 1024 * 1024,
    }))
    bin = path.join(prefix, 'bin', 'descope-mgmt')
  })

  after(async () => {
    if (Object.keys(timings).length > 0) console.log(`      timings (ms): ${JSON.stringify(timings)}`)
    await home?.cleanup()
  })

  it('packs the manifests and the bundled workspace plugins and shared package with their dist', () => {
    const files = new Set(pack.files.map(file => file.path))
    for (const file of [
      'bin/run.js',
      'dist/index.js',
      'dist/commands/init.js',
      'oclif.manifest.json',
      'schema/descope-mgmt.schema.json',
      'node_modules/@descope-mgmt/plugin-emulator/package.json',
      'node_modules/@descope-mgmt/plugin-emulator/dist/index.js',
      'node_modules/@descope-mgmt/plugin-emulator/oclif.manifest.json',
      'node_modules/@descope-mgmt/plugin-cache/oclif.manifest.json',
      'node_modules/@descope-mgmt/plugin-bench/oclif.manifest.json',
      'node_modules/@descope-mgmt/plugin-cache/package.json',
      'node_modules/@descope-mgmt/plugin-cache/dist/commands/cache/stats.js',
      'node_modules/@descope-mgmt/shared/package.json',
      'node_modules/@descope-mgmt/shared/dist/flow-format.js',
      'node_modules/@descope-mgmt/shared/dist/atomic-file.js',
    ]) expect(files.has(file), file).to.equal(true)
    expect([...files].filter(file => file.startsWith('src/') || file.startsWith('test/') || file.startsWith('examples/plugin-hello'))).to.deep.equal([])
  })

  it('installs a binary that prints its version and help, including the bundled plugins\' commands', async () => {
    const version = await installed(['--version'])
    expect(version.code, version.stderr).to.equal(0)
    expect(version.stdout).to.match(/^descope-mgmt\/\d+\.\d+\.\d+ /)
    const help = await installed(['--help'])
    expect(help.code, help.stderr).to.equal(0)
    for (const topic of ['init', 'plan', 'apply', 'tenant', 'emulator', 'cache', 'plugins', 'autocomplete']) expect(help.stdout).to.match(new RegExp(`^ {2}${topic}\\s`, 'm'))
    // The examples' templates are rendered by ejs, which the bundle requires from @oclif/core's own folder.
    const commandHelp = await installed(['tenant', 'list', '--help'])
    expect(commandHelp.code, commandHelp.stderr).to.equal(0)
    expect(commandHelp.stdout).to.contain('$ descope-mgmt tenant list -e local').and.not.contain('<%')
    const autocomplete = await installed(['autocomplete', 'bash'])
    expect(autocomplete.code, autocomplete.stderr).to.equal(0)
    expect(autocomplete.stdout).to.contain('Setup Instructions').and.contain('descope-mgmt autocomplete script bash')
  })

  it('runs bench from the installed package alone (a scenario of --quick, one run)', async () => {
    const result = await timed('bench', () => installed(['bench', '--quick', '--scenario', 'tenant-list-100', '--runs', '1', '--json'], {}, 120_000))
    expect([0, 1], result.stderr).to.include(result.code)
    const report = JSON.parse(result.stdout) as {quick: boolean; scenarios: Array<{requests: number; scenario: string}>}
    expect(report.quick).to.equal(true)
    // Its time, and its peak RSS against the memory target.
    expect(report.scenarios.map(row => row.scenario)).to.deep.equal(['tenant-list-100', 'tenant-list-100'])
    expect(report.scenarios[0].requests, 'the installed CLI listed the tenants of the bench emulator').to.be.greaterThan(0)
  })

  it('runs the emulator, installs a plugin from a tarball, and the plugin counts the tenants through the host\'s services', async () => {
    let emulator: ChildProcessWithoutNullStreams | undefined
    try {
      // `emulator start --port 0` prints export lines once it listens.
      const childEnv = {
        ...process.env, ...home.env, CI: 'true', NO_COLOR: '1',
      }
      emulator = spawn(bin, ['emulator', 'start', '--port', '0'], {cwd: home.dir, env: childEnv})
      const exports = await timed('emulator start', () => new Promise<Record<string, string>>((resolve, reject) => {
        let output = ''
        const timer = setTimeout(() => reject(new Error(`no export lines in time:\n${output}`)), 30_000)
        emulator!.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString()
          const found = Object.fromEntries([...output.matchAll(/^export (DESCOPE_\w+)=(\S+)$/gm)].map(match => [match[1], match[2]]))
          if (found.DESCOPE_MANAGEMENT_KEY) {
            clearTimeout(timer)
            resolve(found)
          }
        })
        emulator!.on('exit', code => reject(new Error(`emulator exited (${code}):\n${output}`)))
      }))
      expect(exports.DESCOPE_BASE_URL).to.match(/^http:\/\/127\.0\.0\.1:\d+$/)
      for (const id of ['acme', 'globex']) {
        const response = await httpFetch(`${exports.DESCOPE_BASE_URL}/v1/mgmt/tenant/create`, {
          body: JSON.stringify({id, name: id}),
          headers: {authorization: `Bearer ${exports.DESCOPE_PROJECT_ID}:${exports.DESCOPE_MANAGEMENT_KEY}`, 'content-type': 'application/json'},
          method: 'POST',
        })
        expect(response.status).to.equal(200)
      }

      const install = await timed('plugins install', () => installed(['plugins', 'install', `file:${helloTarball}`], {}, 180_000))
      expect(install.code, install.stdout + install.stderr).to.equal(0)
      expect(existsSync(path.join(home.env.XDG_DATA_HOME, 'descope-mgmt', 'package.json')), 'plugins live in XDG_DATA_HOME').to.equal(true)
      const hello = await installed(['hello'], exports)
      expect(hello.code, hello.stderr).to.equal(0)
      expect(hello.stdout.trim()).to.equal(`Hello! project ${exports.DESCOPE_PROJECT_ID} has 2 tenants.`)
      const help = await installed(['hello', '--help'])
      expect(help.stdout).to.contain('Print the number of tenants of the chosen environment.')
      // Completion covers the bundled plugins' commands and the user's plugin too.
      const refresh = await installed(['autocomplete', '--refresh-cache'])
      expect(refresh.code, refresh.stderr).to.equal(0)
      const completion = await readFile(path.join(home.env.XDG_CACHE_HOME, 'descope-mgmt', 'autocomplete', 'functions', 'bash', 'descope-mgmt.bash'), 'utf8')
      for (const id of ['init', 'emulator:start', 'cache:stats', 'hello']) expect(completion).to.match(new RegExp(`^${id} `, 'm'))
    } finally {
      if (emulator && emulator.exitCode === null) {
        const exited = new Promise(resolve => {
          emulator!.once('exit', resolve)
        })
        emulator.kill('SIGINT')
        await exited
      }
    }

    expect(emulator?.exitCode ?? emulator?.signalCode).to.be.oneOf([0, 130, 'SIGINT'])
  })
})
