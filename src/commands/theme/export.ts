import {Flags} from '@oclif/core'

import {exportTheme, type ThemeDocument} from '../../lib/api/themes.js'
import {BaseCommand} from '../../lib/base-command.js'
import {serialiseTheme} from '../../lib/flows/theme.js'
import {writePrivateFile} from '../../lib/private-file.js'

export default class ThemeExport extends BaseCommand<typeof ThemeExport> {
  static override description = 'Writes the project theme (light and dark style maps, components version, references) as pretty-printed JSON with its keys in a stable order, to a file or to standard output.'
  static override examples = [
    {command: '<%= config.bin %> <%= command.id %> --out theme.json -e staging', description: 'Write the staging theme to theme.json.'},
    {command: '<%= config.bin %> <%= command.id %> -e production | jq .styles.dark', description: 'Print the theme, here only the dark mode styles.'},
  ]
  static override flags = {
    out: Flags.string({char: 'o', description: 'File to write (default: standard output).'}),
  }
  static override summary = 'Export the project theme.'

  async run(): Promise<ThemeDocument | {file: string}> {
    const theme = await exportTheme(await this.client())
    const text = serialiseTheme(theme)
    if (this.flags.out) {
      await writePrivateFile(this.flags.out, text)
      if (!this.jsonEnabled()) this.log(`✓ Theme → ${this.flags.out}`)
      return {file: this.flags.out}
    }

    if (!this.jsonEnabled()) process.stdout.write(text)
    return theme
  }
}
