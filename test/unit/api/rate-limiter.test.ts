import {expect} from 'chai'

import {
  DEFAULT_RATE_LIMITS, getRateLimiter, hostKey, resetRateLimiters, SlidingWindowRateLimiter,
} from '../../../src/lib/api/rate-limiter.js'

/** A clock whose sleeps advance time after pending callbacks have run (setImmediate). */
function autoClock(start = 0) {
  let t = start
  const sleeps: number[] = []
  return {
    advance(ms: number) {
      t += ms
    },
    now: () => t,
    sleep: (ms: number) =>
      new Promise<void>(resolve => {
        sleeps.push(ms)
        setImmediate(() => {
          t += ms
          resolve()
        })
      }),
    sleeps,
  }
}

/** A clock whose sleeps end only when the test says so. */
function manualClock(start = 0) {
  let t = start
  const pending: Array<{ms: number; resolve: () => void}> = []
  return {
    now: () => t,
    pending,
    set(time: number) {
      t = time
    },
    sleep: (ms: number) =>
      new Promise<void>(resolve => {
        pending.push({ms, resolve})
      }),
    wake() {
      const next = pending.shift()
      next?.resolve()
    },
  }
}

const tick = () => new Promise(resolve => {
  setImmediate(resolve)
})

describe('api rate limiter', () => {
  afterEach(() => resetRateLimiters())

  it('lets `requests` through at once, then waits for the oldest to leave the window', async () => {
    const clock = autoClock()
    const limiter = new SlidingWindowRateLimiter({guardMs: 0, requests: 3, windowMs: 1000}, clock)
    const times: number[] = []
    await Promise.all(Array.from({length: 7}, () =>
      limiter.acquire().then(() => {
        times.push(clock.now())
      })))
    expect(times).to.deep.equal([0, 0, 0, 1000, 1000, 1000, 2000])
  })

  it('slides: a slot frees when its own request leaves the window, not at a fixed boundary', async () => {
    const clock = autoClock()
    const limiter = new SlidingWindowRateLimiter({guardMs: 0, requests: 3, windowMs: 1000}, clock)
    await limiter.acquire() // t=0
    clock.advance(500)
    await limiter.acquire() // t=500
    clock.advance(400)
    await limiter.acquire() // t=900
    const times: number[] = []
    await Promise.all([1, 2, 3].map(() =>
      limiter.acquire().then(() => {
        times.push(clock.now())
      })))
    expect(times).to.deep.equal([1000, 1500, 1900])
    expect(limiter.stats()).to.include({granted: 6, inWindow: 3, waiting: 0})
  })

  it('serves waiters first in, first out, and a newcomer never overtakes a waiter', async () => {
    const clock = manualClock()
    const limiter = new SlidingWindowRateLimiter({guardMs: 0, requests: 1, windowMs: 1000}, clock)
    const order: string[] = []
    await limiter.acquire()
    const b = limiter.acquire().then(() => order.push(`b@${clock.now()}`))
    await tick()
    expect(clock.pending.map(p => p.ms)).to.deep.equal([1000])
    // Time passes, the slot is free, but b is still waiting: c must queue behind it.
    clock.set(1000)
    const c = limiter.acquire().then(() => order.push(`c@${clock.now()}`))
    await tick()
    expect(order).to.deep.equal([])
    clock.wake()
    await b
    await tick()
    expect(order).to.deep.equal(['b@1000'])
    expect(clock.pending.map(p => p.ms)).to.deep.equal([1000])
    clock.set(2000)
    clock.wake()
    await c
    expect(order).to.deep.equal(['b@1000', 'c@2000'])
  })

  it('reports the expected wait through onRateLimitWait only when it must wait', async () => {
    const clock = autoClock()
    const limiter = new SlidingWindowRateLimiter({guardMs: 0, requests: 2, windowMs: 1000}, clock)
    const waits: number[] = []
    const events = {onRateLimitWait: (ms: number) => waits.push(ms)}
    await limiter.acquire(events)
    clock.advance(300)
    await limiter.acquire(events)
    expect(waits).to.deep.equal([])
    await limiter.acquire(events)
    expect(waits).to.deep.equal([700])
    expect(clock.now()).to.equal(1000)
  })

  it('waitTimeMs and estimateMs follow the window and the log', async () => {
    const clock = autoClock()
    const limiter = new SlidingWindowRateLimiter({guardMs: 0, requests: 3, windowMs: 1000}, clock)
    expect(limiter.waitTimeMs()).to.equal(0)
    expect(limiter.estimateMs(0)).to.equal(0)
    expect(limiter.estimateMs(3)).to.equal(0)
    expect(limiter.estimateMs(4)).to.equal(1000)
    expect(limiter.estimateMs(7)).to.equal(2000)
    expect(limiter.estimateMs(601)).to.equal(200_000)

    await limiter.acquire() // t=0
    clock.advance(200)
    await limiter.acquire() // t=200
    clock.advance(200) // now 400, log [0, 200]
    expect(limiter.waitTimeMs()).to.equal(0)
    expect(limiter.estimateMs(1)).to.equal(0)
    expect(limiter.estimateMs(2)).to.equal(600) // waits for 0 to leave: 1000 - 400
    expect(limiter.estimateMs(3)).to.equal(800) // then 200 leaves: 1200 - 400
    expect(limiter.estimateMs(4)).to.equal(1000) // the one sent at 400 leaves at 1400
    expect(limiter.estimateMs(5)).to.equal(1600) // 1000 + 1000 - 400
    await limiter.acquire() // t=400, log full
    expect(limiter.waitTimeMs()).to.equal(600)
  })

  it('estimates match what actually happens', async () => {
    const clock = autoClock()
    const limiter = new SlidingWindowRateLimiter({guardMs: 0, requests: 4, windowMs: 700}, clock)
    await limiter.acquire()
    clock.advance(123)
    await limiter.acquire()
    clock.advance(50)
    const start = clock.now()
    const estimate = limiter.estimateMs(11)
    await Promise.all(Array.from({length: 11}, () => limiter.acquire()))
    expect(clock.now() - start).to.equal(estimate)
  })

  it('counts waiters already queued in estimates', async () => {
    const clock = manualClock()
    const limiter = new SlidingWindowRateLimiter({guardMs: 0, requests: 1, windowMs: 1000}, clock)
    await limiter.acquire()
    const waiting = [limiter.acquire(), limiter.acquire()]
    await tick()
    expect(waiting).to.have.length(2)
    // Two waiters go at 1000 and 2000; a new request at 3000.
    expect(limiter.waitTimeMs()).to.equal(3000)
    expect(limiter.estimateMs(2)).to.equal(4000)
    expect(limiter.stats().waiting).to.equal(2)
  })

  it('waits a guard past the window before reusing a slot: 1% of the window by default, at most 250 ms', async () => {
    const clock = autoClock()
    const limiter = new SlidingWindowRateLimiter({requests: 2, windowMs: 5000}, clock)
    expect(limiter.guardMs).to.equal(50)
    expect(new SlidingWindowRateLimiter({requests: 200, windowMs: 60_000}).guardMs).to.equal(250)
    await limiter.acquire()
    await limiter.acquire()
    // The window alone would free the first slot at 5000: the guard holds it until 5050.
    expect(limiter.waitTimeMs()).to.equal(5050)
    expect(limiter.estimateMs(3)).to.equal(10_100)
    await limiter.acquire()
    expect(clock.now()).to.equal(5050)
    expect(clock.sleeps).to.deep.equal([5050])
  })

  it('rejects nonsense limits', () => {
    expect(() => new SlidingWindowRateLimiter({requests: 0, windowMs: 1000})).to.throw(RangeError)
    expect(() => new SlidingWindowRateLimiter({requests: 1.5, windowMs: 1000})).to.throw(RangeError)
    expect(() => new SlidingWindowRateLimiter({requests: 1, windowMs: 0})).to.throw(RangeError)
  })

  it('shares one limiter per API host, whatever the project, and keeps hosts independent', async () => {
    const clock = autoClock()
    const a1 = getRateLimiter(hostKey('https://api.descope.test/'), {guardMs: 0, requests: 1, windowMs: 1000}, clock)
    const a2 = getRateLimiter(hostKey('https://API.descope.test/v1'), {guardMs: 0, requests: 1, windowMs: 1000}, clock)
    const b = getRateLimiter(hostKey('https://api.eu.descope.test'), {guardMs: 0, requests: 1, windowMs: 1000}, clock)
    const otherPort = getRateLimiter(hostKey('http://127.0.0.1:4000'), {guardMs: 0, requests: 1, windowMs: 1000}, clock)
    expect(a1).to.equal(a2)
    expect(b).to.not.equal(a1)
    expect(otherPort).to.not.equal(getRateLimiter(hostKey('http://127.0.0.1:4001'), {guardMs: 0, requests: 1, windowMs: 1000}, clock))
    await a1.acquire()
    expect(a2.waitTimeMs()).to.equal(1000)
    expect(b.waitTimeMs()).to.equal(0)
    await b.acquire()
    expect(clock.now()).to.equal(0)
    resetRateLimiters()
    expect(getRateLimiter(hostKey('https://api.descope.test'))).to.not.equal(a1)
  })

  it("defaults to Descope's documented 100 requests per 60 s", () => {
    const limiter = getRateLimiter(hostKey('https://api.descope.test'))
    expect({requests: limiter.requests, windowMs: limiter.windowMs}).to.deep.equal({requests: 100, windowMs: 60_000})
    expect(DEFAULT_RATE_LIMITS).to.deep.equal({requests: 100, windowMs: 60_000})
  })

  it('keeps the strictest combination when callers of one host ask for different limits', () => {
    const key = hostKey('https://api.descope.test')
    const limiter = getRateLimiter(key, {requests: 500, windowMs: 60_000})
    getRateLimiter(key, {requests: 100, windowMs: 60_000})
    expect({requests: limiter.requests, windowMs: limiter.windowMs}).to.deep.equal({requests: 100, windowMs: 60_000})
    // A higher limit asked later does not loosen it.
    getRateLimiter(key, {requests: 1000, windowMs: 60_000})
    expect(limiter.requests).to.equal(100)
    // Different shapes: the fewest requests in the longest window respects both.
    getRateLimiter(key, {requests: 10, windowMs: 1000})
    expect({requests: limiter.requests, windowMs: limiter.windowMs}).to.deep.equal({requests: 10, windowMs: 60_000})
  })

  describe("Descope's backoff (429 with Retry-After)", () => {
    it('holds every request until the backoff ends, then paces them one per window/requests, with no burst', async () => {
      const clock = autoClock(10_000)
      const limiter = new SlidingWindowRateLimiter({guardMs: 0, requests: 4, windowMs: 1000}, clock)
      // The window is nearly unused on our side: without the backoff, all of these would go at once.
      await limiter.acquire()
      limiter.backoff(5000)
      const times: number[] = []
      await Promise.all(Array.from({length: 6}, () => limiter.acquire().then(() => times.push(clock.now()))))
      expect(times).to.deep.equal([15_000, 15_250, 15_500, 15_750, 16_000, 16_250])
    })

    it('tells the waiters, and later callers, that they wait for the backoff', async () => {
      const clock = manualClock(0)
      const limiter = new SlidingWindowRateLimiter({guardMs: 0, requests: 1, windowMs: 1000}, clock)
      await limiter.acquire()
      const reasons: Array<{ms: number; reason?: string}> = []
      const record = {
        onRateLimitWait(ms: number, reason?: string) {
          reasons.push({ms, reason})
        },
      }
      const first = limiter.acquire(record)
      expect(reasons).to.deep.equal([{ms: 1000, reason: 'window'}])
      limiter.backoff(60_000)
      expect(reasons[1]).to.deep.equal({ms: 60_000, reason: 'backoff'})
      expect(limiter.reason()).to.equal('backoff')
      const second = limiter.acquire(record)
      expect(reasons[2]).to.deep.equal({ms: 61_000, reason: 'backoff'})
      clock.set(60_000)
      clock.wake()
      await tick()
      await first
      expect(limiter.reason()).to.equal('window')
      clock.set(61_000)
      clock.wake()
      await tick()
      await second
    })

    it('a shorter or equal backoff during a longer one changes nothing', async () => {
      const clock = autoClock(0)
      const limiter = new SlidingWindowRateLimiter({guardMs: 0, requests: 2, windowMs: 1000}, clock)
      limiter.backoff(3000)
      limiter.backoff(1000)
      expect(limiter.waitTimeMs()).to.equal(3000)
      expect(limiter.estimateMs(3)).to.equal(4000)
    })

    it('estimates include the backoff and the paced restart', () => {
      const clock = autoClock(0)
      const limiter = new SlidingWindowRateLimiter({guardMs: 0, requests: 100, windowMs: 60_000}, clock)
      limiter.backoff(60_000)
      expect(limiter.estimateMs(1)).to.equal(60_000)
      expect(limiter.estimateMs(11)).to.equal(66_000)
    })
  })
})
