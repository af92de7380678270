import {expect} from 'chai'
import {readFile, writeFile} from 'node:fs/promises'
import path from 'node:path'

import {startEmulator} from '../../plugins/plugin-emulator/src/index.js'
import {
  type CliResult, makeTempHome, repoRoot, runCli,
} from '../helpers/cli.js'

type Emulator = Awaited<ReturnType<typeof startEmulator>>
interface Theme {
  styles: {light: {components: {button: Record<string, unknown>}}; dark: {components: {button: Record<string, unknown>}}}
  componentsVersion: string
}

function parseJson<T>(result: CliResult): T {
  try {
    return JSON.parse(result.stdout) as T
  } catch {
    throw new Error(`stdout is not JSON (exit ${result.code}):\n${result.stdout}\n${result.stderr}`)
  }
}

const PROJECT = {id: 'P2ThemeProject000000000000000001', managementKey: 'K2ThemeManagementKey0000000000001'}

describe('theme commands against the emulator (built CLI)', function () {
  this.timeout(120_000)
  let emulator: Emulator
  let home: Awaited<ReturnType<typeof makeTempHome>>
  let env: Record<string, string>
  let brand: Theme

  const cli = (...args: string[]) => runCli(args, {cwd: home.dir, env})

  before(async () => {
    brand = JSON.parse(await readFile(path.join(repoRoot, 'test/fixtures/themes/brand.v2.json'), 'utf8')) as Theme
    emulator = await startEmulator({
      newProjects: 'empty', rateLimit: 'off', port: 0, projects: [{...PROJECT, theme: brand as unknown as Record<string, unknown>}],
    })
    home = await makeTempHome()
    env = {
      ...home.env, DESCOPE_BASE_URL: emulator.url, DESCOPE_MANAGEMENT_KEY: PROJECT.managementKey, DESCOPE_PROJECT_ID: PROJECT.id,
    }
  })

  after(async () => {
    await emulator?.stop()
    await home?.cleanup()
  })

  it('exports the theme with sorted keys, diffs light/dark style variables, imports with a backup', async () => {
    const file = path.join(home.dir, 'theme.json')
    const exported = await cli('theme', 'export', '--out', file)
    expect(exported.code, exported.stderr).to.equal(0)
    const text = await readFile(file, 'utf8')
    expect(JSON.parse(text)).to.deep.equal(brand)
    expect(text.startsWith('{\n  "styles": {\n    "dark": {')).to.equal(true)

    const changed = JSON.parse(text) as Theme
    changed.styles.dark.components.button['--descope-button-border-radius'] = '2px'
    changed.styles.light.components.button['--descope-button-new-variable'] = 'blue'
    await writeFile(file, JSON.stringify(changed))
    const dry = await cli('theme', 'import', file)
    expect(dry.code, dry.stderr).to.equal(0)
    expect(dry.stdout).to.match(/dark \(1 change\):\n\s+components\.button\."--descope-button-border-radius": ".*" → "2px"/)
    expect(dry.stdout).to.match(/light \(1 change\):\n\s+components\.button\."--descope-button-new-variable": \+ "blue"/)
    expect(dry.stdout).to.contain('Dry run: nothing was changed')

    const applied = await cli('theme', 'import', file, '--apply', '--yes', '--json')
    expect(applied.code, applied.stderr).to.equal(0)
    const json = parseJson<{applied: boolean; backupId: string}>(applied)
    expect(json.applied).to.equal(true)
    const backup = JSON.parse(await readFile(path.join(home.env.XDG_DATA_HOME, 'descope-mgmt', 'backups', PROJECT.id, json.backupId, 'theme.json'), 'utf8')) as Array<{fields: unknown}>
    expect(backup[0].fields).to.deep.equal(brand)

    const again = await cli('theme', 'export')
    expect(JSON.parse(again.stdout)).to.deep.equal(changed)
    const same = await cli('theme', 'import', file)
    expect(same.stdout).to.contain('no changes')
  })

  it('refuses a file that is not a theme', async () => {
    const file = path.join(home.dir, 'bad.json')
    await writeFile(file, JSON.stringify({colors: {}}))
    const result = await cli('theme', 'import', file, '--apply', '--yes')
    expect(result.code).to.not.equal(0)
    expect(result.stderr).to.contain('is not a Descope theme')
  })
})
