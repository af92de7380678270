import {Flags} from '@oclif/core'

import type {EnvironmentsOutput} from '../lib/environments/run.js'
import type {Plan} from '../lib/plan/types.js'

import {BaseCommand, toCliError} from '../lib/base-command.js'
import {loadRequiredConfig} from '../lib/connection.js'
import {worstExitCode} from '../lib/environments/exit-code.js'
import {environmentsFlags} from '../lib/environments/flags.js'
import {
  planEntry, type PlanEnvironmentEntry, planEnvironments, planSummary,
} from '../lib/environments/read.js'
import {environmentHeading} from '../lib/environments/run.js'
import {selectEnvironments} from '../lib/environments/select.js'
import {ExitCode, InputError} from '../lib/errors.js'
import {computePlan} from '../lib/plan/compute.js'
import {writePlanFile} from '../lib/plan/file.js'
import {planFlags} from '../lib/plan/flags.js'
import {writePrivateFile} from '../lib/private-file.js'
import {selectKinds} from '../lib/resources/index.js'
import {renderEnvironmentsSummary} from '../lib/ui/environments-summary.js'
import {renderPlanMarkdown} from '../lib/ui/plan-markdown.js'
import {renderPlan, useColor} from '../lib/ui/plan-render.js'

const outputDescription = [
  'Format of the plan: text for a terminal, or markdown for a pull-request comment (a summary table, then collapsible details per kind).',
  'With --out, the markdown goes to the file instead of the JSON plan, and the terminal gets the text.',
].join(' ')

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
    {command: '<%= config.bin %> <%= command.id %> -e staging --output markdown --out plan.md', description: 'Write the plan as a pull-request comment to plan.md; the terminal gets the text plan.'},
  ]
  static override flags = {
    ...planFlags,
    ...environmentsFlags,
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

  private async runAcross(environments: string[], kinds: ReturnType<typeof selectKinds>): Promise<EnvironmentsOutput<PlanEnvironmentEntry>> {
    const {out, output} = this.flags
    if (out && output !== 'markdown') {
      throw new InputError('--out saves the plan of one environment, and several were chosen.', {
        hint: 'Run `descope-mgmt plan -e NAME --out FILE` once per environment, use --json for every plan at once, or --output markdown --out FILE for one comment on all of them.',
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
    // One comment for every environment that could be planned; the summary table says which failed.
    const markdown = output === 'markdown'
      ? this.redact(renderPlanMarkdown(runs.filter(run => run.value).map(run => ({environment: run.environment, plan: run.value!}))))
      : undefined
    if (out && markdown !== undefined) await writePrivateFile(out, markdown)
    if (markdown !== undefined && !out && !this.jsonEnabled()) {
      // stdout is the comment; the table (which also names the environments that failed) goes to stderr.
      this.log(markdown.trimEnd())
      this.logToStderr(renderEnvironmentsSummary(summaries, exitCode))
    } else if (!this.jsonEnabled()) {
      const color = useColor(process.stdout, this.flags['no-color'])
      for (const run of runs) {
        this.log(environmentHeading(run.environment, run.value?.projectId))
        this.log(run.value ? renderPlan(run.value, {color}) : `✗ ${run.environment}: ${run.error!.message}${run.error!.hint ? `\nHint: ${run.error!.hint}` : ''}`)
        this.log('')
      }

      this.log(renderEnvironmentsSummary(summaries, exitCode))
      if (out) this.log(`Saved the plans as markdown to ${out}, e.g. for \`gh pr comment --body-file ${out}\`.`)
    }

    const result = {environments: runs.map(run => planEntry(run)), exitCode}
    if (exitCode !== ExitCode.Success) this.exitWith(exitCode, result)
    return result
  }
}
