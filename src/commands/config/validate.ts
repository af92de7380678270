/* eslint-disable no-template-curly-in-string -- the help shows the ${VAR} syntax */
import type {ValidationReport} from '../../lib/config/report.js'

import {BaseCommand} from '../../lib/base-command.js'
import {ExitCode} from '../../lib/errors.js'

export default class ConfigValidate extends BaseCommand<typeof ConfigValidate> {
  static override summary = 'Check the configuration file and list every problem in it.'
  static override description = [
    [
      'Reads the configuration (--config, or descope.yaml or another supported file found from the current folder up),',
      'replaces ${VAR} variables, and checks it against the schema and the rules between fields:',
      'unique tenant ids, names and domains, parents that exist, no parent cycles.',
    ].join(' '),
    [
      'Every problem is listed, one per line, as file:line:column: field: message (hint),',
      'and the exit code is 3. Nothing is sent to Descope.',
    ].join(' '),
    [
      'With -e, variables of that environment must be set; unset variables of other environments are only warnings.',
      'Without -e, unset variables in environments are warnings.',
    ].join(' '),
  ].join('\n\n')
  static override examples = [
    {command: '<%= config.bin %> <%= command.id %>', description: 'Check the configuration found from the current folder up.'},
    {command: '<%= config.bin %> <%= command.id %> -c examples/descope.yaml -e local', description: 'Check a given file for the environment "local".'},
    {command: 'STAGING_PROJECT_ID=P2... <%= config.bin %> <%= command.id %> -e staging', description: 'Check that everything the "staging" environment needs is set.'},
    {command: '<%= config.bin %> <%= command.id %> --json', description: 'Report as JSON: {valid, file, problems, warnings, counts}.'},
  ]

  public async run(): Promise<ValidationReport> {
    const {formatValidationReport, validateConfigFile} = await import('../../lib/config/report.js')
    const {displayFile, ...report} = await validateConfigFile({environment: this.flags.environment, file: this.flags.config})
    if (!this.jsonEnabled()) {
      const lines = formatValidationReport({...report, displayFile})
      for (const line of lines.stdout) this.log(line)
      for (const line of lines.stderr) this.logToStderr(line)
    }

    // The report is the output, in text and in JSON alike; only the exit code says it failed.
    if (!report.valid) this.exitWith(ExitCode.InvalidInput, report)
    return report
  }
}
