import {Flags} from '@oclif/core'

import {BaseCommand, toCliError} from '../lib/base-command.js'
import {loadRequiredConfig} from '../lib/connection.js'
import {worstExitCode} from '../lib/environments/exit-code.js'
import {environmentsFlags} from '../lib/environments/flags.js'
import {
  driftEntry, type DriftEnvironmentEntry, driftEnvironments, driftSummary,
} from '../lib/environments/read.js'
import {selectEnvironments} from '../lib/environments/select.js'
import {ExitCode} from '../lib/errors.js'
import {computePlan} from '../lib/plan/compute.js'
import {driftFromPlan, type DriftReport} from '../lib/plan/drift.js'
import {planFlags} from '../lib/plan/flags.js'
import {selectKinds} from '../lib/resources/index.js'
import {renderDrift} from '../lib/ui/drift-render.js'
import {renderEnvironmentsSummary} from '../lib/ui/environments-summary.js'
import {useColor} from '../lib/ui/plan-render.js'

export default class Drift extends BaseCommand<typeof Drift> {
  static override description = `Compares the configuration with the live project and lists resources that are missing, changed, or live but not declared (unmanaged).
Exit code 0 when everything is in sync, 2 when drift is found: made for a scheduled CI job.
With several environments (-e staging -e production, or --all-environments) they are checked concurrently, then a summary table; one that cannot be checked does not stop the others. The exit code is then the worst of them: 130, 1, 6, 5, 4, 3, 2, 0 (worst first).`
  static override examples = [
    {command: '<%= config.bin %> <%= command.id %> -e production', description: 'Check one environment.'},
    {command: '<%= config.bin %> <%= command.id %> --all-environments --json', description: 'Check every environment of the configuration; JSON for a CI report.'},
    {command: '<%= config.bin %> <%= command.id %> -e staging,production', description: 'Check two environments at once.'},
    {command: '<%= config.bin %> <%= command.id %> -e staging --ignore-unmanaged', description: 'Ignore live resources that the configuration does not declare.'},
    {command: '<%= config.bin %> <%= command.id %> -e production || descope-mgmt plan -e production', description: 'In CI: show the plan that would fix the drift.'},
  ]
  static override flags = {
    ...environmentsFlags,
    'ignore-unmanaged': Flags.boolean({default: false, description: 'Do not count live resources that the configuration does not declare.'}),
    'no-color': planFlags['no-color'],
    cached: planFlags.cached,
    only: planFlags.only,
  }
  static override readCache: 'fresh' | 'use' = 'fresh'
  static override summary = 'Detect changes made behind the configuration\'s back.'

  async run(): Promise<{inSync: boolean; exitCode?: number; environments: Array<DriftEnvironmentEntry | DriftReport>}> {
    const kinds = selectKinds(this.flags.only)
    const selection = await selectEnvironments({all: this.flags['all-environments'], flag: this.flags.environment}, () => loadRequiredConfig({config: this.flags.config}))
    if (selection.multiple) return this.runAcross(selection.names as string[], kinds)
    const connection = await this.connect(selection.names[0])
    const plan = await computePlan({
      allowProtected: true,
      configuredKindsOnly: this.flags.only === undefined,
      connection,
      kinds,
      prune: false,
      tool: this.config.userAgent,
    })
    const report = driftFromPlan(plan, {ignoreUnmanaged: this.flags['ignore-unmanaged']})
    if (!this.jsonEnabled()) this.log(renderDrift(report, {color: useColor(process.stdout, this.flags['no-color'])}))
    const result = {environments: [report], inSync: report.inSync}
    if (!result.inSync) {
      if (!this.jsonEnabled()) this.log('\nRun `descope-mgmt plan` to see how apply would fix it.')
      this.exitWith(ExitCode.ChangesPending, result)
    }

    return result
  }

  private async runAcross(environments: string[], kinds: ReturnType<typeof selectKinds>): Promise<{inSync: boolean; exitCode: number; environments: DriftEnvironmentEntry[]}> {
    const runs = await driftEnvironments({
      configuredKindsOnly: this.flags.only === undefined,
      connect: environment => this.connect(environment),
      environments,
      ignoreUnmanaged: this.flags['ignore-unmanaged'],
      kinds,
      toCliError,
      tool: this.config.userAgent,
    })
    const summaries = runs.map(run => driftSummary(run))
    const exitCode = worstExitCode(summaries.map(summary => summary.exitCode))
    const inSync = runs.every(run => run.value?.inSync === true)
    if (!this.jsonEnabled()) {
      const color = useColor(process.stdout, this.flags['no-color'])
      for (const run of runs) {
        // One broken environment must not hide the drift of the others.
        if (run.value) this.log(renderDrift(run.value, {color}))
        else this.logToStderr(`✗ ${run.environment}: could not check: ${this.redact(run.error!.message)}`)
      }

      this.log('')
      this.log(renderEnvironmentsSummary(summaries, exitCode))
      if (runs.some(run => run.value && !run.value.inSync)) this.log('\nRun `descope-mgmt plan -e NAME` to see how apply would fix an environment.')
    }

    const result = {environments: runs.map(run => driftEntry(run)), exitCode, inSync}
    if (exitCode !== ExitCode.Success) this.exitWith(exitCode, result)
    return result
  }
}
