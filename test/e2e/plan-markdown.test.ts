import {expect} from 'chai'
import {readFile, stat, writeFile} from 'node:fs/promises'
import path from 'node:path'

import {startEmulator} from '../../plugins/plugin-emulator/src/index.js'
import {makeTempHome, runCli} from '../helpers/cli.js'

type Emulator = Awaited<ReturnType<typeof startEmulator>>

const project = {id: 'P2MarkdownProject00000000001', managementKey: 'K2MarkdownKey00000000000000000001'}

describe('plan --output markdown (built CLI)', function () {
  this.timeout(120_000)
  let emulator: Emulator
  let home: Awaited<ReturnType<typeof makeTempHome>>
  let configFile: string

  before(async () => {
    emulator = await startEmulator({
      newProjects: 'empty', port: 0, projects: [project], rateLimit: 'off',
    })
    home = await makeTempHome()
    configFile = path.join(home.dir, 'descope.yaml')
    await writeFile(configFile, [
      'version: 1',
      'environments:',
      '  staging:',
      `    projectId: ${project.id}`,
      `    baseUrl: ${emulator.url}`,
      'tenants:',
      '  - id: acme',
      // The key itself as a value: the comment must still never show it.
      `    name: Acme ${project.managementKey}`,
      '  - id: pipes',
      '    name: "A|B <b>bold</b>"',
      '',
    ].join('\n'))
  })

  after(async () => {
    await emulator.stop()
    await home.cleanup()
  })

  const cli = (...args: string[]) =>
    runCli([...args, '-c', configFile], {cwd: home.dir, env: {...home.env, DESCOPE_MANAGEMENT_KEY: project.managementKey}})

  it('prints the pull-request comment, exit 2, without the management key', async () => {
    const result = await cli('plan', '-e', 'staging', '--output', 'markdown')
    expect(result.code, result.stderr).to.equal(2)
    expect(result.stdout.startsWith('<!-- descope-mgmt plan: staging -->\n### descope-mgmt plan: `staging`\n')).to.equal(true)
    expect(result.stdout).to.contain('**2 changes pending:** 2 to create, 0 to update, 0 to delete.')
    expect(result.stdout).to.contain('| Tenants | 2 | 0 | 0 | 0 |')
    expect(result.stdout).to.contain('- **create** `pipes`\n  - `name`: `"A|B <b>bold</b>"`')
    expect(result.stdout).to.contain('<details><summary><b>Tenants</b>: 2 to create, 0 to update, 0 to delete</summary>')
    expect(result.stdout + result.stderr).to.not.contain(project.managementKey)
    expect(result.stdout).to.contain('`name`: `"Acme K2…0001"`')
    expect(result.stdout).to.not.contain('+ tenant acme')
  })

  it('writes the markdown to --out (mode 0600) instead of the JSON plan, and prints the text plan', async () => {
    const file = path.join(home.dir, 'out', 'plan.md')
    const result = await cli('plan', '-e', 'staging', '--output', 'markdown', '--out', file)
    expect(result.code, result.stderr).to.equal(2)
    const markdown = await readFile(file, 'utf8')
    expect(markdown.startsWith('<!-- descope-mgmt plan: staging -->')).to.equal(true)
    expect(markdown).to.contain('| Tenants | 2 | 0 | 0 | 0 |')
    expect(markdown).to.not.contain(project.managementKey)
    // eslint-disable-next-line no-bitwise -- the permission bits of a mode
    expect((await stat(file)).mode & 0o777).to.equal(0o600)
    expect(result.stdout).to.contain('+ tenant acme').and.contain(`Saved the plan as markdown to ${file}`)
    expect(result.stdout).to.not.contain('<details>')
    expect(result.stdout + result.stderr).to.not.contain(project.managementKey)
  })

  it('keeps writing the JSON plan to --out without --output markdown', async () => {
    const file = path.join(home.dir, 'plan.json')
    const result = await cli('plan', '-e', 'staging', '--out', file)
    expect(result.code, result.stderr).to.equal(2)
    expect(JSON.parse(await readFile(file, 'utf8'))).to.include({formatVersion: 1, projectId: project.id})
    expect(result.stdout).to.contain(`apply it with \`descope-mgmt apply ${file}\``)
  })

  it('says "No changes" with exit 0 once applied', async () => {
    const applied = await cli('apply', '-e', 'staging', '--yes')
    expect(applied.code, applied.stderr).to.equal(0)
    const result = await cli('plan', '-e', 'staging', '--output', 'markdown')
    expect(result.code, result.stderr).to.equal(0)
    expect(result.stdout).to.contain('**No changes:** the live project matches the configuration.')
    expect(result.stdout).to.not.contain('<details>')
  })

  it('refuses an unknown format, and markdown together with --json, with exit 3', async () => {
    const unknown = await cli('plan', '-e', 'staging', '--output', 'html')
    expect(unknown.code).to.equal(3)
    expect(unknown.stderr).to.contain('--output').and.contain('markdown')
    const both = await cli('plan', '-e', 'staging', '--output', 'markdown', '--json')
    expect(both.code).to.equal(3)
    expect(both.stdout + both.stderr).to.contain('--json')
  })
})
