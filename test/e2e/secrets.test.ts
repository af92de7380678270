import {expect} from 'chai'
import {readdir, readFile, writeFile} from 'node:fs/promises'
import path from 'node:path'

import {startEmulator} from '../../plugins/plugin-emulator/src/index.js'
import {makeTempHome, runCli} from '../helpers/cli.js'

const project = {id: 'P2SecretsProject000000000001', managementKey: 'K2SecretsManagementKeyThatMustNeverLeak01'}
const other = {id: 'P2SecretsOtherProject0000001', managementKey: 'K2OtherManagementKeyThatMustNeverLeak002'}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, {recursive: true, withFileTypes: true}).catch(() => [])
  return entries.filter(entry => entry.isFile()).map(entry => path.join(entry.parentPath, entry.name))
}

describe('the management key never leaks (built CLI, every command that connects)', function () {
  this.timeout(300_000)
  let emulator: Awaited<ReturnType<typeof startEmulator>>
  let home: Awaited<ReturnType<typeof makeTempHome>>

  before(async () => {
    emulator = await startEmulator({
      newProjects: 'empty', rateLimit: 'off', port: 0, projects: [project, other],
    })
    home = await makeTempHome()
    await writeFile(
      path.join(home.dir, 'descope.yaml'),
      [
        'version: 1',
        'environments:',
        '  main:',
        `    projectId: ${project.id}`,
        `    managementKey: ${project.managementKey}`,
        `    baseUrl: ${emulator.url}`,
        '  other:',
        `    projectId: ${other.id}`,
        `    managementKey: ${other.managementKey}`,
        `    baseUrl: ${emulator.url}`,
        'permissions:',
        '  - name: read',
        'roles:',
        '  - name: viewer',
        '    permissionNames: [read]',
        'tenants:',
        '  - id: acme',
        '    name: Acme',
        '    selfProvisioningDomains: [acme.com]',
        '',
      ].join('\n'),
    )
  })

  after(async () => {
    await emulator.stop()
    await home.cleanup()
  })

  // Each command with the exit code it must end with, so every one really did its work.
  const commands: Array<[string[], number]> = [
    [['config', 'validate'], 0],
    [['plan', '-e', 'main'], 2],
    [['plan', '-e', 'main', '--json'], 2],
    [['apply', '-e', 'main', '--yes'], 0],
    [['apply', '-e', 'main', '--yes', '--json'], 0],
    [['drift', '--all-environments'], 2],
    [['compare', '--from', 'main', '--to', 'other'], 2],
    [['tenant', 'list', '-e', 'main'], 0],
    [['tenant', 'get', 'acme', '-e', 'main', '--json'], 0],
    [['tenant', 'create', '--id', 'beta', '--name', 'Beta', '-e', 'main'], 0],
    [['tenant', 'update', 'beta', '--name', 'Beta 2', '-e', 'main', '--json'], 0],
    [['tenant', 'delete', 'beta', '--yes', '-e', 'main'], 0],
    [['tenant', 'sync', '-e', 'main'], 0],
    [['role', 'list', '-e', 'main'], 0],
    [['permission', 'list', '-e', 'main', '--json'], 0],
    [['backup', 'create', '-e', 'main'], 0],
    [['backup', 'list', '-e', 'main', '--json'], 0],
    [['audit', 'list', '--json'], 0],
    [['audit', 'export', '--format', 'csv'], 0],
    [['tenant', 'list', '-e', 'main', '--base-url', 'http://127.0.0.1:1', '--json'], 5],
  ]

  for (const [args, code] of commands) {
    it(`\`${args.join(' ')}\` exits ${code} and prints neither key`, async () => {
      const result = await runCli(args, {cwd: home.dir, env: home.env, timeoutMs: 60_000})
      const output = result.stdout + result.stderr
      expect(result.code, output).to.equal(code)
      for (const key of [project.managementKey, other.managementKey]) expect(output).to.not.contain(key)
    })
  }

  it('a wrong key is refused (exit 4) without being printed', async () => {
    const wrongKey = 'K2WrongKeyThatIsAlsoASecret0000001'
    const wrong = await runCli(['tenant', 'list', '--json'], {
      cwd: home.dir,
      env: {
        ...home.env, DESCOPE_BASE_URL: emulator.url, DESCOPE_MANAGEMENT_KEY: wrongKey, DESCOPE_PROJECT_ID: project.id,
      },
    })
    expect(wrong.code).to.equal(4)
    expect(wrong.stdout + wrong.stderr).to.not.contain(wrongKey)
  })

  it('no file written under the home (backups, journals, audit, cache) contains a key', async () => {
    const files = await filesUnder(home.dir)
    expect(files.some(file => file.includes(`${path.sep}backups${path.sep}`)), 'a backup was written').to.equal(true)
    expect(files.some(file => file.endsWith('audit.jsonl')), 'the audit log was written').to.equal(true)
    for (const file of files) {
      if (file.endsWith('descope.yaml')) continue
      const content = await readFile(file, 'utf8')
      for (const key of [project.managementKey, other.managementKey]) expect(content, file).to.not.contain(key)
    }
  })
})
