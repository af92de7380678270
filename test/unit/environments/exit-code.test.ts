import {expect} from 'chai'

import {EXIT_CODE_ORDER, worstExitCode} from '../../../src/lib/environments/exit-code.js'
describe('environments: the worst exit code (src/lib/environments/exit-code.ts)', () => {
  it('orders 130, 1, 6, 5, 4, 3, 2, 0 from the worst', () => {
    expect(EXIT_CODE_ORDER).to.deep.equal([130, 1, 6, 5, 4, 3, 2, 0])
    expect(worstExitCode([])).to.equal(0)
    expect(worstExitCode([0, 2, 0])).to.equal(2)
    expect(worstExitCode([2, 3])).to.equal(3)
    expect(worstExitCode([4, 5, 3])).to.equal(5)
    expect(worstExitCode([5, 6, 2])).to.equal(6)
    expect(worstExitCode([6, 1])).to.equal(1)
    expect(worstExitCode([1, 130, 6])).to.equal(130)
  })

  it('counts an unknown code as unexpected, after an interruption', () => {
    expect(worstExitCode([6, 42])).to.equal(42)
    expect(worstExitCode([42, 130])).to.equal(130)
  })
})
