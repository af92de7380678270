import {expect} from 'chai'
import {readFile, stat, writeFile} from 'node:fs/promises'
import path from 'node:path'
import {parse as parseYaml} from 'yaml'

import {startEmulator} from '../../plugins/plugin-emulator/src/index.js'
import {httpFetch} from '../conformance/sdk.js'
import {makeTempHome, repoRoot, runCli} from '../helpers/cli.js'

type Emulator = Awaited<ReturnType<typeof startEmulator>>

describe('init (built CLI)', function () {
  this.timeout(60_000)
  let emulator: Emulator
  let home: Awaited<ReturnType<typeof makeTempHome>>
  let env: Record<string, string>

  /** A Management API call, as the Descope SDKs send it. */
  async function post(route: string, body: Record<string, unknown>): Promise<void> {
    const [project] = emulator.projects
    const response = await httpFetch(`${emulator.url}${route}`, {
      body: JSON.stringify(body),
      headers: {authorization: `Bearer ${project.id}:${project.managementKey}`, 'content-type': 'application/json'},
      method: 'POST',
    })
    expect(response.status, `${route}: ${await response.text()}`).to.equal(200)
  }

  before(async () => {
    emulator = await startEmulator({newProjects: 'empty', rateLimit: 'off', port: 0})
    home = await makeTempHome()
    const [project] = emulator.projects
    env = {
      ...home.env, DESCOPE_BASE_URL: emulator.url, DESCOPE_MANAGEMENT_KEY: project.managementKey, DESCOPE_PROJECT_ID: project.id,
    }
    await post('/v1/mgmt/permission/create', {description: 'Read users', name: 'users.read'})
    await post('/v1/mgmt/permission/create', {name: 'audit.read'})
    await post('/v1/mgmt/tenant/create', {
      customAttributes: {
        plan: 'gold', regions: ['eu', 'us'], seats: 10, trial: false,
      },
      enforceSSO: true,
      enforceSSOExclusions: ['admin@acme.com'],
      id: 'acme',
      name: 'Acme Inc',
      selfProvisioningDomains: ['acme.io', 'acme.com'],
    })
    await post('/v1/mgmt/tenant/create', {
      id: 'acme-eu', name: 'Acme Europe', parent: 'acme', roleInheritance: 'userOnly', selfProvisioningDomains: ['eu.acme.com'],
    })
    await post('/v1/mgmt/tenant/create', {disabled: true, id: 'initech', name: 'Initech'})
    await post('/v1/mgmt/role/create', {
      default: true, description: 'Reads users', name: 'Viewer', permissionNames: ['users.read'],
    })
    await post('/v1/mgmt/role/create', {
      name: 'Auditor', permissionNames: ['users.read', 'audit.read'], private: true, tenantId: 'acme',
    })
    await post('/v2/mgmt/flow/import', {
      flow: {
        contents: {startTask: 'start', tasks: {start: {id: 'start', name: 'start', view: {x: 0, y: 0}}}},
        flowId: 'partner-sign-in',
        metadata: {name: 'Sign In'},
        references: {},
        screens: [],
      },
    })
  })

  after(async () => {
    await emulator?.stop()
    await home?.cleanup()
  })

  const cli = (args: string[], cwd = home.dir) => runCli(args, {cwd, env})

  it('writes a commented starter that validates, and refuses to overwrite it without --force', async () => {
    const dir = path.join(home.dir, 'starter')
    const {mkdir} = await import('node:fs/promises')
    await mkdir(dir)
    const result = await cli(['init'], dir)
    expect(result.code, result.stderr).to.equal(0)
    expect(result.stdout).to.contain('Wrote descope.yaml').and.contain('descope-mgmt plan -e local')
    const file = path.join(dir, 'descope.yaml')
    const text = await readFile(file, 'utf8')
    expect(text).to.match(/^# yaml-language-server: \$schema=/)
    expect(text).to.contain('emulator: true').and.contain('- id: acme')
    expect((await stat(file)).mode.toString(8).slice(-3)).to.equal('600')

    const validate = await cli(['config', 'validate', '-e', 'local'], dir)
    expect(validate.code, validate.stdout + validate.stderr).to.equal(0)

    await writeFile(file, 'mine\n')
    const again = await cli(['init'], dir)
    expect(again.code).to.equal(3)
    expect(again.stderr).to.contain('descope.yaml already exists').and.contain('--force')
    expect(again.stderr).not.to.match(/\n\s+at /)
    expect(await readFile(file, 'utf8')).to.equal('mine\n')
    const forced = await cli(['init', '--force'], dir)
    expect(forced.code, forced.stderr).to.equal(0)
    expect(await readFile(file, 'utf8')).to.contain('version: 1')
  })

  it('the quickstart walkthrough works as written: init, plan (exit 2), apply, plan (exit 0); docs/quickstart.md has the same text', async () => {
    const dir = path.join(home.dir, 'quickstart')
    const {mkdir} = await import('node:fs/promises')
    await mkdir(dir)
    const quickstart = await cli(['quickstart'], dir)
    expect(quickstart.code, quickstart.stderr).to.equal(0)
    const doc = await readFile(path.join(repoRoot, 'docs', 'quickstart.md'), 'utf8')
    expect(doc).to.contain(quickstart.stdout.trimEnd())
    for (const command of ['descope-mgmt init', 'descope-mgmt plan -e local', 'descope-mgmt apply -e local --yes']) expect(quickstart.stdout).to.contain(command)

    const local = (args: string[]) => runCli(args, {cwd: dir, env: home.env})
    expect((await local(['init'])).code).to.equal(0)
    const plan = await local(['plan', '-e', 'local'])
    expect(plan.code, plan.stdout + plan.stderr).to.equal(2)
    expect(plan.stdout).to.contain('+ tenant acme')
    const apply = await local(['apply', '-e', 'local', '--yes'])
    expect(apply.code, apply.stdout + apply.stderr).to.equal(0)
    const list = await local(['tenant', 'list', '-e', 'local'])
    expect(list.stdout).to.contain('acme')
    expect((await local(['plan', '-e', 'local'])).code).to.equal(0)

    // --from-live of an emulator environment, into another folder: the data folder stays the same.
    const imported = await local(['init', '--from-live', '-e', 'local', '--out', 'sub/live.yaml'])
    expect(imported.code, imported.stderr).to.equal(0)
    expect(await readFile(path.join(dir, 'sub', 'live.yaml'), 'utf8')).to.match(/ {2}local:\n {4}emulator: true\n {4}data: \.\.\/\.descope-emulator\n/)
    const planLive = await local(['plan', '-c', 'sub/live.yaml'])
    expect(planLive.code, planLive.stdout + planLive.stderr).to.equal(0)
  })

  it('--from-live writes the live project, without the key, and plan then shows no changes', async () => {
    const result = await cli(['init', '--from-live', '-e', 'prod'])
    expect(result.code, result.stderr).to.equal(0)
    expect(result.stdout).to.contain('environment "prod", 3 tenants, 2 permissions, 2 roles')
    const file = path.join(home.dir, 'descope.yaml')
    expect((await stat(file)).mode.toString(8).slice(-3)).to.equal('600')
    const text = await readFile(file, 'utf8')
    const [project] = emulator.projects
    expect(text).not.to.contain(project.managementKey)
    // eslint-disable-next-line no-template-curly-in-string
    expect(text).to.contain(`projectId: ${project.id}`).and.contain('managementKey: ${DESCOPE_MANAGEMENT_KEY}').and.contain(`baseUrl: ${emulator.url}`)
    // Stable order, defaults left out.
    const tenantIds = (parseYaml(text) as {tenants: Array<{id: string}>}).tenants.map(tenant => tenant.id)
    expect(tenantIds).to.deep.equal(['acme', 'acme-eu', 'initech'])
    expect(text).to.match(/selfProvisioningDomains:\n\s+- acme.com\n\s+- acme.io\n/)
    expect(text).not.to.match(/enforceSSO: false|disabled: false|roleInheritance: ""|customAttributes: \{\}/)

    // Flows and the theme are files beside it, in the format of `flow export` and `theme export`.
    expect(result.stdout, result.stdout).to.contain('beside it 1 flow in flows/ and the theme in theme.json')
    expect(JSON.parse(await readFile(path.join(home.dir, 'flows', 'partner-sign-in.json'), 'utf8'))).to.include({flowId: 'partner-sign-in'})
    expect((await stat(path.join(home.dir, 'theme.json'))).isFile()).to.equal(true)
    const diff = await cli(['flow', 'diff', 'flows/partner-sign-in.json'])
    expect(diff.code, diff.stdout + diff.stderr).to.equal(0)

    // They are declared too, so plan manages them like everything else.
    expect(text).to.contain('flows:\n  - id: partner-sign-in\n    file: flows/partner-sign-in.json\n').and.contain('theme:\n  file: theme.json\n')
    const plan = await cli(['plan', '--json'])
    expect(plan.code, plan.stdout + plan.stderr).to.equal(0)
    expect(JSON.parse(plan.stdout).changes).to.deep.equal([])
    expect(JSON.parse(plan.stdout).resources).to.include.members(['tenants', 'permissions', 'roles', 'flows', 'theme'])

    // Same input, same file.
    const again = await cli(['init', '--from-live', '-e', 'prod', '--force', '--out', 'again.yaml'])
    expect(again.code, again.stderr).to.equal(0)
    expect(await readFile(path.join(home.dir, 'again.yaml'), 'utf8')).to.equal(text)
  })
})
