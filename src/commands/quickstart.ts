import {Command} from '@oclif/core'

import {QUICKSTART} from '../lib/init/quickstart.js'

export default class Quickstart extends Command {
  static override description = QUICKSTART
  static override examples = [
    {command: '<%= config.bin %> <%= command.id %>', description: 'Print the walkthrough.'},
    {command: '<%= config.bin %> help <%= command.id %>', description: 'The same walkthrough, as help.'},
  ]
  static override summary = 'Walk through a first apply on the embedded emulator, then on a real project.'

  async run(): Promise<void> {
    this.log(QUICKSTART.trimEnd())
  }
}
