/* eslint-disable no-template-curly-in-string -- these tests are about ${VAR} strings */
import {expect} from 'chai'

import {interpolateString} from '../../../src/lib/config/interpolate.js'
import {inspectConfig, loadConfig} from '../../../src/lib/config/load.js'
import {ConfigError} from '../../../src/lib/errors.js'
import {rejection, tempDir} from './helpers.js'

describe('interpolation', () => {
  describe('interpolateString', () => {
    const env = {EMPTY: '', NAME: 'acme', PORT: '4280'}

    it('replaces set variables, anywhere in the string', () => {
      expect(interpolateString('${NAME}', env).value).to.equal('acme')
      expect(interpolateString('https://${NAME}.example:${PORT}/x', env).value).to.equal('https://acme.example:4280/x')
    })

    it('uses the default when the variable is unset or empty', () => {
      expect(interpolateString('${UNSET:-fallback}', env).value).to.equal('fallback')
      expect(interpolateString('${EMPTY:-fallback}', env).value).to.equal('fallback')
      expect(interpolateString('${NAME:-fallback}', env).value).to.equal('acme')
      expect(interpolateString('${UNSET:-}', env).value).to.equal('')
      expect(interpolateString('${UNSET:-a:-b c}', env).value).to.equal('a:-b c')
    })

    it('keeps an empty set variable without a default', () => {
      const result = interpolateString('x${EMPTY}y', env)
      expect(result.value).to.equal('xy')
      expect(result.references[0]).to.include({missing: false, name: 'EMPTY'})
    })

    it('reports an unset variable without a default as missing, with its offset', () => {
      const result = interpolateString('id-${NAME}-${UNSET}', env)
      expect(result.references.map(reference => [reference.name, reference.missing, reference.offset])).to.deep.equal([
        ['NAME', false, 3],
        ['UNSET', true, 11],
      ])
    })

    it('writes a literal ${ for $${', () => {
      expect(interpolateString('$${NAME}', env)).to.deep.equal({errors: [], references: [], value: '${NAME}'})
      expect(interpolateString('cost: $$5 and $${X} and ${NAME}', env).value).to.equal('cost: $$5 and ${X} and acme')
      expect(interpolateString('a $ sign and {braces}', env).value).to.equal('a $ sign and {braces}')
    })

    it('reports syntax errors: unterminated, invalid names, nested defaults', () => {
      expect(interpolateString('x ${NAME', env).errors[0]).to.include({message: 'unterminated "${"', offset: 2})
      expect(interpolateString('${1A}', env).errors[0].message).to.equal('invalid variable reference "${1A}"')
      expect(interpolateString('${}', env).errors[0].message).to.equal('invalid variable reference "${}"')
      expect(interpolateString('${A-B}', env).errors[0].message).to.equal('invalid variable reference "${A-B}"')
      expect(interpolateString('${A:-${B}}', env).errors[0].message).to.equal('nested variable in the default of "A"')
    })
  })

  describe('interpolation in a configuration file', () => {
    let temp: Awaited<ReturnType<typeof tempDir>>

    beforeEach(async () => {
      temp = await tempDir()
    })

    afterEach(async () => {
      await temp.cleanup()
    })

    const header = 'version: 1\nenvironments:\n  local: {emulator: true}\n'

    it('interpolates values nested in lists and mappings, and keeps keys as written', async () => {
      await temp.write(
        'descope.yaml',
        header
        + [
          'tenants:',
          '  - id: ${TENANT_ID}',
          '    name: "${TENANT_NAME:-Default Name}"',
          '    selfProvisioningDomains: ["${DOMAIN}", "static.com", "x.${DOMAIN}"]',
          '    customAttributes:',
          '      tags: ["${TAG:-none}", "$${literal}"]',
          '      ${KEY}: value',
          '',
        ].join('\n'),
      )
      const error = (await rejection(loadConfig({cwd: temp.dir, env: {DOMAIN: 'acme.com', TENANT_ID: 'acme'}}))) as unknown as ConfigError
      // The key `${KEY}` is not interpolated: it is an invalid attribute name.
      expect(error.problems.map(problem => problem.path)).to.deep.equal(['tenants[0].customAttributes["${KEY}"]'])
      await temp.write('descope.yaml', (await import('node:fs')).readFileSync(`${temp.dir}/descope.yaml`, 'utf8').replace('      ${KEY}: value\n', ''))
      const loaded = await loadConfig({cwd: temp.dir, env: {DOMAIN: 'acme.com', TENANT_ID: 'acme'}})
      expect(loaded.config.tenants![0]).to.deep.equal({
        customAttributes: {tags: ['none', '${literal}']},
        id: 'acme',
        name: 'Default Name',
        selfProvisioningDomains: ['acme.com', 'static.com', 'x.acme.com'],
      })
    })

    it('gives unquoted whole-value variables the type they read as; quoted ones stay text', async () => {
      await temp.write(
        'descope.yaml',
        [
          'version: 1',
          'environments:',
          '  local:',
          '    emulator: ${USE_EMULATOR:-true}',
          '    concurrency: ${CONCURRENCY}',
          'tenants:',
          '  - id: acme',
          '    name: Acme',
          '    enforceSSO: ${SSO:-false}',
          '    customAttributes:',
          '      seats: "${SEATS}"',
          '      ratio: ${RATIO}',
          '      label: x${SEATS}',
          '',
        ].join('\n'),
      )
      const loaded = await loadConfig({cwd: temp.dir, env: {CONCURRENCY: '6', RATIO: '0.25', SEATS: '10'}})
      expect(loaded.config.environments.local).to.deep.equal({concurrency: 6, emulator: true})
      expect(loaded.config.tenants![0].enforceSSO).to.equal(false)
      expect(loaded.config.tenants![0].customAttributes).to.deep.equal({label: 'x10', ratio: 0.25, seats: '10'})
    })

    it('reports each unset variable outside environments with its line and column, and nothing else about that value', async () => {
      await temp.write(
        'descope.yaml',
        header + ['tenants:', '  - id: acme', '    name: ${NAME_A} and ${NAME_B:-b} and ${NAME_C}', '    parent: ${PARENT}', ''].join('\n'),
      )
      const error = (await rejection(loadConfig({cwd: temp.dir, env: {}}))) as unknown as ConfigError
      expect(error.problems.map(problem => `${problem.line}:${problem.column} ${problem.path} ${problem.message}`)).to.deep.equal([
        '6:11 tenants[0].name environment variable NAME_A is not set',
        '6:42 tenants[0].name environment variable NAME_C is not set',
        '7:13 tenants[0].parent environment variable PARENT is not set',
      ])
      expect(error.problems[0].hint).to.equal('set it, or give a default: ${NAME_A:-value}')
    })

    it('reports an unset variable of the selected environment as an error, and of others as warnings', async () => {
      await temp.write(
        'descope.yaml',
        [
          'version: 1',
          'environments:',
          '  local: {emulator: true}',
          '  staging:',
          '    projectId: ${STAGING_ID}',
          '    managementKey: ${STAGING_KEY}',
          '  prod:',
          '    projectId: ${PROD_ID}',
          '    protect: ["${PROTECTED}"]',
          '',
        ].join('\n'),
      )
      const local = await loadConfig({cwd: temp.dir, env: {}, environment: 'local'})
      expect(local.warnings.map(warning => `${warning.line}:${warning.column} ${warning.path}: ${warning.message}`)).to.deep.equal([
        '5:16 environments.staging: variables STAGING_ID, STAGING_KEY are not set (needed for -e staging)',
        '8:16 environments.prod: variables PROD_ID, PROTECTED are not set (needed for -e prod)',
      ])
      expect(local.config.environments.staging).to.deep.equal({})
      expect(local.config.environments.prod).to.deep.equal({})

      const none = await inspectConfig({cwd: temp.dir, env: {}})
      expect(none.problems).to.deep.equal([])
      expect(none.warnings).to.have.length(2)

      const error = (await rejection(loadConfig({cwd: temp.dir, env: {STAGING_ID: 'P2abcdefghijklmnopqrstuvwxyz1'}, environment: 'staging'}))) as unknown as ConfigError
      expect(error.problems.map(problem => `${problem.line} ${problem.path}: ${problem.message}`)).to.deep.equal([
        '6 environments.staging.managementKey: environment variable STAGING_KEY is not set',
      ])

      const staging = await loadConfig({cwd: temp.dir, env: {STAGING_ID: 'P2abcdefghijklmnopqrstuvwxyz1', STAGING_KEY: 'K2abc'}, environment: 'staging'})
      expect(staging.config.environments.staging).to.deep.equal({managementKey: 'K2abc', projectId: 'P2abcdefghijklmnopqrstuvwxyz1'})
      expect(staging.warnings.map(warning => warning.path)).to.deep.equal(['environments.prod'])
    })

    it('explains that ${VAR} must be quoted inside [ ] and { }, once per line', async () => {
      await temp.write('descope.yaml', header + 'tenants:\n  - {id: acme, name: ${NAME}}\n')
      const error = (await rejection(loadConfig({cwd: temp.dir, env: {NAME: 'Acme'}}))) as unknown as ConfigError
      expect(error.problems).to.have.length(1)
      expect(error.problems[0]).to.include({line: 5})
      expect(error.problems[0].message).to.match(/^YAML syntax error/)
      expect(error.problems[0].hint).to.equal('inside [ ] and { }, quote values that use variables: "${VAR}"')
    })

    it('still reports syntax errors of variables in other environments', async () => {
      await temp.write('descope.yaml', 'version: 1\nenvironments:\n  local: {emulator: true}\n  prod:\n    projectId: ${PROD_ID\n')
      const error = (await rejection(loadConfig({cwd: temp.dir, env: {}, environment: 'local'}))) as unknown as ConfigError
      expect(error.problems).to.have.length(1)
      expect(error.problems[0]).to.include({
        column: 16, line: 5, message: 'unterminated "${"', path: 'environments.prod.projectId',
      })
    })

    it('interpolates JavaScript configurations too (without positions)', async () => {
      await temp.write('descope.config.mjs', "export default {version: 1, environments: {local: {emulator: true}}, tenants: [{id: 'a', name: '${TENANT_NAME}'}]}\n")
      const loaded = await loadConfig({cwd: temp.dir, env: {TENANT_NAME: 'From env'}})
      expect(loaded.config.tenants![0].name).to.equal('From env')
      const error = (await rejection(loadConfig({cwd: temp.dir, env: {}}))) as unknown as ConfigError
      expect(error.problems).to.deep.equal([
        {
          file: 'descope.config.mjs',
          hint: 'set it, or give a default: ${TENANT_NAME:-value}',
          message: 'environment variable TENANT_NAME is not set',
          path: 'tenants[0].name',
        },
      ])
    })
  })
})
