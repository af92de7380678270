/* eslint-disable no-template-curly-in-string -- the configuration reads the key from ${VAR} */
import {expect} from 'chai'
import {writeFile} from 'node:fs/promises'
import path from 'node:path'

import {type RunningEmulator, startEmulator} from '../../plugins/plugin-emulator/src/index.js'
import {type CliResult, makeTempHome, runCli} from '../helpers/cli.js'
import {type Api, apiFor} from '../integration/emulator/helpers.js'

/**
 * Descope's updates replace every field, and the emulator clears what an update leaves out. Each
 * write path changes one managed field; every other field, managed or not, must stay as it was.
 */

type Wire = Record<string, unknown>

/** Every field `tenant/create` takes, set to a value other than its default. */
const fullTenant = {
  authType: 'saml',
  customAttributes: {plan: 'gold', seats: 10},
  disabled: true,
  enforceSSO: true,
  enforceSSOExclusions: ['admin@acme.com'],
  federatedAppIds: ['app1', 'app2'],
  id: 'acme',
  name: 'Acme',
  parent: 'holding',
  roleInheritance: 'userOnly',
  selfProvisioningDomains: ['acme.com'],
}

const without = (object: Wire, ...fields: string[]): Wire => Object.fromEntries(Object.entries(object).filter(([field]) => !fields.includes(field)))

function expectOk(result: CliResult): void {
  expect(result.code, `exit ${result.code}\n${result.stdout}\n${result.stderr}`).to.equal(0)
}

