/* eslint-disable no-template-curly-in-string -- the configuration reads the key from ${VAR} */
import {expect} from 'chai'
import {
  mkdir, mkdtemp, readFile, rm, writeFile,
} from 'node:fs/promises'
import {hostname, tmpdir} from 'node:os'
import path from 'node:path'

import {startEmulator} from '../../plugins/plugin-emulator/src/index.js'
import {type CliResult, makeTempHome, runCli} from '../helpers/cli.js'
import {type LiveTenant} from '../helpers/emulator-log.js'

type Emulator = Awaited<ReturnType<typeof startEmulator>>

interface AuditRecord {
  operation: string
  resource: string
  result: string
  runId?: string
}

const PROJECT = {id: 'P2ApplyE2eProject00000000001', managementKey: 'K2ApplyE2eManagementKey000000001'}
const TENANTS = 50
const MUTATION = /^\/v1\/mgmt\/(tenant|role|permission)\/(create|update|delete)$/

function parseJson<T>(result: CliResult): T {
  try {
    return JSON.parse(result.stdout) as T
  } catch {
    throw new Error(`stdout is not JSON (exit ${result.code}):\n${result.stdout}\n${result.stderr}`)
  }
}

const tenantId = (index: number) => `t${String(index).padStart(3, '0')}`

/** The tenants the configuration declares, as `tenant list --json` should show them. */
function declaredTenants(): LiveTenant[] {
  return Array.from({length: TENANTS}, (_, index) => ({
    customAttributes: {seats: index},
    id: tenantId(index),
    name: `Tenant ${index}`,
    selfProvisioningDomains: [`${tenantId(index)}.example.com`],
  }))
}

function configYaml(url: string): string {
  const lines = [
    'version: 1',
    'environments:',
    '  e2e:',
    `    projectId: ${PROJECT.id}`,
    '    managementKey: ${E2E_KEY}',
    `    baseUrl: ${url}`,
    // Many runs of this suite share one home, so one machine-wide rate budget: not what it tests.
    '    rateLimit: {requests: 1000, windowSeconds: 1}',
    '    protect: [keep-me]',
    'permissions:',
    '  - {name: reports.read, description: Read reports}',
    '  - {name: reports.write, description: Write reports}',
    'roles:',
    '  - {name: Viewer, description: Reads reports, permissionNames: [reports.read]}',
    '  - {name: Editor, description: Writes reports, permissionNames: [reports.read, reports.write]}',
    'tenants:',
  ]
  for (const tenant of declaredTenants()) {
    lines.push(
      `  - id: ${tenant.id}`,
      `    name: ${tenant.name}`,
      `    selfProvisioningDomains: [${tenant.selfProvisioningDomains![0]}]`,
      `    customAttributes: {seats: ${tenant.customAttributes!.seats}}`,
    )
  }

  return `${lines.join('\n')}\n`
}

