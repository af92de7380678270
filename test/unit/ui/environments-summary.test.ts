import {expect} from 'chai'

import type {EnvironmentSummary} from '../../../src/lib/environments/run.js'

import {changesCell, renderEnvironmentsSummary, resultCell} from '../../../src/lib/ui/environments-summary.js'

const summaries: EnvironmentSummary[] = [
  {
    changes: 4, done: 4, durationMs: 1234, environment: 'staging', exitCode: 0, result: 'applied',
  },
  {
    changes: 5, done: 2, durationMs: 65_000, environment: 'production', exitCode: 6, result: 'partial',
  },
  {
    durationMs: 95, environment: 'broken', error: 'The management key is not valid', exitCode: 4, result: 'failed',
  },
  {
    changes: 0, durationMs: 310, environment: 'idle', exitCode: 0, result: 'no-changes',
  },
]

describe('the summary table across environments (src/lib/ui/environments-summary.ts)', () => {
  it('has a row per environment: changes, result, time; then the exit code', () => {
    const lines = renderEnvironmentsSummary(summaries, 6, {width: undefined}).split('\n')
    expect(lines[0]).to.match(/^ENVIRONMENT\s+CHANGES\s+RESULT\s+TIME$/)
    expect(lines[1]).to.match(/^staging\s+4\/4\s+applied\s+1\.2 s$/)
    expect(lines[2]).to.match(/^production\s+2\/5\s+partial \(exit 6\)\s+1m 05s$/)
    expect(lines[3]).to.match(/^broken\s+–\s+failed \(exit 4\): The management key is not valid\s+95 ms$/)
    expect(lines[4]).to.match(/^idle\s+0\s+no changes\s+310 ms$/)
    expect(lines[5]).to.equal('Exit code 6: the worst of the 4 environments.')
    // Columns line up.
    expect(new Set(lines.slice(0, 5).map(line => line.indexOf(line.split(/\s{2,}/)[1])))).to.have.property('size', 1)
  })

  it('fits the width, cutting the widest cell', () => {
    const lines = renderEnvironmentsSummary(summaries, 6, {width: 60}).split('\n')
    for (const line of lines.slice(0, 5)) expect(line.length).to.be.at.most(60)
    expect(lines[3]).to.contain('…')
  })

  it('says plan, drift and apply results in words', () => {
    expect(resultCell({
      durationMs: 0, environment: 'x', exitCode: 2, result: 'changes',
    })).to.equal('changes pending')
    expect(resultCell({
      durationMs: 0, environment: 'x', exitCode: 0, result: 'in-sync',
    })).to.equal('in sync')
    expect(resultCell({
      durationMs: 0, environment: 'x', exitCode: 130, result: 'interrupted',
    })).to.equal('interrupted (exit 130)')
    expect(changesCell({
      changes: 3, durationMs: 0, environment: 'x', exitCode: 2, result: 'drift',
    })).to.equal('3')
  })
})
