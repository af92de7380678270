import {Command, Flags} from '@oclif/core'

/**
 * `descope-mgmt hello`: the number of tenants of the chosen environment.
 *
 * A plugin installed by the user has its own copy of every module, so it never imports
 * descope-mgmt: it asks the host for its services (configuration, credentials, cache, the
 * embedded emulator and the HTTP client) through the `descope:services` hook.
 */
export default class Hello extends Command {
  static summary = 'Print the number of tenants of the chosen environment.'
  static description = [
    'An example third-party plugin: it connects through the services of descope-mgmt (the descope:services hook),',
    'so it uses the same configuration, environments, credentials, cache and client as the built-in commands.',
  ].join(' ')
  static examples = [
    {command: '<%= config.bin %> <%= command.id %> -e local', description: 'Count the tenants of the environment "local" of descope.yaml.'},
    {command: 'DESCOPE_PROJECT_ID=P2... DESCOPE_MANAGEMENT_KEY=K2... <%= config.bin %> <%= command.id %>', description: 'Count the tenants of a project given by environment variables.'},
  ]
  static flags = {
    config: Flags.string({char: 'c', description: 'Path of the configuration file.', helpGroup: 'GLOBAL'}),
    environment: Flags.string({
      char: 'e', description: 'Environment of the configuration to use.', env: 'DESCOPE_MGMT_ENVIRONMENT', helpGroup: 'GLOBAL',
    }),
    'project-id': Flags.string({description: 'Descope project id.', helpGroup: 'GLOBAL'}),
    'base-url': Flags.string({description: 'Descope API base URL.', helpGroup: 'GLOBAL'}),
  }

  async run() {
    const {flags} = await this.parse(Hello)
    const {failures, successes} = await this.config.runHook('descope:services', {})
    const services = successes[0]?.result
    if (!services?.connect) {
      this.error(`descope-mgmt did not provide its services${failures[0] ? `: ${failures[0].error.message}` : ''}.`, {exit: 1})
    }

    const connection = await services.connect({
      config: this.config,
      flags: {
        baseUrl: flags['base-url'], config: flags.config, environment: flags.environment, projectId: flags['project-id'],
      },
    }).catch(error => this.error(error.message, {exit: error.exitCode ?? 1, suggestions: error.hint ? [error.hint] : undefined}))
    try {
      const {tenants = []} = await connection.client.request('GET', '/v1/mgmt/tenant/all')
      const where = connection.environmentName ? `environment "${connection.environmentName}"` : `project ${connection.projectId}`
      this.log(`Hello! ${where} has ${tenants.length} ${tenants.length === 1 ? 'tenant' : 'tenants'}.`)
      return {tenants: tenants.length}
    } catch (error) {
      this.error(error.message, {exit: error.exitCode ?? 1, suggestions: error.hint ? [error.hint] : undefined})
    } finally {
      await connection.close()
    }
  }
}
