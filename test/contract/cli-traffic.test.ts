/* eslint-disable no-template-curly-in-string -- the configuration reads the key from ${VAR} */
/**
 * A broad session of the built CLI (bin/run.js subprocesses) against the emulator: every request
 * the CLI sends and every answer the emulator gives must match Descope's OpenAPI (the committed
 * subset, with the documented exceptions of openapi-contract.ts).
 */
import {expect} from 'chai'
import {
  copyFile, mkdir, readFile, writeFile,
} from 'node:fs/promises'
import path from 'node:path'

import {type RunningEmulator, startEmulator} from '../../plugins/plugin-emulator/src/index.js'
import {
  type CliResult, makeTempHome, repoRoot, runCli,
} from '../helpers/cli.js'
import {signIn} from '../helpers/flows.js'
import {checkTraffic, Contract} from './openapi-contract.js'

const PROJECT = {id: 'P2ContractCliProject00000001', managementKey: 'K2ContractCliManagementKey000001'}

/** Operations a CLI session like this one reaches (the batch endpoints are for library users). */
const CLI_OPERATIONS = [
  'GET /v1/mgmt/permission/all',
  'GET /v1/mgmt/role/all',
  'GET /v1/mgmt/tenant',
  'GET /v1/mgmt/tenant/all',
  'POST /v1/mgmt/flow/delete',
  'POST /v1/mgmt/flow/list',
  'POST /v1/mgmt/permission/create',
  'POST /v1/mgmt/permission/delete',
  'POST /v1/mgmt/permission/update',
  'POST /v1/mgmt/role/create',
  'POST /v1/mgmt/role/delete',
  'POST /v1/mgmt/role/update',
  'POST /v1/mgmt/tenant/create',
  'POST /v1/mgmt/tenant/delete',
  'POST /v1/mgmt/tenant/update',
  'POST /v2/mgmt/flow/export',
  'POST /v2/mgmt/flow/import',
  'POST /v2/mgmt/theme/export',
  'POST /v2/mgmt/theme/import',
]

function configYaml(url: string, variant: 'first' | 'second'): string {
  const first = variant === 'first'
  return `${[
    'version: 1',
    'environments:',
    '  contract:',
    `    projectId: ${PROJECT.id}`,
    '    managementKey: ${CONTRACT_KEY}',
    `    baseUrl: ${url}`,
    'tenants:',
    '  - id: acme',
    `    name: ${first ? 'Acme Inc' : 'Acme Corporation'}`,
    '    selfProvisioningDomains: [acme.com, acme.io]',
    `    customAttributes: {plan: enterprise, seats: ${first ? 250 : 300}, trial: false, regions: [eu, us]}`,
    '    enforceSSO: true',
    '    enforceSSOExclusions: [admin@acme.com]',
    '  - id: acme-eu',
    '    name: Acme Europe',
    '    parent: acme',
    '    selfProvisioningDomains: [eu.acme.com]',
    '    roleInheritance: userOnly',
    '  - id: initech',
    '    name: Initech',
    `    disabled: ${first}`,
    ...(first ? ['  - id: globex', '    name: Globex'] : []),
    'permissions:',
    `  - {name: reports.read, description: ${first ? 'Read reports' : 'Read every report'}}`,
    '  - {name: reports.write, description: Write reports}',
    ...(first ? ['  - {name: reports.legacy, description: Old reports}'] : []),
    'roles:',
    '  - {name: Viewer, description: Reads reports, permissionNames: [reports.read], default: true}',
    `  - {name: Editor, description: Writes reports, permissionNames: [reports.read${first ? '' : ', reports.write'}]}`,
    '  - {name: Acme Auditor, tenantId: acme, permissionNames: [reports.read], private: true}',
    ...(first ? ['  - {name: Legacy, permissionNames: [reports.legacy]}'] : []),
    'flows:',
    '  - {id: sign-in, file: flows/sign-in.json}',
    ...(first ? ['  - {id: sign-in-old, file: flows/sign-in.json}'] : []),
    'theme:',
    '  file: theme.json',
  ].join('\n')}\n`
}

