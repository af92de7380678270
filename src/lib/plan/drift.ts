import type {FieldChange} from './diff.js'
import type {Plan} from './types.js'

export interface DriftReport {
  environment?: string
  projectId: string
  inSync: boolean
  /** Declared in the configuration, absent live. */
  missing: string[]
  /** Live differs from the configuration; `before` is live, `after` the configuration. */
  changed: Array<{id: string; fields: FieldChange[]; detail?: string}>
  /** Live, not declared in the configuration. */
  unmanaged: string[]
}

/**
 * Drift is a plan read the other way round: creates are missing resources, updates changed ones,
 * and live resources outside the configuration are unmanaged.
 */
export function driftFromPlan(plan: Plan, options: {ignoreUnmanaged?: boolean} = {}): DriftReport {
  const missing = plan.changes.filter(change => change.action === 'create').map(change => change.id).sort()
  const changed = [
    ...plan.changes.filter(change => change.action === 'update').map(change => ({fields: change.fields, id: change.id})),
    ...plan.skipped.filter(skip => skip.reason === 'immutable').map(skip => ({detail: skip.detail, fields: [], id: skip.id})),
  ].sort((a, b) => (a.id < b.id ? -1 : 1))
  const unmanaged = options.ignoreUnmanaged ? [] : plan.skipped.filter(skip => skip.reason === 'unmanaged').map(skip => skip.id)
  return {
    changed,
    environment: plan.environment,
    inSync: missing.length + changed.length + unmanaged.length === 0,
    missing,
    projectId: plan.projectId,
    unmanaged,
  }
}
