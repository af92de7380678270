import {Flags} from '@oclif/core'

/** Flags shared by plan, apply, drift and sync. */
export const planFlags = {
  only: Flags.string({
    description: 'Only these resource kinds (comma-separated or repeated), e.g. tenants,roles.',
    multiple: true,
  }),
  prune: Flags.boolean({default: false, description: 'Also delete live resources that the configuration does not declare.'}),
  'allow-protected': Flags.boolean({default: false, description: 'Also change or delete resources listed in the environment\'s `protect` list.'}),
  'no-color': Flags.boolean({default: false, description: 'Print without colours (also NO_COLOR).'}),
  cached: Flags.boolean({default: false, description: 'Read live state through the response cache instead of fresh from the API.'}),
}

/** Flags of the commands that write: apply, tenant sync. */
export const applyFlags = {
  yes: Flags.boolean({char: 'y', default: false, description: 'Do not ask for confirmation (required when stdin is not a terminal).'}),
  'continue-on-error': Flags.boolean({default: false, description: 'Do every change that can be done and report all failures together, instead of stopping at the first.'}),
  resume: Flags.boolean({default: false, description: 'Continue an apply that was interrupted (crash, Ctrl-C) without repeating finished changes.'}),
}
