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
      expect(report.scenarios).to.have.length(1)
      const [row] = report.scenarios
      expect(row).to.include({runs: 1, scenario: 'tenant-list-100'})
      expect(row).to.have.all.keys('detail', 'maxMs', 'measure', 'medianMs', 'minMs', 'pass', 'peakRssMB', 'rateLimited', 'ratio', 'requests', 'runs', 'scenario', 'target')
      for (const key of ['medianMs', 'minMs', 'maxMs', 'requests', 'rateLimited', 'peakRssMB', 'ratio']) expect(row[key], key).to.be.a('number')
      expect(row.requests).to.be.greaterThan(0)
      expect(row.target).to.deep.equal({max: 2000, metric: 'medianMs'})
      expect(row.pass).to.be.a('boolean')
      expect(row.detail).to.equal(null)
    } finally {
      await home.cleanup()
    }
  })
})
