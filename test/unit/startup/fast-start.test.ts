import {expect} from 'chai'
import {
  mkdir, mkdtemp, readFile, rm, stat, writeFile,
} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

import {fastStart} from '../../../src/lib/startup/fast-start.js'
import {repoRoot} from '../../helpers/cli.js'

const {version} = JSON.parse(await readFile(path.join(repoRoot, 'package.json'), 'utf8')) as {version: string}

/**
 * Runs `work` with stdout and stderr caught (fastStart and its recorder write to them, and the test
 * writes what oclif would print), in the test's temporary folders.
 */
async function caught(work: () => Promise<void>): Promise<string> {
  const {stderr, stdout} = process
  const [writeOut, writeErr] = [stdout.write, stderr.write]
  let output = ''
  stdout.write = ((chunk: string) => {
    output += chunk
    return true
  }) as typeof stdout.write
  stderr.write = (() => true) as typeof stderr.write
  try {
    await work()
  } finally {
    stdout.write = writeOut
    stderr.write = writeErr
  }

  return output
}

async function start(argv: string[]): Promise<{answered: boolean; output: string}> {
  let answered = false
  const output = await caught(async () => {
    ({answered} = await fastStart(repoRoot, argv))
  })
  return {answered, output}
}

/** A start that oclif finishes: it prints `stdout` (and `stderr`) and ends with `exitCode`. */
async function startThroughOclif(stdout: string, options: {exitCode?: number; stderr?: string} = {}): Promise<void> {
  await caught(async () => {
    const started = await fastStart(repoRoot, ['--help'])
    expect(started.answered, 'answered without oclif').to.equal(false)
    process.stdout.write(stdout)
    if (options.stderr) process.stderr.write(options.stderr)
    process.exitCode = options.exitCode
    await started.after!()
  })
}

describe('fast start (--version and the root help without oclif)', () => {
  const saved: Record<string, string | undefined> = {}
  let home: string
  const variables = ['HOME', 'XDG_CACHE_HOME', 'XDG_CONFIG_HOME', 'XDG_DATA_HOME', 'DEBUG', 'DESCOPE_MGMT_DEBUG', 'OCLIF_COLUMNS', 'NO_COLOR']
  const keptHelp = () => path.join(home, 'cache', 'descope-mgmt', 'help', 'root.json')

  beforeEach(async () => {
    home = await mkdtemp(path.join(os.tmpdir(), 'descope-mgmt-fast-start-'))
    for (const name of variables) saved[name] = process.env[name]
    for (const name of ['DEBUG', 'DESCOPE_MGMT_DEBUG', 'OCLIF_COLUMNS', 'NO_COLOR']) delete process.env[name]
    Object.assign(process.env, {
      HOME: home, XDG_CACHE_HOME: path.join(home, 'cache'), XDG_CONFIG_HOME: path.join(home, 'config'), XDG_DATA_HOME: path.join(home, 'data'),
    })
    process.exitCode = undefined
  })

  afterEach(async () => {
    for (const name of variables) {
      if (saved[name] === undefined) delete process.env[name]
      else process.env[name] = saved[name]
    }

    process.exitCode = undefined
    await rm(home, {force: true, recursive: true})
  })

  it('prints the user agent oclif prints for --version', async () => {
    const result = await start(['--version'])
    expect(result.answered).to.equal(true)
    expect(result.output).to.equal(`descope-mgmt/${version} ${process.platform}-${process.arch === 'ia32' ? 'x86' : process.arch} node-${process.version}\n`)
  })

  it('leaves everything else to oclif: commands, command help, DEBUG and a user\'s plugins', async () => {
    for (const argv of [['tenant', 'list'], ['tenant', '--help'], ['--version', '--json'], ['help']]) {
      const result = await start(argv)
      expect(result, argv.join(' ')).to.deep.equal({answered: false, output: ''})
    }

    process.env.DEBUG = 'oclif:*'
    expect((await start(['--version'])).answered, 'DEBUG').to.equal(false)
    delete process.env.DEBUG
    process.env.DESCOPE_MGMT_DEBUG = '1'
    expect((await start(['--version'])).answered, 'DESCOPE_MGMT_DEBUG').to.equal(false)
    delete process.env.DESCOPE_MGMT_DEBUG

    const userPackage = path.join(home, 'data', 'descope-mgmt', 'package.json')
    await mkdir(path.dirname(userPackage), {recursive: true})
    await writeFile(userPackage, JSON.stringify({oclif: {plugins: []}}))
    expect((await start(['--version'])).answered, 'no plugin installed').to.equal(true)
    await writeFile(userPackage, JSON.stringify({oclif: {plugins: [{name: 'hello', root: '/x', type: 'link'}]}}))
    expect((await start(['--version'])).answered, 'a linked plugin').to.equal(false)
    expect((await start(['--help'])).answered, 'a linked plugin').to.equal(false)
    await writeFile(userPackage, '{not json')
    expect((await start(['--version'])).answered, 'an unreadable list of plugins').to.equal(false)
  })

  it('keeps the root help oclif printed and prints it again, for the same terminal only', async () => {
    await startThroughOclif('ROOT HELP\n')
    expect((await stat(keptHelp())).mode % 0o1000).to.equal(0o600)

    for (const argv of [['--help'], []]) {
      expect(await start(argv), argv.join(' ')).to.deep.equal({answered: true, output: 'ROOT HELP\n'})
    }

    process.env.OCLIF_COLUMNS = '132'
    expect((await start(['--help'])).answered, 'another width').to.equal(false)
    delete process.env.OCLIF_COLUMNS
    process.env.NO_COLOR = '1'
    expect((await start(['--help'])).answered, 'no colours').to.equal(false)
    delete process.env.NO_COLOR
    await mkdir(path.join(home, 'config', 'descope-mgmt'), {recursive: true})
    await writeFile(path.join(home, 'config', 'descope-mgmt', 'theme.json'), '{}')
    expect((await start(['--help'])).answered, 'a theme').to.equal(false)
  })

  it('keeps nothing when oclif wrote to stderr or failed', async () => {
    await startThroughOclif('ROOT HELP\n', {stderr: 'Warning: a plugin failed to load\n'})
    await startThroughOclif('ROOT HELP\n', {exitCode: 1})
    const missing = await stat(keptHelp()).then(() => false, (error: NodeJS.ErrnoException) => error.code === 'ENOENT')
    expect(missing, 'no kept help').to.equal(true)
  })
})
