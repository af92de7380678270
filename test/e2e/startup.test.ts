import {expect} from 'chai'
import {
  mkdtemp, rm, writeFile,
} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {startEmulator} from '../../plugins/plugin-emulator/src/index.js'
import {contentsOf} from '../helpers/bundle.js'
import {builtCli, makeTempHome, runCli} from '../helpers/cli.js'
import {runWithHook} from '../helpers/hooked-run.js'

// Packages a start-up path must not load, whether from node_modules or bundled into a file it loads.
const heavy = ['got', 'keyv', 'cosmiconfig', 'log-update', 'zod', 'listr2', 'yaml', 'js-yaml', '@inquirer/prompts', 'cockatiel']

async function importsOf(args: string[], options: {cwd?: string; env?: Record<string, string>} = {}): Promise<string[]> {
  return (await runWithHook('record-imports.mjs', 'RECORD_IMPORTS_FILE', [builtCli, ...args], options)).split('\n')
}

/** Runs `body` with the environment of a project of one tenant on an emulator and a new home. */
async function withOneTenant(project: {id: string; managementKey: string}, body: (env: Record<string, string>) => Promise<void>): Promise<void> {
  const emulator = await startEmulator({
    newProjects: 'empty', rateLimit: 'off', port: 0, projects: [{...project, tenants: [{id: 'acme', name: 'Acme'}]}],
  })
  const home = await makeTempHome()
  try {
    await body({
      ...home.env, DESCOPE_BASE_URL: emulator.url, DESCOPE_MANAGEMENT_KEY: project.managementKey, DESCOPE_PROJECT_ID: project.id,
    })
  } finally {
    await emulator.stop()
    await home.cleanup()
  }
}

