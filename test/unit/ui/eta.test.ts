import {expect} from 'chai'

import {
  DEFAULT_REQUESTS_PER_ACTION, estimateRemaining, EtaTracker, Ewma, formatDuration, formatEta, requestsFor, smoothEta,
} from '../../../src/lib/ui/eta.js'

describe('ETA', () => {
  describe('estimateRemaining', () => {
    it('is latency-bound when the API is the bottleneck: requests × mean latency ÷ concurrency', () => {
      expect(estimateRemaining({
        concurrency: 4, meanLatencyMs: 100, rateLimitMs: 0, remainingRequests: 40,
      })).to.deep.equal({
        latencyMs: 1000, limitedBy: 'latency', ms: 1000, rateLimitMs: 0,
      })
    })

    it('is rate-limit-bound when the limiter would take longer', () => {
      expect(estimateRemaining({
        concurrency: 4, meanLatencyMs: 100, rateLimitMs: 30_000, remainingRequests: 40,
      })).to.deep.equal({
        latencyMs: 1000, limitedBy: 'rate-limit', ms: 30_000, rateLimitMs: 30_000,
      })
    })

    it('does not count concurrency the last few requests cannot use', () => {
      expect(estimateRemaining({concurrency: 8, meanLatencyMs: 100, remainingRequests: 2}).ms).to.equal(100)
      expect(estimateRemaining({concurrency: 0, meanLatencyMs: 100, remainingRequests: 3}).ms).to.equal(300)
    })

    it('is unknown before the first sample unless the limiter already says', () => {
      expect(estimateRemaining({concurrency: 4, remainingRequests: 10})).to.deep.equal({limitedBy: 'unknown', rateLimitMs: 0})
      expect(estimateRemaining({concurrency: 4, rateLimitMs: 5000, remainingRequests: 10})).to.deep.equal({limitedBy: 'rate-limit', ms: 5000, rateLimitMs: 5000})
    })

    it('is zero when nothing remains', () => {
      expect(estimateRemaining({
        concurrency: 4, meanLatencyMs: 100, rateLimitMs: 9000, remainingRequests: 0,
      })).to.deep.equal({limitedBy: 'done', ms: 0, rateLimitMs: 0})
    })
  })

  it('counts requests per action with a table given as a parameter', () => {
    const changes = [{action: 'create' as const}, {action: 'update' as const}, {action: 'update' as const}, {action: 'delete' as const}]
    expect(requestsFor(changes)).to.equal(4)
    expect(requestsFor(changes, {...DEFAULT_REQUESTS_PER_ACTION, update: 2})).to.equal(6)
  })

  it('averages latency with more weight on recent samples', () => {
    const average = new Ewma(0.5)
    expect(average.value).to.equal(undefined)
    expect(average.add(100)).to.equal(100)
    expect(average.add(200)).to.equal(150)
    expect(average.add(50)).to.equal(100)
    expect(() => new Ewma(0)).to.throw(RangeError)
  })

  it('smooths the displayed ETA: the previous one counted down, blended with the new one', () => {
    expect(smoothEta(undefined, 5000, 0)).to.equal(5000)
    // 10 s shown at t=0, 2 s later 8 s projected; a new raw 18 s moves it only part of the way.
    expect(smoothEta({at: 0, ms: 10_000}, 18_000, 2000, 0.25)).to.equal(10_500)
    expect(smoothEta({at: 0, ms: 1000}, 0, 5000, 0.5)).to.equal(0)
  })

  it('tracks latency per request and asks the limiter for the remaining requests', () => {
    const asked: number[] = []
    const tracker = new EtaTracker({
      alpha: 1,
      concurrency: 2,
      rateLimit: {
        estimateMs(n) {
          asked.push(n)
          return n * 10
        },
        waitTimeMs: () => 0,
      },
      requestsPerAction: {create: 1, delete: 1, update: 2},
    })
    // An update of 2 requests that took 400 ms: 200 ms per request.
    tracker.observe('update', 400)
    expect(tracker.meanLatencyMs).to.equal(200)
    const remaining = [{action: 'create' as const}, {action: 'update' as const}, {action: 'update' as const}]
    expect(tracker.estimate(remaining, 0)).to.deep.equal({
      latencyMs: 500, limitedBy: 'latency', ms: 500, rateLimitMs: 50,
    })
    expect(asked).to.deep.equal([5])
    expect(tracker.estimate([], 100)).to.deep.include({limitedBy: 'done', ms: 0})
  })

  it('formats durations and the ETA, naming the rate limit when it is the bottleneck', () => {
    expect([0, 850, 4210, 12_400, 185_000, 3_720_000].map(ms => formatDuration(ms))).to.deep.equal(['0 ms', '850 ms', '4.2 s', '12 s', '3m 05s', '1h 02m'])
    expect(formatEta({
      latencyMs: 20_000, limitedBy: 'latency', ms: 20_000, rateLimitMs: 0,
    })).to.equal('ETA 20 s')
    expect(formatEta({limitedBy: 'rate-limit', ms: 65_000, rateLimitMs: 65_000})).to.equal('ETA 1m 05s (waiting for rate limit)')
    expect(formatEta({limitedBy: 'unknown', rateLimitMs: 0})).to.equal('ETA estimating…')
  })
})
