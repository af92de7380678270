import {Flags} from '@oclif/core'

import type {Permission} from '../../lib/api/types.js'

import {loadAllPermissions} from '../../lib/api/permissions.js'
import {BaseCommand} from '../../lib/base-command.js'
import {permissionColumns, sortPermissions} from '../../lib/roles/present.js'
import {formatOutput, type OutputFormat, outputFormats} from '../../lib/ui/output.js'

export default class PermissionList extends BaseCommand<typeof PermissionList> {
  static override description = `Lists the permissions of the project, sorted by name, with Descope's built-in ones (SYSTEM DEFAULT yes).
Built-in permissions exist in every project and are never changed by plan or apply.`
  static override examples = [
    {command: '<%= config.bin %> <%= command.id %> -e local', description: 'List the permissions of the local emulator environment.'},
    {command: '<%= config.bin %> <%= command.id %> -e production --output yaml', description: 'The production permissions as YAML.'},
    {command: '<%= config.bin %> <%= command.id %> -e staging --output csv > permissions.csv', description: 'Export a spreadsheet of the staging permissions.'},
    {command: '<%= config.bin %> <%= command.id %> --json | jq -r \'.[] | select(.systemDefault | not) | .name\'', description: 'The names of the permissions you defined, for scripts.'},
  ]
  static override flags = {
    output: Flags.string({
      char: 'o', default: 'table', description: 'Output format.', options: [...outputFormats],
    }),
  }
  static override summary = 'List permissions.'

  async run(): Promise<Permission[]> {
    const permissions = sortPermissions(await loadAllPermissions(await this.client()))
    if (!this.jsonEnabled()) {
      const format = this.flags.output as OutputFormat
      if (format === 'table' && permissions.length === 0) this.log('No permissions found.')
      else this.log(formatOutput(format, permissions, permissions, permissionColumns))
    }

    return permissions
  }
}
