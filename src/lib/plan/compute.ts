import type {DescopeClient} from '../api/types.js'
import type {Connection} from '../connection.js'
import type {ResourceItem, ResourceKind} from '../resources/types.js'
import type {Plan} from './types.js'

import {CliError, ExitCode} from '../errors.js'
import {
  buildPlan, isUnchanged, unchangedLive, type UnchangedLive,
} from './build.js'

/** Reads the live state of the given kinds, concurrently (the client's rate limiter still applies). */
export async function readLive(client: DescopeClient, kinds: ResourceKind[]): Promise<ResourceItem[]> {
  return (await Promise.all(kinds.map(kind => kind.readLive(client)))).flat()
}

/**
 * Reads the live state of the kinds to plan: a live item that has what its desired item asks for
 * leaves only its part of the fingerprint (`unchanged`), as soon as it is read, so that a large
 * project in sync is not held in memory whole. Only the first item of a key is left out: were there
 * another (Descope sends none), the plan would compare it, the last one, as before.
 */
async function readLiveForPlan(client: DescopeClient, kinds: ResourceKind[], desired: ResourceItem[]): Promise<{live: ResourceItem[]; unchanged: UnchangedLive[]}> {
  const unchanged: UnchangedLive[] = []
  const reads = kinds.map(async kind => {
    // The desired items not matched yet, by key (the last of a key, as the plan takes them).
    const pending = new Map(desired.filter(item => item.kind === kind.name).map(item => [item.key, item]))
    return kind.readLive(client, item => {
      const target = pending.get(item.key)
      pending.delete(item.key)
      if (!target || item.kind !== kind.name || !isUnchanged(kind, target, item)) return true
      unchanged.push(unchangedLive(item))
      return false
    })
  })
  return {live: (await Promise.all(reads)).flat(), unchanged}
}

/** The configuration of a connection; commands that compare against it cannot run without one. */
export function requireConfig(connection: Connection): NonNullable<Connection['loaded']> {
  if (!connection.loaded) {
    throw new CliError('This command compares the project with a configuration file, and none was found.', {
      code: 'config_not_found',
      exitCode: ExitCode.InvalidInput,
      hint: 'Run `descope-mgmt init` to write one, or point to it with --config.',
    })
  }

  return connection.loaded
}

export interface ComputePlanOptions {
  connection: Connection
  kinds: ResourceKind[]
  prune: boolean
  allowProtected?: boolean
  tool: string
  /** Desired items instead of the configuration's (restore from a backup, compare two projects). */
  desired?: ResourceItem[]
  /**
   * Manage only the kinds whose section the configuration has (when --only is not given):
   * a file without `roles:` leaves the project's roles alone instead of reporting them as drift.
   */
  configuredKindsOnly?: boolean
}

/** Whether a configuration manages a kind: the kind says, else its section is present. */
export function isConfigured(kind: ResourceKind, sections: Record<string, unknown>): boolean {
  return kind.configured ? kind.configured(sections) : sections[kind.configKey ?? kind.plural] !== undefined
}

/** Desired state (configuration or given items) against fresh live state: the plan. */
export async function computePlan(options: ComputePlanOptions): Promise<Plan> {
  const {connection} = options
  const loaded = options.desired ? connection.loaded : requireConfig(connection)
  const sections = loaded?.config as Record<string, unknown> | undefined
  const kinds = options.configuredKindsOnly && !options.desired ? options.kinds.filter(kind => isConfigured(kind, sections ?? {})) : options.kinds
  const desired = options.desired ?? kinds.flatMap(kind => kind.desired(loaded!.config, {configDir: loaded!.dir}))
  const environment = connection.environmentName ? loaded?.config.environments[connection.environmentName] : undefined
  const {live, unchanged} = await readLiveForPlan(connection.client, kinds, desired)
  return buildPlan({
    allowProtected: options.allowProtected,
    desired,
    environment: connection.environmentName,
    kinds,
    live,
    projectId: connection.projectId,
    protect: environment?.protect,
    prune: options.prune,
    tool: options.tool,
    unchanged,
  })
}