for (const keepsAuthType of [false, true]) {
  describe(`updates keep every field they do not change (built CLI, emulator ${keepsAuthType ? 'keeping' : 'resetting'} an authType left out)`, function () {
    this.timeout(90_000)
    let emulator: RunningEmulator
    let api: Api
    let home: Awaited<ReturnType<typeof makeTempHome>>
    let env: Record<string, string>
    let configFile: string

    before(async () => {
      emulator = await startEmulator({behaviour: {tenantUpdateKeepsAuthType: keepsAuthType}, port: 0, rateLimit: 'off'})
      api = apiFor(emulator)
      home = await makeTempHome()
      configFile = path.join(home.dir, 'descope.yaml')
      const [project] = emulator.projects
      env = {
        ...home.env,
        DESCOPE_BASE_URL: emulator.url,
        DESCOPE_MANAGEMENT_KEY: project.managementKey,
        DESCOPE_PROJECT_ID: project.id,
        TEST_KEY: project.managementKey,
      }
    })

    after(async () => {
      await emulator?.stop()
      await home?.cleanup()
    })

    beforeEach(async () => {
      await emulator.admin.reset()
      await post('/v1/mgmt/tenant/create', {id: 'holding', name: 'Holding'})
      await post('/v1/mgmt/tenant/create', fullTenant)
    })

    async function post(route: string, body: Wire): Promise<void> {
      const response = await api.post(route, body)
      expect(response.status, `${route}: ${JSON.stringify(response.body)}`).to.equal(200)
    }

    async function tenant(id = 'acme'): Promise<Wire> {
      const response = await api.get<Wire>(`/v1/mgmt/tenant?id=${id}`)
      expect(response.status).to.equal(200)
      return response.body
    }

    async function role(name: string): Promise<Wire> {
      const {body} = await api.post<{roles: Wire[]}>('/v1/mgmt/role/search', {includeProjectRoles: true})
      const found = body.roles.find(candidate => candidate.name === name)
      expect(found, `role ${name}`).to.not.equal(undefined)
      return found!
    }

    async function permission(name: string): Promise<Wire> {
      const {body} = await api.get<{permissions: Wire[]}>('/v1/mgmt/permission/all')
      return body.permissions.find(candidate => candidate.name === name)!
    }

    const cli = (...args: string[]) => runCli(args, {cwd: home.dir, env})

    async function writeConfig(...sections: string[]): Promise<void> {
      const [project] = emulator.projects
      await writeFile(configFile, [
        'version: 1',
        'environments:',
        '  test:',
        `    projectId: ${project.id}`,
        '    managementKey: ${TEST_KEY}',
        `    baseUrl: ${emulator.url}`,
        ...sections,
        '',
      ].join('\n'))
    }

    const renamed = async () => writeConfig('tenants:', '  - {id: acme, name: Acme Corp}')

    /** The tenant now is the one before with only its name changed; nothing it does not manage was lost. */
    async function expectOnlyRenamed(before: Wire, name = 'Acme Corp'): Promise<void> {
      const after = await tenant()
      expect(after.name).to.equal(name)
      expect(without(after, 'name')).to.deep.equal(without(before, 'name'))
      expect(after).to.deep.include({authType: 'saml', federatedAppIds: ['app1', 'app2']})
    }

    it('apply: a rename keeps federatedAppIds, authType and every other field', async () => {
      const before = await tenant()
      await renamed()
      const plan = await cli('plan', '-e', 'test', '-c', configFile)
      expect(plan.code, plan.stderr).to.equal(2)
      expect(plan.stdout, 'the plan shows managed fields only').to.contain('name').and.not.contain('federatedAppIds')
      expectOk(await cli('apply', '-e', 'test', '-c', configFile, '--yes'))
      await expectOnlyRenamed(before)
      const again = await cli('plan', '-e', 'test', '-c', configFile)
      expect(again.code, again.stdout).to.equal(0)
    })

    it('tenant update --name keeps every other field', async () => {
      const before = await tenant()
      expectOk(await cli('tenant', 'update', 'acme', '--name', 'Acme Corp'))
      await expectOnlyRenamed(before)
    })

    it('tenant sync --apply keeps every other field', async () => {
      const before = await tenant()
      await renamed()
      expectOk(await cli('tenant', 'sync', '-e', 'test', '-c', configFile, '--apply', '--yes'))
      await expectOnlyRenamed(before)
    })

    it('a saved plan applied later sends the unmanaged fields as they are then, not as the plan saw them', async () => {
      await renamed()
      const planFile = path.join(home.dir, 'rename.plan.json')
      const plan = await cli('plan', '-e', 'test', '-c', configFile, '--out', planFile)
      expect(plan.code, plan.stderr).to.equal(2)
      // Someone links another app meanwhile, through the API (every field sent, as Descope requires).
      await post('/v1/mgmt/tenant/update', {...without(fullTenant, 'parent'), federatedAppIds: ['app3']})
      const before = await tenant()
      expectOk(await cli('apply', planFile, '-e', 'test', '-c', configFile, '--yes'))
      const after = await tenant()
      expect(after.federatedAppIds).to.deep.equal(['app3'])
      expect(without(after, 'name')).to.deep.equal(without(before, 'name'))
    })

    it('backup restore of an older backup: the name goes back, every other field stays', async () => {
      const backup = await cli('backup', 'create', '--json')
      expectOk(backup)
      const {id} = JSON.parse(backup.stdout) as {id: string}
      await post('/v1/mgmt/tenant/update', {...without(fullTenant, 'parent'), name: 'Acme Renamed'})
      const before = await tenant()
      expect(before.name).to.equal('Acme Renamed')
      expectOk(await cli('backup', 'restore', id, '--apply', '--yes'))
      await expectOnlyRenamed(before, 'Acme')
    })

    it('backup restore of a deleted tenant creates it again with the fields the tool does not manage', async () => {
      const before = await tenant()
      const backup = await cli('backup', 'create', '--json')
      expectOk(backup)
      const {id} = JSON.parse(backup.stdout) as {id: string}
      await post('/v1/mgmt/tenant/delete', {id: 'acme'})
      expectOk(await cli('backup', 'restore', id, '--apply', '--yes'))
      expect(without(await tenant(), 'createdTime')).to.deep.equal(without(before, 'createdTime'))
    })

    // Roles and permissions have no authType: once is enough.
    if (keepsAuthType) return

    it('apply: a role description change keeps its permissions, default and private flags', async () => {
      await post('/v1/mgmt/permission/create/batch', {permissions: [{description: 'Read', name: 'read'}, {description: 'Write', name: 'write'}]})
      await post('/v1/mgmt/role/create', {
        default: true, description: 'Old', name: 'Viewer', permissionNames: ['read', 'write'], private: true,
      })
      await post('/v1/mgmt/role/create', {
        description: 'Old', name: 'Owner', permissionNames: ['write'], private: true, tenantId: 'acme',
      })
      const [viewer, owner] = [await role('Viewer'), await role('Owner')]
      await writeConfig(
        'tenants:',
        '  - {id: acme, name: Acme}',
        'roles:',
        '  - {name: Viewer, description: New}',
        '  - {name: Owner, tenantId: acme, description: New}',
      )
      expectOk(await cli('apply', '-e', 'test', '-c', configFile, '--yes'))
      for (const [before, after] of [[viewer, await role('Viewer')], [owner, await role('Owner')]]) {
        expect(after.description).to.equal('New')
        expect(without(after, 'description')).to.deep.equal(without(before, 'description'))
      }

      expect(await tenant()).to.deep.include({federatedAppIds: ['app1', 'app2']})
    })

    it('apply: a permission description change keeps the permission and the roles that grant it', async () => {
      await post('/v1/mgmt/permission/create', {description: 'Read', name: 'read'})
      await post('/v1/mgmt/role/create', {name: 'Viewer', permissionNames: ['read']})
      const [before, viewer] = [await permission('read'), await role('Viewer')]
      await writeConfig('permissions:', '  - {name: read, description: Read everything}')
      expectOk(await cli('apply', '-e', 'test', '-c', configFile, '--yes'))
      const after = await permission('read')
      expect(after.description).to.equal('Read everything')
      expect(without(after, 'description')).to.deep.equal(without(before, 'description'))
      expect(await role('Viewer')).to.deep.equal(viewer)
    })
  })
}
