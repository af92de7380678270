import {Args, Flags} from '@oclif/core'

import type {ApplyOutcome} from '../../lib/apply/run.js'
import type {ThemeDiff} from '../../lib/flows/theme.js'

import {writeFlags} from '../../lib/apply/flags.js'
import {BaseCommand} from '../../lib/base-command.js'
import {readJsonText} from '../../lib/config/json-text.js'
import {InputError} from '../../lib/errors.js'
import {diffThemes, parseThemeText, themeFileReading} from '../../lib/flows/theme.js'
import {buildPlan} from '../../lib/plan/build.js'
import {themeItem, themeKind, themeOfItem} from '../../lib/resources/theme.js'
import {renderThemeDiff} from '../../lib/ui/flow-diff-render.js'

export default class ThemeImport extends BaseCommand<typeof ThemeImport> {
  static override args = {
    file: Args.string({description: 'A theme file as `theme export` writes it.', required: true}),
  }
  static override description = `Replaces the project theme with a file. Without --apply it only shows the style variables that would change, by mode (light, dark) — the default is a dry run.
With --apply: it asks for confirmation (or needs --yes), backs up the current theme, then imports the file with a journal and an audit record.`
  static override examples = [
    {command: '<%= config.bin %> <%= command.id %> theme.json -e staging', description: 'Show which style variables would change.'},
    {command: '<%= config.bin %> <%= command.id %> theme.json -e staging --apply', description: 'Import it after confirming; the current theme is backed up first.'},
  ]
  static override flags = {
    apply: Flags.boolean({default: false, description: 'Import (after confirmation and a backup).', exclusive: ['dry-run']}),
    ...writeFlags,
    'dry-run': Flags.boolean({default: false, description: 'Only show the changes (the default).', exclusive: ['apply']}),
    yes: Flags.boolean({char: 'y', default: false, description: 'Do not ask for confirmation.'}),
  }
  static override readCache: 'fresh' | 'use' = 'fresh'
  static override summary = 'Import the project theme, with a diff and a backup first.'

  async run(): Promise<{diff: ThemeDiff; applied: boolean; backupId?: string; outcome?: ApplyOutcome}> {
    const {file} = this.args
    const text = await readJsonText(file, themeFileReading).catch((error: NodeJS.ErrnoException) => {
      if (error instanceof InputError) throw error
      throw new InputError(`Cannot read ${file}: ${error.code === 'ENOENT' ? 'no such file' : error.message}.`)
    })
    const theme = parseThemeText(file, text)
    const connection = await this.connect()
    const live = await themeKind.readLive(connection.client)
    const diff = diffThemes(themeOfItem(live[0]), theme)
    if (!this.jsonEnabled()) this.log(diff.equal ? '= theme: no changes' : ['~ theme', ...renderThemeDiff(diff, '  ')].join('\n'))
    if (diff.equal || !this.flags.apply) {
      if (!this.jsonEnabled()) this.log(diff.equal ? '\nThe live theme already matches the file: nothing to import.' : `\nDry run: nothing was changed. Import with \`descope-mgmt theme import ${file} --apply\`.`)
      return {applied: false, diff}
    }

    const plan = buildPlan({
      desired: [themeItem(theme)],
      environment: connection.environmentName,
      kinds: [themeKind],
      live,
      projectId: connection.projectId,
      prune: false,
      tool: `descope-mgmt/${this.config.version}`,
    })
    if (!this.jsonEnabled()) this.log('')
    const {applyPlan} = await import('../../lib/apply/run.js')
    const outcome = await applyPlan({
      command: 'theme import --apply',
      config: this.config,
      confirm: (question, yes) => this.confirm(question, yes),
      connection,
      flags: {
        backupDir: this.flags['backup-dir'], lockWaitMs: this.flags['lock-wait'], continueOnError: false, json: this.jsonEnabled(), yes: this.flags.yes,
      },
      kinds: [themeKind],
      log: line => {
        if (!this.jsonEnabled()) this.log(line)
      },
      // Passed only to createBackup, which records any BackupOperation ('import' is one).
      operation: 'import',
      plan,
      redact: text => this.redact(text),
    })
    const json = {
      applied: true, backupId: outcome.backupId, diff, outcome,
    }
    if (outcome.exitCode !== 0) this.exitWith(outcome.exitCode, json)
    return json
  }
}
