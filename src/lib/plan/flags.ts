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
}
