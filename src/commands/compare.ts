import {Flags} from '@oclif/core'

import type {Plan} from '../lib/plan/types.js'

import {BaseCommand} from '../lib/base-command.js'
import {ExitCode, InputError} from '../lib/errors.js'
import {computePlan, readLive} from '../lib/plan/compute.js'
import {planFlags} from '../lib/plan/flags.js'
import {selectKinds} from '../lib/resources/index.js'
import {renderPlan, useColor} from '../lib/ui/plan-render.js'

export default class Compare extends BaseCommand<typeof Compare> {
  static override description = `Compares two live projects directly, in the same format as plan: what would change in --to to make it match --from.
Nothing is changed. Exit code 0 when they match, 2 when they differ.`
  static override examples = [
    {command: '<%= config.bin %> <%= command.id %> --from staging --to production', description: 'What differs between staging and production.'},
    {command: '<%= config.bin %> <%= command.id %> --from production --to dev --only tenants', description: 'Only tenants.'},
    {command: '<%= config.bin %> <%= command.id %> --from staging --to production --json', description: 'The differences as a plan in JSON.'},
  ]
  static override flags = {
    from: Flags.string({description: 'Environment whose live state is the reference.', required: true}),
    to: Flags.string({description: 'Environment compared with it.', required: true}),
    'no-color': planFlags['no-color'],
    cached: planFlags.cached,
    only: planFlags.only,
  }
  static override readCache: 'fresh' | 'use' = 'fresh'
  static override summary = 'Compare two live environments.'

  async run(): Promise<Plan> {
    const {from, to} = this.flags
    if (from === to) throw new InputError('--from and --to name the same environment.', {hint: 'Compare two different environments.'})
    const kinds = selectKinds(this.flags.only)
    const [source, target] = await Promise.all([this.connect(from), this.connect(to)])
    const plan = await computePlan({
      allowProtected: true,
      connection: target,
      desired: await readLive(source.client, kinds),
      kinds,
      prune: true,
      tool: this.config.userAgent,
    })
    if (!this.jsonEnabled()) {
      this.log(`Comparing ${from} (${source.projectId}) with ${to} (${target.projectId}): changes that would make ${to} match ${from}.\n`)
      this.log(renderPlan(plan, {color: useColor(process.stdout, this.flags['no-color']), emptyMessage: `No differences: ${to} matches ${from}.`}))
    }

    if (plan.changes.length > 0 || plan.skipped.length > 0) this.exitWith(ExitCode.ChangesPending, plan)
    return plan
  }
}
