/**
 * The rate budget of every process that names one Redis: the same sliding log as the in-process
 * limiter, kept as a sorted set of grant times per API host (and budget key), checked and taken
 * atomically by one Lua script that reads the Redis server's clock (TIME), so machines whose
 * clocks disagree still count one window.
 *
 * Not rate-limiter-flexible: its Redis limiters count points per key in a fixed window (a counter
 * that resets `duration` after the key's first consumption), and its maintainer notes there is no
 * easy way to make them rolling. A fixed window lets up to twice the limit through in one
 * window's length around a reset, which Descope's sliding count answers with 429 and a 60 s
 * backoff. Its per-key "block" also cannot express the paced restart after a Retry-After.
 *
 * When Redis fails mid-run the budget moves to this machine's file budget, with one warning: the
 * run goes on (only the processes of this machine then share the limit).
 */
import {randomUUID} from 'node:crypto'

import {redactUrl} from '../cache/settings.js'
import {
  type BudgetLimits, type Reservation, type SharedBudget,
} from './budget.js'
import {coordinationRedis} from './redis.js'

const KEY_PREFIX = 'descope-mgmt:budget:'
/**
 * How long one budget command may take before Redis counts as lost. Generous: a busy process runs
 * its timers late (a long plan blocks the event loop), and a short limit would give up a healthy Redis.
 */
const COMMAND_TIMEOUT_MS = 10_000

/** KEYS: log, paused. ARGV: requests, windowMs, guardMs, member. Returns {granted, waitMs, backoff}. */
const RESERVE_SCRIPT = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local requests = tonumber(ARGV[1])
local span = tonumber(ARGV[2]) + tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - span)
local count = redis.call('ZCARD', KEYS[1])
if count < requests then
  redis.call('ZADD', KEYS[1], now, ARGV[4])
  local newest = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
  redis.call('PEXPIRE', KEYS[1], math.ceil(tonumber(newest[2]) - now + span) + 1000)
  return {1, 0, 0}
end
local slot = redis.call('ZRANGE', KEYS[1], count - requests, count - requests, 'WITHSCORES')
local paused = tonumber(redis.call('GET', KEYS[2]) or '0')
local backoff = 0
if now < paused then backoff = 1 end
return {0, math.max(1, math.ceil(tonumber(slot[2]) + span - now)), backoff}
`

/**
 * KEYS: log, paused. ARGV: waitMs, requests, windowMs, guardMs. Replaces the log by a full window
 * of evenly spaced grants whose oldest leaves at the end of the backoff (see `pausedLog`).
 */
const PAUSE_SCRIPT = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local waitMs = tonumber(ARGV[1])
local requests = tonumber(ARGV[2])
local windowMs = tonumber(ARGV[3])
local guardMs = tonumber(ARGV[4])
local resumeAt = now + waitMs
local paused = tonumber(redis.call('GET', KEYS[2]) or '0')
if resumeAt <= paused then return 0 end
redis.call('DEL', KEYS[1])
local spacing = windowMs / requests
for k = 0, requests - 1 do
  redis.call('ZADD', KEYS[1], resumeAt - windowMs - guardMs + k * spacing, 'backoff:' .. k)
end
redis.call('PEXPIRE', KEYS[1], waitMs + windowMs + 1000)
redis.call('SET', KEYS[2], resumeAt, 'PX', waitMs + 1000)
return 1
`

export interface RedisBudgetOptions {
  url: string
  /** The budget's name: host, and budget key when set (see `budgetName`). */
  name: string
  /** The budget to use once Redis fails (this machine's file budget). */
  fallback(): Promise<SharedBudget>
  warn(message: string): void
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

export class RedisBudget implements SharedBudget {
  readonly description: string
  private fallen?: Promise<SharedBudget>
  private readonly keys: [string, string]
  private readonly options: RedisBudgetOptions

  constructor(options: RedisBudgetOptions) {
    this.options = options
    this.keys = [`${KEY_PREFIX}${options.name}`, `${KEY_PREFIX}${options.name}:paused`]
    this.description = `Redis at ${redactUrl(options.url)}`
  }

  async close(): Promise<void> {
    await (await this.fallen?.catch(() => {}))?.close()
  }

  async pause(waitMs: number, limits: BudgetLimits): Promise<void> {
    const args = [waitMs, limits.requests, limits.windowMs, limits.guardMs].map(value => String(Math.ceil(value)))
    await this.run(
      async redis => {
        await redis.eval(PAUSE_SCRIPT, {arguments: args, keys: this.keys})
      },
      budget => budget.pause(waitMs, limits),
    )
  }

  async reserve(limits: BudgetLimits): Promise<Reservation> {
    const args = [String(limits.requests), String(limits.windowMs), String(limits.guardMs), randomUUID()]
    return this.run(
      async redis => {
        const [granted, waitMs, backoff] = await redis.eval(RESERVE_SCRIPT, {arguments: args, keys: this.keys}) as number[]
        return granted === 1 ? {granted: true} : {granted: false, reason: backoff === 1 ? 'backoff' : 'window', waitMs}
      },
      budget => budget.reserve(limits),
    )
  }

  /** Runs `command` on Redis; once Redis has failed, and from then on, `fallback` on the file budget. */
  private async run<T>(command: (redis: Awaited<ReturnType<typeof coordinationRedis>>) => Promise<T>, fallback: (budget: SharedBudget) => Promise<T>): Promise<T> {
    if (!this.fallen) {
      try {
        // Connecting has its own time limit (coordinationRedis); only the command is timed here.
        const redis = await coordinationRedis(this.options.url)
        return await withTimeout(command(redis), COMMAND_TIMEOUT_MS)
      } catch (error) {
        if (!this.fallen) {
          const reason = (error instanceof Error ? error.message : String(error)).replaceAll(this.options.url, redactUrl(this.options.url))
          this.options.warn(`the rate budget in Redis at ${redactUrl(this.options.url)} failed (${reason}); from now on only the processes of this machine share it.`)
          this.fallen = this.options.fallback()
        }
      }
    }

    return fallback(await this.fallen!)
  }
}
