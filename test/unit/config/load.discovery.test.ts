import {expect} from 'chai'
import path from 'node:path'

import {
  findConfig, findConfigFile, loadConfig, searchPlaces,
} from '../../../src/lib/config/load.js'
import {ConfigError} from '../../../src/lib/errors.js'
import {fixtures, rejection, tempDir} from './helpers.js'

const discovery = path.join(fixtures, 'config-discovery')

describe('finding the configuration (cosmiconfig)', () => {
  const cases: Array<[string, string, string[]]> = [
    ['yaml', 'descope.yaml', ['from-yaml']],
    ['yml', 'descope.yml', ['from-yml']],
    ['rc', '.descoperc', ['from-rc']],
    ['rc-yaml', '.descoperc.yaml', ['from-rc-yaml']],
    ['rc-yml', '.descoperc.yml', ['from-rc-yml']],
    ['rc-json', '.descoperc.json', ['from-rc-json']],
    ['config-js', 'descope.config.js', ['from-js']],
    ['config-mjs', 'descope.config.mjs', ['from-mjs-one', 'from-mjs-two']],
    ['package-json', 'package.json', ['from-package']],
    ['precedence', 'descope.yaml', ['wins']],
    ['nested/a/b/c', '../../../descope.yaml', ['from-parent-folder']],
    ['package-without-descope/inner', '../descope.yml', ['above-package']],
  ]

  for (const [folder, expected, ids] of cases) {
    it(`finds ${expected} from ${folder}/`, async () => {
      const cwd = path.join(discovery, folder)
      const file = path.resolve(cwd, expected)
      expect(await findConfigFile(cwd)).to.equal(file)
      const loaded = await loadConfig({cwd})
      expect(loaded.file).to.equal(file)
      expect(loaded.dir).to.equal(path.dirname(file))
      expect(loaded.config.tenants!.map(tenant => tenant.id)).to.deep.equal(ids)
    })
  }

  it('gives positions for package.json#descope, relative to the property', async () => {
    const cwd = path.join(discovery, 'package-json')
    const loaded = await loadConfig({cwd})
    expect(loaded.format).to.equal('package.json')
    expect(loaded.locate(['tenants', 0, 'name'])).to.deep.equal({column: 48, line: 7})
  })

  it('gives file-only problems for JavaScript configurations', async () => {
    const temp = await tempDir()
    try {
      await temp.write('descope.config.mjs', "export default {version: 1, environments: {local: {emulator: 'yes'}}}\n")
      const error = (await rejection(loadConfig({cwd: temp.dir}))) as unknown as ConfigError
      expect(error.problems).to.deep.equal([
        {
          file: 'descope.config.mjs', hint: 'write true or false, without quotes', message: 'must be true or false, not the text "yes"', path: 'environments.local.emulator',
        },
      ])
      expect(error.message).to.contain('descope.config.mjs: environments.local.emulator: must be true or false')
    } finally {
      await temp.cleanup()
    }
  })

  it('reports a JavaScript configuration that throws', async () => {
    const error = (await rejection(loadConfig({cwd: path.join(discovery, 'js-error')}))) as unknown as ConfigError
    expect(error).to.be.instanceOf(ConfigError)
    expect(error.problems[0].message).to.equal('the module could not be loaded: config module failed on purpose')
  })

  it('stops at an empty file instead of searching further up, and says it is empty', async () => {
    const cwd = path.join(discovery, 'empty-rc')
    expect(await findConfigFile(cwd)).to.equal(path.join(cwd, '.descoperc'))
    const error = (await rejection(loadConfig({cwd}))) as unknown as ConfigError
    expect(error.problems[0]).to.include({file: '.descoperc', line: 1, message: 'the file is empty'})
  })

  it('keeps the problems of a found file that cannot be parsed', async () => {
    const temp = await tempDir()
    try {
      await temp.write('descope.yaml', 'version: 1\nenvironments: [\n')
      const found = await findConfig(temp.dir)
      expect(found?.file).to.equal(path.join(temp.dir, 'descope.yaml'))
      expect(found?.source?.problems[0].message).to.match(/^YAML syntax error/)
    } finally {
      await temp.cleanup()
    }
  })

  it('says where it looked when there is no configuration (exit code 3)', async () => {
    const temp = await tempDir()
    try {
      expect(await findConfig(temp.dir)).to.equal(undefined)
      const error = await rejection(loadConfig({cwd: temp.dir}))
      expect(error).to.not.be.instanceOf(ConfigError)
      expect(error).to.include({code: 'config_not_found', exitCode: 3})
      expect(error.message).to.contain(temp.dir).and.contain('or any parent folder')
      for (const place of searchPlaces) expect(error.message).to.contain(place)
      expect(error.hint).to.contain('descope-mgmt init').and.contain('--config')
    } finally {
      await temp.cleanup()
    }
  })
})
