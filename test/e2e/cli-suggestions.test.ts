import {expect} from 'chai'

import {errorOutputSchema} from '../../src/lib/output-schemas/index.js'
import {makeTempHome, runCli} from '../helpers/cli.js'

/** runCli gives the CLI no terminal: stdin and stdout are pipes, as in scripts and CI. */
describe('a mistyped command or flag without a terminal (built CLI)', function () {
  this.timeout(60_000)
  let home: Awaited<ReturnType<typeof makeTempHome>>
  const cli = (...args: string[]) => runCli(args, {cwd: home.dir, env: home.env})

  before(async () => {
    home = await makeTempHome()
  })

  after(async () => {
    await home.cleanup()
  })

  it('names the closest command and the corrected command line, without a prompt, and exits 3', async () => {
    const result = await cli('tenat', 'list', '-e', 'staging', '--name-contains', 'Acme Inc')
    expect(result.code).to.equal(3)
    expect(result.stdout).to.equal('')
    expect(result.stderr).to.equal([
      'Error: "tenat list" is not a descope-mgmt command.',
      'Did you mean "tenant list"? Run:',
      "  descope-mgmt tenant list -e staging --name-contains 'Acme Inc'",
      'Hint: `descope-mgmt help` lists the commands.',
      '',
    ].join('\n'))
  })

  it('keeps the arguments of a mistyped subcommand, and points to the help of its topic', async () => {
    const result = await cli('tenant', 'gt', 'acme', '--json')
    expect(result.code).to.equal(3)
    const {error} = errorOutputSchema.parse(JSON.parse(result.stdout))
    expect(error).to.deep.equal({
      code: 'command_not_found',
      exitCode: 3,
      hint: '`descope-mgmt help tenant` lists the commands of tenant.',
      message: '"tenant gt acme" is not a descope-mgmt command.',
      suggestions: ['descope-mgmt tenant get acme --json'],
    })
  })

  it('suggests a mistyped topic, and only the help when nothing is close', async () => {
    const topic = await cli('bakup')
    expect(topic.code).to.equal(3)
    expect(topic.stderr).to.contain('Did you mean "backup"? Run:\n  descope-mgmt backup\n')
    const nothing = await cli('frobnicate')
    expect(nothing.code).to.equal(3)
    expect(nothing.stderr).to.equal('Error: "frobnicate" is not a descope-mgmt command.\nHint: `descope-mgmt help` lists the commands.\n')
  })

  it('the suggested command line runs', async () => {
    const mistyped = await cli('quickstrat')
    const line = /^ {2}(descope-mgmt .*)$/m.exec(mistyped.stderr)?.[1]
    expect(line).to.equal('descope-mgmt quickstart')
    const corrected = await cli(...line!.split(' ').slice(1))
    expect(corrected.code, corrected.stderr).to.equal(0)
    expect(corrected.stdout).to.contain('descope-mgmt')
  })

  it('an unknown flag names the closest flag of the command (root commands and bundled plugins) and exits 3', async () => {
    const cases: Array<[string[], string]> = [
      [['tenant', 'list', '--nme-contains', 'acme'], 'Did you mean --name-contains?'],
      [['plan', '--prnue'], 'Did you mean --prune?'],
      [['cache', 'stats', '--confg', 'x.yaml'], 'Did you mean --config?'],
      [['cache', 'warm', '--projct-id', 'P2x', '--base-ur', 'http://127.0.0.1:1'], 'Did you mean --project-id or --base-url?'],
      [['bench', '--quik'], 'Did you mean --quick?'],
      [['emulator', 'start', '--prot', '0'], 'Did you mean --port?'],
    ]
    for (const [args, suggestion] of cases) {
      const result = await cli(...args)
      expect(result.code, `${args.join(' ')}\n${result.stderr}`).to.equal(3)
      expect(result.stderr, args.join(' ')).to.contain(suggestion)
    }
  })

  it('an unknown flag with nothing close only points to the help', async () => {
    const result = await cli('tenant', 'list', '--zzzzzz')
    expect(result.code).to.equal(3)
    expect(result.stderr).to.equal('Error: Nonexistent flag: --zzzzzz\nHint: See the command help with --help.\n')
  })
})