describe('start-up cost', function () {
  this.timeout(30_000)

  for (const args of [['--help'], ['tenant', '--help'], ['role', '--help'], ['permission', '--help']]) {
    it(`\`${args.join(' ')}\` loads none of ${heavy.join(', ')}`, async () => {
      // A new home: no root help kept from an earlier run.
      const home = await makeTempHome()
      const {packages, sources} = contentsOf(await importsOf(args, {env: home.env}).finally(() => home.cleanup()))
      expect(packages.has('@oclif/core'), 'the recorder saw oclif').to.equal(true)
      expect(heavy.filter(name => packages.has(name)), 'heavy packages loaded (keep them behind a dynamic import)').to.deep.equal([])
      expect([...sources].filter(file => file.startsWith('src/lib/config/') || file.startsWith('src/lib/api/')), 'sources').to.deep.equal([])
    })
  }

  it('`--version` loads no oclif and nothing of the sources but the fast start', async () => {
    const {packages, sources} = contentsOf(await importsOf(['--version']))
    expect(sources.has('src/lib/startup/fast-start.ts'), 'the recorder saw the fast start').to.equal(true)
    expect(packages.has('@oclif/core'), 'oclif').to.equal(false)
    expect(heavy.filter(name => packages.has(name)), 'heavy packages').to.deep.equal([])
    expect([...sources].filter(file => !file.startsWith('src/lib/startup/'))).to.deep.equal([])
  })

  it('the root help loads oclif once, then is printed again without it while nothing it depends on changed', async () => {
    const home = await makeTempHome()
    try {
      const first = contentsOf(await importsOf(['--help'], {env: home.env}))
      expect(first.packages.has('@oclif/core'), 'the first help runs oclif').to.equal(true)
      const second = contentsOf(await importsOf(['--help'], {env: home.env}))
      expect(second.packages.has('@oclif/core'), 'the second help runs no oclif').to.equal(false)
      const wider = contentsOf(await importsOf(['--help'], {env: {...home.env, OCLIF_COLUMNS: '132'}}))
      expect(wider.packages.has('@oclif/core'), 'another width renders anew').to.equal(true)
    } finally {
      await home.cleanup()
    }
  })

  it('a cold `tenant list` over plain HTTP loads none of the modules the bundle defers (http2, perf_hooks, https, tls)', async () => {
    await withOneTenant({id: 'P2StartupColdList0000000000001', managementKey: 'K2StartupColdListKey000000001'}, async env => {
      const builtins = (await runWithHook('record-builtins.mjs', 'RECORD_BUILTINS_FILE', [builtCli, 'tenant', 'list', '--no-cache'], {env})).split('\n')
      expect(builtins, 'the run sent its request').to.include('NativeModule http')
      // What Node loads by itself for a require of http is not the bundle's doing.
      const baseline = (await runWithHook('record-builtins.mjs', 'RECORD_BUILTINS_FILE', ['-e', "require('node:http')"])).split('\n')
      const deferred = new Set(['NativeModule http2', 'NativeModule perf_hooks', 'NativeModule https', 'NativeModule tls'].filter(name => !baseline.includes(name)))
      expect(builtins.filter(name => deferred.has(name))).to.deep.equal([])
    })
  })

  it('a `tenant list` builds no ICU collator (oclif sorts the command ids, all lowercase ASCII, as strings)', async () => {
    await withOneTenant({id: 'P2StartupCollation00000000001', managementKey: 'K2StartupCollationKey00000001'}, async env => {
      const callers = await runWithHook('record-collation.mjs', 'RECORD_COLLATION_FILE', [builtCli, 'tenant', 'list', '--no-cache'], {env})
      expect(callers.split('\n').filter(Boolean)).to.deep.equal([])
    })
  })

  it('answers `--version` and the root help exactly as oclif does', async () => {
    const home = await makeTempHome()
    try {
      // DEBUG (matching nothing) makes the CLI start oclif for every answer.
      const throughOclif = {...home.env, DEBUG: 'descope-mgmt:none'}
      const oclifVersion = await runCli(['--version'], {env: throughOclif})
      expect(oclifVersion.code).to.equal(0)
      expect(await runCli(['--version'], {env: home.env})).to.deep.equal(oclifVersion)
      const oclifHelp = await runCli(['--help'], {env: throughOclif})
      expect(oclifHelp.stdout).to.contain('VERSION').and.contain('TOPICS')
      for (const args of [['--help'], ['--help'], []]) {
        expect(await runCli(args, {env: home.env}), `descope-mgmt ${args.join(' ')}`).to.deep.equal(oclifHelp)
      }
    } finally {
      await home.cleanup()
    }
  })

  it('a warm `tenant list` outside any project loads neither the configuration parsers, got, nor what oclif needs only for help or rare paths', async () => {
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
      // write-file-atomic names its temporary files without asking worker_threads for the thread: a
      // cold run that writes the cache loads it only if the same run without the cache does (Node
      // 24's request path does).
      const builtinsOf = async (args: string[]) => (await runWithHook('record-builtins.mjs', 'RECORD_BUILTINS_FILE', [builtCli, ...args], {cwd: outside, env})).split('\n')
      const uncached = await builtinsOf(['tenant', 'list', '--no-cache'])
      const coldBuiltins = await builtinsOf(['tenant', 'list'])
      expect(coldBuiltins, 'the recorder saw the request').to.include('NativeModule http')
      expect(coldBuiltins.includes('NativeModule worker_threads'), 'worker_threads').to.equal(uncached.includes('NativeModule worker_threads'))
      await rm(path.join(home.env.XDG_CACHE_HOME, 'descope-mgmt'), {force: true, recursive: true})
      const cold = contentsOf(await importsOf(['tenant', 'list'], {cwd: outside, env}))
      expect(cold.packages.has('got'), 'the cold run requests with got').to.equal(true)
      expect(cold.packages.has('write-file-atomic'), 'the cold run writes the cache').to.equal(true)
      expect(cold.sources.has('src/lib/startup/fast-start.ts'), 'a command skips the fast start').to.equal(false)
      const warm = contentsOf(await importsOf(['tenant', 'list'], {cwd: outside, env}))
      expect(warm.packages.has('keyv'), 'the warm run reads the cache').to.equal(true)
      for (const name of ['got', 'cosmiconfig', 'zod', 'log-update', 'yaml', 'js-yaml', 'cockatiel']) expect(warm.packages.has(name), name).to.equal(false)
      expect(warm.sources.has('src/lib/config/load.ts'), 'the configuration loader').to.equal(false)
      // It appends its hit to the journal instead of rewriting the store under its lock.
      expect(warm.packages.has('write-file-atomic'), 'write-file-atomic').to.equal(false)
      expect(warm.sources.has('src/lib/lock/file-lock.ts'), 'the file lock').to.equal(false)
      // What oclif loads at start but uses only for help, a spinner or a rare path.
      expect(warm.packages.has('@oclif/core'), 'oclif ran').to.equal(true)
      for (const name of ['semver', 'ejs', 'cli-spinners', 'minimatch', 'tinyglobby', 'picomatch']) expect(warm.packages.has(name), name).to.equal(false)
    } finally {
      await emulator.stop()
      await home.cleanup()
      await rm(outside, {force: true, recursive: true})
    }
  })

  it('a warm `tenant list` in a project loads neither got nor the rate budget, and sends nothing', async () => {
    const project = {id: 'P2StartupWarmList0000000000002', managementKey: 'K2StartupWarmListKey000000002'}
    const emulator = await startEmulator({
      newProjects: 'empty', rateLimit: 'off', port: 0, projects: [{...project, tenants: [{id: 'acme', name: 'Acme'}]}],
    })
    const home = await makeTempHome()
    try {
      await writeFile(path.join(home.dir, 'descope.yaml'), [
        'version: 1',
        'environments:',
        '  dev:',
        `    projectId: ${project.id}`,
        '    managementKey: ${WARM_LIST_KEY}', // eslint-disable-line no-template-curly-in-string
        `    baseUrl: ${emulator.url}`,
        '',
      ].join('\n'))
      const env = {...home.env, WARM_LIST_KEY: project.managementKey}
      const cold = contentsOf(await importsOf(['tenant', 'list'], {cwd: home.dir, env}))
      expect(cold.packages.has('got'), 'the cold run requests with got').to.equal(true)
      expect(cold.sources.has('src/lib/coordination/budget-file.ts'), 'the cold run takes from the rate budget').to.equal(true)
      await emulator.admin.resetStats()
      const warm = contentsOf(await importsOf(['tenant', 'list'], {cwd: home.dir, env}))
      expect(warm.sources.has('src/lib/config/load.ts'), 'the warm run reads the configuration').to.equal(true)
      expect(warm.packages.has('keyv'), 'the warm run reads the cache').to.equal(true)
      for (const name of ['got', 'proper-lockfile', 'cockatiel', 'log-update', 'listr2']) expect(warm.packages.has(name), name).to.equal(false)
      expect([...warm.sources].filter(file => file.startsWith('src/lib/coordination/budget')), 'the rate budget').to.deep.equal([])
      expect((await emulator.stats()).totals.requests, 'requests of the warm run').to.equal(0)
    } finally {
      await emulator.stop()
      await home.cleanup()
    }
  })
})
