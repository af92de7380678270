/**
 * The connection to the coordination Redis, shared by the lock and the rate budget of a process.
 * Opened on first use (the client is imported then), closed with the process's connections.
 */
import type {RedisClientType} from '@redis/client'

import {redactUrl} from '../cache/settings.js'
import {CliError, ExitCode} from '../errors.js'

/** How long connecting, or any one command, may take before Redis counts as unreachable. */
export const REDIS_TIMEOUT_MS = 3000

export type CoordinationRedis = RedisClientType

/** Redis could not be reached, or stopped answering. The message names the server without its password. */
export class CoordinationUnavailableError extends CliError {
  constructor(url: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message.replaceAll(url, redactUrl(url)) : String(cause)
    super(`The coordination Redis at ${redactUrl(url)} is unavailable: ${reason}.`, {
      code: 'coordination_unavailable',
      exitCode: ExitCode.Unexpected,
      hint: 'Check that the Redis of coordination.url (or DESCOPE_MGMT_REDIS_URL) is running and reachable from here, then run the command again.',
    })
    this.name = 'CoordinationUnavailableError'
  }
}

const clients = new Map<string, Promise<CoordinationRedis>>()

/**
 * The process's client for `url`, connected. No offline queue and no reconnection: a command
 * that cannot reach Redis fails at once with CoordinationUnavailableError instead of waiting.
 */
export async function coordinationRedis(url: string): Promise<CoordinationRedis> {
  let client = clients.get(url)
  if (!client) {
    client = connect(url)
    clients.set(url, client)
    client.catch(() => clients.delete(url))
  }

  return client
}

async function connect(url: string): Promise<CoordinationRedis> {
  const {createClient} = await import('@redis/client')
  const client = createClient({
    disableOfflineQueue: true,
    socket: {connectTimeout: REDIS_TIMEOUT_MS, reconnectStrategy: false},
    url,
  }) as CoordinationRedis
  // Without a listener a dropped connection would be an uncaught 'error' event; failures reach
  // the caller through the command that fails.
  client.on('error', () => {})
  try {
    await client.connect()
  } catch (error) {
    throw new CoordinationUnavailableError(url, error)
  }

  return client
}

/** Closes every coordination client of the process (at exit, and between tests). */
export async function closeCoordinationRedis(): Promise<void> {
  const open = [...clients.values()]
  clients.clear()
  await Promise.all(open.map(async pending => {
    const client = await pending.catch(() => {})
    // A connection Redis dropped is closed already (and `destroy` would throw): nothing to do.
    if (!client?.isOpen) return
    await client.close().catch(() => {
      try {
        client.destroy()
      } catch {
        // Closed meanwhile.
      }
    })
  }))
}
