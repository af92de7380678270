import {expect} from 'chai'
import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'

import type {WaitReason} from '../../../src/lib/api/types.js'
import type {SharedBudget} from '../../../src/lib/coordination/budget.js'

import {SlidingWindowRateLimiter} from '../../../src/lib/api/rate-limiter.js'
import {FileBudget} from '../../../src/lib/coordination/budget-file.js'

/** A clock shared by the "processes" of a test: a sleep moves it to its end (if not already past) after pending callbacks ran. */
function autoClock(start = 100_000) {
  let t = start
  return {
    now: () => t,
    sleep(ms: number) {
      const until = t + ms
      return new Promise<void>(resolve => {
        setImmediate(() => {
          t = Math.max(t, until)
          resolve()
        })
      })
    },
  }
}

/** Largest number of times that fall in any window of `windowMs` (a time at `start + windowMs` is outside). */
function busiestWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b)
  let most = 0
  for (const [index, start] of sorted.entries()) {
    most = Math.max(most, sorted.slice(index).filter(time => time < start + windowMs).length)
  }

  return most
}

describe('api rate limiter with a shared budget', function () {
  this.timeout(20_000)
  let dir: string

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'descope-mgmt-shared-limiter-'))
  })

  afterEach(async () => {
    await rm(dir, {force: true, recursive: true})
  })

  const limits = {guardMs: 0, requests: 3, windowMs: 1000}

  it('keeps two processes together within one window: the budget, not each limiter, decides', async () => {
    const clock = autoClock()
    const budget = (): SharedBudget => new FileBudget({file: path.join(dir, 'budget.json'), now: clock.now, warn() {}})
    const processes = [new SlidingWindowRateLimiter(limits, clock), new SlidingWindowRateLimiter(limits, clock)]
    for (const limiter of processes) limiter.shareWith(budget())
    const times: number[] = []
    await Promise.all(processes.flatMap(limiter => Array.from({length: 6}, () => limiter.acquire().then(() => times.push(clock.now())))))
    expect(times).to.have.length(12)
    expect(busiestWindow(times, 1000), 'together they keep to 3 per second').to.equal(3)
    expect(Math.max(...times) - Math.min(...times), 'twelve grants need three more windows').to.be.at.least(3000)
  })

  it('tells the waiters when the shared budget makes them wait, and why', async () => {
    const clock = autoClock()
    const file = path.join(dir, 'budget.json')
    const other = new FileBudget({file, now: clock.now, warn() {}})
    // As another limiter writes it: with the margin of a shared budget (5% of the window).
    await other.pause(5000, {...limits, guardMs: 50})
    const limiter = new SlidingWindowRateLimiter(limits, clock)
    limiter.shareWith(new FileBudget({file, now: clock.now, warn() {}}))
    const waits: Array<[number, WaitReason | undefined]> = []
    const start = clock.now()
    await limiter.acquire({onRateLimitWait: (ms, reason) => waits.push([ms, reason])})
    expect(clock.now() - start, 'another process\'s backoff holds this one too').to.be.at.least(5000)
    expect(waits[0]).to.deep.equal([5000, 'backoff'])
  })

  it('writes its own 429 backoff to the budget, so another process pauses too', async () => {
    const clock = autoClock()
    const file = path.join(dir, 'budget.json')
    const [hit, other] = [new SlidingWindowRateLimiter(limits, clock), new SlidingWindowRateLimiter(limits, clock)]
    hit.shareWith(new FileBudget({file, now: clock.now, warn() {}}))
    other.shareWith(new FileBudget({file, now: clock.now, warn() {}}))
    await hit.acquire()
    const start = clock.now()
    hit.backoff(4000)
    // The pause is written asynchronously; the other process asks a moment later.
    await new Promise(resolve => {
      setTimeout(resolve, 50)
    })
    await other.acquire()
    expect(clock.now() - start).to.be.at.least(4000)
  })

  it('goes on alone when the budget fails against its contract', async () => {
    const clock = autoClock()
    const limiter = new SlidingWindowRateLimiter(limits, clock)
    let calls = 0
    limiter.shareWith({
      async close() {},
      description: 'broken',
      async pause() {},
      async reserve() {
        calls++
        throw new Error('boom')
      },
    })
    for (let i = 0; i < 3; i++) await limiter.acquire()
    expect(calls).to.equal(1)
    expect(limiter.stats().granted).to.equal(3)
  })
})
