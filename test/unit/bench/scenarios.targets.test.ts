import {expect} from 'chai'

import {render, targetText} from '../../../plugins/plugin-bench/src/commands/bench.js'
import {meets, type Result} from '../../../plugins/plugin-bench/src/lib/scenarios.js'

function row(overrides: Partial<Result>): Result {
  return {
    detail: null, maxMs: 300, measure: 'tenant list of 100 tenants', medianMs: 250, minMs: 200, pass: true, peakRssMB: 80, rateLimited: 0,
    ratio: 0.625, requests: 1, runs: 3, scenario: 'tenant-list-100', target: {max: 400, metric: 'medianMs'}, ...overrides,
  }
}

const machine = {
  cpus: 2, memoryGiB: 23, node: 'v20.20.2', platform: 'linux',
}

describe('bench targets', () => {
  it('a time target is met at or under its maximum; a memory target only below it', () => {
    expect(meets({max: 400, metric: 'medianMs'}, 400)).to.equal(true)
    expect(meets({max: 400, metric: 'medianMs'}, 400.1)).to.equal(false)
    expect(meets({max: 100, metric: 'peakRssMB'}, 99.9)).to.equal(true)
    expect(meets({max: 100, metric: 'peakRssMB'}, 100)).to.equal(false)
  })

  it('prints each target beside its measure, with what a relative target was derived from', () => {
    expect(targetText({max: 400, metric: 'medianMs'})).to.equal('≤ 400 ms')
    expect(targetText({max: 100, metric: 'peakRssMB'})).to.equal('RSS < 100 MB')
    expect(targetText({max: 250.4, metric: 'medianMs', relativeTo: '2x node -e 0'})).to.equal('≤ 250 ms (2x node -e 0)')
    expect(targetText(null)).to.equal('-')
  })

  it('says MISSED on the row of a missed target and that some targets were missed', () => {
    const text = render({
      date: '2026-12-02T00:00:00.000Z', latencyMs: 50, machine, passed: false, quick: true, scenarios: [
        row({}),
        row({
          measure: 'tenant list of 100 tenants (peak RSS)', pass: false, peakRssMB: 101.8, ratio: 1.018, target: {max: 100, metric: 'peakRssMB'},
        }),
      ],
    })
    const lines = text.split('\n')
    expect(lines.find(line => line.includes('(peak RSS)'))).to.match(/RSS < 100 MB\s+1\.02\s+MISSED$/)
    expect(lines.find(line => line.includes('tenants ') && line.includes('≤ 400 ms'))).to.match(/pass$/)
    expect(text).to.match(/Some targets were missed\.$/)
  })

  it('says all targets were met when every row passed or only reports', () => {
    const text = render({
      date: '2026-12-02T00:00:00.000Z', latencyMs: 50, machine, passed: true, quick: true, scenarios: [row({}), row({pass: null, ratio: null, target: null})],
    })
    expect(text).to.match(/All targets met\.$/)
    expect(text).to.contain('reported')
  })
})
