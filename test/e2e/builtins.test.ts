/* eslint-disable no-template-curly-in-string -- the configuration reads the key from ${VAR} */
import {expect} from 'chai'
import {readFile, writeFile} from 'node:fs/promises'
import path from 'node:path'

import {startEmulator} from '../../plugins/plugin-emulator/src/index.js'
import {type CliResult, makeTempHome, runCli} from '../helpers/cli.js'
import {Api} from '../integration/emulator/helpers.js'

type Emulator = Awaited<ReturnType<typeof startEmulator>>

const NEW = {id: 'P2NewProject0000000000000001', managementKey: 'K2NewProjectKey000000000000001'}
const BARE = {contents: 'empty' as const, id: 'P2BareProject000000000000001', managementKey: 'K2BareProjectKey00000000000001'}
const BUILT_IN_FLOWS = ['sign-in', 'sign-up', 'sign-up-or-in', 'step-up', 'update-user']
const KEPT_LINE = 'Kept: 3 permissions, 1 role, 5 flows that Descope provides'

function parseJson<T>(result: CliResult): T {
  try {
    return JSON.parse(result.stdout) as T
  } catch {
    throw new Error(`stdout is not JSON (exit ${result.code}):\n${result.stdout}\n${result.stderr}`)
  }
}

describe('Descope\'s built-ins in a new project (built CLI, default emulator)', function () {
  this.timeout(120_000)
  let emulator: Emulator
  let home: Awaited<ReturnType<typeof makeTempHome>>
  let api: Api

  const envFor = (project: {id: string; managementKey: string}) => ({
    ...home.env, DESCOPE_BASE_URL: emulator.url, DESCOPE_MANAGEMENT_KEY: project.managementKey, DESCOPE_PROJECT_ID: project.id,
  })
  const cli = (...args: string[]) => runCli(args, {env: envFor(NEW), timeoutMs: 60_000})

  async function live(target = api): Promise<{flows: string[]; permissions: string[]; roles: string[]}> {
    const [permissions, roles, flows] = await Promise.all([
      target.get<{permissions: Array<{name: string}>}>('/v1/mgmt/permission/all'),
      target.get<{roles: Array<{name: string}>}>('/v1/mgmt/role/all'),
      target.post<{flows: Array<{id: string}>}>('/v1/mgmt/flow/list'),
    ])
    return {
      flows: flows.body.flows.map(flow => flow.id).sort(),
      permissions: permissions.body.permissions.map(permission => permission.name).sort(),
      roles: roles.body.roles.map(role => role.name).sort(),
    }
  }

  before(async () => {
    // The default contents for NEW; BARE says it wants an empty project.
    emulator = await startEmulator({port: 0, projects: [NEW, BARE], rateLimit: 'off'})
    home = await makeTempHome()
    api = new Api(emulator, NEW.id, NEW.managementKey)
  })

  after(async () => {
    await emulator?.stop()
    await home?.cleanup()
  })

  it('apply --prune of a file without the built-ins keeps them, and says so once', async () => {
    const configFile = path.join(home.dir, 'prune.yaml')
    await writeFile(configFile, [
      'version: 1',
      'environments:',
      '  test:',
      `    projectId: ${NEW.id}`,
      '    managementKey: ${TEST_KEY}',
      `    baseUrl: ${emulator.url}`,
      'permissions:',
      '  - {name: users.read}',
      'roles:',
      '  - {name: Viewer, permissionNames: [users.read, User Admin]}',
      'flows: []',
      '',
    ].join('\n'))
    const run = (...args: string[]) => runCli(args, {env: {...home.env, TEST_KEY: NEW.managementKey}, timeoutMs: 60_000})

    type PlanJson = {builtIns: Array<{id: string}>; changes: Array<{action: string; id: string}>; summary: Record<string, number>}
    const planned = parseJson<PlanJson>(await run('plan', '-c', configFile, '-e', 'test', '--prune', '--json'))
    expect(planned.changes.map(change => change.action)).to.deep.equal(['create', 'create'])
    expect(planned.summary).to.deep.include({builtIn: 9, delete: 0})
    expect(planned.builtIns.map(item => item.id)).to.include.members(['role:Tenant Admin', 'permission:Impersonate', 'flow:sign-up-or-in'])

    const applied = await run('apply', '-c', configFile, '-e', 'test', '--prune', '--yes')
    expect(applied.code, applied.stderr).to.equal(0)
    expect(applied.stdout.split(KEPT_LINE)).to.have.length(2, 'the kept line appears exactly once')
    expect(await live()).to.deep.equal({
      flows: BUILT_IN_FLOWS, permissions: ['Impersonate', 'SSO Admin', 'User Admin', 'users.read'], roles: ['Tenant Admin', 'Viewer'],
    })

    const again = await run('apply', '-c', configFile, '-e', 'test', '--prune', '--yes')
    expect(again.code, again.stderr).to.equal(0)
    expect(again.stdout).to.include('No changes').and.include(KEPT_LINE)
  })

  it('backup restore --prune of a backup without the built-ins does not delete them', async () => {
    // A backup of a bare project (one role), restored into the new project.
    const bare = new Api(emulator, BARE.id, BARE.managementKey)
    expect((await bare.post('/v1/mgmt/role/create', {name: 'Auditor'})).status).to.equal(200)
    const created = await runCli(['backup', 'create', '--label', 'bare', '--json'], {cwd: home.dir, env: envFor(BARE)})
    expect(created.code, created.stdout + created.stderr).to.equal(0)
    const backup = parseJson<{id: string}>(created)
    const restore = await runCli(['backup', 'restore', backup.id, '--prune', '--apply', '--yes'], {cwd: home.dir, env: envFor(NEW), timeoutMs: 60_000})
    expect(restore.code, `${restore.stdout}\n${restore.stderr}`).to.equal(0)
    const after = await live()
    expect(after.roles).to.include.members(['Auditor', 'Tenant Admin'])
    expect(after.permissions).to.include.members(['Impersonate', 'SSO Admin', 'User Admin'])
    expect(after.flows).to.deep.equal(BUILT_IN_FLOWS)
  })

  it('init --from-live leaves them out with a comment, and a plan of the written file says No changes', async () => {
    const out = path.join(home.dir, 'from-live', 'descope.yaml')
    const init = await cli('init', '--from-live', '--out', out)
    expect(init.code, init.stderr).to.equal(0)
    const text = await readFile(out, 'utf8')
    expect(text).to.include('# Left out: what Descope provides in every project')
    expect(text).to.not.match(/name: Tenant Admin|name: User Admin|id: sign-up-or-in/)
    const plan = await cli('plan', '-c', out)
    expect(plan.code, plan.stderr).to.equal(0)
    expect(plan.stdout).to.include('No changes')
  })

  it('flow delete names the flow, warns that sign-in through it stops, and needs --yes in scripts', async () => {
    const refused = await cli('flow', 'delete', 'sign-in')
    expect(refused.code).to.not.equal(0)
    expect(`${refused.stdout}${refused.stderr}`).to.include('"sign-in"').and.include('sign-in through it stops working').and.include('--yes')
    expect((await live()).flows).to.include('sign-in')

    const deleted = await cli('flow', 'delete', 'sign-in', '--yes')
    expect(deleted.code, deleted.stderr).to.equal(0)
    expect(deleted.stdout).to.include('Warning: deleting flow "sign-in": sign-in through it stops working')
    expect((await live()).flows).to.not.include('sign-in')
  })
})
