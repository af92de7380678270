/* eslint-disable no-template-curly-in-string -- the help shows the ${VAR} syntax */
import {Flags} from '@oclif/core'

import {BaseCommand} from '../../lib/base-command.js'

export default class ConfigSchema extends BaseCommand<typeof ConfigSchema> {
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
  static override enableJsonFlag = false
  static override flags = {
    out: Flags.string({char: 'o', description: 'Write the schema to this file instead of printing it (folders are created).'}),
  }

  public async run(): Promise<void> {
    // zod and the writer load on use, so `--help` stays fast.
    if (this.flags.out === undefined) {
      const {renderJsonSchema} = await import('../../lib/config/schema.js')
      process.stdout.write(renderJsonSchema())
      return
    }

    const {writeJsonSchema} = await import('../../lib/config/report.js')
    const {displayPath} = await import('../../lib/config/source.js')
    const file = await writeJsonSchema(this.flags.out)
    this.log(`Wrote the JSON Schema to ${displayPath(file)}`)
  }
}
