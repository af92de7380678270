import {Args, Flags} from '@oclif/core'

import type {Plan} from '../../lib/plan/types.js'

import {writeFlags} from '../../lib/apply/flags.js'
import {type ApplyOutcome, applyPlan} from '../../lib/apply/run.js'
import {BackupCommand} from '../../lib/backup/command.js'
import {resourcesFlag} from '../../lib/backup/flags.js'
import {formatCounts, formatTime} from '../../lib/backup/present.js'
import {
  crossTargetWarning, desiredFromBackup, selectRestoreKinds,
} from '../../lib/backup/restore.js'
import {loadBackup} from '../../lib/backup/store.js'
import {ExitCode} from '../../lib/errors.js'
import {computePlan} from '../../lib/plan/compute.js'
import {resourceKinds} from '../../lib/resources/index.js'
import {renderPlan, useColor} from '../../lib/ui/plan-render.js'

export interface RestoreOutput {
  backup: {id: string; path: string; projectId: string; environment?: string; createdAt: string}
  target: {projectId: string; environment?: string}
  /** Loud warnings: restoring into another project or environment, kinds this build cannot restore. */
  warnings: string[]
  plan: Plan
  applied: boolean
  /** What the executor reported, with --apply. */
  outcome?: ApplyOutcome
}

/** renderPlan speaks of "the configuration"; in a restore the desired state is the backup. */
function restoreWording(text: string): string {
  return text
  .replace('the live project matches the configuration.', 'the live project matches the backup.')
  .replaceAll('not in the configuration, kept (use --prune to delete)', 'not in the backup, kept (use --prune to delete)')
  .replace('name them in the configuration to manage them', 'a backup that holds them restores them')
}

export default class BackupRestore extends BackupCommand<typeof BackupRestore> {
  static override args = {
    id: Args.string({description: 'Backup id, or an unambiguous prefix of one.', required: true}),
  }
  static override description = `Verifies the backup's checksums first: a damaged backup is refused, naming the file.
Then compares the backup with the live project and shows the plan exactly like \`plan\`: creates, updates field by field, and deletes (with --prune).
Without --apply this is a dry run: exit code 0 when the project already matches the backup, 2 when changes are pending.
With --apply the plan is executed by the same engine as \`apply\` (rate limits, progress, journal, audit), after a fresh backup of the project.
The target is the project of -e (or DESCOPE_PROJECT_ID); restoring into another project or environment than the backup's works, and says so loudly.`
  static override examples = [
    {command: '<%= config.bin %> <%= command.id %> 20250512T103015Z-manual -e production', description: 'Dry run: show what restoring this backup would change in production.'},
    {command: '<%= config.bin %> <%= command.id %> 20250512T103015Z-manual -e production --apply', description: 'Restore it, after a confirmation prompt.'},
    {command: '<%= config.bin %> <%= command.id %> 20250512T103015Z-manual -e production --resources tenants --prune', description: 'Only tenants, deleting tenants created since the backup.'},
    {command: '<%= config.bin %> <%= command.id %> 20250512T103015Z-manual -e staging', description: 'Preview restoring a production backup into staging (warned loudly).'},
    {command: '<%= config.bin %> <%= command.id %> 20250512T10 -e production --apply --yes --json', description: 'Restore non-interactively (CI), with a JSON result.'},
  ]
  static override flags = {
    'allow-protected': Flags.boolean({default: false, description: 'Also change or delete resources listed in the environment\'s `protect` list.'}),
    apply: Flags.boolean({default: false, description: 'Execute the plan (after a fresh backup).', exclusive: ['dry-run']}),
    ...writeFlags,
    'continue-on-error': Flags.boolean({default: false, description: 'With --apply: do everything possible and report all failures together.', dependsOn: ['apply']}),
    'dry-run': Flags.boolean({default: false, description: 'Only show the plan (the default).', exclusive: ['apply']}),
    'no-color': Flags.boolean({default: false, description: 'Print without colours (also NO_COLOR).'}),
    prune: Flags.boolean({default: false, description: 'Also delete live resources the backup does not have (created since it was taken).'}),
    resources: resourcesFlag,
    yes: Flags.boolean({char: 'y', default: false, description: 'With --apply: do not ask for confirmation.'}),
  }
  /** The plan compares with the live state, never with cached answers. */
  static override readCache: 'fresh' | 'use' = 'fresh'
  static override summary = 'Restore a backup: plan it, then apply it.'

  async run(): Promise<RestoreOutput> {
    const backup = await loadBackup(this.backupRoot(), this.args.id)
    const {metadata} = backup
    const selection = selectRestoreKinds(metadata.resources, this.flags.resources, resourceKinds)
    const connection = await this.connect()
    const source = {environment: metadata.environment, projectId: metadata.projectId}
    const target = {environment: connection.environmentName, projectId: connection.projectId}
    const warnings: string[] = []
    const crossing = crossTargetWarning(backup.id, source, target)
    if (crossing) warnings.push(crossing)
    if (selection.notRestorable.length > 0) {
      warnings.push(`The backup also holds ${selection.notRestorable.join(', ')}, which this build of descope-mgmt cannot restore; they are left out.`)
    }

    // Loud even with --json: stderr, so stdout stays valid JSON.
    for (const warning of warnings) process.stderr.write(`${this.redact(warning)}\n\n`)

    const plan = await computePlan({
      allowProtected: this.flags['allow-protected'],
      connection,
      desired: desiredFromBackup(backup, selection.kinds),
      kinds: selection.kinds,
      prune: this.flags.prune,
      tool: this.config.userAgent,
    })
    const output: RestoreOutput = {
      applied: false,
      backup: {
        createdAt: metadata.createdAt, environment: metadata.environment, id: backup.id, path: backup.path, projectId: metadata.projectId,
      },
      plan,
      target,
      warnings,
    }

    if (!this.jsonEnabled()) {
      const counts = formatCounts(selection.kinds.map(kind => kind.plural), metadata.counts)
      const into = target.environment ? `${target.projectId} (environment "${target.environment}")` : target.projectId
      this.log(`Restore of backup ${backup.id} (taken ${formatTime(metadata.createdAt)} from ${metadata.projectId}; ${counts}) into ${into}:\n`)
      this.log(restoreWording(renderPlan(plan, {color: useColor(process.stdout, this.flags['no-color'])})))
    }

    if (!this.flags.apply) {
      if (plan.changes.length > 0) {
        const environment = this.flags.environment ? ` -e ${this.flags.environment}` : ''
        if (!this.jsonEnabled()) this.log(`\nDry run: nothing was changed. Apply it with \`descope-mgmt backup restore ${backup.id}${environment} --apply\`.`)
        this.exitWith(ExitCode.ChangesPending, output)
      }

      return output
    }

    if (plan.changes.length === 0) return output
    if (!this.jsonEnabled()) this.log('')
    const outcome: ApplyOutcome = await applyPlan({
      command: `backup restore ${backup.id} --apply`,
      config: this.config,
      confirm: (question, yes) => this.confirm(question, yes),
      connection,
      flags: {
        backupDir: this.flags['backup-dir'], lockWaitMs: this.flags['lock-wait'], continueOnError: this.flags['continue-on-error'], json: this.jsonEnabled(), yes: this.flags.yes,
      },
      kinds: selection.kinds,
      log: line => {
        if (!this.jsonEnabled()) this.log(line)
      },
      operation: 'restore',
      plan,
      redact: text => this.redact(text),
    })
    output.outcome = outcome
    output.applied = true
    if (outcome.exitCode !== ExitCode.Success) this.exitWith(outcome.exitCode, output)
    return output
  }
}
