import type {Hook} from '@oclif/core'

import {type DescopeServices, getServices} from '../../lib/services.js'

declare module '@oclif/core' {
  interface Hooks {
    'descope:services': {options: Record<string, never>; return: DescopeServices}
  }
}

/**
 * Hands the host's services to plugins: `(await config.runHook('descope:services', {})).successes[0].result`.
 * A user-installed plugin has its own copy of every module, so it must not import ours.
 */
const hook: Hook<'descope:services'> = async function () {
  return getServices()
}

export default hook
