import {expect} from 'chai'

import {makeTempHome, runCli} from '../helpers/cli.js'

describe('bench (built CLI)', function () {
  this.timeout(120_000)

  it('runs bench --quick --scenario tenant-list-100 --json and prints the report (shape, not timings)', async () => {
    const home = await makeTempHome()
    try {
      const result = await runCli(['bench', '--quick', '--scenario', 'tenant-list-100', '--json', '--runs', '1'], {env: home.env, timeoutMs: 110_000})
      expect([0, 1], result.stderr).to.include(result.code)
      const report = JSON.parse(result.stdout) as Record<string, unknown> & {scenarios: Array<Record<string, unknown>>}
      expect(report).to.include.keys('date', 'machine', 'latencyMs', 'quick', 'scenarios', 'passed')
      expect(report.quick).to.equal(true)
      expect(report.latencyMs).to.equal(50)
      expect(report.passed).to.equal(result.code === 0)
      // The time of the runs, then their peak RSS against the memory target of typical operations.
      expect(report.scenarios).to.have.length(2)
      const [row, memory] = report.scenarios
      expect(row).to.include({runs: 1, scenario: 'tenant-list-100'})
      expect(row).to.have.all.keys('detail', 'maxMs', 'measure', 'medianMs', 'minMs', 'pass', 'peakRssMB', 'rateLimited', 'ratio', 'requests', 'runs', 'scenario', 'target')
      for (const key of ['medianMs', 'minMs', 'maxMs', 'requests', 'rateLimited', 'peakRssMB', 'ratio']) expect(row[key], key).to.be.a('number')
      expect(row.requests).to.be.greaterThan(0)
      expect(row.target).to.deep.equal({max: 400, metric: 'medianMs'})
      expect(row.pass).to.be.a('boolean')
      expect(row.detail).to.equal(null)
      expect(memory).to.include({measure: 'tenant list of 100 tenants (peak RSS)', peakRssMB: row.peakRssMB, scenario: 'tenant-list-100'})
      expect(memory.target).to.deep.equal({max: 100, metric: 'peakRssMB'})
      expect(memory.pass).to.equal((row.peakRssMB as number) < 100)
      expect(report.passed).to.equal(row.pass === true && memory.pass === true)
    } finally {
      await home.cleanup()
    }
  })
})
