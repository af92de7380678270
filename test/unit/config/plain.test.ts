/* eslint-disable no-template-curly-in-string -- these tests are about ${VAR} strings */
import {expect} from 'chai'
import {readdir, readFile} from 'node:fs/promises'
import path from 'node:path'
import {parseDocument} from 'yaml'

import {interpolatePlain} from '../../../src/lib/config/interpolate.js'
import {inspectConfig, loadConfig} from '../../../src/lib/config/load.js'
import {parsePlain} from '../../../src/lib/config/plain.js'
import {LARGE_CONFIG_BYTES} from '../../../src/lib/config/source.js'
import {fixtures, tempDir} from './helpers.js'

/** What the positioned parser makes of a text, with the loader's options. */
function positioned(text: string): unknown {
  return parseDocument(text, {merge: true, uniqueKeys: true}).toJS()
}

const env = {BASE: 'https://api.descope.com', PROJECT: 'P2abcdefghijklmnopqrstuvwxyz1', STAGING_KEY: 'K2StagingKeyForTests0000000001'}

/** A configuration larger than LARGE_CONFIG_BYTES with every kind of value the light parse must read alike. */
function largeConfig(tenants: number, extra = ''): string {
  const lines = [
    'version: 1',
    'backupRetentionDays: 14',
    'environments:',
    '  staging:',
    '    projectId: ${PROJECT}',
    '    managementKey: "${STAGING_KEY}"',
    '    baseUrl: ${BASE_URL:-https://api.descope.com}',
    '    rateLimit: {requests: 50, windowSeconds: 10}',
    '    protect: [t00000]',
    'permissions:',
    '  - {name: read:docs, description: "Read the docs"}',
    'roles:',
    '  - name: Reader',
    '    description: >-',
    '      Reads documents,',
    '      folded over two lines',
    '    permissionNames: [read:docs]',
    'tenants:',
  ]
  for (let index = 0; index < tenants; index++) {
    const id = `t${String(index).padStart(5, '0')}`
    lines.push(
      `  - id: ${id}`,
      `    name: 'Tenant ${index}: “ünïcode” # not a comment'`,
      `    selfProvisioningDomains: [${id}.example.com]`,
      `    customAttributes: {seats: ${index}, ratio: ${index}.5, active: ${index % 2 === 0}, plan: "0x${index}", notes: null, code: 0o17}`,
      ...(index > 0 && index % 10 === 0 ? ['    parent: t00000'] : []),
    )
  }

  return `${lines.join('\n')}\n${extra}`
}

