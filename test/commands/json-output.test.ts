import {Config} from '@oclif/core'
import {expect} from 'chai'
import {existsSync} from 'node:fs'
import path from 'node:path'

import {commandOutputs, OUTPUT_SCHEMA_DIR, outputSchemaFile} from '../../src/lib/output-schemas/index.js'
import {repoRoot} from '../helpers/cli.js'

describe('a JSON Schema for the --json output of every command (root package and bundled plugins)', () => {
  let config: Config

  before(async () => {
    config = await Config.load(repoRoot)
  })

  const ours = () => config.commands.filter(command => command.pluginName === 'descope-mgmt' || command.pluginName?.startsWith('@descope-mgmt/'))
  const withJson = () => ours().filter(command => 'json' in command.flags)

  it('finds --json on commands of the root package and of the bundled plugins', () => {
    const ids = withJson().map(command => command.id)
    expect(ids).to.include.members(['tenant:list', 'plan', 'apply', 'cache:stats', 'bench'])
    expect(ids).not.to.include.members(['config:schema', 'quickstart', 'emulator:start'])
  })

  it('each command with a --json flag has a schema and a committed schema/output/<command>.schema.json', () => {
    const missing = withJson()
    .filter(command => !(command.id in commandOutputs) || !existsSync(path.join(repoRoot, OUTPUT_SCHEMA_DIR, outputSchemaFile(command.id))))
    .map(command => command.id)
    expect(missing, `commands with --json but no output schema (add one in src/lib/output-schemas, then \`npm run schema:output\`): ${missing.join(', ')}`).to.deep.equal([])
  })

  it('each output schema belongs to a command that has --json', () => {
    const ids = new Set(withJson().map(command => command.id))
    expect(Object.keys(commandOutputs).filter(id => !ids.has(id))).to.deep.equal([])
  })
})
