import {expect} from 'chai'

import {runInEnvironments} from '../../../src/lib/environments/run.js'
import {AuthError, CliError, ExitCode} from '../../../src/lib/errors.js'
describe('environments: one task per environment (src/lib/environments/run.ts)', () => {
  const toCliError = (error: Error) => (error instanceof CliError ? error : new CliError(error.message))

  it('keeps the order, and a failure in one does not stop the others', async () => {
    const finished: string[] = []
    const runs = await runInEnvironments(['slow', 'broken', 'fast'], async name => {
      if (name === 'broken') throw new AuthError('bad key')
      await new Promise(resolve => {
        setTimeout(resolve, name === 'slow' ? 30 : 1)
      })
      finished.push(name)
      return name.toUpperCase()
    }, {toCliError})
    expect(finished).to.deep.equal(['fast', 'slow'])
    expect(runs.map(run => [run.environment, run.value, run.error?.exitCode])).to.deep.equal([['slow', 'SLOW', undefined], ['broken', undefined, 4], ['fast', 'FAST', undefined]])
    expect(runs.every(run => run.durationMs >= 0)).to.equal(true)
  })

  it('runs at most `concurrency` at once', async () => {
    let running = 0
    let most = 0
    await runInEnvironments(['a', 'b', 'c', 'd', 'e'], async () => {
      running++
      most = Math.max(most, running)
      await new Promise(resolve => {
        setTimeout(resolve, 5)
      })
      running--
    }, {concurrency: 2, toCliError})
    expect(most).to.equal(2)
  })

  it('turns what is thrown into a CliError with its exit code', async () => {
    const [run] = await runInEnvironments(['x'], async () => {
      throw new Error('boom')
    }, {toCliError})
    expect(run.error).to.be.instanceOf(CliError)
    expect(run.error?.exitCode).to.equal(ExitCode.Unexpected)
  })
})