describe('the light parse of large configurations', () => {
  it('reads every good and bad fixture it accepts exactly as the positioned parser does', async () => {
    let compared = 0
    for (const folder of ['good-configs', 'bad-configs']) {
      const dir = path.join(fixtures, folder)
      for (const entry of await readdir(dir, {withFileTypes: true})) {
        if (!entry.isFile()) continue
        const {name} = entry
        const text = (await readFile(path.join(dir, name))).toString('utf8').replace(/^\uFEFF/, '')
        const light = parsePlain(text)
        if (!light) continue
        expect(light.value, name).to.deep.equal(positioned(text))
        compared++
      }
    }

    expect(compared, 'fixtures read both ways').to.be.greaterThan(20)
  })

  it('reads a large generated configuration exactly as the positioned parser does', () => {
    const text = largeConfig(300)
    expect(parsePlain(text)?.value).to.deep.equal(positioned(text))
  })

  it('leaves to the positioned parser what the two could read differently or what needs its guards', () => {
    const cases = {
      'a binary integer': 'version: 1\nx: 0b101\n',
      'a duplicate key': 'version: 1\nversion: 2\n',
      'a long integer': 'version: 1\nx: 12345678901234567890\n',
      'a merge key': 'version: 1\nbase: {a: 1}\nx: {<<: {a: 2}}\n',
      'a signed float without a leading digit': 'version: 1\nx: -.5\n',
      'a syntax error': 'version: 1\nx: [unclosed\n',
      'a tab': 'version: 1\nx:\n\t- a\n',
      'a tag': 'version: 1\nx: !!str 1\n',
      'an alias': 'version: 1\na: &a 1\nb: *a\n',
      'more than one document': 'version: 1\n---\nversion: 2\n',
      'not a mapping': '- version: 1\n',
      'a complex key': 'version: 1\n? [a, b]\n: c\n',
      'a prototype key': 'version: 1\n__proto__: {x: 1}\n',
    }
    for (const [name, text] of Object.entries(cases)) expect(parsePlain(text), name).to.equal(undefined)
  })

  it('interpolates like the document path, and declines what needs a message or depends on quoting', () => {
    const value = {environments: {staging: {managementKey: '${STAGING_KEY}', projectId: '${PROJECT}'}}, tenants: [{id: 'a', name: 'A $${literal} ${MISSING:-x}'}]}
    expect(interpolatePlain(value, {env, environment: 'staging'})?.value).to.deep.equal({
      environments: {staging: {managementKey: env.STAGING_KEY, projectId: env.PROJECT}},
      tenants: [{id: 'a', name: 'A ${literal} x'}],
    })
    const declined = {
      'a key written in the file': {environments: {staging: {managementKey: 'K2WrittenInTheFile000000000001'}}},
      'a number from a whole variable (quoting unknown)': {environments: {staging: {concurrency: '${N}'}}},
      'a malformed expression': {tenants: [{name: '${unterminated'}]},
      'an unset variable': {tenants: [{name: '${MISSING}'}]},
      'an unset variable of another environment': {environments: {prod: {projectId: '${PROD_PROJECT}'}}},
    }
    for (const [name, input] of Object.entries(declined)) expect(interpolatePlain(input, {env: {...env, N: '4'}, environment: 'staging'}), name).to.equal(undefined)
  })

  describe('through the loader', () => {
    let dir: Awaited<ReturnType<typeof tempDir>>

    before(async () => {
      dir = await tempDir()
    })

    after(async () => dir.cleanup())

    it('gives a large valid file the same configuration as the positioned path, and finds lines when asked', async () => {
      const text = largeConfig(2000)
      expect(Buffer.byteLength(text)).to.be.greaterThan(LARGE_CONFIG_BYTES)
      const large = await dir.write('large.yaml', text)
      const light = await inspectConfig({env, environment: 'staging', file: large})
      expect(light.light, 'read lightly').to.equal(true)
      expect(light.problems).to.deep.equal([])
      expect(light.counts).to.deep.include({environments: 1, tenants: 2000})

      // The same content, small enough for the positioned path: the first 50 tenants of both agree.
      const small = await dir.write('small.yaml', largeConfig(50))
      expect(Buffer.byteLength(largeConfig(50))).to.be.lessThan(LARGE_CONFIG_BYTES)
      const reference = await inspectConfig({env, environment: 'staging', file: small})
      expect(reference.light).to.equal(undefined)
      expect(light.config!.tenants!.slice(0, 50)).to.deep.equal(reference.config!.tenants)
      expect(light.config!.environments).to.deep.equal(reference.config!.environments)
      expect(light.config!.roles).to.deep.equal(reference.config!.roles)

      const loaded = await loadConfig({env, environment: 'staging', file: large})
      const line = text.split('\n').indexOf('  - id: t01500') + 1
      expect(loaded.locate(['tenants', 1500, 'id'])).to.deep.equal({column: 9, line})
    })

    it('reports a problem in a large file with its line, through the positioned path', async () => {
      const text = largeConfig(2000).replace('  - id: t01999\n', '  - id: t01999\n    enforceSSO: maybe\n')
      const file = await dir.write('bad-large.yaml', text)
      const inspection = await inspectConfig({env, environment: 'staging', file})
      expect(inspection.light).to.equal(undefined)
      expect(inspection.problems).to.have.length(1)
      expect(inspection.problems[0]).to.include({line: text.split('\n').indexOf('    enforceSSO: maybe') + 1, path: 'tenants[1999].enforceSSO'})
    })

    it('keeps the warnings of a large file (they need lines), through the positioned path', async () => {
      const text = largeConfig(2000).replace('managementKey: "${STAGING_KEY}"', 'managementKey: K2StagingKeyForTests0000000001')
      const inspection = await inspectConfig({env, environment: 'staging', file: await dir.write('warn-large.yaml', text)})
      expect(inspection.light).to.equal(undefined)
      expect(inspection.problems).to.deep.equal([])
      expect(inspection.warnings.map(warning => warning.message)).to.deep.equal(['the management key is written in the file: secrets belong in environment variables'])
    })
  })
})
