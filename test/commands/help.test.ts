import {Config, loadHelpClass} from '@oclif/core'
import {captureOutput} from '@oclif/test'
import {expect} from 'chai'

import {makeTempHome, repoRoot, runCli} from '../helpers/cli.js'

/** The flags every command inherits from BaseCommand, shown under GLOBAL. */
const sharedFlags = new Set(['base-url', 'cache-ttl', 'config', 'environment', 'no-cache', 'project-id'])

type Example = string | {command: string; description?: string}

describe('help of every command (root package and bundled plugins)', () => {
  let config: Config

  before(async () => {
    config = await Config.load(repoRoot)
  })

  const ours = () => config.commands.filter(command => command.pluginName === 'descope-mgmt' || command.pluginName?.startsWith('@descope-mgmt/'))

  it('finds the commands of the root package and of each bundled plugin', () => {
    const plugins = new Set(ours().map(command => command.pluginName))
    expect([...plugins].sort()).to.include.members(['@descope-mgmt/plugin-bench', '@descope-mgmt/plugin-cache', '@descope-mgmt/plugin-emulator', 'descope-mgmt'])
    expect(ours().map(command => command.id)).to.include.members(['init', 'plan', 'apply', 'tenant:list', 'emulator:start'])
  })

  it('gives each command a summary, a description and at least two described examples', () => {
    const problems: string[] = []
    for (const command of ours()) {
      if (!command.summary?.trim()) problems.push(`${command.id}: no summary`)
      if (!command.description?.trim()) problems.push(`${command.id}: no description`)
      const examples = (command.examples ?? []) as Example[]
      if (examples.length < 2) problems.push(`${command.id}: ${examples.length} examples (at least 2)`)
      for (const example of examples) {
        if (typeof example === 'string' || !example.description?.trim()) problems.push(`${command.id}: an example without a description: ${typeof example === 'string' ? example : example.command}`)
      }
    }

    expect(problems, problems.join('\n')).to.deep.equal([])
  })

  it('describes every flag and argument, and groups the shared flags under GLOBAL', () => {
    const problems: string[] = []
    for (const command of ours()) {
      for (const [name, flag] of Object.entries(command.flags)) {
        if (!flag.description?.trim() && !flag.summary?.trim()) problems.push(`${command.id}: --${name} has no description`)
        if (sharedFlags.has(name) && flag.helpGroup !== 'GLOBAL') problems.push(`${command.id}: --${name} is not in the GLOBAL help group`)
      }

      for (const [name, arg] of Object.entries(command.args)) {
        if (!arg.description?.trim()) problems.push(`${command.id}: argument ${name} has no description`)
      }
    }

    expect(problems, problems.join('\n')).to.deep.equal([])
  })

  it('renders --help of every command with its usage, examples and GLOBAL flags', async () => {
    const Help = await loadHelpClass(config)
    const problems: string[] = []
    for (const command of ours()) {
      const {error, stdout} = await captureOutput(() => new Help(config, {stripAnsi: true}).showHelp([command.id]))
      if (error) problems.push(`${command.id}: ${error.message}`)
      for (const section of ['USAGE', 'DESCRIPTION', 'EXAMPLES']) {
        if (!stdout.includes(section)) problems.push(`${command.id}: no ${section} section`)
      }

      if (Object.keys(command.flags).some(name => sharedFlags.has(name)) && !stdout.includes('GLOBAL FLAGS')) problems.push(`${command.id}: no GLOBAL FLAGS section`)
    }

    expect(problems, problems.join('\n')).to.deep.equal([])
  })

  it('autocomplete bash prints the setup instructions', async () => {
    const home = await makeTempHome()
    try {
      const result = await runCli(['autocomplete', 'bash'], {cwd: home.dir, env: home.env})
      expect(result.code, result.stderr).to.equal(0)
      expect(result.stdout).to.contain('Setup Instructions').and.contain('printf "$(descope-mgmt autocomplete script bash)" >> ~/.bashrc')
    } finally {
      await home.cleanup()
    }
  })
})
