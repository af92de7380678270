import {Flags} from '@oclif/core'

import {writeFlags} from '../../lib/apply/flags.js'
import {planAndApply, type PlanAndApplyResult} from '../../lib/apply/flow.js'
import {BaseCommand} from '../../lib/base-command.js'
import {ExitCode} from '../../lib/errors.js'
import {computePlan} from '../../lib/plan/compute.js'
import {applyFlags, planFlags} from '../../lib/plan/flags.js'
import {selectKinds} from '../../lib/resources/index.js'
import {renderPlan, useColor} from '../../lib/ui/plan-render.js'

export default class TenantSync extends BaseCommand<typeof TenantSync> {
  static override description = `Makes the tenants of the live project match the configuration; the same engine as plan and apply, limited to tenants.
Without --apply it is a dry run: it prints the changes and exits 2 when there are some.`
  static override examples = [
    {command: '<%= config.bin %> <%= command.id %> -e staging --dry-run', description: 'Preview the tenant changes.'},
    {command: '<%= config.bin %> <%= command.id %> -e staging --apply', description: 'Apply them after confirming.'},
    {command: '<%= config.bin %> <%= command.id %> -e staging --apply --yes', description: 'Apply without prompting (CI).'},
    {command: '<%= config.bin %> <%= command.id %> -e staging --apply --prune --yes', description: 'Also delete tenants the configuration does not declare (protected ones are kept).'},
    {command: '<%= config.bin %> <%= command.id %> -e staging --apply --resume --yes', description: 'Resume an interrupted sync without repeating finished changes.'},
  ]
  static override flags = {
    'dry-run': Flags.boolean({default: false, description: 'Only show the changes (the default).', exclusive: ['apply']}),
    apply: Flags.boolean({default: false, description: 'Make the changes.', exclusive: ['dry-run']}),
    prune: planFlags.prune,
    'allow-protected': planFlags['allow-protected'],
    'no-color': planFlags['no-color'],
    ...applyFlags,
    ...writeFlags,
  }
  static override readCache: 'fresh' | 'use' = 'fresh'
  static override summary = 'Sync tenants from the configuration.'

  async run(): Promise<PlanAndApplyResult> {
    const {flags} = this
    const kinds = selectKinds(['tenants'])
    const connection = await this.connect()
    const color = useColor(process.stdout, flags['no-color'])
    if (!flags.apply) {
      const plan = await computePlan({
        allowProtected: flags['allow-protected'], connection, kinds, prune: flags.prune, tool: this.config.userAgent,
      })
      if (!this.jsonEnabled()) {
        this.log(renderPlan(plan, {color}))
        if (plan.changes.length > 0) this.log(`\nDry run: nothing was changed. Apply with \`descope-mgmt tenant sync${connection.environmentName ? ` -e ${connection.environmentName}` : ''} --apply\`.`)
      }

      if (plan.changes.length > 0) this.exitWith(ExitCode.ChangesPending, {plan})
      return {plan}
    }

    const result = await planAndApply({
      command: 'tenant sync --apply',
      config: this.config,
      configuredKindsOnly: false,
      connection,
      flags: this.applyRunFlags(color),
      kinds,
      operation: 'sync',
      ui: this.runUi(),
    })
    if (result.outcome && result.outcome.exitCode !== 0) this.exitWith(result.outcome.exitCode, result)
    return result
  }
}
