import {Flags} from '@oclif/core'

import type {EnvironmentsOutput} from '../lib/environments/run.js'
import type {Plan} from '../lib/plan/types.js'

import {BaseCommand, toCliError} from '../lib/base-command.js'
import {loadRequiredConfig} from '../lib/connection.js'
import {environmentHeading} from '../lib/environments/apply.js'
import {worstExitCode} from '../lib/environments/exit-code.js'
import {environmentsFlags} from '../lib/environments/flags.js'
import {
  planEntry, type PlanEnvironmentEntry, planEnvironments, planSummary,
} from '../lib/environments/read.js'
import {selectEnvironments} from '../lib/environments/select.js'
import {ExitCode, InputError} from '../lib/errors.js'
import {computePlan} from '../lib/plan/compute.js'
import {writePlanFile} from '../lib/plan/file.js'
import {planFlags} from '../lib/plan/flags.js'
import {selectKinds} from '../lib/resources/index.js'
import {renderEnvironmentsSummary} from '../lib/ui/environments-summary.js'
import {renderPlan, useColor} from '../lib/ui/plan-render.js'

export default class PlanCommand extends BaseCommand<typeof PlanCommand> {
  static override description = `Reads the live project fresh, compares it with the configuration and prints what apply would change: + create, ~ update (field by field, old → new), - delete (only with --prune).
Exit code 0 when nothing would change, 2 when changes are pending.
With several environments (-e staging -e production, or --all-environments) the plans are computed concurrently and shown one after the other, then a summary table; one that fails does not stop the others. The exit code is then the worst of them: 130, 1, 6, 5, 4, 3, 2, 0 (worst first).`
  static override examples = [
    {command: '<%= config.bin %> <%= command.id %> -e local', description: 'Preview the changes for the local emulator environment.'},
    {command: '<%= config.bin %> <%= command.id %> -e production --out plan.json', description: 'Save the plan to apply exactly it later (apply refuses it if production moved meanwhile).'},
    {command: '<%= config.bin %> <%= command.id %> -e staging --only tenants --prune', description: 'Only tenants, including deletes of tenants the configuration does not declare.'},
    {command: '<%= config.bin %> <%= command.id %> -e staging --json | jq .summary', description: 'The plan as JSON, for scripts and CI.'},
    {command: '<%= config.bin %> <%= command.id %> -e staging -e production', description: 'Plan two environments at once: each plan, then a summary table.'},
    {command: '<%= config.bin %> <%= command.id %> --all-environments --json', description: 'Every environment of the configuration; one JSON entry per environment.'},
  ]
  static override flags = {
    ...planFlags,
    ...environmentsFlags,
    out: Flags.string({char: 'o', description: 'Also write the plan as JSON to this file (mode 0600), for `apply FILE`.'}),
  }
  static override readCache: 'fresh' | 'use' = 'fresh'
  static override summary = 'Show what apply would change.'

  async run(): Promise<EnvironmentsOutput<PlanEnvironmentEntry> | Plan> {
    const kinds = selectKinds(this.flags.only)
    const selection = await selectEnvironments({all: this.flags['all-environments'], flag: this.flags.environment}, () => loadRequiredConfig({config: this.flags.config}))
    if (selection.multiple) return this.runAcross(selection.names as string[], kinds)
    const connection = await this.connect(selection.names[0])
    const plan = await computePlan({
      allowProtected: this.flags['allow-protected'],
      configuredKindsOnly: this.flags.only === undefined,
      connection,
      kinds,
      prune: this.flags.prune,
      tool: this.config.userAgent,
    })
    if (this.flags.out) await writePlanFile(this.flags.out, plan)
    if (!this.jsonEnabled()) {
      this.log(renderPlan(plan, {color: useColor(process.stdout, this.flags['no-color'])}))
      if (this.flags.out) this.log(`Saved the plan to ${this.flags.out}; apply it with \`descope-mgmt apply ${this.flags.out}\`.`)
    }

    if (plan.changes.length > 0) this.exitWith(ExitCode.ChangesPending, plan)
    return plan
  }

  private async runAcross(environments: string[], kinds: ReturnType<typeof selectKinds>): Promise<EnvironmentsOutput<PlanEnvironmentEntry>> {
    if (this.flags.out) {
      throw new InputError('--out saves the plan of one environment, and several were chosen.', {
        hint: 'Run `descope-mgmt plan -e NAME --out FILE` once per environment, or use --json for every plan at once.',
      })
    }

    const runs = await planEnvironments({
      allowProtected: this.flags['allow-protected'],
      configuredKindsOnly: this.flags.only === undefined,
      connect: environment => this.connect(environment),
      environments,
      kinds,
      prune: this.flags.prune,
      toCliError,
      tool: this.config.userAgent,
    })
    const summaries = runs.map(run => planSummary(run))
    const exitCode = worstExitCode(summaries.map(summary => summary.exitCode))
    if (!this.jsonEnabled()) {
      const color = useColor(process.stdout, this.flags['no-color'])
      for (const run of runs) {
        this.log(environmentHeading(run.environment, run.value?.projectId))
        this.log(run.value ? renderPlan(run.value, {color}) : `✗ ${run.environment}: ${run.error!.message}${run.error!.hint ? `\nHint: ${run.error!.hint}` : ''}`)
        this.log('')
      }

      this.log(renderEnvironmentsSummary(summaries, exitCode))
    }

    const result = {environments: runs.map(run => planEntry(run)), exitCode}
    if (exitCode !== ExitCode.Success) this.exitWith(exitCode, result)
    return result
  }
}
