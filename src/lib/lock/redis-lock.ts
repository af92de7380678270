/**
 * The project lock on the coordination Redis, so that runners on several machines never write to
 * one project at once. It is Redis's documented lock for a single instance
 * (https://redis.io/docs/latest/develop/use/patterns/distributed-locks/): `SET key value NX PX ttl`
 * takes it, a Lua script that compares the value before `PEXPIRE` renews it every third of the
 * TTL, and one that compares before `DEL` releases it. The value is the holder as JSON (host, pid,
 * command, since when, and a random token), so equal values mean our token.
 *
 * Plain primitives rather than Redlock or redis-semaphore: there is one Redis, not the five
 * independent ones Redlock needs to be worth its cost, and a refused process must read who holds
 * the lock, which those libraries keep as an opaque token.
 *
 * A holder that dies (SIGKILL, a lost machine) stops renewing: the key expires by itself after the
 * TTL and the next process takes it. A holder that cannot renew (Redis unreachable, the key gone
 * or taken) marks its lock `lost`; the apply run then stops before its next change (see
 * src/lib/apply/run.ts). Released on exit: by the run's `finally`, or here on an unhandled
 * SIGINT/SIGTERM. A `process.exit` cannot wait for Redis: the key then expires after the TTL.
 */
import {randomUUID} from 'node:crypto'
import {hostname} from 'node:os'
import {setTimeout as sleep} from 'node:timers/promises'

import {redactUrl} from '../cache/settings.js'
import {
  type CoordinationRedis, coordinationRedis, CoordinationUnavailableError, REDIS_TIMEOUT_MS,
} from '../coordination/redis.js'
import {
  type HeldLock, LockBusyError, type Locker, type LockHolder, LockLostError, type LockRequest,
} from './types.js'

export const REDIS_LOCK_PREFIX = 'descope-mgmt:lock:'

/** Renews only a key that still holds our value (so our token). Returns 1 when renewed. */
const RENEW_SCRIPT = 'if redis.call(\'GET\', KEYS[1]) == ARGV[1] then return redis.call(\'PEXPIRE\', KEYS[1], ARGV[2]) else return 0 end'
/** Deletes only a key that still holds our value. Returns 1 when deleted. */
const RELEASE_SCRIPT = 'if redis.call(\'GET\', KEYS[1]) == ARGV[1] then return redis.call(\'DEL\', KEYS[1]) else return 0 end'

/** A waiting process checks again at least this often (the holder may release before its TTL runs out). */
const MAX_POLL_MS = 500
const MIN_POLL_MS = 25

export interface RedisLockerOptions {
  /** `redis://…`; shown with its password redacted. */
  url: string
  /** How long the lock outlives a holder that stopped renewing it. */
  ttlMs: number
  /** Key prefix (default `descope-mgmt:lock:`). */
  prefix?: string
  /** Release on SIGINT/SIGTERM when nothing else handles them (default true). */
  handleSignals?: boolean
  /** Tests: host name, clock, and the client. */
  host?: string
  now?: () => number
  client?: () => Promise<CoordinationRedis>
}

function parseHolder(text: string | null): LockHolder | undefined {
  if (text === null) return undefined
  try {
    const value = JSON.parse(text) as Partial<LockHolder>
    if (typeof value.pid === 'number' && typeof value.startedAt === 'string' && typeof value.host === 'string') {
      return {command: '', token: '', ...value} as LockHolder
    }
  } catch {
    // Not ours: someone else's value under our key.
  }

  return undefined
}

/** A Redis command that does not answer within REDIS_TIMEOUT_MS counts as Redis being unreachable. */
async function answered<T>(command: Promise<T>, timeoutMs = REDIS_TIMEOUT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs)
  })
  try {
    return await Promise.race([command, timeout])
  } finally {
    clearTimeout(timer)
  }
}

interface RedisLockState {
  client: CoordinationRedis
  key: string
  value: string
  url: string
  ttlMs: number
  now: () => number
  /** When the SET that took the lock was sent: the lease runs from there. */
  confirmedAt: number
}

/** The project lock held on Redis by this process, renewed until `release`. */
export class RedisLock implements HeldLock {
  private released = false
  private lostError: LockLostError | undefined
  private renewing = false
  private confirmedAt: number
  private readonly timer: NodeJS.Timeout
  private readonly listeners: Array<[NodeJS.Signals, () => void]> = []
  private readonly onClientGone: (error?: unknown) => void

  constructor(
    readonly holder: LockHolder,
    private readonly state: RedisLockState,
    handleSignals: boolean,
  ) {
    this.confirmedAt = state.confirmedAt
    this.timer = setInterval(() => {
      this.renew().catch(() => {})
    }, Math.max(1, Math.floor(state.ttlMs / 3)))
    // The run keeps the process alive; the renewal alone must not.
    this.timer.unref()
    // The client never reconnects: once its connection is gone, so is any hope of renewing.
    this.onClientGone = (error?: unknown) => this.markLost(new CoordinationUnavailableError(state.url, error ?? new Error('the connection closed')).message)
    state.client.on('error', this.onClientGone)
    state.client.on('end', this.onClientGone)
    if (handleSignals) {
      for (const signal of ['SIGINT', 'SIGTERM'] as const) {
        const onSignal = () => {
          // Someone else (the apply run) handles the signal: it stops gracefully and releases in
          // its `finally`. Alone, we release, then restore the default: die.
          if (process.listenerCount(signal) > 1) return
          this.release().then(() => process.kill(process.pid, signal), () => {})
        }

        process.on(signal, onSignal)
        this.listeners.push([signal, onSignal])
      }
    }
  }

