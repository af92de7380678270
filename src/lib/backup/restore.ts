/**
 * Restore = a plan with the backup as the desired state and the live project as it is now.
 * The plan is computed by the same `buildPlan` as `plan` (through `computePlan` with `desired`),
 * and executed by the same executor as `apply`.
 */
import type {ResourceItem, ResourceKind} from '../resources/types.js'
import type {LoadedBackup} from './store.js'

import {InputError} from '../errors.js'

export interface RestoreSelection {
  /** The kinds to restore, in the order of the registry. */
  kinds: ResourceKind[]
  /** Kinds in the backup that this build cannot restore (not asked for explicitly). */
  notRestorable: string[]
}

/** Splits `--resources a,b --resources c`. */
export function parseResourceNames(values: string[] | undefined): string[] {
  return [...new Set((values ?? []).flatMap(value => value.split(',')).map(value => value.trim()).filter(Boolean))]
}

/**
 * The kinds a restore covers: those asked for (each must be in the backup and known to this
 * build), or every kind of the backup this build knows.
 */
export function selectRestoreKinds(backupResources: string[], requested: string[] | undefined, available: ResourceKind[]): RestoreSelection {
  const names = parseResourceNames(requested)
  const known = available.map(kind => kind.plural)
  if (names.length === 0) {
    const kinds = available.filter(kind => backupResources.includes(kind.plural))
    if (kinds.length === 0) {
      throw new InputError(`The backup holds ${backupResources.join(', ') || 'no resources'}; this build of descope-mgmt can restore only ${known.join(', ')}.`, {
        code: 'nothing_to_restore',
      })
    }

    return {kinds, notRestorable: backupResources.filter(name => !known.includes(name))}
  }

  const notInBackup = names.filter(name => !backupResources.includes(name))
  if (notInBackup.length > 0) {
    throw new InputError(`The backup has no ${notInBackup.join(', ')}: it holds ${backupResources.join(', ') || 'nothing'}.`, {
      code: 'resource_not_in_backup',
      hint: `Use --resources with some of: ${backupResources.join(', ')}.`,
    })
  }

  const unknown = names.filter(name => !known.includes(name))
  if (unknown.length > 0) {
    throw new InputError(`This build of descope-mgmt cannot restore ${unknown.join(', ')} yet.`, {
      code: 'resource_not_restorable',
      hint: `It can restore: ${known.join(', ')}.`,
    })
  }

  return {kinds: available.filter(kind => names.includes(kind.plural)), notRestorable: []}
}

/** The desired state of a restore: the backup's items of the chosen kinds. */
export function desiredFromBackup(backup: Pick<LoadedBackup, 'items'>, kinds: ResourceKind[]): ResourceItem[] {
  return kinds.flatMap(kind => (backup.items[kind.plural] ?? []).filter(item => item.kind === kind.name))
}

export interface RestoreTarget {
  projectId: string
  environment?: string
}

function describe(projectId: string, environment: string | undefined): string {
  return environment ? `project ${projectId} (environment "${environment}")` : `project ${projectId}`
}

/**
 * A warning block when the restore goes somewhere else than where the backup came from (another
 * project, or another environment of the configuration); undefined when it goes back home.
 */
export function crossTargetWarning(id: string, source: RestoreTarget, target: RestoreTarget): string | undefined {
  const otherProject = source.projectId !== target.projectId
  const otherEnvironment = Boolean(source.environment && target.environment && source.environment !== target.environment)
  if (!otherProject && !otherEnvironment) return undefined
  const title = otherProject ? 'RESTORING INTO A DIFFERENT PROJECT' : 'RESTORING INTO A DIFFERENT ENVIRONMENT'
  const lines = [
    `Backup ${id} was taken from ${describe(source.projectId, source.environment)}.`,
    `This restore targets ${describe(target.projectId, target.environment)}.`,
    otherProject
      ? `The plan below makes ${target.projectId} look like the backup of ${source.projectId}. Check the target twice.`
      : 'Both environments use the same project. Check the target twice.',
  ]
  const bar = '!'.repeat(Math.max(title.length + 8, ...lines.map(line => line.length + 4)))
  return [bar, `!!! ${title} !!!`, ...lines.map(line => `! ${line}`), bar].join('\n')
}

/** What `applyPlan` of src/lib/apply/run.ts takes (written by the apply engine). */
