import type {DescopeClient, DescopeClientOptions, RequestEvents} from './api/types.js'

/**
 * Process-wide services, shared by every command and handed to plugins through the
 * `descope:services` hook. Built lazily: the modules behind them (got, keyv) load on first use,
 * so `--version` and `--help` never pay for them.
 */
export interface DescopeServices {
  /** One client per project and key in this process; the same options give the same client. */
  getClient(options: DescopeClientOptions, events?: RequestEvents): Promise<DescopeClient>
}

function clientKey(options: DescopeClientOptions): string {
  // The key itself is never part of a map key that could be logged; its length and tail suffice
  // to tell two keys apart within one process.
  return [options.baseUrl, options.projectId, options.managementKey.length, options.managementKey.slice(-6)].join('|')
}

export function createServices(): DescopeServices {
  const clients = new Map<string, Promise<DescopeClient>>()
  return {
    getClient(options, events) {
      const key = clientKey(options)
      let client = clients.get(key)
      if (!client) {
        client = import('./api/client.js').then(({createDescopeClient}) => createDescopeClient(options, events))
        clients.set(key, client)
      }

      return client
    },
  }
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
