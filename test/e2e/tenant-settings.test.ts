import {expect} from 'chai'
import {readFile, writeFile} from 'node:fs/promises'
import path from 'node:path'

import {startEmulator} from '../../plugins/plugin-emulator/src/index.js'
import {type CliResult, makeTempHome, runCli} from '../helpers/cli.js'
import {apiFor} from '../integration/emulator/helpers.js'

type Emulator = Awaited<ReturnType<typeof startEmulator>>

const PROJECT = {id: 'P2SettingsProject0000000000001', managementKey: 'K2SettingsManagementKey00000000001'}

function json<T>(result: CliResult): T {
  try {
    return JSON.parse(result.stdout) as T
  } catch {
    throw new Error(`stdout is not JSON (exit ${result.code}):\n${result.stdout}\n${result.stderr}`)
  }
}

describe('tenant settings against the emulator (built CLI)', function () {
  this.timeout(180_000)
  let emulator: Emulator
  let home: Awaited<ReturnType<typeof makeTempHome>>
  let configFile: string

  const env = () => ({...home.env, SETTINGS_KEY: PROJECT.managementKey})
  const cli = (...args: string[]) => runCli([...args, '-c', configFile], {cwd: home.dir, env: env()})
  const emulatorCall = async (method: 'GET' | 'POST', route: string, body?: Record<string, unknown>) => {
    const api = apiFor(emulator)
    const response = method === 'GET' ? await api.get<Record<string, unknown>>(route) : await api.post<Record<string, unknown>>(route, body ?? {})
    expect(response.status, route).to.equal(200)
    return response.body
  }

  const liveSettings = (id: string) => emulatorCall('GET', `/v1/mgmt/tenant/settings?id=${id}`)

  before(async () => {
    emulator = await startEmulator({
      newProjects: 'empty', rateLimit: 'off', port: 0, projects: [PROJECT],
    })
    home = await makeTempHome()
    configFile = path.join(home.dir, 'descope.yaml')
    await writeFile(configFile, [
      'version: 1',
      'environments:',
      '  prod:',
      `    projectId: ${PROJECT.id}`,
      // eslint-disable-next-line no-template-curly-in-string -- the configuration reads the key from the environment
      '    managementKey: ${SETTINGS_KEY}',
      `    baseUrl: ${emulator.url}`,
      'tenants:',
      '  - id: acme',
      '    name: Acme',
      '    selfProvisioningDomains: [acme.com]',
      '    settings:',
      '      enabled: true',
      '      sessionTokenExpiration: 30',
      '      sessionTokenExpirationUnit: minutes',
      '      enableInactivity: true',
      '      inactivityTime: 2',
      '      inactivityTimeUnit: hours',
      '  - id: globex',
      '    name: Globex',
      '',
    ].join('\n'))
  })

  after(async () => {
    await emulator.stop()
    await home.cleanup()
  })

  it('applies the settings of a new tenant after the tenant, keeping the fields it does not manage', async () => {
    const plan = await cli('plan', '-e', 'prod')
    expect(plan.code, plan.stderr).to.equal(2)
    expect(plan.stdout).to.contain('Tenant settings').and.contain('+ tenantSettings acme')
    const applied = await cli('apply', '-e', 'prod', '--yes')
    expect(applied.code, applied.stderr + applied.stdout).to.equal(0)
    expect(await liveSettings('acme')).to.deep.include({
      enabled: true, enableInactivity: true, inactivityTime: 2, inactivityTimeUnit: 'hours', selfProvisioningDomains: ['acme.com'], sessionTokenExpiration: 30,
    })
    // The tenant without `settings` keeps Descope's.
    expect(await liveSettings('globex')).to.deep.include({enabled: false, sessionTokenExpiration: 10})
    const again = await cli('plan', '-e', 'prod')
    expect(again.code, again.stderr).to.equal(0)
    expect(again.stdout).to.contain('No changes')
  })

  it('shows a setting changed in the project as drift, and prune never deletes settings', async () => {
    const before = await liveSettings('acme')
    // Another client changes one setting; the configure call overrides all, so send them all.
    await emulatorCall('POST', '/v1/mgmt/tenant/settings', {...before, sessionTokenExpiration: 45, tenantId: 'acme'})
    const drift = await cli('drift', '-e', 'prod', '--json')
    expect(drift.code, drift.stderr).to.equal(2)
    const report = json<{environments: Array<{changed: Array<{id: string; fields: Array<{path: string; before: unknown; after: unknown}>}>; unmanaged: string[]}>}>(drift)
    expect(report.environments[0].changed).to.deep.equal([
      {
        fields: [{
          after: 30, before: 45, kind: 'changed', path: 'sessionTokenExpiration',
        }], id: 'tenantSettings:acme',
      },
    ])
    expect(report.environments[0].unmanaged).to.deep.equal([])
    const pruned = json<{changes: Array<{id: string; action: string}>}>(await cli('plan', '-e', 'prod', '--prune', '--json'))
    expect(pruned.changes.map(change => `${change.action} ${change.id}`)).to.deep.equal(['update tenantSettings:acme'])
  })

  it('backs the settings up and a restore brings a changed one back', async () => {
    const apiEnv = {
      ...home.env, DESCOPE_BASE_URL: emulator.url, DESCOPE_MANAGEMENT_KEY: PROJECT.managementKey, DESCOPE_PROJECT_ID: PROJECT.id,
    }
    const created = await runCli(['backup', 'create', '--label', 'settings', '--json'], {cwd: home.dir, env: apiEnv})
    expect(created.code, created.stderr).to.equal(0)
    const backup = json<{id: string; path: string; resources: string[]; counts: Record<string, number>}>(created)
    expect(backup.resources).to.include('tenantSettings')
    expect(backup.counts.tenantSettings).to.equal(2)
    const stored = JSON.parse(await readFile(path.join(backup.path, 'tenantSettings.json'), 'utf8')) as Array<{key: string; fields: Record<string, unknown>}>
    expect(stored.find(item => item.key === 'acme')?.fields).to.deep.include({sessionTokenExpiration: 45})

    const current = await liveSettings('acme')
    await emulatorCall('POST', '/v1/mgmt/tenant/settings', {
      ...current, JITDisabled: true, sessionTokenExpiration: 20, tenantId: 'acme',
    })
    const restored = await runCli(['backup', 'restore', backup.id, '--apply', '--yes', '--prune'], {cwd: home.dir, env: apiEnv})
    expect(restored.code, restored.stderr + restored.stdout).to.equal(0)
    expect(await liveSettings('acme')).to.deep.include({JITDisabled: false, selfProvisioningDomains: ['acme.com'], sessionTokenExpiration: 45})
  })

  it('init --from-live writes the settings that differ from the defaults, and a plan of it says No changes', async () => {
    const out = path.join(home.dir, 'live', 'descope.yaml')
    const init = await runCli(['init', '--from-live', '-e', 'prod', '-c', configFile, '--out', out], {cwd: home.dir, env: env()})
    expect(init.code, init.stderr).to.equal(0)
    const text = await readFile(out, 'utf8')
    expect(text).to.contain('    settings:\n      enabled: true\n      sessionTokenExpiration: 45\n      enableInactivity: true\n      inactivityTime: 2\n')
    expect(text.match(/settings:/g)).to.have.length(1)
    const plan = await runCli(['plan', '-e', 'prod', '-c', out], {cwd: home.dir, env: {...env(), DESCOPE_MANAGEMENT_KEY: PROJECT.managementKey}})
    expect(plan.code, plan.stderr + plan.stdout).to.equal(0)
    expect(plan.stdout).to.contain('No changes')
  })
})