describe('apply against the emulator (built CLI)', function () {
  this.timeout(120_000)
  let emulator: Emulator
  let home: Awaited<ReturnType<typeof makeTempHome>>
  let configFile: string
  let dataDir: string

  const cli = (...args: string[]) => runCli([...args, '-c', configFile], {cwd: home.dir, env: {...home.env, E2E_KEY: PROJECT.managementKey}})
  const ok = async (...args: string[]) => {
    const result = await cli(...args)
    expect(result.code, `${args.join(' ')}\n${result.stdout}\n${result.stderr}`).to.equal(0)
    return result
  }

  /** Writes made behind apply's back (tenant commands), by request seq. */
  const outOfBand = new Set<number>()
  const behindTheBack = async (...args: string[]) => {
    const before = await lastSeq()
    await ok(...args, '-e', 'e2e')
    for (const entry of await writesSince(before)) outOfBand.add(entry.seq)
  }

  const liveTenants = async () => parseJson<LiveTenant[]>(await ok('tenant', 'list', '-e', 'e2e', '--json'))
  /** Live tenants reduced to the fields the configuration manages. */
  const managedView = (tenants: LiveTenant[]) =>
    tenants
    .map(({customAttributes, id, name, selfProvisioningDomains}) => ({
      customAttributes, id, name, selfProvisioningDomains,
    }))
    .sort((a, b) => a.id.localeCompare(b.id))
  /** Successful writes (mutation routes answered 200) after request `seq`. */
  const writesSince = async (seq: number) =>
    (await emulator.admin.requests()).filter(entry => entry.seq > seq && entry.status === 200 && MUTATION.test(entry.path))
  async function lastSeq() {
    return (await emulator.admin.requests()).at(-1)?.seq ?? 0
  }

  before(async () => {
    emulator = await startEmulator({
      newProjects: 'empty', rateLimit: 'off', port: 0, projects: [PROJECT],
    })
    home = await makeTempHome()
    configFile = path.join(home.dir, 'descope.yaml')
    dataDir = path.join(home.env.XDG_DATA_HOME, 'descope-mgmt')
    await writeFile(configFile, configYaml(emulator.url))
  })

  after(async () => {
    await emulator?.stop()
    await home?.cleanup()
  })

  it('refuses to apply without --yes when stdin is not a terminal (exit 3), and changes nothing', async () => {
    const result = await cli('apply', '-e', 'e2e')
    expect(result.code).to.equal(3)
    expect(result.stderr).to.contain('without confirmation').and.contain('--yes')
    expect(await writesSince(0)).to.deep.equal([])
    expect(await liveTenants()).to.deep.equal([])
  })

  it('applies 50 tenants, 2 permissions and 2 roles from empty, permissions before the roles that use them', async () => {
    const result = await ok('apply', '-e', 'e2e', '--yes')
    expect(result.stdout).to.contain('Plan: 54 to create, 0 to update, 0 to delete.').and.contain('✓ Applied 54 changes.')
    expect(managedView(await liveTenants())).to.deep.equal(declaredTenants())

    const writes = await writesSince(0)
    expect(writes).to.have.length(54)
    const permissionCreates = writes.filter(entry => entry.path === '/v1/mgmt/permission/create')
    const roleCreates = writes.filter(entry => entry.path === '/v1/mgmt/role/create')
    expect(permissionCreates.map(entry => entry.body?.name).sort()).to.deep.equal(['reports.read', 'reports.write'])
    expect(roleCreates.map(entry => entry.body?.name).sort()).to.deep.equal(['Editor', 'Viewer'])
    const lastPermission = Math.max(...permissionCreates.map(entry => entry.seq))
    expect(roleCreates.every(entry => entry.seq > lastPermission), 'every role create comes after every permission create').to.equal(true)
    // Each tenant created exactly once.
    const created = writes.filter(entry => entry.path === '/v1/mgmt/tenant/create').map(entry => entry.body?.id)
    expect(created.sort()).to.deep.equal(declaredTenants().map(tenant => tenant.id))

    const roles = parseJson<Array<{name: string; permissionNames: string[]}>>(await ok('role', 'list', '-e', 'e2e', '--json'))
    expect(roles.map(({name, permissionNames}) => ({name, permissionNames: [...permissionNames].sort()})).sort((a, b) => a.name.localeCompare(b.name))).to.deep.equal([
      {name: 'Editor', permissionNames: ['reports.read', 'reports.write']},
      {name: 'Viewer', permissionNames: ['reports.read']},
    ])
  })

  it('re-applies with "no changes" and exit 0, sends no write, and plan exits 0', async () => {
    const before = await lastSeq()
    const again = await ok('apply', '-e', 'e2e', '--yes')
    expect(again.stdout).to.contain('No changes')
    const plan = await ok('plan', '-e', 'e2e')
    expect(plan.stdout).to.contain('No changes')
    expect(await writesSince(before)).to.deep.equal([])
    const drift = await ok('drift', '-e', 'e2e')
    expect(drift.code).to.equal(0)
  })

  it('lists every write of the apply in the audit log', async () => {
    const records = parseJson<AuditRecord[]>(await ok('audit', 'list', '--json', '--limit', '1000'))
    const writes = await writesSince(0)
    expect(records).to.have.length(writes.length)
    expect(records.every(record => record.result === 'ok')).to.equal(true)
    const resources = records.map(record => `${record.operation} ${record.resource}`).sort()
    const expected = [
      'create permission:reports.read',
      'create permission:reports.write',
      'create role:Editor',
      'create role:Viewer',
      ...declaredTenants().map(tenant => `create tenant:${tenant.id}`),
    ].sort()
    expect(resources).to.deep.equal(expected)
  })

  it('shows changes made behind its back in drift (exit 2) and fixes them with apply', async () => {
    await behindTheBack('tenant', 'update', 't003', '--name', 'Renamed behind the back')
    await behindTheBack('tenant', 'delete', 't004', '--yes')
    await behindTheBack('tenant', 'create', '--id', 'stray', '--name', 'Stray')

    const drift = await cli('drift', '-e', 'e2e', '--json')
    expect(drift.code, drift.stderr).to.equal(2)
    const [report] = parseJson<{environments: Array<{missing: string[]; changed: Array<{id: string}>; unmanaged: string[]; inSync: boolean}>}>(drift).environments
    expect(report.inSync).to.equal(false)
    expect(JSON.stringify(report.missing)).to.contain('t004')
    expect(JSON.stringify(report.changed)).to.contain('t003')
    expect(JSON.stringify(report.unmanaged)).to.contain('stray')

    const before = await lastSeq()
    const apply = await ok('apply', '-e', 'e2e', '--yes')
    expect(apply.stdout).to.contain('Plan: 1 to create, 1 to update, 0 to delete.')
    const writes = await writesSince(before)
    expect(writes.map(entry => `${entry.path} ${entry.body?.id}`).sort()).to.deep.equal(['/v1/mgmt/tenant/create t004', '/v1/mgmt/tenant/update t003'])
    expect(managedView(await liveTenants()).filter(tenant => tenant.id !== 'stray')).to.deep.equal(declaredTenants())

    // Without --prune the unmanaged tenant stays, and drift still names it; --ignore-unmanaged is in sync.
    const after = await cli('drift', '-e', 'e2e', '--ignore-unmanaged')
    expect(after.code, after.stdout).to.equal(0)
  })

  it('--prune deletes undeclared tenants but keeps protected ones; --allow-protected deletes them too', async () => {
    await behindTheBack('tenant', 'create', '--id', 'keep-me', '--name', 'Keep me')
    const before = await lastSeq()
    const prune = await ok('apply', '-e', 'e2e', '--prune', '--yes')
    expect(prune.stdout).to.contain('- tenant stray').and.contain('keep-me')
    expect((await writesSince(before)).map(entry => `${entry.path} ${entry.body?.id}`)).to.deep.equal(['/v1/mgmt/tenant/delete stray'])
    let ids = (await liveTenants()).map(tenant => tenant.id)
    expect(ids).to.include('keep-me').and.not.include('stray')

    const again = await ok('apply', '-e', 'e2e', '--prune', '--allow-protected', '--yes')
    expect(again.stdout).to.contain('- tenant keep-me')
    ids = (await liveTenants()).map(tenant => tenant.id)
    expect(ids).to.not.include('keep-me')
    expect(ids).to.have.length(TENANTS)
    const drift = await cli('drift', '-e', 'e2e')
    expect(drift.code, drift.stdout).to.equal(0)
  })

  it('refuses a saved plan after a live change (exit 3) and applies a fresh saved plan exactly', async () => {
    await behindTheBack('tenant', 'update', 't005', '--name', 'Moved 5')
    const stale = path.join(home.dir, 'stale-plan.json')
    expect((await cli('plan', '-e', 'e2e', '--out', stale)).code).to.equal(2)
    await behindTheBack('tenant', 'update', 't006', '--name', 'Moved 6')

    let before = await lastSeq()
    const refused = await cli('apply', stale, '-e', 'e2e', '--yes')
    expect(refused.code).to.equal(3)
    expect(refused.stderr).to.contain('The live project changed since').and.contain('Nothing was changed')
    expect(await writesSince(before)).to.deep.equal([])

    const fresh = path.join(home.dir, 'fresh-plan.json')
    expect((await cli('plan', '-e', 'e2e', '--out', fresh)).code).to.equal(2)
    const saved = JSON.parse(await readFile(fresh, 'utf8')) as {changes: Array<{id: string; action: string}>}
    expect(saved.changes.map(change => `${change.action} ${change.id}`).sort()).to.deep.equal(['update tenant:t005', 'update tenant:t006'])

    before = await lastSeq()
    await ok('apply', fresh, '-e', 'e2e', '--yes')
    const writes = await writesSince(before)
    expect(writes.map(entry => `${entry.path} ${entry.body?.id}`).sort()).to.deep.equal(['/v1/mgmt/tenant/update t005', '/v1/mgmt/tenant/update t006'])
    expect((await cli('drift', '-e', 'e2e')).code).to.equal(0)
  })

  it('reads a saved plan before connecting: a broken one is named even where no configuration or key exists', async () => {
    const broken = path.join(home.dir, 'broken-plan.json')
    await writeFile(broken, '{"format": "descope-mgmt-plan",')
    const outside = await mkdtemp(path.join(tmpdir(), 'descope-mgmt-no-config-'))
    try {
      const result = await runCli(['apply', broken, '--yes'], {cwd: outside, env: home.env})
      expect(result.code, result.stderr).to.equal(3)
      expect(result.stderr).to.contain('broken-plan.json').and.not.contain('configuration')
    } finally {
      await rm(outside, {force: true, recursive: true})
    }
  })

  it('tenant sync: a dry run exits 2 and changes nothing; --apply --yes fixes the tenants', async () => {
    await behindTheBack('tenant', 'update', 't007', '--name', 'Moved 7')
    let before = await lastSeq()
    const dry = await cli('tenant', 'sync', '-e', 'e2e')
    expect(dry.code, dry.stderr).to.equal(2)
    expect(dry.stdout).to.contain('~ tenant t007').and.contain('Dry run')
    const dryRun = await cli('tenant', 'sync', '-e', 'e2e', '--dry-run')
    expect(dryRun.code).to.equal(2)
    expect(await writesSince(before)).to.deep.equal([])

    before = await lastSeq()
    const sync = await ok('tenant', 'sync', '-e', 'e2e', '--apply', '--yes')
    expect(sync.stdout).to.contain('✓ Applied 1 change')
    expect((await writesSince(before)).map(entry => `${entry.path} ${entry.body?.id}`)).to.deep.equal(['/v1/mgmt/tenant/update t007'])
    expect((await cli('tenant', 'sync', '-e', 'e2e')).code).to.equal(0)
  })

  it('refuses a second apply while the lock is held, naming the holder, and changes nothing', async () => {
    await behindTheBack('tenant', 'update', 't008', '--name', 'Moved 8')
    const lockFile = path.join(dataDir, 'locks', `${PROJECT.id}.lock`)
    await mkdir(path.dirname(lockFile), {mode: 0o700, recursive: true})
    const holder = {
      command: 'descope-mgmt apply -e e2e (test)', host: hostname(), pid: process.pid, startedAt: new Date().toISOString(), token: 'test-token',
    }
    await writeFile(lockFile, `${JSON.stringify(holder)}\n`, {flag: 'wx', mode: 0o600})
    try {
      const before = await lastSeq()
      const refused = await cli('apply', '-e', 'e2e', '--yes')
      expect(refused.code).to.equal(1)
      expect(refused.stderr).to.contain('Another apply is already running').and.contain(`pid ${process.pid}`).and.contain(holder.startedAt)
      expect(await writesSince(before)).to.deep.equal([])
      // The lock of the live holder is left in place.
      expect(JSON.parse(await readFile(lockFile, 'utf8'))).to.deep.equal(holder)
    } finally {
      await rm(lockFile, {force: true})
    }

    await ok('apply', '-e', 'e2e', '--yes')
    expect((await cli('drift', '-e', 'e2e')).code).to.equal(0)
  })

  it('records every write of every run in the audit log', async () => {
    const records = parseJson<AuditRecord[]>(await ok('audit', 'list', '--json', '--limit', '1000'))
    // Every write: of apply and tenant sync, and of the tenant commands used behind their back.
    const writes = await writesSince(0)
    expect(outOfBand.size).to.equal(8)
    expect(records.length).to.equal(writes.length)
    const byResource = (list: string[]) => list.sort()
    expect(byResource(records.map(record => record.resource))).to.deep.equal(byResource(writes.map(entry => {
      const kind = /\/v1\/mgmt\/(\w+)\//.exec(entry.path)![1]
      return `${kind}:${String(entry.body?.id ?? entry.body?.name)}`
    })))
  })
})
