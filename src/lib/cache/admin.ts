/** Statistics and clearing of the persistent read cache (`cache stats`, `cache clear`). */
import type {CacheStats, ProjectCacheStats} from '@descope-mgmt/shared/services'

import type {CoordinationConfig} from '../coordination/schema.js'
import type {Envelope, ReadCache, StatsRecord} from './read-cache.js'

import {FAMILIES} from './endpoints.js'
import {KEY_PREFIX, projectScope, statsKey} from './keys.js'
import {type CacheConfig, describeStore} from './settings.js'

export type {CacheStats, ProjectCacheStats} from '@descope-mgmt/shared/services'

function ratio(hits: number, misses: number): null | number {
  return hits + misses === 0 ? null : Math.round((hits / (hits + misses)) * 1000) / 1000
}

/** Reads every entry and counter of the store; `store.usable` is false when it could not be read. */
export async function cacheStats(cache: ReadCache): Promise<CacheStats> {
  const {settings} = cache
  const base = {
    bytes: 0,
    entries: 0,
    hitRatio: null,
    hits: 0,
    maxBytes: settings.maxBytes,
    maxEntries: settings.maxEntries,
    misses: 0,
    projects: [],
    store: {kind: settings.store, location: describeStore(settings), usable: false},
    ttlSeconds: Math.round(settings.ttlMs / 1000),
  }
  const backend = await cache.store()
  if (!backend) return base
  let items
  try {
    items = await backend.items<unknown>()
  } catch {
    return base
  }

  const projects = new Map<string, ProjectCacheStats & {oldest?: number}>()
  const project = (projectId: string, baseUrl: string): ProjectCacheStats & {oldest?: number} => {
    const id = `${baseUrl}|${projectId}`
    let entry = projects.get(id)
    if (!entry) {
      entry = {
        baseUrl, bytes: 0, entries: 0, hitRatio: null, hits: 0, misses: 0, projectId,
      }
      projects.set(id, entry)
    }

    return entry
  }

  for (const item of items) {
    const {key} = item
    if (key.startsWith(KEY_PREFIX.entry)) {
      const envelope = item.value as Partial<Envelope>
      if (typeof envelope?.p !== 'string' || typeof envelope.u !== 'string') continue
      const stats = project(envelope.p, envelope.u)
      stats.entries++
      stats.bytes += item.bytes
      if (typeof envelope.t === 'number') stats.oldest = Math.min(stats.oldest ?? envelope.t, envelope.t)
    } else if (key.startsWith(KEY_PREFIX.stats)) {
      const record = item.value as Partial<StatsRecord>
      if (typeof record?.p !== 'string' || typeof record.u !== 'string') continue
      const stats = project(record.p, record.u)
      stats.hits += record.hits ?? 0
      stats.misses += record.misses ?? 0
    }
  }

  const list = [...projects.values()]
  .map(({oldest, ...stats}) => ({
    ...stats,
    hitRatio: ratio(stats.hits, stats.misses),
    ...(oldest === undefined ? {} : {oldestEntry: new Date(oldest).toISOString()}),
  }))
  .sort((a, b) => a.projectId.localeCompare(b.projectId) || a.baseUrl.localeCompare(b.baseUrl))
  const sum = (field: 'bytes' | 'entries' | 'hits' | 'misses'): number => list.reduce((total, item) => total + item[field], 0)
  const oldest = list.map(item => item.oldestEntry).filter((value): value is string => value !== undefined).sort()[0]
  return {
    ...base,
    bytes: sum('bytes'),
    entries: sum('entries'),
    hitRatio: ratio(sum('hits'), sum('misses')),
    hits: sum('hits'),
    misses: sum('misses'),
    projects: list,
    store: {...base.store, usable: true},
    ...(oldest ? {oldestEntry: oldest} : {}),
  }
}

/**
 * Removes the cached answers (and counters) of one project, or of every project. Cached reads of
 * the project are also invalidated, so a process running meanwhile does not store them again.
 */
export async function clearCache(cache: ReadCache, target?: {baseUrl: string; projectId: string}): Promise<{removed: number; usable: boolean}> {
  const backend = await cache.store()
  if (!backend) return {removed: 0, usable: false}
  try {
    const items = await backend.items<unknown>()
    if (!target) {
      const removed = items.filter(item => item.key.startsWith(KEY_PREFIX.entry)).length
      await backend.clear()
      await backend.flush()
      return {removed, usable: true}
    }

    const scope = projectScope(target.baseUrl, target.projectId)
    await cache.invalidate(scope, FAMILIES)
    const prefix = `${KEY_PREFIX.entry}${scope}:`
    const keys = items.map(item => item.key).filter(key => key.startsWith(prefix))
    await backend.delete([...keys, statsKey(scope)])
    await backend.flush()
    return {removed: keys.length, usable: true}
  } catch {
    return {removed: 0, usable: false}
  }
}

/**
 * The `cache` and `coordination` blocks of the configuration file (`--config`, else the one found
 * from `cwd` up), if any: the coordination Redis is the cache's store when the cache names none.
 */
export async function cacheConfigOf(file?: string, cwd = process.cwd()): Promise<{cache?: CacheConfig; coordination?: CoordinationConfig}> {
  const {findConfigFile, loadConfig} = await import('../config/load.js')
  const found = file ?? (await findConfigFile(cwd))
  if (!found) return {}
  const {config} = await loadConfig({cwd, file: found})
  return {cache: config.cache, coordination: config.coordination}
}
