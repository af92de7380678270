import {expect} from 'chai'

import {SlidingWindowLimiter} from '../../../plugins/plugin-emulator/src/lib/rate-limiter.js'

describe('emulator sliding-window rate limiter', () => {
  const limit = {requests: 3, windowMs: 10_000}

  it('allows N requests per window and refuses the next with the seconds until a slot frees', () => {
    const limiter = new SlidingWindowLimiter()
    expect([0, 1000, 2000].map(now => limiter.tryAcquire('P', limit, now).allowed)).to.deep.equal([true, true, true])
    expect(limiter.tryAcquire('P', limit, 2500)).to.deep.equal({allowed: false, retryAfterSeconds: 8})
    expect(limiter.tryAcquire('P', limit, 9999)).to.deep.equal({allowed: false, retryAfterSeconds: 1})
  })

  it('does not record refused requests, and frees a slot exactly when the oldest leaves the window', () => {
    const limiter = new SlidingWindowLimiter()
    for (const now of [0, 1000, 2000]) limiter.tryAcquire('P', limit, now)
    for (let now = 3000; now < 10_000; now += 1000) expect(limiter.tryAcquire('P', limit, now).allowed).to.equal(false)
    expect(limiter.tryAcquire('P', limit, 10_000).allowed).to.equal(true)
    expect(limiter.tryAcquire('P', limit, 10_001)).to.deep.equal({allowed: false, retryAfterSeconds: 1})
  })

  it('keeps one window per key, and clear() empties them', () => {
    const limiter = new SlidingWindowLimiter()
    const one = {requests: 1, windowMs: 60_000}
    expect(limiter.tryAcquire('A', one, 0).allowed).to.equal(true)
    expect(limiter.tryAcquire('B', one, 0).allowed).to.equal(true)
    expect(limiter.tryAcquire('A', one, 1).allowed).to.equal(false)
    limiter.clear()
    expect(limiter.tryAcquire('A', one, 2).allowed).to.equal(true)
  })

  it('waits for enough requests to leave when the limit was lowered', () => {
    const limiter = new SlidingWindowLimiter()
    for (const now of [0, 1000, 2000]) limiter.tryAcquire('P', limit, now)
    expect(limiter.tryAcquire('P', {requests: 1, windowMs: 10_000}, 2000)).to.deep.equal({allowed: false, retryAfterSeconds: 10})
  })
})
