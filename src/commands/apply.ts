import {Args} from '@oclif/core'

import {writeFlags} from '../lib/apply/flags.js'
import {planAndApply, type PlanAndApplyResult} from '../lib/apply/flow.js'
import {BaseCommand} from '../lib/base-command.js'
import {readPlanFile} from '../lib/plan/file.js'
import {applyFlags, planFlags} from '../lib/plan/flags.js'
import {selectKinds} from '../lib/resources/index.js'
import {useColor} from '../lib/ui/plan-render.js'

export default class Apply extends BaseCommand<typeof Apply> {
  static override args = {
    plan: Args.string({description: 'A plan saved with `plan --out FILE`: applied exactly, and refused if the live project changed since.'}),
  }
  static override description = `Makes the live project match the configuration: shows the plan, asks for confirmation (naming the environment and counting deletes), backs up what it will touch, then applies the changes in dependency order with progress, a journal and an audit record per write.
Deletes happen only with --prune. Exit code 0 when done, 6 when some changes failed (the report says what was done, what failed and what was not started), 130 when interrupted.`
  static override examples = [
    {command: '<%= config.bin %> <%= command.id %> -e local', description: 'Apply the configuration to the local emulator environment, after confirming.'},
    {command: '<%= config.bin %> <%= command.id %> -e staging --yes', description: 'In CI: apply without a prompt.'},
    {command: '<%= config.bin %> <%= command.id %> plan.json -e production --yes', description: 'Apply exactly a reviewed plan; refused if production changed since it was made.'},
    {command: '<%= config.bin %> <%= command.id %> -e staging --prune --yes', description: 'Also delete resources the configuration does not declare (protected ones are kept).'},
    {command: '<%= config.bin %> <%= command.id %> -e staging --resume --yes', description: 'Continue after a crash or Ctrl-C without repeating finished changes.'},
    {command: '<%= config.bin %> <%= command.id %> -e staging --continue-on-error --yes', description: 'Do everything possible and report all failures together.'},
  ]
  static override flags = {
    ...planFlags,
    ...applyFlags,
    ...writeFlags,
  }
  static override readCache: 'fresh' | 'use' = 'fresh'
  static override summary = 'Apply the configuration to an environment.'

  async run(): Promise<PlanAndApplyResult> {
    const {flags} = this
    const kinds = selectKinds(flags.only)
    // A bad plan file is refused before anything connects.
    const saved = this.args.plan ? {file: this.args.plan, plan: await readPlanFile(this.args.plan)} : undefined
    const connection = await this.connect()
    const result = await planAndApply({
      command: 'apply',
      config: this.config,
      configuredKindsOnly: flags.only === undefined,
      connection,
      flags: {
        allowProtected: flags['allow-protected'],
        backupDir: flags['backup-dir'],
        lockWaitMs: flags['lock-wait'],
        color: useColor(process.stdout, flags['no-color']),
        continueOnError: flags['continue-on-error'],
        json: this.jsonEnabled(),
        prune: flags.prune,
        resume: flags.resume,
        yes: flags.yes,
      },
      kinds,
      operation: 'apply',
      saved,
      ui: {confirm: (question, yes) => this.confirm(question, yes), log: line => this.log(line), redact: text => this.redact(text)},
    })
    if (result.outcome && result.outcome.exitCode !== 0) this.exitWith(result.outcome.exitCode, result)
    return result
  }
}
