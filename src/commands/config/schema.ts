/* eslint-disable no-template-curly-in-string -- the help shows the ${VAR} syntax */
import {Command, Errors, Flags} from '@oclif/core'

import {writeJsonSchema} from '../../lib/config/report.js'
import {renderJsonSchema} from '../../lib/config/schema.js'
import {displayPath} from '../../lib/config/source.js'
import {CliError} from '../../lib/errors.js'

export default class ConfigSchema extends Command {
  static override summary = 'Print the JSON Schema of the configuration file.'
  static override description = [
    [
      'The schema (JSON Schema draft-07) gives editors completion, documentation and checks while you edit descope.yaml.',
      'With the YAML extension of VS Code (or any editor using yaml-language-server), add this first line to the file:',
    ].join(' '),
    '  # yaml-language-server: $schema=./schema/descope-mgmt.schema.json',
    'The schema checks each field; `config validate` also checks the rules between fields and resolves ${VAR} variables.',
  ].join('\n\n')
  static override examples = [
    {command: '<%= config.bin %> <%= command.id %>', description: 'Print the schema.'},
    {command: '<%= config.bin %> <%= command.id %> --out schema/descope-mgmt.schema.json', description: 'Write the schema next to your configuration for your editor.'},
  ]
  static override flags = {
    out: Flags.string({char: 'o', description: 'Write the schema to this file instead of printing it (folders are created).'}),
  }

  // Until this command extends BaseCommand: keep the documented exit codes and hints.
  override async catch(error: Error & {exitCode?: number}): Promise<unknown> {
    if (!(error instanceof CliError)) return super.catch(error)
    this.logToStderr(`Error: ${error.message}${error.hint ? `\nHint: ${error.hint}` : ''}`)
    throw Object.assign(new Errors.ExitError(error.exitCode), {skipOclifErrorHandling: true})
  }

  public async run(): Promise<void> {
    const {flags} = await this.parse(ConfigSchema)
    if (flags.out === undefined) {
      process.stdout.write(renderJsonSchema())
      return
    }

    const file = await writeJsonSchema(flags.out)
    this.log(`Wrote the JSON Schema to ${displayPath(file)}`)
  }
}
