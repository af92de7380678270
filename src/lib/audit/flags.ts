import {Flags} from '@oclif/core'

import type {AuditFilters} from './log.js'

/** Filters shared by `audit list` and `audit export`. */
export const auditFilterFlags = {
  since: Flags.string({
    description: 'Only records since this long ago (30m, 2h, 7d, 2w) or since an ISO date or time (2024-05-01, 2024-05-01T12:00:00Z).',
  }),
  operation: Flags.string({
    description: 'Only these operations (create, update, delete, import, restore…); comma-separated or repeated.',
    multiple: true,
  }),
  resource: Flags.string({
    description: 'Only resources starting with this text (tenant:acme), or matching a glob with * and ? (tenant:acme-*).',
  }),
  failed: Flags.boolean({description: 'Only failed writes.'}),
}

export interface AuditFilterFlagValues {
  since?: string
  operation?: string[]
  resource?: string
  failed?: boolean
}

export function filtersFromFlags(flags: AuditFilterFlagValues): AuditFilters {
  return {
    failed: flags.failed, operation: flags.operation, resource: flags.resource, since: flags.since,
  }
}

export function hasFilters(flags: AuditFilterFlagValues): boolean {
  return Boolean(flags.since || flags.operation?.length || flags.resource || flags.failed)
}
