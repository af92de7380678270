import {Flags} from '@oclif/core'

import {BaseCommand, toCliError} from '../lib/base-command.js'
import {loadRequiredConfig} from '../lib/connection.js'
import {type CliError, ExitCode} from '../lib/errors.js'
import {computePlan} from '../lib/plan/compute.js'
import {driftFromPlan, type DriftReport} from '../lib/plan/drift.js'
import {planFlags} from '../lib/plan/flags.js'
import {selectKinds} from '../lib/resources/index.js'
import {renderDrift} from '../lib/ui/drift-render.js'
import {useColor} from '../lib/ui/plan-render.js'

export default class Drift extends BaseCommand<typeof Drift> {
  static override description = `Compares the configuration with the live project and lists resources that are missing, changed, or live but not declared (unmanaged).
Exit code 0 when everything is in sync, 2 when drift is found: made for a scheduled CI job.`
  static override examples = [
    {command: '<%= config.bin %> <%= command.id %> -e production', description: 'Check one environment.'},
    {command: '<%= config.bin %> <%= command.id %> --all-environments --json', description: 'Check every environment of the configuration; JSON for a CI report.'},
    {command: '<%= config.bin %> <%= command.id %> -e staging --ignore-unmanaged', description: 'Ignore live resources that the configuration does not declare.'},
    {command: '<%= config.bin %> <%= command.id %> -e production || descope-mgmt plan -e production', description: 'In CI: show the plan that would fix the drift.'},
  ]
  static override flags = {
    'all-environments': Flags.boolean({default: false, description: 'Check every environment of the configuration.', exclusive: ['environment']}),
    'ignore-unmanaged': Flags.boolean({default: false, description: 'Do not count live resources that the configuration does not declare.'}),
    'no-color': planFlags['no-color'],
    cached: planFlags.cached,
    only: planFlags.only,
  }
  static override readCache: 'fresh' | 'use' = 'fresh'
  static override summary = 'Detect changes made behind the configuration\'s back.'

  async run(): Promise<{inSync: boolean; environments: Array<DriftReport | {environment?: string; error: Record<string, unknown>}>}> {
    const kinds = selectKinds(this.flags.only)
    const names = this.flags['all-environments']
      ? Object.keys((await loadRequiredConfig({config: this.flags.config})).config.environments)
      : [this.flags.environment]
    const reports: DriftReport[] = []
    const failures: Array<{environment?: string; error: CliError}> = []
    for (const name of names) {
      try {
        const connection = await this.connect(name)
        const plan = await computePlan({
          allowProtected: true,
          configuredKindsOnly: this.flags.only === undefined,
          connection,
          kinds,
          prune: false,
          tool: this.config.userAgent,
        })
        const report = driftFromPlan(plan, {ignoreUnmanaged: this.flags['ignore-unmanaged']})
        reports.push(report)
        if (!this.jsonEnabled()) this.log(renderDrift(report, {color: useColor(process.stdout, this.flags['no-color'])}))
      } catch (error) {
        // One broken environment must not hide the drift of the others.
        if (names.length === 1) throw error
        const cliError = toCliError(error as Error)
        failures.push({environment: name, error: cliError})
        if (!this.jsonEnabled()) this.logToStderr(`✗ ${name}: could not check: ${this.redact(cliError.message)}`)
      }
    }

    const result = {
      environments: [...reports, ...failures.map(({environment, error}) => ({environment, error: error.toJSON()}))],
      inSync: reports.every(report => report.inSync) && failures.length === 0,
    }
    if (failures.length > 0) this.exitWith(failures[0].error.exitCode, result)
    if (!result.inSync) {
      if (!this.jsonEnabled()) this.log('\nRun `descope-mgmt plan` to see how apply would fix it.')
      this.exitWith(ExitCode.ChangesPending, result)
    }

    return result
  }
}
