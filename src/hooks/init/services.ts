import type {Hook} from '@oclif/core'

import {createServices, registerServices} from '../../lib/services.js'

/** Registers the lazy service factory; imports nothing heavy (this runs before every command). */
const hook: Hook.Init = async function () {
  registerServices(createServices())
}

export default hook
