import {Args} from '@oclif/core'

import type {EnvironmentsOutput} from '../lib/environments/run.js'

import {writeFlags} from '../lib/apply/flags.js'
import {planAndApply, type PlanAndApplyResult} from '../lib/apply/flow.js'
import {BaseCommand, toCliError} from '../lib/base-command.js'
import {loadRequiredConfig} from '../lib/connection.js'
import {
  applyEntry, type ApplyEnvironmentEntry, applyEnvironments, applySummary,
} from '../lib/environments/apply.js'
import {worstExitCode} from '../lib/environments/exit-code.js'
import {environmentsFlags} from '../lib/environments/flags.js'
import {selectEnvironments} from '../lib/environments/select.js'
import {ExitCode, InputError} from '../lib/errors.js'
import {readPlanFile} from '../lib/plan/file.js'
import {applyFlags, planFlags} from '../lib/plan/flags.js'
import {selectKinds} from '../lib/resources/index.js'
import {renderEnvironmentsSummary} from '../lib/ui/environments-summary.js'
import {useColor} from '../lib/ui/plan-render.js'

export default class Apply extends BaseCommand<typeof Apply> {
  static override args = {
    plan: Args.string({description: 'A plan saved with `plan --out FILE`: applied exactly, and refused if the live project changed since.'}),
  }
  static override description = `Makes the live project match the configuration: shows the plan, asks for confirmation (naming the environment and counting deletes), backs up what it will touch, then applies the changes in dependency order with progress, a journal and an audit record per write.
Deletes happen only with --prune. Exit code 0 when done, 6 when some changes failed (the report says what was done, what failed and what was not started), 130 when interrupted.
With several environments (-e staging -e production, or --all-environments) every plan is shown first and one confirmation covers them all; then they are applied concurrently, each with its own lock, backup, journal and audit records, and one that fails does not stop the others. A progress tree (one branch per environment) and a summary table follow. The exit code is then the worst of them: 130, 1, 6, 5, 4, 3, 2, 0 (worst first). A saved plan (apply FILE) is for one environment only; --resume works per environment.`
  static override examples = [
    {command: '<%= config.bin %> <%= command.id %> -e local', description: 'Apply the configuration to the local emulator environment, after confirming.'},
    {command: '<%= config.bin %> <%= command.id %> -e staging --yes', description: 'In CI: apply without a prompt.'},
    {command: '<%= config.bin %> <%= command.id %> plan.json -e production --yes', description: 'Apply exactly a reviewed plan; refused if production changed since it was made.'},
    {command: '<%= config.bin %> <%= command.id %> -e staging --prune --yes', description: 'Also delete resources the configuration does not declare (protected ones are kept).'},
    {command: '<%= config.bin %> <%= command.id %> -e staging --resume --yes', description: 'Continue after a crash or Ctrl-C without repeating finished changes.'},
    {command: '<%= config.bin %> <%= command.id %> -e staging --continue-on-error --yes', description: 'Do everything possible and report all failures together.'},
    {command: '<%= config.bin %> <%= command.id %> -e staging -e production --yes', description: 'Apply two environments at once, after one confirmation for both.'},
    {command: '<%= config.bin %> <%= command.id %> --all-environments --yes --json', description: 'Every environment of the configuration; one JSON entry per environment.'},
  ]
  static override flags = {
    ...planFlags,
    ...applyFlags,
    ...environmentsFlags,
    ...writeFlags,
  }
  static override readCache: 'fresh' | 'use' = 'fresh'
  static override summary = 'Apply the configuration to an environment.'

  async run(): Promise<EnvironmentsOutput<ApplyEnvironmentEntry> | PlanAndApplyResult> {
    const {flags} = this
    const kinds = selectKinds(flags.only)
    const selection = await selectEnvironments({all: flags['all-environments'], flag: flags.environment}, () => loadRequiredConfig({config: flags.config}))
    if (selection.multiple) return this.runAcross(selection.names as string[], kinds)
    // A bad plan file is refused before anything connects.
    const saved = this.args.plan ? {file: this.args.plan, plan: await readPlanFile(this.args.plan)} : undefined
    const connection = await this.connect(selection.names[0])
    const result = await planAndApply({
      command: 'apply',
      config: this.config,
      configuredKindsOnly: flags.only === undefined,
      connection,
      flags: this.applyRunFlags(useColor(process.stdout, flags['no-color'])),
      kinds,
      operation: 'apply',
      saved,
      ui: this.runUi(),
    })
    if (result.outcome && result.outcome.exitCode !== 0) this.exitWith(result.outcome.exitCode, result)
    return result
  }

  private async runAcross(environments: string[], kinds: ReturnType<typeof selectKinds>): Promise<EnvironmentsOutput<ApplyEnvironmentEntry>> {
    const {flags} = this
    if (this.args.plan) {
      throw new InputError(`${this.args.plan} is the saved plan of one environment, and several were chosen.`, {
        hint: 'Apply it with the one -e it was made for; without a file, apply plans every environment afresh.',
      })
    }

    const results = await applyEnvironments({
      config: this.config,
      configuredKindsOnly: flags.only === undefined,
      connect: environment => this.connect(environment),
      environments,
      flags: this.applyRunFlags(useColor(process.stdout, flags['no-color'])),
      kinds,
      toCliError,
      ui: this.runUi(),
    })
    const summaries = results.map(result => applySummary(result))
    const exitCode = worstExitCode(summaries.map(summary => summary.exitCode))
    if (!this.jsonEnabled()) {
      this.log('')
      this.log(renderEnvironmentsSummary(summaries, exitCode))
    }

    const output = {environments: results.map(result => applyEntry(result)), exitCode}
    if (exitCode !== ExitCode.Success) this.exitWith(exitCode, output)
    return output
  }
}
