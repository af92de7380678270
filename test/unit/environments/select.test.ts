import {expect} from 'chai'

import {environmentNames, selectEnvironments} from '../../../src/lib/environments/select.js'
import {ConfigError, ExitCode, InputError} from '../../../src/lib/errors.js'
describe('environments: which ones (src/lib/environments/select.ts)', () => {
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
