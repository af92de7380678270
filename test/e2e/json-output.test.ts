import {expect} from 'chai'
import {readFile, writeFile} from 'node:fs/promises'
import path from 'node:path'
import {z} from 'zod'

import {startEmulator} from '../../plugins/plugin-emulator/src/index.js'
import {commandOutputs, errorOutputSchema, type OutputCommandId} from '../../src/lib/output-schemas/index.js'
import {type CliResult, makeTempHome, runCli} from '../helpers/cli.js'
import {signIn} from '../helpers/flows.js'

type Emulator = Awaited<ReturnType<typeof startEmulator>>
type Output<Id extends OutputCommandId> = z.output<(typeof commandOutputs)[Id]['schema']>

const A = {id: 'P2JsonOutputProjectA00000000001', managementKey: 'K2JsonOutputManagementKeyA000000001'}
const B = {id: 'P2JsonOutputProjectB00000000001', managementKey: 'K2JsonOutputManagementKeyB000000001'}

function configText(url: string): string {
  return [
    'version: 1',
    'environments:',
    `  a: {projectId: ${A.id}, managementKey: "\${KEY_A}", baseUrl: "${url}"}`,
    `  b: {projectId: ${B.id}, managementKey: "\${KEY_B}", baseUrl: "${url}"}`,
    'permissions:',
    '  - {name: reports.read, description: Read reports}',
    'roles:',
    '  - {name: analyst, description: Reads reports, permissionNames: [reports.read]}',
    'tenants:',
    '  - {id: acme, name: Acme, selfProvisioningDomains: [acme.com], customAttributes: {plan: gold}}',
    '  - {id: acme-eu, name: Acme EU, parent: acme}',
    '',
  ].join('\n')
}

function parseJson(id: string, result: CliResult): unknown {
  try {
    return JSON.parse(result.stdout)
  } catch {
    throw new Error(`${id}: stdout is not JSON (exit ${result.code}):\n${result.stdout}\n${result.stderr}`)
  }
}

/**
 * Runs every command that has `--json` against the emulator, the way a script would, and checks
 * what it prints against the command's schema (strict objects: a field added, removed or renamed
 * fails). The last test checks that every schema was exercised.
 */
