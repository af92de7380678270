import {expect} from 'chai'
import {
  mkdir, readdir, readFile, stat, writeFile,
} from 'node:fs/promises'
import {hostname} from 'node:os'
import path from 'node:path'
import {z} from 'zod'

import {startEmulator} from '../../plugins/plugin-emulator/src/index.js'
import {commandOutputs} from '../../src/lib/output-schemas/index.js'
import {type CliResult, makeTempHome, runCli} from '../helpers/cli.js'

type Emulator = Awaited<ReturnType<typeof startEmulator>>

const A = {id: 'P2EnvironmentsProjectA000000001', managementKey: 'K2EnvironmentsManagementKeyA0000001'}
const B = {id: 'P2EnvironmentsProjectB000000001', managementKey: 'K2EnvironmentsManagementKeyB0000001'}
const C = {id: 'P2EnvironmentsProjectC000000001', managementKey: 'K2EnvironmentsManagementKeyC0000001'}
const WRONG_KEY = 'K2EnvironmentsWrongKey000000000001'

/** a and b are healthy; c is the same emulator with a wrong key (exit 4). */
function configText(url: string): string {
  return [
    'version: 1',
    'environments:',
    `  a: {projectId: ${A.id}, managementKey: "\${KEY_A}", baseUrl: "${url}"}`,
    `  b: {projectId: ${B.id}, managementKey: "\${KEY_B}", baseUrl: "${url}"}`,
    `  c: {projectId: ${C.id}, managementKey: "\${KEY_C}", baseUrl: "${url}"}`,
    'permissions:',
    '  - {name: reports.read, description: Read reports}',
    'tenants:',
    '  - {id: acme, name: Acme}',
    '  - {id: globex, name: Globex}',
    '',
  ].join('\n')
}

function json(result: CliResult): unknown {
  try {
    return JSON.parse(result.stdout)
  } catch {
    throw new Error(`stdout is not JSON (exit ${result.code}):\n${result.stdout}\n${result.stderr}`)
  }
}

