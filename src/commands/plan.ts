import {Flags} from '@oclif/core'

import type {Plan} from '../lib/plan/types.js'

import {BaseCommand} from '../lib/base-command.js'
import {ExitCode} from '../lib/errors.js'
import {computePlan} from '../lib/plan/compute.js'
import {writePlanFile} from '../lib/plan/file.js'
import {planFlags} from '../lib/plan/flags.js'
import {writePrivateFile} from '../lib/private-file.js'
import {selectKinds} from '../lib/resources/index.js'
import {renderPlanMarkdown} from '../lib/ui/plan-markdown.js'
import {renderPlan, useColor} from '../lib/ui/plan-render.js'

const outputDescription = [
  'Format of the plan: text for a terminal, or markdown for a pull-request comment (a summary table, then collapsible details per kind).',
  'With --out, the markdown goes to the file instead of the JSON plan, and the terminal gets the text.',
].join(' ')

export default class PlanCommand extends BaseCommand<typeof PlanCommand> {
  static override description = `Reads the live project fresh, compares it with the configuration and prints what apply would change: + create, ~ update (field by field, old → new), - delete (only with --prune).
Exit code 0 when nothing would change, 2 when changes are pending.`
  static override examples = [
    {command: '<%= config.bin %> <%= command.id %> -e local', description: 'Preview the changes for the local emulator environment.'},
    {command: '<%= config.bin %> <%= command.id %> -e production --out plan.json', description: 'Save the plan to apply exactly it later (apply refuses it if production moved meanwhile).'},
    {command: '<%= config.bin %> <%= command.id %> -e staging --only tenants --prune', description: 'Only tenants, including deletes of tenants the configuration does not declare.'},
    {command: '<%= config.bin %> <%= command.id %> -e staging --json | jq .summary', description: 'The plan as JSON, for scripts and CI.'},
    {command: '<%= config.bin %> <%= command.id %> -e staging --output markdown --out plan.md', description: 'Write the plan as a pull-request comment to plan.md; the terminal gets the text plan.'},
  ]
  static override flags = {
    ...planFlags,
    out: Flags.string({char: 'o', description: 'Also write the plan to this file (mode 0600): as JSON for `apply FILE`, or as markdown with --output markdown.'}),
    output: Flags.option({
      default: 'text',
      description: outputDescription,
      exclusive: ['json'],
      options: ['text', 'markdown'] as const,
    })(),
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
    const {out, output} = this.flags
    // The comment may be posted publicly: any secret this command knows is redacted from it too.
    const markdown = output === 'markdown' ? this.redact(renderPlanMarkdown([{environment: plan.environment, plan}])) : undefined
    if (out) await (markdown === undefined ? writePlanFile(out, plan) : writePrivateFile(out, markdown))
    if (!this.jsonEnabled()) {
      if (markdown !== undefined && !out) this.log(markdown.trimEnd())
      else this.log(renderPlan(plan, {color: useColor(process.stdout, this.flags['no-color'])}))
      if (out) {
        this.log(markdown === undefined
          ? `Saved the plan to ${out}; apply it with \`descope-mgmt apply ${out}\`.`
          : `Saved the plan as markdown to ${out}, e.g. for \`gh pr comment --body-file ${out}\`.`)
      }
    }

    if (plan.changes.length > 0) this.exitWith(ExitCode.ChangesPending, plan)
    return plan
  }
}
