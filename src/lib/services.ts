import type {PluginServices, ServiceConnectOptions} from '@descope-mgmt/shared/services'
import type {Config as OclifConfig} from '@oclif/core'

import type {DescopeClient, RequestEvents} from './api/types.js'
import type {CacheStats} from './cache/admin.js'
import type {ReadCache} from './cache/read-cache.js'
import type {CacheSettings} from './cache/settings.js'
import type {ClientOptions, Connection, ConnectionServices} from './connection.js'

import {formatTable} from './ui/output.js'

export type {ClientOptions} from './connection.js'

export type {ServiceConnectOptions} from '@descope-mgmt/shared/services'

/** The persistent read cache of the configuration in use, for `cache stats` and `cache clear`. */
export interface CacheAdmin {
  readonly settings: CacheSettings
  stats(): Promise<CacheStats>
  /** One project's cached answers, or all of them. */
  clear(target?: {baseUrl: string; projectId: string}): Promise<{removed: number; usable: boolean}>
  close(): Promise<void>
}

/**
 * Process-wide services, shared by every command and handed to plugins through the
 * `descope:services` hook (their contract: `PluginServices`). Built lazily: the modules behind
 * them (got, keyv) load on first use, so `--version` and `--help` never pay for them.
 */
export interface DescopeServices extends ConnectionServices, PluginServices {
  /**
   * One client per project, key and cache in this process; the same options give the same client.
   * With a cache, got is imported only when a request has to be sent.
   */
  getClient(options: ClientOptions, events?: RequestEvents): Promise<DescopeClient>
  /** The read cache for these settings, one per process and settings; its store opens on first use. */
  readCache(settings: CacheSettings, options?: {warn?(message: string): void}): Promise<ReadCache>
  /** Connects like the host's commands do (for plugins: `-c`, `-e`, `--no-cache`…). */
  connect(options: ServiceConnectOptions): Promise<Connection>
  /** Statistics and clearing of the persistent read cache (`configFile`: `--config`). */
  cacheAdmin(options: {config: OclifConfig; configFile?: string}): Promise<CacheAdmin>
  /** A table like the host's own: borderless, one line per row, fitted to the terminal's width. */
  formatTable(header: string[], rows: string[][]): string
}

function clientKey(options: ClientOptions): string {
  // The key itself is never part of a map key that could be logged; its length and tail suffice
  // to tell two keys apart within one process.
  return [options.baseUrl, options.projectId, options.managementKey.length, options.managementKey.slice(-6), options.cache?.id ?? '', JSON.stringify(options.retry ?? {})].join('|')
}

export function createServices(): DescopeServices {
  const clients = new Map<string, Promise<DescopeClient>>()
  const caches = new Map<string, Promise<ReadCache>>()
  const services: DescopeServices = {
    async cacheAdmin({config, configFile}) {
      const [{cacheConfigOf, cacheStats, clearCache}, {resolveCacheSettings}, {resolveCoordination}] = await Promise.all([
        import('./cache/admin.js'), import('./cache/settings.js'), import('./coordination/settings.js'),
      ])
      const configured = await cacheConfigOf(configFile)
      // The same store as the commands that read: the coordination Redis unless the cache names another.
      const coordinationUrl = resolveCoordination({cacheDir: config.cacheDir, config: configured.coordination}).url
      const settings = resolveCacheSettings({cacheDir: config.cacheDir, config: configured.cache, coordinationUrl})
      const cache = await services.readCache({...settings, mode: 'use'})
      return {
        clear: target => clearCache(cache, target),
        close: () => cache.close(),
        settings: cache.settings,
        stats: () => cacheStats(cache),
      }
    },
    async connect(options) {
      const {connect} = await import('./connection.js')
      return connect({...options, onSecret: options.onSecret ?? (() => {}), services})
    },
    formatTable(header, rows) {
      return formatTable(rows, header.map((title, index) => ({get: (row: string[]) => row[index], header: title})))
    },
    getClient(options, events) {
      const key = clientKey(options)
      let client = clients.get(key)
      if (!client) {
        const {cache, openBudget, ...clientOptions} = options
        const load = async (): Promise<DescopeClient> => {
          const [{createDescopeClient}, sharedBudget] = await Promise.all([import('./api/client.js'), openBudget?.()])
          return createDescopeClient(sharedBudget ? {...clientOptions, sharedBudget} : clientOptions, events)
        }

        client = cache ? import('./cache/cached-client.js').then(({createCachedClient}) => createCachedClient(clientOptions, cache, load)) : load()
        clients.set(key, client)
      }

      return client
    },
    readCache(settings, options = {}) {
      const {mode, store, ttlMs} = settings
      const key = [store, settings.file, settings.url ?? '', mode, ttlMs, settings.maxEntries, settings.maxBytes].join('|')
      let cache = caches.get(key)
      if (!cache) {
        cache = import('./cache/read-cache.js').then(({ReadCache}) => new ReadCache(settings, {warn: options.warn}))
        caches.set(key, cache)
      }

      return cache
    },
  }
  return services
}

let registered: DescopeServices | undefined

/** Called by the init hook; later calls keep the first registration. */
export function registerServices(services: DescopeServices): void {
  registered ??= services
}

export function getServices(): DescopeServices {
  registered ??= createServices()
  return registered
}
