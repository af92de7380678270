/* eslint-disable no-template-curly-in-string -- the configuration reads the key from ${VAR} */
import DescopeClient from '@descope/node-sdk'
import {expect} from 'chai'
import {writeFile} from 'node:fs/promises'
import path from 'node:path'

import {startEmulator} from '../../plugins/plugin-emulator/src/index.js'
import {dataOf, httpFetch} from '../conformance/sdk.js'
import {type CliResult, makeTempHome, runCli} from '../helpers/cli.js'

type Emulator = Awaited<ReturnType<typeof startEmulator>>
type SdkFetch = NonNullable<Parameters<typeof DescopeClient>[0]['fetch']>

interface WireRole {
  name: string
  tenantId?: string
  description?: string
  permissionNames?: string[]
  default?: boolean
  private?: boolean
}

interface PlanJson {
  changes: Array<{id: string; action: string; phase: number; after: string[]}>
  summary: Record<string, number>
}

function parseJson<T>(result: CliResult): T {
  try {
    return JSON.parse(result.stdout) as T
  } catch {
    throw new Error(`stdout is not JSON (exit ${result.code}):\n${result.stdout}\n${result.stderr}`)
  }
}

// Whether Descope's role/all carries tenant roles is not documented: every test runs under both.
const suiteTitle = (withTenantRoles: boolean) => `role and permission commands against the emulator (built CLI), role/all ${withTenantRoles ? 'with' : 'without'} tenant roles`
for (const roleAllIncludesTenantRoles of [false, true]) describe(suiteTitle(roleAllIncludesTenantRoles), function () {
  this.timeout(60_000)
  let emulator: Emulator
  let home: Awaited<ReturnType<typeof makeTempHome>>
  let env: Record<string, string>

  before(async () => {
    emulator = await startEmulator({
      behaviour: {roleAllIncludesTenantRoles}, newProjects: 'empty', port: 0, rateLimit: 'off',
    })
    home = await makeTempHome()
    const [project] = emulator.projects
    env = {
      ...home.env,
      DESCOPE_BASE_URL: emulator.url,
      DESCOPE_MANAGEMENT_KEY: project.managementKey,
      DESCOPE_PROJECT_ID: project.id,
    }

    // Set up through the official SDK (over node:http: nock breaks POST bodies of the global fetch here).
    const {management} = DescopeClient({
      baseUrl: emulator.url, fetch: httpFetch as unknown as SdkFetch, managementKey: project.managementKey, projectId: project.id,
    })
    dataOf(await management.permission.create('users.read', 'Read users'))
    dataOf(await management.permission.create('audit.read', 'Read the audit trail'))
    dataOf(await management.tenant.createWithId('acme', 'Acme'))
    dataOf(await management.role.create('Viewer', 'Reads users', ['users.read'], undefined, true))
    dataOf(await management.role.create('Auditor', 'Audits Acme', ['users.read', 'audit.read'], 'acme'))
  })

  after(async () => {
    await emulator?.stop()
    await home?.cleanup()
  })

  const cli = (...args: string[]) => runCli(args, {cwd: home.dir, env})

  it('permission list shows the permissions as JSON, a table and YAML', async () => {
    const json = await cli('permission', 'list', '--json')
    expect(json.code, json.stderr).to.equal(0)
    const permissions = parseJson<Array<{name: string; description: string; systemDefault: boolean}>>(json)
    expect(permissions.map(({description, name, systemDefault}) => ({description, name, systemDefault}))).to.deep.equal([
      {description: 'Read the audit trail', name: 'audit.read', systemDefault: false},
      {description: 'Read users', name: 'users.read', systemDefault: false},
    ])

    const table = await cli('permission', 'list')
    expect(table.code, table.stderr).to.equal(0)
    const lines = table.stdout.trim().split('\n')
    expect(lines[0]).to.match(/^NAME\s+DESCRIPTION\s+SYSTEM DEFAULT$/)
    expect(lines.slice(1)).to.have.length(2)
    expect(lines[1]).to.match(/^audit\.read\s+Read the audit trail\s+no$/)

    const yaml = await cli('permission', 'list', '--output', 'yaml')
    expect(yaml.code, yaml.stderr).to.equal(0)
    expect(yaml.stdout).to.contain('name: users.read').and.contain('description: Read users').and.contain('systemDefault: false')
  })

  it('role list shows project roles first, then tenant roles, with their permissions', async () => {
    const json = await cli('role', 'list', '--json')
    expect(json.code, json.stderr).to.equal(0)
    const roles = parseJson<WireRole[]>(json)
    expect(roles.map(role => [role.tenantId, role.name, role.permissionNames, role.default])).to.deep.equal([
      ['', 'Viewer', ['users.read'], true],
      ['acme', 'Auditor', ['users.read', 'audit.read'], false],
    ])

    const table = await cli('role', 'list')
    const lines = table.stdout.trim().split('\n')
    expect(lines[0]).to.match(/^NAME\s+TENANT\s+DESCRIPTION\s+PERMISSIONS\s+DEFAULT$/)
    expect(lines[1]).to.match(/^Viewer\s+\(project\)\s+Reads users\s+users\.read\s+yes$/)
    expect(lines[2]).to.match(/^Auditor\s+acme\s+Audits Acme\s+audit\.read, users\.read\s+no$/)

    const csv = await cli('role', 'list', '--output', 'csv', '--tenant', 'acme')
    expect(csv.stdout.trim().split('\n')).to.deep.equal(['NAME,TENANT,DESCRIPTION,PERMISSIONS,DEFAULT', 'Auditor,acme,Audits Acme,audit.read;users.read,no'])
  })

  it('role list --tenant filters, and says so when nothing matches', async () => {
    const acme = parseJson<WireRole[]>(await cli('role', 'list', '--tenant', 'acme', '--json'))
    expect(acme.map(role => role.name)).to.deep.equal(['Auditor'])
    const none = await cli('role', 'list', '--tenant', 'nope')
    expect(none.code, none.stderr).to.equal(0)
    expect(none.stdout.trim()).to.equal('No roles found for tenant nope.')
  })

  it('plan creates and updates permissions before tenants before roles, and shows a renamed role as a delete and a create', async () => {
    const [project] = emulator.projects
    const configFile = path.join(home.dir, 'descope.yaml')
    await writeFile(configFile, [
      'version: 1',
      'environments:',
      '  test:',
      `    projectId: ${project.id}`,
      '    managementKey: ${TEST_KEY}',
      `    baseUrl: ${emulator.url}`,
      'tenants:',
      '  - {id: acme, name: Acme}',
      '  - {id: globex, name: Globex}',
      'permissions:',
      '  - {name: users.read, description: Read users}',
      '  - {name: audit.read, description: Read the audit trail and exports}',
      '  - {name: reports.read, description: Read reports}',
      'roles:',
      '  - {name: Viewer, description: Reads users, permissionNames: [reports.read, users.read], default: true}',
      '  - {name: Audit Reader, tenantId: acme, permissionNames: [users.read, audit.read]}',
      '  - {name: Admin, tenantId: globex, permissionNames: [reports.read]}',
      '',
    ].join('\n'))
    const plan = (...args: string[]) => runCli(['plan', '-e', 'test', '-c', configFile, ...args], {cwd: home.dir, env: {...home.env, TEST_KEY: project.managementKey}})

    const result = await plan('--json', '--prune')
    expect(result.code, result.stderr).to.equal(2)
    const {changes, summary} = parseJson<PlanJson>(result)
    expect(changes.map(change => `${change.action} ${change.id}`)).to.deep.equal([
      'update permission:audit.read',
      'create permission:reports.read',
      'create tenant:globex',
      'update role:Viewer',
      'create role:acme/Audit Reader',
      'create role:globex/Admin',
      'delete role:acme/Auditor',
    ])
    expect(summary).to.deep.include({create: 4, delete: 1, update: 2})
    const index = (id: string) => changes.findIndex(change => change.id === id)
    const lastPermission = Math.max(...changes.filter(change => change.id.startsWith('permission:')).map(change => index(change.id)))
    const firstRole = Math.min(...changes.filter(change => change.id.startsWith('role:')).map(change => index(change.id)))
    expect(lastPermission).to.be.below(firstRole)
    const byId = new Map(changes.map(change => [change.id, change]))
    expect(byId.get('role:globex/Admin')?.after).to.deep.equal(['permission:reports.read', 'tenant:globex'])
    expect(byId.get('role:Viewer')?.after).to.deep.equal(['permission:reports.read'])
    expect(byId.get('permission:reports.read')!.phase).to.be.below(byId.get('tenant:globex')!.phase)
    expect(byId.get('tenant:globex')!.phase).to.be.below(byId.get('role:globex/Admin')!.phase)

    // Without --prune the old name is only reported as unmanaged.
    const text = await plan()
    expect(text.code, text.stderr).to.equal(2)
    expect(text.stdout).to.contain('+ role acme/Audit Reader').and.not.contain('- role acme/Auditor')
  })

  it('apply writes the tenant roles once: the next plan sees them and has nothing to do', async () => {
    const [project] = emulator.projects
    const configFile = path.join(home.dir, 'descope.yaml')
    const run = (...args: string[]) => runCli([...args, '-e', 'test', '-c', configFile], {cwd: home.dir, env: {...home.env, TEST_KEY: project.managementKey}})
    const applied = await run('apply', '--yes', '--prune')
    expect(applied.code, applied.stderr).to.equal(0)
    const again = await run('plan', '--prune', '--json')
    expect(again.code, again.stdout).to.equal(0)
    expect(parseJson<PlanJson>(again).changes).to.deep.equal([])
    const roles = parseJson<WireRole[]>(await cli('role', 'list', '--json'))
    expect(roles.map(role => `${role.tenantId}/${role.name}`)).to.deep.equal(['/Viewer', 'acme/Audit Reader', 'globex/Admin'])
  })
})