  get location(): string {
    return `key ${this.state.key} on ${redactUrl(this.state.url)}`
  }

  get isReleased(): boolean {
    return this.released
  }

  /**
   * Set when a renewal failed or the connection to Redis closed, or when the last confirmed
   * renewal is a whole TTL old (a process paused that long may have been taken over).
   */
  get lost(): LockLostError | undefined {
    if (this.released) return undefined
    if (!this.lostError && this.state.now() - this.confirmedAt >= this.state.ttlMs) {
      this.markLost(`it was not renewed within its time to live (${this.state.ttlMs} ms); another process may hold it now`)
    }

    return this.lostError
  }

  /** Deletes the key if it still holds our token. Safe to call more than once; never throws. */
  async release(): Promise<void> {
    if (this.released) return
    this.released = true
    this.stop()
    await answered(this.state.client.eval(RELEASE_SCRIPT, {arguments: [this.state.value], keys: [this.state.key]})).catch(() => {})
  }

  /** One renewal; a failure or a key that holds another value marks the lock lost. */
  async renew(): Promise<void> {
    if (this.renewing || this.released || this.lostError) return
    this.renewing = true
    const sentAt = this.state.now()
    try {
      const renewed = await answered(this.state.client.eval(RENEW_SCRIPT, {arguments: [this.state.value, String(this.state.ttlMs)], keys: [this.state.key]}))
      if (renewed === 1) this.confirmedAt = sentAt
      else this.markLost('its key expired or holds another process\'s token')
    } catch (error) {
      this.markLost(new CoordinationUnavailableError(this.state.url, error).message)
    } finally {
      this.renewing = false
    }
  }

  private markLost(reason: string): void {
    if (this.released || this.lostError) return
    this.lostError = new LockLostError(this.location, reason.replace(/\.$/, ''))
    clearInterval(this.timer)
  }

  private stop(): void {
    clearInterval(this.timer)
    this.state.client.off('error', this.onClientGone)
    this.state.client.off('end', this.onClientGone)
    for (const [signal, listener] of this.listeners.splice(0)) process.off(signal, listener)
  }
}

/** How long a waiting process sleeps before it tries again: until the key expires, or MAX_POLL_MS. */
function pollDelay(keyTtlMs: number, remainingMs: number): number {
  const untilExpiry = keyTtlMs > 0 ? keyTtlMs + 5 : MAX_POLL_MS
  return Math.max(MIN_POLL_MS, Math.min(untilExpiry, MAX_POLL_MS, remainingMs))
}

/** Project locks as keys of the coordination Redis, one per lock name. */
export function redisLocker(options: RedisLockerOptions): Locker<RedisLock> {
  const now = options.now ?? Date.now
  const host = options.host ?? hostname()
  const prefix = options.prefix ?? REDIS_LOCK_PREFIX
  const {ttlMs, url} = options
  const howToFree = `It expires by itself at most ${Math.ceil(ttlMs / 1000)} s after its holder stops (coordination.lockTtl).`

  /** Runs a command; any failure means Redis is unavailable. */
  const call = async <T>(command: () => Promise<T>): Promise<T> => {
    try {
      return await answered(command())
    } catch (error) {
      throw new CoordinationUnavailableError(url, error)
    }
  }

  return {
    async acquire(request: LockRequest): Promise<RedisLock> {
      const client = await (options.client ?? (() => coordinationRedis(url)))()
      const key = `${prefix}${request.name}`
      const location = `key ${key} on ${redactUrl(url)}`
      const deadline = now() + (request.waitMs ?? 0)
      let waiting = false
      for (;;) {
        const holder: LockHolder = {
          command: request.command, host, pid: process.pid, startedAt: new Date(now()).toISOString(), token: randomUUID(),
        }
        const value = JSON.stringify(holder)
        const sentAt = now()
        const taken = await call(() => client.set(key, value, {condition: 'NX', expiration: {type: 'PX', value: ttlMs}}))
        if (taken === 'OK') {
          return new RedisLock(holder, {
            client, confirmedAt: sentAt, key, now, ttlMs, url, value,
          }, options.handleSignals ?? true)
        }

        const [current, keyTtlMs] = await call(() => Promise.all([client.get(key), client.pTTL(key)]))
        // Expired or released between the two commands: try again at once.
        if (current === null) continue
        const other = parseHolder(current)
        if (now() >= deadline) throw new LockBusyError(location, other, other?.host === host, {howToFree, shared: true})
        if (!waiting) request.onWait?.(other)
        waiting = true
        await sleep(pollDelay(keyTtlMs, deadline - now()))
      }
    },
  }
}