describe('--json output of every command matches its schema (built CLI, emulator)', function () {
  this.timeout(180_000)
  let emulator: Emulator
  let home: Awaited<ReturnType<typeof makeTempHome>>
  let env: Record<string, string>
  const checked = new Set<string>()
  /** For the flags that exclude -e (DESCOPE_MGMT_ENVIRONMENT counts as -e). */
  const noDefaultEnvironment = {DESCOPE_MGMT_ENVIRONMENT: undefined}

  before(async () => {
    emulator = await startEmulator({
      newProjects: 'empty', rateLimit: 'off', port: 0, projects: [{...A, flows: [signIn()]}, B],
    })
    home = await makeTempHome()
    env = {
      ...home.env, DESCOPE_MGMT_ENVIRONMENT: 'a', KEY_A: A.managementKey, KEY_B: B.managementKey,
    }
    await writeFile(path.join(home.dir, 'descope.yaml'), configText(emulator.url))
  })

  after(async () => {
    await emulator?.stop()
    await home?.cleanup()
  })

  /** Runs `id` with --json, expects the exit code, and parses stdout with the command's schema. */
  async function run<Id extends OutputCommandId>(id: Id, args: string[] = [], exitCode = 0, extraEnv: Record<string, string | undefined> = {}): Promise<Output<Id>> {
    const result = await runCli([...id.split(':'), ...args, '--json'], {cwd: home.dir, env: {...env, ...extraEnv}, timeoutMs: 60_000})
    expect(result.code, `${id} ${args.join(' ')}: exit code\n${result.stdout}\n${result.stderr}`).to.equal(exitCode)
    const parsed = commandOutputs[id].schema.safeParse(parseJson(id, result))
    if (!parsed.success) expect.fail(`${id} ${args.join(' ')} --json does not match its schema:\n${z.prettifyError(parsed.error)}\n${result.stdout}`)
    checked.add(id)
    return parsed.data as Output<Id>
  }

  /** Runs a failing command with --json and parses stdout as the error envelope. */
  async function runFailing(args: string[], exitCode: number): Promise<z.output<typeof errorOutputSchema>> {
    const result = await runCli([...args, '--json'], {cwd: home.dir, env})
    expect(result.code, `${args.join(' ')}: exit code\n${result.stdout}\n${result.stderr}`).to.equal(exitCode)
    const parsed = errorOutputSchema.safeParse(parseJson(args.join(' '), result))
    if (!parsed.success) expect.fail(`${args.join(' ')} --json: the error does not match error.schema.json:\n${z.prettifyError(parsed.error)}\n${result.stdout}`)
    return parsed.data
  }

  it('config validate, plan, tenant sync (dry run and --apply) and apply', async () => {
    expect(await run('config:validate')).to.include({valid: true})
    const plan = await run('plan', [], 2)
    if (!('summary' in plan)) expect.fail('plan of one environment printed the shape of several')
    expect(plan.summary.create).to.equal(4)
    const across = await run('plan', ['-e', 'a,b'], 2, noDefaultEnvironment)
    if (!('environments' in across)) expect.fail('plan of two environments printed the shape of one')
    expect(across.environments.map(entry => [entry.environment, entry.result])).to.deep.equal([['a', 'changes'], ['b', 'changes']])
    const dryRun = await run('tenant:sync', [], 2)
    expect(dryRun.plan.changes.map(change => change.id)).to.deep.equal(['tenant:acme', 'tenant:acme-eu'])
    expect(dryRun.outcome).to.equal(undefined)
    const synced = await run('tenant:sync', ['--apply', '--yes'])
    expect(synced.outcome?.result.counts.done).to.equal(2)
    const applied = await run('apply', ['--yes'])
    if (!('plan' in applied)) expect.fail('apply of one environment printed the shape of several')
    expect(applied.outcome?.exitCode).to.equal(0)
    expect(applied.outcome?.result.done.map(change => change.id).sort()).to.deep.equal(['permission:reports.read', 'role:analyst'])
  })

  it('drift (in sync, then across environments) and compare', async () => {
    expect(await run('drift')).to.include({inSync: true})
    const all = await run('drift', ['--all-environments'], 2, noDefaultEnvironment)
    expect(all.environments).to.have.length(2)
    const compared = await run('compare', ['--from', 'a', '--to', 'b'], 2)
    expect(compared.projectId).to.equal(B.id)
  })

  it('tenant create, get, update, list and delete; role list and permission list', async () => {
    expect(await run('tenant:create', ['--id', 'globex', '--name', 'Globex', '--attribute', 'seats=5'])).to.include({id: 'globex'})
    expect(await run('tenant:get', ['globex'])).to.deep.include({customAttributes: {seats: 5}})
    expect(await run('tenant:update', ['globex', '--name', 'Globex Corp'])).to.include({name: 'Globex Corp'})
    expect((await run('tenant:list')).map(tenant => tenant.id)).to.deep.equal(['acme', 'acme-eu', 'globex'])
    const deleted = await run('tenant:delete', ['globex', '--yes'])
    expect(deleted).to.deep.include({cascade: false, deleted: 'globex'})
    expect(deleted.backupId).to.match(/^\d{8}T\d{6}Z-delete/)
    expect((await run('role:list')).map(role => role.name)).to.include('analyst')
    expect((await run('permission:list')).map(permission => permission.name)).to.include('reports.read')
  })

  it('flow list, export, diff, import, rollback and delete', async () => {
    expect((await run('flow:list')).map(flow => flow.id)).to.deep.equal(['sign-in'])
    const exported = await run('flow:export', ['sign-in', '--out', 'flows'])
    const [{file}] = exported.files
    expect((await run('flow:diff', [file])).equal).to.equal(true)
    const flow = JSON.parse(await readFile(path.join(home.dir, file), 'utf8')) as {metadata: {name: string}}
    flow.metadata.name = 'Sign In (new)'
    await writeFile(path.join(home.dir, file), JSON.stringify(flow, null, 2))
    expect((await run('flow:diff', [file], 2)).metadata).to.have.length(1)
    expect(await run('flow:import', [file])).to.include({applied: false})
    const imported = await run('flow:import', [file, '--apply', '--yes'])
    expect(imported.outcome?.exitCode).to.equal(0)
    const listed = await run('flow:rollback', ['sign-in', '--list'])
    expect(listed).to.have.property('backups').that.is.not.empty
    expect(await run('flow:rollback', ['sign-in', '--yes'])).to.include({applied: true})
    expect((await run('flow:delete', ['sign-in', '--yes'])).deleted).to.deep.equal(['sign-in'])
  })

  it('theme export (standard output and --out) and import (dry run and --apply)', async () => {
    const theme = await run('theme:export')
    expect(theme).to.have.property('styles')
    expect(await run('theme:export', ['--out', 'theme.json'])).to.deep.equal({file: 'theme.json'})
    const document = JSON.parse(await readFile(path.join(home.dir, 'theme.json'), 'utf8')) as {styles: Record<string, Record<string, unknown>>}
    document.styles.light = {...document.styles.light, '--descope-json-test': '#123456'}
    await writeFile(path.join(home.dir, 'theme.json'), JSON.stringify(document, null, 2))
    expect(await run('theme:import', ['theme.json'])).to.include({applied: false})
    const imported = await run('theme:import', ['theme.json', '--apply', '--yes'])
    expect(imported.applied).to.equal(true)
    expect(imported.outcome?.exitCode).to.equal(0)
  })

  it('backup create, list, show, verify, restore (dry run and --apply) and prune', async () => {
    const created = await run('backup:create', ['--label', 'json'])
    expect((await run('backup:list')).map(backup => backup.id)).to.include(created.id)
    expect((await run('backup:show', [created.id])).id).to.equal(created.id)
    expect(await run('backup:verify', [created.id])).to.include({ok: true})
    await run('tenant:create', ['--id', 'initech', '--name', 'Initech'])
    const preview = await run('backup:restore', [created.id, '--prune'], 2)
    expect(preview.plan.changes.map(change => change.id)).to.include('tenant:initech')
    const restored = await run('backup:restore', [created.id, '--prune', '--apply', '--yes'])
    expect(restored.applied).to.equal(true)
    expect(await run('backup:prune', ['--yes'])).to.include({kept: (await run('backup:list')).length})
  })

  it('audit list and audit export (standard output and --out)', async () => {
    const records = await run('audit:list')
    expect(records.length).to.be.greaterThan(5)
    const exported = await run('audit:export')
    expect(exported).to.have.property('records').with.length(records.length)
    expect(await run('audit:export', ['--format', 'csv', '--out', 'audit.csv'])).to.deep.equal({count: records.length, format: 'csv', out: 'audit.csv'})
  })

  it('init (starter and --from-live)', async () => {
    expect(await run('init', ['--out', 'starter/descope.yaml'])).to.include({fromLive: false})
    const live = await run('init', ['--from-live', '--out', 'live/descope.yaml'])
    expect(live.fromLive).to.equal(true)
    expect(live.counts.tenants).to.equal(2)
  })

  it('cache warm, stats and clear (bundled plugin)', async () => {
    const warmed = await run('cache:warm')
    expect(warmed.results.map(result => result.name)).to.include.members(['tenants', 'roles', 'permissions'])
    const stats = await run('cache:stats')
    expect(stats.entries).to.be.greaterThan(0)
    expect(await run('cache:clear')).to.include({projectId: A.id, scope: 'project'})
    expect(await run('cache:clear', ['--all'], 0, noDefaultEnvironment)).to.include({scope: 'all'})
  })

  it('bench (bundled plugin), one quick scenario', async () => {
    const result = await runCli(['bench', '--scenario', 'cli-start', '--runs', '1', '--json'], {cwd: home.dir, env: home.env, timeoutMs: 60_000})
    expect([0, 1], result.stderr).to.include(result.code)
    const parsed = commandOutputs.bench.schema.safeParse(parseJson('bench', result))
    if (!parsed.success) expect.fail(`bench --json does not match its schema:\n${z.prettifyError(parsed.error)}\n${result.stdout}`)
    expect(parsed.data.scenarios.map(row => row.scenario)).to.include('cli-start')
    checked.add('bench')
  })

  it('doctor (exit 0 or 1: whether the emulator seeds Descope\'s built-ins decides one check)', async () => {
    const result = await runCli(['doctor', '--json'], {cwd: home.dir, env, timeoutMs: 60_000})
    expect([0, 1], result.stderr).to.include(result.code)
    const parsed = commandOutputs.doctor.schema.safeParse(parseJson('doctor', result))
    if (!parsed.success) expect.fail(`doctor --json does not match its schema:\n${z.prettifyError(parsed.error)}\n${result.stdout}`)
    expect(parsed.data.ok).to.equal(result.code === 0)
    expect(parsed.data.checks.find(check => check.id === 'key')?.status).to.equal('pass')
    checked.add('doctor')
  })

  it('failures print the error envelope of error.schema.json', async () => {
    expect((await runFailing(['tenant', 'get', 'nope'], 3)).error.code).to.be.a('string')
    const invalid = await runFailing(['plan', '-c', 'missing.yaml'], 3)
    expect(invalid.error.exitCode).to.equal(3)
    expect((await runFailing(['cache', 'clear', '-e', ''], 3)).error.message).to.contain('Say what to clear')
  })

  it('exercised the schema of every command', () => {
    expect(Object.keys(commandOutputs).filter(id => !checked.has(id))).to.deep.equal([])
  })
})
