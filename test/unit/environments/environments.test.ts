import {expect} from 'chai'

import {EXIT_CODE_ORDER, worstExitCode} from '../../../src/lib/environments/exit-code.js'
import {runInEnvironments} from '../../../src/lib/environments/run.js'
import {environmentNames, selectEnvironments} from '../../../src/lib/environments/select.js'
import {
  AuthError, CliError, ConfigError, ExitCode, InputError,
} from '../../../src/lib/errors.js'
describe('environments (src/lib/environments)', () => {
  describe('the worst exit code', () => {
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

  describe('which ones', () => {
    const loaded = async () => ({config: {environments: {a: {}, b: {}, c: {}}}, file: 'descope.yaml'}) as never

    it('takes repeated and comma-separated names, trimmed, once each, in order', () => {
      expect(environmentNames()).to.deep.equal([])
      expect(environmentNames('a')).to.deep.equal(['a'])
      expect(environmentNames(['b', 'a, c', 'b'])).to.deep.equal(['b', 'a', 'c'])
      expect(() => environmentNames(['a,,b'])).to.throw(InputError, 'empty environment name')
    })

    it('one name or none keeps the single-environment mode, without reading the configuration', async () => {
      const unread = async (): Promise<never> => expect.fail('the configuration was read')
      expect(await selectEnvironments({all: false, flag: undefined}, unread)).to.deep.equal({multiple: false, names: [undefined]})
      expect(await selectEnvironments({all: false, flag: ['a', 'a']}, unread)).to.deep.equal({multiple: false, names: ['a']})
    })

    it('several names, or --all-environments (even with one environment), run across environments', async () => {
      expect(await selectEnvironments({all: false, flag: ['c', 'a']}, loaded)).to.deep.equal({multiple: true, names: ['c', 'a']})
      expect(await selectEnvironments({all: true, flag: undefined}, loaded)).to.deep.equal({multiple: true, names: ['a', 'b', 'c']})
      const one = async () => ({config: {environments: {only: {}}}, file: 'descope.yaml'}) as never
      expect(await selectEnvironments({all: true, flag: undefined}, one)).to.deep.equal({multiple: true, names: ['only']})
    })

    it('refuses unknown names before anything runs, naming each and the defined ones', async () => {
      const error = await selectEnvironments({all: false, flag: ['a', 'nope', 'nada']}, loaded).catch(error_ => error_ as ConfigError)
      expect(error).to.be.instanceOf(ConfigError)
      expect((error as ConfigError).exitCode).to.equal(ExitCode.InvalidInput)
      expect((error as ConfigError).problems.map(problem => problem.message)).to.deep.equal(['environment "nope" is not defined', 'environment "nada" is not defined'])
      expect((error as ConfigError).problems[0].hint).to.equal('defined: a, b, c')
    })
  })

  describe('running one task per environment', () => {
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
})
