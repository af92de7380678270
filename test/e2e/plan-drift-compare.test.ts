/* eslint-disable no-template-curly-in-string -- the configurations use ${VAR} interpolation */
import {expect} from 'chai'
import {readFile, stat, writeFile} from 'node:fs/promises'
import path from 'node:path'

import {startEmulator} from '../../plugins/plugin-emulator/src/index.js'
import {type CliResult, makeTempHome, runCli} from '../helpers/cli.js'

type Emulator = Awaited<ReturnType<typeof startEmulator>>

const staging = {id: 'P2StagingProject000000000001', managementKey: 'K2StagingKey0000000000000000001'}
const production = {id: 'P2ProductionProject000000001', managementKey: 'K2ProductionKey000000000000001'}

function json<T>(result: CliResult): T {
  try {
    return JSON.parse(result.stdout) as T
  } catch {
    throw new Error(`stdout is not JSON (exit ${result.code}):\n${result.stdout}\n${result.stderr}`)
  }
}

function tenantsYaml(count: number, extra = ''): string {
  const lines = ['tenants:']
  for (let index = 0; index < count; index++) {
    const id = `t${String(index).padStart(3, '0')}`
    lines.push(`  - id: ${id}`, `    name: Tenant ${index}`, `    selfProvisioningDomains: [${id}.example.com]`, `    customAttributes: {seats: ${index}}`)
  }

  return `${lines.join('\n')}\n${extra}`
}

describe('plan, drift and compare against the emulator (built CLI)', function () {
  this.timeout(120_000)
  let emulator: Emulator
  let home: Awaited<ReturnType<typeof makeTempHome>>
  let configFile: string

  before(async () => {
    emulator = await startEmulator({
      newProjects: 'empty', rateLimit: 'off', port: 0, projects: [staging, production],
    })
    home = await makeTempHome()
    configFile = path.join(home.dir, 'descope.yaml')
    const environments = [
      'version: 1',
      'environments:',
      '  staging:',
      `    projectId: ${staging.id}`,
      '    managementKey: ${STAGING_KEY}',
      `    baseUrl: ${emulator.url}`,
      '  production:',
      `    projectId: ${production.id}`,
      '    managementKey: ${PRODUCTION_KEY}',
      `    baseUrl: ${emulator.url}`,
      '    protect: [t001]',
      '',
    ].join('\n')
    await writeFile(configFile, environments + tenantsYaml(50))
  })

  after(async () => {
    await emulator.stop()
    await home.cleanup()
  })

  const cli = (...args: string[]) =>
    runCli([...args, '-c', configFile], {cwd: home.dir, env: {...home.env, PRODUCTION_KEY: production.managementKey, STAGING_KEY: staging.managementKey}})

  it('plans 50 creates from empty, exit 2, and saves the plan with mode 0600', async () => {
    const planFile = path.join(home.dir, 'plan.json')
    const result = await cli('plan', '-e', 'staging', '--out', planFile)
    expect(result.code, result.stderr).to.equal(2)
    expect(result.stdout).to.contain('+ tenant t000').and.contain('Plan: 50 to create, 0 to update, 0 to delete.')
    const saved = JSON.parse(await readFile(planFile, 'utf8'))
    expect(saved.summary).to.deep.include({create: 50, delete: 0, update: 0})
    // eslint-disable-next-line no-bitwise -- the permission bits of a mode
    expect((await stat(planFile)).mode & 0o777).to.equal(0o600)
    const asJson = json<{summary: {create: number}}>(await cli('plan', '-e', 'staging', '--json'))
    expect(asJson.summary.create).to.equal(50)
  })

  it('reports resources missing live as drift, with exit 2', async () => {
    for (const index of [0, 1]) {
      const created = await runCli(['tenant', 'create', '--id', `t00${index}`, '--name', `Tenant ${index}`, '--domain', `t00${index}.example.com`, '--attribute', `seats=${index}`], {
        cwd: home.dir,
        env: {
          ...home.env, DESCOPE_BASE_URL: emulator.url, DESCOPE_MANAGEMENT_KEY: staging.managementKey, DESCOPE_PROJECT_ID: staging.id,
        },
      })
      expect(created.code, created.stderr).to.equal(0)
    }

    const drift = await cli('drift', '-e', 'staging', '--json')
    expect(drift.code).to.equal(2)
    const report = json<{environments: Array<{missing: string[]; changed: unknown[]; unmanaged: string[]; inSync: boolean}>}>(drift)
    expect(report.environments[0].missing).to.have.length(48)
    expect(report.environments[0].changed).to.deep.equal([])
    expect(report.environments[0].inSync).to.equal(false)
  })

  it('compares two live projects in the plan format', async () => {
    const result = await cli('compare', '--from', 'staging', '--to', 'production')
    expect(result.code, result.stderr).to.equal(2)
    expect(result.stdout).to.contain('Comparing staging').and.contain('+ tenant t000').and.contain('+ tenant t001')
    expect(result.stdout).to.contain('Plan: 2 to create, 0 to update, 0 to delete.')

    const same = await cli('compare', '--from', 'staging', '--to', 'staging')
    expect(same.code).to.equal(3)
    expect(same.stderr).to.contain('same environment')
  })

  it('refuses an unknown --only kind and an unknown environment with exit 3', async () => {
    const only = await cli('plan', '-e', 'staging', '--only', 'tenant')
    expect(only.code).to.equal(3)
    expect(only.stderr).to.contain('Unknown resource kind "tenant"').and.contain('tenants')
    const environment = await cli('plan', '-e', 'prod')
    expect(environment.code).to.equal(3)
    expect(environment.stderr).to.contain('environment "prod" is not defined')
  })
})