describe('contract: a CLI session against the emulator (built CLI)', function () {
  this.timeout(240_000)
  const contract = new Contract()
  let emulator: RunningEmulator
  let home: Awaited<ReturnType<typeof makeTempHome>>
  let env: Record<string, string>

  const cli = async (...args: string[]): Promise<CliResult> => {
    const result = await runCli(args, {cwd: home.dir, env, timeoutMs: 60_000})
    expect(result.code, `descope-mgmt ${args.join(' ')}\n${result.stdout}\n${result.stderr}`).to.be.oneOf([0, 2])
    return result
  }

  before(async () => {
    emulator = await startEmulator({
      newProjects: 'empty', rateLimit: 'off', logBodies: true, port: 0, projects: [PROJECT],
    })
    home = await makeTempHome()
    env = {...home.env, CONTRACT_KEY: PROJECT.managementKey}
    await mkdir(path.join(home.dir, 'flows'))
    await writeFile(path.join(home.dir, 'flows', 'sign-in.json'), `${JSON.stringify(signIn(), null, 2)}\n`)
    await copyFile(path.join(repoRoot, 'test/fixtures/themes/brand.v2.json'), path.join(home.dir, 'theme.json'))
    await writeFile(path.join(home.dir, 'descope.yaml'), configYaml(emulator.url, 'first'))
  })

  after(async () => {
    await emulator?.stop()
    await home?.cleanup()
  })

  it('sends and receives only fields and types the OpenAPI declares', async () => {
    const e = ['-e', 'contract']
    // Configuration as code: create everything, then change, prune and check.
    expect((await cli('apply', ...e, '--yes')).code).to.equal(0)
    await writeFile(path.join(home.dir, 'descope.yaml'), configYaml(emulator.url, 'second'))
    expect((await cli('plan', ...e)).code).to.equal(2)
    expect((await cli('drift', ...e)).code).to.equal(2)
    expect((await cli('apply', ...e, '--yes', '--prune')).code).to.equal(0)
    expect((await cli('plan', ...e)).code).to.equal(0)
    expect((await cli('drift', ...e)).code).to.equal(0)

    // Tenants one by one.
    await cli('tenant', 'create', ...e, '--id', 'hooli', '--name', 'Hooli', '--domain', 'hooli.example', '--attribute', 'seats=5', '--attribute', 'trial=true')
    await cli('tenant', 'create', ...e, '--id', 'hooli-xyz', '--name', 'Hooli XYZ', '--parent', 'hooli', '--role-inheritance', 'none')
    await cli('tenant', 'create', ...e, '--name', 'Generated', '--json')
    await cli('tenant', 'update', 'hooli', ...e, '--name', 'Hooli Inc', '--attribute', 'plan=gold', '--remove-attribute', 'trial', '--disabled')
    await cli('tenant', 'get', 'hooli', ...e, '--json')
    await cli('tenant', 'list', ...e, '--json')
    await cli('tenant', 'delete', 'hooli-xyz', ...e, '--yes')

    // Backup, damage, restore.
    const backup = JSON.parse((await cli('backup', 'create', ...e, '--label', 'contract', '--json')).stdout) as {id: string}
    await cli('tenant', 'delete', 'acme-eu', ...e, '--yes')
    await cli('tenant', 'update', 'initech', ...e, '--name', 'Initrode')
    await cli('tenant', 'create', ...e, '--id', 'pied-piper', '--name', 'Pied Piper')
    expect((await cli('backup', 'restore', backup.id, ...e, '--apply', '--prune', '--yes')).code).to.equal(0)

    // Flows and the theme as files.
    await cli('flow', 'list', ...e, '--json')
    await cli('flow', 'export', 'sign-in', ...e, '--out', 'exported')
    await cli('flow', 'export', 'sign-in', ...e, '--format', 'v1', '--out', 'sign-in.v1.json')
    await cli('flow', 'import', path.join('exported', 'sign-in.json'), ...e, '--flow-id', 'sign-in-copy', '--apply', '--yes')
    await cli('flow', 'import', 'sign-in.v1.json', ...e, '--flow-id', 'sign-in-v1', '--apply', '--yes')
    await cli('flow', 'delete', 'sign-in-v1', ...e, '--yes')
    await cli('theme', 'export', ...e, '--out', 'theme-live.json')
    const theme = JSON.parse(await readFile(path.join(home.dir, 'theme-live.json'), 'utf8')) as {styles: {light: Record<string, unknown>}}
    theme.styles.light.contractMarker = {value: 1}
    await writeFile(path.join(home.dir, 'theme-changed.json'), JSON.stringify(theme))
    await cli('theme', 'import', 'theme-changed.json', ...e, '--apply', '--yes')

    // Reading back.
    await cli('init', '--from-live', ...e, '--out', path.join('live', 'descope.yaml'))
    await cli('role', 'list', ...e, '--output', 'json')
    await cli('role', 'list', ...e, '--tenant', 'acme')
    await cli('permission', 'list', ...e, '--output', 'json')

    const {problems, reached, total} = await checkTraffic(emulator, contract)
    expect(total).to.be.greaterThan(60)
    expect(problems, problems.join('\n')).to.deep.equal([])
    expect([...reached].sort()).to.include.members(CLI_OPERATIONS)

    // The checked traffic holds the shapes that matter: sub-tenants, typed attributes, tenant roles, loads by id.
    const sent = async (route: string) => (await emulator.admin.requests({path: route})).map(entry => entry.body ?? {})
    const tenantCreates = await sent('/v1/mgmt/tenant/create')
    expect(tenantCreates.some(body => body.parent === 'acme')).to.equal(true)
    expect(tenantCreates.some(body => typeof (body.customAttributes as Record<string, unknown> | undefined)?.seats === 'number')).to.equal(true)
    expect((await sent('/v1/mgmt/tenant/update')).some(body => Array.isArray((body.customAttributes as Record<string, unknown> | undefined)?.regions))).to.equal(true)
    expect((await sent('/v1/mgmt/role/create')).some(body => body.tenantId === 'acme')).to.equal(true)
    expect((await emulator.admin.requests({method: 'GET', path: '/v1/mgmt/tenant'})).map(entry => entry.query?.id)).to.include('hooli')
  })
})
