import {Flags} from '@oclif/core'

import type {Plan} from '../lib/plan/types.js'

import {BaseCommand} from '../lib/base-command.js'
import {ExitCode} from '../lib/errors.js'
import {computePlan} from '../lib/plan/compute.js'
import {writePlanFile} from '../lib/plan/file.js'
import {planFlags} from '../lib/plan/flags.js'
import {selectKinds} from '../lib/resources/index.js'
import {renderPlan, useColor} from '../lib/ui/plan-render.js'

export default class PlanCommand extends BaseCommand<typeof PlanCommand> {
  static override description = `Reads the live project fresh, compares it with the configuration and prints what apply would change: + create, ~ update (field by field, old → new), - delete (only with --prune).
Exit code 0 when nothing would change, 2 when changes are pending.`
  static override examples = [
    {command: '<%= config.bin %> <%= command.id %> -e local', description: 'Preview the changes for the local emulator environment.'},
    {command: '<%= config.bin %> <%= command.id %> -e production --out plan.json', description: 'Save the plan to apply exactly it later (apply refuses it if production moved meanwhile).'},
    {command: '<%= config.bin %> <%= command.id %> -e staging --only tenants --prune', description: 'Only tenants, including deletes of tenants the configuration does not declare.'},
    {command: '<%= config.bin %> <%= command.id %> -e staging --json | jq .summary', description: 'The plan as JSON, for scripts and CI.'},
  ]
  static override flags = {
    ...planFlags,
    out: Flags.string({char: 'o', description: 'Also write the plan as JSON to this file (mode 0600), for `apply FILE`.'}),
  }
  static override readCache: 'fresh' | 'use' = 'fresh'
  static override summary = 'Show what apply would change.'

  async run(): Promise<Plan> {
    const kinds = selectKinds(this.flags.only)
    const connection = await this.connect()
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
}
