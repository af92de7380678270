import {expect} from 'chai'

import {
  type Fault,
  formatFault,
  formatLatency,
  formatRateLimit,
  KnobError,
  Knobs,
  parseFault,
  parseFaultString,
  parseLatency,
  parseRateLimit,
  routeMatches,
} from '../../../plugins/plugin-emulator/src/lib/knobs.js'

describe('emulator knobs', () => {
  describe('latency', () => {
    const cases: Array<[Parameters<typeof parseLatency>[0], ReturnType<typeof parseLatency>]> = [
      ['50ms', {maxMs: 50, minMs: 50}],
      ['20-80ms', {maxMs: 80, minMs: 20}],
      ['1s', {maxMs: 1000, minMs: 1000}],
      ['1s-2s', {maxMs: 2000, minMs: 1000}],
      ['2000', {maxMs: 2000, minMs: 2000}],
      [75, {maxMs: 75, minMs: 75}],
      [{maxMs: 9, minMs: 3}, {maxMs: 9, minMs: 3}],
      ['off', undefined],
      [null, undefined],
      [0, undefined],
    ]
    for (const [input, expected] of cases) {
      it(`reads ${JSON.stringify(input)}`, () => {
        expect(parseLatency(input)).to.deep.equal(expected)
      })
    }

    for (const bad of ['fast', '80-20ms', '-5ms', '5 parsecs', {maxMs: 1, minMs: 2}, -1]) {
      it(`refuses ${JSON.stringify(bad)}`, () => {
        expect(() => parseLatency(bad as never)).to.throw(KnobError, /latency/)
      })
    }

    it('formats fixed and ranged values', () => {
      expect([formatLatency({maxMs: 50, minMs: 50}), formatLatency({maxMs: 80, minMs: 20}), formatLatency()]).to.deep.equal(['50ms', '20-80ms', 'off'])
    })
  })

  describe('rate limit', () => {
    it('reads N/window with ms, s and m, and the object forms', () => {
      expect(parseRateLimit('200/60s')).to.deep.equal({requests: 200, windowMs: 60_000})
      expect(parseRateLimit('5/500ms')).to.deep.equal({requests: 5, windowMs: 500})
      expect(parseRateLimit('1000/1m')).to.deep.equal({requests: 1000, windowMs: 60_000})
      expect(parseRateLimit({requests: 3, windowMs: 10})).to.deep.equal({requests: 3, windowMs: 10})
      expect(parseRateLimit({requests: 3, windowSeconds: 2})).to.deep.equal({requests: 3, windowMs: 2000})
      expect(parseRateLimit('100/60s,backoff=60s')).to.deep.equal({backoffMs: 60_000, requests: 100, windowMs: 60_000})
      expect(parseRateLimit({backoffSeconds: 30, requests: 3, windowSeconds: 2})).to.deep.equal({backoffMs: 30_000, requests: 3, windowMs: 2000})
      expect(parseRateLimit('off')).to.equal(null)
      expect(parseRateLimit(null)).to.equal(null)
    })

    for (const bad of ['200', '200/60', '0/60s', 'x/60s', '200/s', '1.5/60s', {requests: 0, windowMs: 10}, '100/60s,backoff=', '100/60s,backoff=x', '100/60s,wait=1s']) {
      it(`refuses ${JSON.stringify(bad)}`, () => {
        expect(() => parseRateLimit(bad as never)).to.throw(KnobError, /rate.limit/)
      })
    }

    it('formats whole seconds as seconds and anything else in ms', () => {
      expect([formatRateLimit({requests: 200, windowMs: 60_000}), formatRateLimit({requests: 5, windowMs: 1500}), formatRateLimit()]).to.deep.equal(['200/60s', '5/1500ms', 'off'])
      expect(formatRateLimit({backoffMs: 60_000, requests: 100, windowMs: 60_000})).to.equal('100/60s,backoff=60s')
    })
  })

  describe('faults', () => {
    const cases: Array<[string, Fault]> = [
      ['503:POST /v1/mgmt/tenant/create:3', {
        action: {status: 503, type: 'status'}, probability: 1, remaining: 3, route: 'POST /v1/mgmt/tenant/create',
      }],
      ['reset:*:p=0.05', {action: {type: 'reset'}, probability: 0.05, route: '*'}],
      ['slow=2000:*:1', {
        action: {delayMs: 2000, type: 'slow'}, probability: 1, remaining: 1, route: '*',
      }],
      ['slow=2s:/v1/mgmt/flow/*', {action: {delayMs: 2000, type: 'slow'}, probability: 1, route: '/v1/mgmt/flow/*'}],
      ['429:*:2,p=0.5,project=P2X', {
        action: {status: 429, type: 'status'}, probability: 0.5, projectId: 'P2X', remaining: 2, route: '*',
      }],
    ]
    for (const [spec, expected] of cases) {
      it(`reads "${spec}" and formats it back`, () => {
        const fault = parseFaultString(spec)
        expect(fault).to.deep.equal(expected)
        expect(parseFaultString(formatFault(fault))).to.deep.equal(fault)
      })
    }

    it('reads the object forms, with status as the default type', () => {
      expect(parseFault({probability: 0.1, status: 503})).to.deep.equal({action: {status: 503, type: 'status'}, probability: 0.1, route: '*'})
      expect(parseFault({count: 3, route: 'POST /v1/mgmt/tenant/create', status: 503})).to.deep.include({remaining: 3})
      expect(parseFault({delayMs: 10, type: 'slow'}).action).to.deep.equal({delayMs: 10, type: 'slow'})
      expect(parseFault({type: 'reset'}).action).to.deep.equal({type: 'reset'})
    })

    const bad: Array<[string, RegExp]> = [
      ['503', /ACTION:ROUTE/],
      ['503:*:1:2', /ACTION:ROUTE/],
      ['teapot:*', /action "teapot"/],
      ['200:*', /400-599/],
      ['503:tenant', /must be \*, a path/],
      ['503:FETCH /x', /unknown method/],
      ['503:*:0', /at least 1/],
      ['503:*:p=0', /\(0, 1]/],
      ['503:*:p=', /condition/],
      ['503:*:soon', /condition "soon"/],
      ['slow=later:*', /delay/],
    ]
    for (const [spec, message] of bad) {
      it(`refuses "${spec}"`, () => {
        expect(() => parseFaultString(spec)).to.throw(KnobError, message)
      })
    }

    it('refuses object faults of an unknown type or without a delay', () => {
      expect(() => parseFault({type: 'explode' as never})).to.throw(KnobError, /type "explode"/)
      expect(() => parseFault({type: 'slow'})).to.throw(KnobError, /delayMs/)
    })
  })

  describe('routeMatches', () => {
    const cases: Array<[string, string, string, boolean]> = [
      ['*', 'GET', '/anything', true],
      ['/v1/mgmt/tenant/create', 'POST', '/v1/mgmt/tenant/create', true],
      ['/v1/mgmt/tenant/create', 'POST', '/v1/mgmt/tenant/created', false],
      ['POST /v1/mgmt/tenant/create', 'GET', '/v1/mgmt/tenant/create', false],
      ['post /v1/mgmt/tenant/*', 'POST', '/v1/mgmt/tenant/update', true],
      ['/v1/mgmt/tenant*', 'GET', '/v1/mgmt/tenant', true],
      ['/v1/mgmt/tenant/*', 'GET', '/v1/mgmt/tenant', false],
    ]
    for (const [pattern, method, path, expected] of cases) {
      it(`${expected ? 'matches' : 'does not match'} ${method} ${path} with "${pattern}"`, () => {
        expect(routeMatches(pattern, method, path)).to.equal(expected)
      })
    }
  })

  describe('Knobs', () => {
    it('lets a project value, even "off", override the global one', () => {
      const knobs = new Knobs(() => 0)
      knobs.setLatency('20-80ms')
      knobs.setRateLimit('10/1s')
      knobs.setLatency('off', 'P2Quiet')
      knobs.setRateLimit('1/1s', 'P2Strict')
      expect(knobs.latencyMs('P2Other')).to.equal(20)
      expect(knobs.latencyMs('P2Quiet')).to.equal(0)
      expect(knobs.latencyMs()).to.equal(20)
      expect(knobs.rateLimitFor('P2Strict')).to.deep.equal({requests: 1, windowMs: 1000})
      expect(knobs.rateLimitFor('P2Quiet')).to.deep.equal({requests: 10, windowMs: 1000})
      expect(knobs.describe()).to.deep.include({
        latency: {global: '20-80ms', projects: {P2Quiet: 'off'}},
        rateLimit: {global: '10/1s', projects: {P2Strict: '1/1s'}, scope: 'ip'},
      })
    })

    it('draws latency across the whole range', () => {
      let next = 0
      const values = [0, 0.999_999]
      const knobs = new Knobs(() => values[next++])
      knobs.setLatency('20-80ms')
      expect([knobs.latencyMs(), knobs.latencyMs()]).to.deep.equal([20, 80])
    })

    it('takes counted faults until used up, then removes them', () => {
      const knobs = new Knobs()
      knobs.faults = [parseFaultString('503:POST /x:2')]
      expect(knobs.takeFault('GET', '/x', 'P')).to.equal(undefined)
      expect(knobs.takeFault('POST', '/x', 'P')).to.deep.equal({status: 503, type: 'status'})
      expect(knobs.faults[0].remaining).to.equal(1)
      expect(knobs.takeFault('POST', '/x', 'P')).to.deep.equal({status: 503, type: 'status'})
      expect(knobs.faults).to.deep.equal([])
      expect(knobs.takeFault('POST', '/x', 'P')).to.equal(undefined)
    })

    it('fires probability faults when the draw is below the probability, and counts only firings', () => {
      const draws = [0.5, 0.05, 0.2]
      const knobs = new Knobs(() => draws.shift() ?? 1)
      knobs.faults = [parseFaultString('reset:*:1,p=0.1')]
      expect(knobs.takeFault('GET', '/x', 'P'), 'draw 0.5').to.equal(undefined)
      expect(knobs.takeFault('GET', '/x', 'P'), 'draw 0.05').to.deep.equal({type: 'reset'})
      expect(knobs.faults).to.deep.equal([])
    })

    it('applies a fault with a project only to that project, and the first firing fault wins', () => {
      const knobs = new Knobs()
      knobs.faults = [parseFaultString('500:*:project=P2A'), parseFaultString('502:*')]
      expect(knobs.takeFault('GET', '/x', 'P2A')).to.deep.equal({status: 500, type: 'status'})
      expect(knobs.takeFault('GET', '/x', 'P2B')).to.deep.equal({status: 502, type: 'status'})
    })
  })
})
