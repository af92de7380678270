// bin/run.js starts the CLI through this module, so that it runs the @oclif/core bundled with the commands.
export {execute, run} from '@oclif/core'
