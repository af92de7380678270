import {Flags} from '@oclif/core'

/**
 * `-e` of the commands that run across environments (plan, apply, drift): the global flag made
 * repeatable, plus `--all-environments`. Values are split on commas by `environmentNames`, which
 * also reads DESCOPE_MGMT_ENVIRONMENT (oclif gives a multiple flag's env value as one string).
 */
export const environmentsFlags = {
  environment: Flags.string({
    char: 'e',
    description: 'Environment of the configuration to use; repeat it or separate names with commas to run in several at once (env var DESCOPE_MGMT_ENVIRONMENT).',
    env: 'DESCOPE_MGMT_ENVIRONMENT',
    helpGroup: 'GLOBAL',
    multiple: true,
  }),
  'all-environments': Flags.boolean({default: false, description: 'Run in every environment of the configuration, concurrently.', exclusive: ['environment']}),
}