describe('plan, apply and drift across environments (built CLI, emulator)', function () {
  this.timeout(120_000)
  let emulator: Emulator
  let home: Awaited<ReturnType<typeof makeTempHome>>
  let env: Record<string, string | undefined>

  const cli = (...args: string[]) => runCli(args, {cwd: home.dir, env, timeoutMs: 60_000})
  const tenantsOf = async (projectId: string) => {
    const project = (await emulator.admin.state()).projects.find(candidate => candidate.id === projectId)
    return ((project?.tenants ?? []) as Array<[string, unknown]>).map(([id]) => id).sort()
  }

  const journals = async (projectId: string) => {
    const dir = path.join(home.dir, 'data', 'descope-mgmt', 'journals', projectId)
    return Promise.all((await readdir(dir)).map(file => readFile(path.join(dir, file), 'utf8')))
  }

  beforeEach(async () => {
    emulator = await startEmulator({
      newProjects: 'empty', port: 0, projects: [A, B, C], rateLimit: 'off',
    })
    home = await makeTempHome()
    env = {
      ...home.env, KEY_A: A.managementKey, KEY_B: B.managementKey, KEY_C: WRONG_KEY,
    }
    await writeFile(path.join(home.dir, 'descope.yaml'), configText(emulator.url))
  })

  afterEach(async () => {
    await emulator?.stop()
    await home?.cleanup()
  })

  it('plan -e a -e b -e c: each plan, then a summary table; c fails (exit 4) without stopping a and b', async () => {
    const result = await cli('plan', '-e', 'a', '-e', 'b', '-e', 'c')
    expect(result.code, `${result.stdout}\n${result.stderr}`).to.equal(4)
    expect(result.stdout).to.contain(`── a (${A.id}) ──`).and.contain(`── b (${B.id}) ──`).and.contain('── c ──')
    expect(result.stdout.match(/\+ tenant acme/g)).to.have.length(2)
    const table = result.stdout.slice(result.stdout.indexOf('ENVIRONMENT'))
    expect(table).to.match(/^ENVIRONMENT\s+CHANGES\s+RESULT\s+TIME/)
    expect(table).to.match(/\na\s+3\s+changes pending\s+\d/).and.match(/\nb\s+3\s+changes pending\s+\d/)
    expect(table).to.match(/\nc\s+–\s+failed \(exit 4\): /)
    expect(table).to.contain('Exit code 4: the worst of the 3 environments.')
    for (const key of [A.managementKey, B.managementKey, WRONG_KEY]) expect(result.stdout + result.stderr).to.not.contain(key)
  })

  it('plan --all-environments --json: one entry per environment, matching the schema; --out is refused', async () => {
    const result = await cli('plan', '--all-environments', '--json')
    expect(result.code, result.stderr).to.equal(4)
    const parsed = commandOutputs.plan.schema.safeParse(json(result))
    if (!parsed.success) expect.fail(z.prettifyError(parsed.error))
    const output = parsed.data
    if (!('environments' in output)) expect.fail('expected the shape of several environments')
    expect(output.exitCode).to.equal(4)
    expect(output.environments.map(entry => [entry.environment, entry.exitCode, entry.result])).to.deep.equal([['a', 2, 'changes'], ['b', 2, 'changes'], ['c', 4, 'failed']])
    expect(output.environments[0].plan?.projectId).to.equal(A.id)
    expect(output.environments[2].error?.code).to.be.a('string')
    expect(output.environments[2].plan).to.equal(undefined)

    const out = await cli('plan', '-e', 'a,b', '--out', 'plan.json')
    expect(out.code).to.equal(3)
    expect(out.stderr).to.contain('--out saves the plan of one environment')
    const unknown = await cli('plan', '-e', 'a,nope')
    expect(unknown.code).to.equal(3)
    expect(unknown.stderr).to.contain('environment "nope" is not defined')
  })

  it('plan -e a,b,c --output markdown: one comment for the environments planned, the table on stderr, --out writes it (0600)', async () => {
    const printed = await cli('plan', '-e', 'a,b,c', '--output', 'markdown')
    expect(printed.code, printed.stderr).to.equal(4)
    expect(printed.stdout).to.contain('<!-- descope-mgmt plan: a,b -->').and.contain('Changes pending in 2 of 2 environments').and.not.contain('ENVIRONMENT')
    expect(printed.stderr).to.match(/\nc\s+–\s+failed \(exit 4\): /)
    const written = await cli('plan', '-e', 'a,b', '--output', 'markdown', '--out', 'plan.md')
    expect(written.code, written.stderr).to.equal(2)
    expect(written.stdout).to.contain('Saved the plans as markdown to plan.md')
    const file = path.join(home.dir, 'plan.md')
    expect((await stat(file)).mode % 0o1000).to.equal(0o600)
    const markdown = await readFile(file, 'utf8')
    expect(markdown.match(/`acme`/g)?.length).to.be.at.least(2)
    for (const key of [A.managementKey, B.managementKey]) expect(markdown).to.not.contain(key)
  })

  it('apply across environments asks once (refused without a terminal and --yes: nothing applied anywhere)', async () => {
    const refused = await cli('apply', '-e', 'a,b')
    expect(refused.code).to.equal(3)
    // Both plans were shown before the question.
    expect(refused.stdout.match(/\+ tenant globex/g)).to.have.length(2)
    expect(refused.stderr).to.contain('Refusing to continue without confirmation')
    expect(await tenantsOf(A.id)).to.deep.equal([])
    expect(await tenantsOf(B.id)).to.deep.equal([])
  })

  it('apply --all-environments --yes: a and b applied with clean journals, c fails (4); exit code the worst; drift then finds a and b in sync', async () => {
    const result = await cli('apply', '--all-environments', '--yes')
    expect(result.code, `${result.stdout}\n${result.stderr}`).to.equal(4)
    expect(await tenantsOf(A.id)).to.deep.equal(['acme', 'globex'])
    expect(await tenantsOf(B.id)).to.deep.equal(['acme', 'globex'])
    for (const projectId of [A.id, B.id]) {
      const [journal, ...others] = await journals(projectId)
      expect(others).to.deep.equal([])
      expect(journal).to.contain('"type":"end"').and.contain('"status":"complete"')
    }

    // The progress of each environment (plain lines without a terminal), each line named.
    expect(result.stdout).to.match(/^a: Applying 3 changes \(3 create\) to a, \d+ at a time\./m)
    expect(result.stdout).to.match(/^b: tenants: Creating acme ✓/m)
    // Then each environment's own lines (backup, report), under its name.
    expect(result.stdout).to.match(/── a \(\w+\) ──\nBackup \S+ taken before the first write.*\n✓ Applied 3 changes\./)
    const table = result.stdout.slice(result.stdout.indexOf('ENVIRONMENT'))
    expect(table).to.match(/\na\s+3\/3\s+applied\s/).and.match(/\nb\s+3\/3\s+applied\s/).and.match(/\nc\s+–\s+failed \(exit 4\)/)

    const drift = await cli('drift', '-e', 'a,b', '--json')
    expect(drift.code, drift.stderr).to.equal(0)
    const report = commandOutputs.drift.schema.parse(json(drift))
    expect(report).to.deep.include({exitCode: 0, inSync: true})
    expect(report.environments.map(entry => ('result' in entry ? entry.result : undefined))).to.deep.equal(['in-sync', 'in-sync'])
  })

  it('a change failing in one environment leaves it partial (6) and the others applied; 6 outranks 4', async () => {
    await emulator.admin.setFaults([`400:POST /v1/mgmt/tenant/create:project=${B.id}`])
    const result = await cli('apply', '--all-environments', '--yes', '--json')
    expect(result.code, result.stderr).to.equal(6)
    const parsed = commandOutputs.apply.schema.safeParse(json(result))
    if (!parsed.success) expect.fail(z.prettifyError(parsed.error))
    const output = parsed.data
    if (!('environments' in output)) expect.fail('expected the shape of several environments')
    expect(output.exitCode).to.equal(6)
    expect(output.environments.map(entry => [entry.environment, entry.exitCode, entry.result])).to.deep.equal([['a', 0, 'applied'], ['b', 6, 'partial'], ['c', 4, 'failed']])
    expect(output.environments[0].outcome?.backupId).to.be.a('string')
    expect(output.environments[1].outcome?.result.counts.done).to.equal(1)
    expect(await tenantsOf(A.id)).to.deep.equal(['acme', 'globex'])
    expect(await tenantsOf(B.id)).to.deep.equal([])
    const [journalB] = await journals(B.id)
    expect(journalB).to.contain('"type":"end"').and.contain('"status":"partial"')

    // Fixed, a resume across the environments finishes b without repeating its permission.
    await emulator.admin.clearFaults()
    env.KEY_C = C.managementKey
    const resumed = await cli('apply', '-e', 'b,c', '--resume', '--yes')
    expect(resumed.code, `${resumed.stdout}\n${resumed.stderr}`).to.equal(0)
    expect(resumed.stdout).to.match(/── b \(\w+\) ──\nResuming run \w+: 1 change\(s\) finished before it stopped/)
    expect(await tenantsOf(B.id)).to.deep.equal(['acme', 'globex'])
    expect(await tenantsOf(C.id)).to.deep.equal(['acme', 'globex'])
  })

  it('a lock held by another process refuses that environment only (1, the worst); the others are applied', async () => {
    env.KEY_C = C.managementKey
    const lockFile = path.join(home.dir, 'data', 'descope-mgmt', 'locks', `${B.id}.lock`)
    await mkdir(path.dirname(lockFile), {mode: 0o700, recursive: true})
    const holder = {
      command: 'descope-mgmt apply -e b (test)', host: hostname(), pid: process.pid, startedAt: new Date().toISOString(), token: 'test-token',
    }
    await writeFile(lockFile, `${JSON.stringify(holder)}\n`, {flag: 'wx', mode: 0o600})
    const result = await cli('apply', '-e', 'a,b,c', '--yes')
    expect(result.code, `${result.stdout}\n${result.stderr}`).to.equal(1)
    expect(result.stdout).to.contain('✗ Another apply is already running for project').and.contain(`pid ${process.pid}`)
    expect(result.stdout).to.match(/\nb\s+3\s+failed \(exit 1\): Another apply is already running/)
    expect(await tenantsOf(A.id)).to.deep.equal(['acme', 'globex'])
    expect(await tenantsOf(B.id)).to.deep.equal([])
    expect(await tenantsOf(C.id)).to.deep.equal(['acme', 'globex'])
    // The other process's lock is left alone.
    expect(JSON.parse(await readFile(lockFile, 'utf8'))).to.deep.equal(holder)
  })

  it('drift -e a,c: a drifts (2), c cannot be checked (4) and is named on stderr; --json entries carry code and result', async () => {
    const text = await cli('drift', '-e', 'a,c')
    expect(text.code).to.equal(4)
    expect(text.stdout).to.contain(`✗ a (${A.id}): 3 resources drifted`)
    expect(text.stderr).to.contain('✗ c: could not check:')
    expect(text.stdout).to.match(/\na\s+3\s+drift\s/)
    const result = await cli('drift', '-e', 'a,c', '--json')
    expect(result.code).to.equal(4)
    const output = commandOutputs.drift.schema.parse(json(result))
    expect(output).to.deep.include({exitCode: 4, inSync: false})
    expect(output.environments.map(entry => ('result' in entry ? [entry.environment, entry.result] : undefined))).to.deep.equal([['a', 'drift'], ['c', 'failed']])
  })

  it('one environment keeps the output of one: plan -e a --json prints the plan itself', async () => {
    const result = await cli('plan', '-e', 'a', '--json')
    expect(result.code).to.equal(2)
    expect(json(result)).to.include({projectId: A.id}).and.not.have.property('environments')
  })
})
