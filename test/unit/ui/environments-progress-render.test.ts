import {expect} from 'chai'

import type {ProgressSnapshot} from '../../../src/lib/ui/progress-model.js'

import {renderEnvironmentsFrame} from '../../../src/lib/ui/environments-progress-render.js'

function snapshot(environment: string, settled: number, total: number): ProgressSnapshot {
  return {
    alreadyDone: 0,
    concurrency: 4,
    elapsedMs: 2000,
    environment,
    eta: {limitedBy: 'latency', ms: 1000} as ProgressSnapshot['eta'],
    failed: 0,
    finished: false,
    groups: [{
      active: settled < total,
      environment,
      failed: 0,
      items: [{
        action: 'create', id: 'tenant:acme', key: 'acme', sequence: 1, state: settled < total ? 'running' : 'done',
      }],
      key: `${environment}|tenant`,
      noun: 'tenants',
      settled,
      skipped: 0,
      total,
    }],
    retries: 0,
    settled,
    total,
  }
}

describe('the progress tree across environments (src/lib/ui/environments-progress-render.ts)', () => {
  it('draws one branch per environment (its line, then its kinds indented) and a line for one without a run', () => {
    const lines = renderEnvironmentsFrame([
      {environment: 'staging', snapshot: snapshot('staging', 0, 1)},
      {environment: 'production', snapshot: snapshot('production', 1, 1), status: '✓ applied'},
      {environment: 'broken', status: '✗ Another apply is already running'},
    ], {color: false, elapsedMs: 2500, width: 200})
    expect(lines[0]).to.equal('Applying 2 changes to 3 environments: 1/2 · elapsed 2.5 s')
    expect(lines[1]).to.match(/^Applying 1 change to staging: 0\/1 · elapsed 2\.0 s/)
    expect(lines[2]).to.match(/^ {2}Syncing tenants\.\.\. /)
    expect(lines[3]).to.equal('  └─ Creating acme ⚙️')
    expect(lines[4]).to.match(/^Applying 1 change to production: 1\/1 · elapsed 2\.0 s · ✓ applied$/)
    expect(lines[5]).to.match(/^ {2}Syncing tenants\.\.\. .* 1\/1 \(100%\) ✓$/)
    expect(lines[6]).to.equal('broken: ✗ Another apply is already running')
    expect(lines).to.have.length(7)
  })

  it('keeps to the height, sharing it between the environments', () => {
    const parts = ['a', 'b', 'c'].map(name => ({environment: name, snapshot: snapshot(name, 0, 1)}))
    const lines = renderEnvironmentsFrame(parts, {
      color: false, elapsedMs: 0, height: 7, width: 80,
    })
    expect(lines.length).to.be.at.most(7)
    expect(lines.filter(line => line.startsWith('Applying 1 change to'))).to.have.length(3)
  })
})
