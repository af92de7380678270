/* eslint-disable no-template-curly-in-string -- the configuration reads the key from ${VAR} */
import {expect} from 'chai'
import {type ChildProcess, spawn} from 'node:child_process'
import {readdir, readFile, writeFile} from 'node:fs/promises'
import path from 'node:path'
import {setTimeout as sleep} from 'node:timers/promises'

import {errorStyles, startEmulator} from '../../plugins/plugin-emulator/src/index.js'
import {
  builtCli, type CliResult, makeTempHome, runCli,
} from '../helpers/cli.js'
import {type Emulator, tenantCreates} from '../helpers/emulator-log.js'

interface DeclaredTenant {
  id: string
  name: string
  selfProvisioningDomains: string[]
  customAttributes: Record<string, unknown>
  parent?: string
}

interface ApplyJson {
  outcome?: {
    exitCode: number
    result: {
      status: string
      stopReason?: string
      done: Array<{id: string}> | string[]
      failed: Array<{id: string; message: string}>
      skipped: Array<{id: string}>
      notStarted: Array<{id: string}> | string[]
    }
  }
}

function parseJson<T>(result: CliResult): T {
  try {
    return JSON.parse(result.stdout) as T
  } catch {
    throw new Error(`stdout is not JSON (exit ${result.code}):\n${result.stdout}\n${result.stderr}`)
  }
}

function declared(count: number, prefix = 't'): DeclaredTenant[] {
  return Array.from({length: count}, (_, index) => {
    const id = `${prefix}${String(index).padStart(3, '0')}`
    return {
      customAttributes: {seats: index, tier: index % 2 === 0 ? 'gold' : 'silver'}, id, name: `Tenant ${id}`, selfProvisioningDomains: [`${id}.example.com`],
    }
  })
}

function configYaml(options: {project: {id: string}; url: string; tenants: DeclaredTenant[]; rateLimit?: {requests: number; windowSeconds: number}; concurrency?: number}): string {
  const lines = [
    'version: 1',
    'environments:',
    '  e:',
    `    projectId: ${options.project.id}`,
    '    managementKey: ${FAULT_KEY}',
    `    baseUrl: ${options.url}`,
  ]
  if (options.rateLimit) lines.push(`    rateLimit: {requests: ${options.rateLimit.requests}, windowSeconds: ${options.rateLimit.windowSeconds}}`)
  if (options.concurrency) lines.push(`    concurrency: ${options.concurrency}`)
  lines.push('tenants:')
  for (const tenant of options.tenants) {
    lines.push(
      `  - id: ${tenant.id}`,
      `    name: ${tenant.name}`,
      `    selfProvisioningDomains: [${tenant.selfProvisioningDomains.join(', ')}]`,
      `    customAttributes: {seats: ${tenant.customAttributes.seats}, tier: ${tenant.customAttributes.tier}}`,
    )
    if (tenant.parent) lines.push(`    parent: ${tenant.parent}`)
  }

  return `${lines.join('\n')}\n`
}

/** One project, its emulator and a temporary home with a configuration file. */
async function setUp(project: {id: string; managementKey: string}, emulatorOptions: Parameters<typeof startEmulator>[0] = {}) {
  const emulator = await startEmulator({
    newProjects: 'empty', rateLimit: 'off', port: 0, projects: [project], ...emulatorOptions,
  })
  const home = await makeTempHome()
  const configFile = path.join(home.dir, 'descope.yaml')
  const env = {...home.env, FAULT_KEY: project.managementKey}
  const cli = (...args: string[]) => runCli([...args, '-c', configFile], {cwd: home.dir, env, timeoutMs: 90_000})
  return {
    cli, configFile, emulator, env, home,
  }
}

/** `tenant list --json` compared with the configuration, field by field. */
async function expectLiveMatches(cli: (...args: string[]) => Promise<CliResult>, tenants: DeclaredTenant[]): Promise<void> {
  const listed = await cli('tenant', 'list', '-e', 'e', '--json')
  expect(listed.code, listed.stderr).to.equal(0)
  const live = parseJson<Array<DeclaredTenant & {parent?: string}>>(listed)
  expect(live.map(tenant => tenant.id).sort()).to.deep.equal(tenants.map(tenant => tenant.id).sort())
  const byId = new Map(live.map(tenant => [tenant.id, tenant]))
  for (const wanted of tenants) {
    const got = byId.get(wanted.id)!
    expect(got.name, wanted.id).to.equal(wanted.name)
    expect(got.selfProvisioningDomains, wanted.id).to.deep.equal(wanted.selfProvisioningDomains)
    expect(got.customAttributes, wanted.id).to.deep.equal(wanted.customAttributes)
    expect(got.parent || undefined, wanted.id).to.equal(wanted.parent)
  }
}

async function expectEachCreatedOnce(emulator: Emulator, tenants: DeclaredTenant[]): Promise<void> {
  const counts = await tenantCreates(emulator)
  const duplicates = [...counts].filter(([, count]) => count > 1)
  expect(duplicates, 'tenants created more than once').to.deep.equal([])
  expect([...counts.keys()].sort()).to.deep.equal(tenants.map(tenant => tenant.id).sort())
}

/** Starts the built CLI like runCli, but returns the child so the test can signal it. */
function spawnCli(args: string[], env: Record<string, string>): {child: ChildProcess; done: Promise<CliResult>} {
  const childEnv: Record<string, string | undefined> = {
    ...process.env, CI: 'true', FORCE_COLOR: '0', NO_COLOR: '1', ...env,
  }
  for (const name of ['DESCOPE_PROJECT_ID', 'DESCOPE_MANAGEMENT_KEY', 'DESCOPE_BASE_URL', 'DESCOPE_MGMT_ENVIRONMENT']) delete childEnv[name]
  const child = spawn(process.execPath, [builtCli, ...args], {cwd: env.HOME, env: childEnv, stdio: ['ignore', 'pipe', 'pipe']})
  let stdout = ''
  let stderr = ''
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString()
  })
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  const timer = setTimeout(() => child.kill('SIGKILL'), 90_000)
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({code: code ?? (signal ? -1 : null), stderr, stdout})
    })
  })
  return {child, done}
}

/** Waits until the emulator has served at least `count` tenant creates (bounded). */
async function waitForCreates(emulator: Emulator, count: number): Promise<number> {
  for (let attempt = 0; attempt < 1500; attempt++) {
    const served = [...(await tenantCreates(emulator)).values()].reduce((sum, value) => sum + value, 0)
    if (served >= count) return served
    await sleep(20)
  }

  throw new Error(`the emulator never served ${count} tenant creates`)
}

// Retried creates and resumes read "already exists" and "not found" from the answers: both error
// styles of the emulator (400 with a text, or 404/409) must lead to the same outcome.
for (const errorStyle of errorStyles) describe(`apply under faults, emulator error style ${errorStyle} (built CLI against the emulator)`, function () {
  this.timeout(180_000)

  describe('429 storms, 503 bursts and connection resets during a 200-tenant apply', () => {
    const project = {id: 'P2FaultStormProject000000001', managementKey: 'K2FaultStormManagementKey0000001'}
    const tenants = declared(200)
    let context: Awaited<ReturnType<typeof setUp>>

    // Steady noise: a few 503s and connection resets on creates. Bursts: 12 creates in a row answer
    // 503, at the start and again halfway. Storm: the emulator allows 25 requests per second while
    // the client believes it may send 200, so the emulator's rate limiter answers 429 a lot.
    // (Rates are kept where four retries per request make a spurious failure very unlikely.)
    const noise = ['503:POST /v1/mgmt/tenant/create:p=0.05', 'reset:POST /v1/mgmt/tenant/create:p=0.02']
    // A burst, then two resets in a row: certain, where 2% of about 230 creates is none 1 time in 100.
    const burst = ['503:POST /v1/mgmt/tenant/create:12', 'reset:POST /v1/mgmt/tenant/create:2']

    before(async () => {
      context = await setUp(project, {errorStyle, faults: [...burst, ...noise], rateLimit: '25/1s'})
      await writeFile(context.configFile, configYaml({
        concurrency: 8, project, rateLimit: {requests: 200, windowSeconds: 1}, tenants, url: context.emulator.url,
      }))
    })

    after(async () => {
      await context?.emulator.stop()
      await context?.home.cleanup()
    })

    it('ends with live == config and no tenant created twice', async () => {
      const running = context.cli('apply', '-e', 'e', '--yes')
      await waitForCreates(context.emulator, 100)
      await context.emulator.admin.setFaults([...burst, ...noise])
      const apply = await running
      const stats = await context.emulator.stats()
      const {totals} = stats
      expect(apply.code, `${apply.stdout.slice(-3000)}\n${apply.stderr}\n${JSON.stringify(totals)}`).to.equal(0)
      // The storm and the bursts really happened. Each 429 pauses every request of the client and
      // then paces them, so the storm stays short: a handful of 429s, not one per request in flight.
      expect(totals.rateLimited, 'requests refused by the rate limiter').to.be.greaterThan(2)
      expect(totals.byStatus['503'] ?? 0, '503 answers').to.be.at.least(24)
      expect(totals.byStatus['0'] ?? 0, 'connection resets').to.be.greaterThan(0)

      await context.emulator.admin.clearFaults()
      await expectEachCreatedOnce(context.emulator, tenants)
      await expectLiveMatches(context.cli, tenants)
      const drift = await context.cli('drift', '-e', 'e')
      expect(drift.code, drift.stdout).to.equal(0)
    })
  })

  describe('what a user sees of retries and rate-limit waits', () => {
    const project = {id: 'P2FaultVisibleRetryProject001', managementKey: 'K2FaultVisibleRetryManagementK01'}
    const tenants = declared(4, 'r')
    let context: Awaited<ReturnType<typeof setUp>>

    before(async () => {
      // The first two tenant creates answer 503 and are retried; the client may send 2 requests
      // every 2 seconds, so the writes wait for the rate limiter.
      context = await setUp(project, {faults: ['503:POST /v1/mgmt/tenant/create:2']})
      await writeFile(context.configFile, configYaml({
        concurrency: 2, project, rateLimit: {requests: 2, windowSeconds: 2}, tenants, url: context.emulator.url,
      }))
    })

    after(async () => {
      await context?.emulator.stop()
      await context?.home.cleanup()
    })

    it('shows a retried write as retrying on its line and a rate-limit wait as waiting, then the summary once (CI lines)', async () => {
      const apply = await context.cli('apply', '-e', 'e', '--yes')
      expect(apply.code, `${apply.stdout}\n${apply.stderr}`).to.equal(0)
      const {stdout} = apply
      const retried = stdout.match(/^tenants: Creating r00\d ⚙️ retrying \(attempt 2, HTTP 503\)$/gm) ?? []
      expect(retried, stdout).to.have.length(2)
      expect(stdout, stdout).to.match(/^tenants: Creating r00\d ⏳ waiting for rate limit \(~\d(\.\d)? s\)$/m)
      // A retried change still ends done, on a line of its own.
      const retriedKey = /Creating (r00\d) ⚙️/.exec(retried[0] ?? '')?.[1] ?? 'none'
      expect(stdout).to.match(new RegExp(`^tenants: Creating ${retriedKey} ✓ \\(`, 'm'))
      expect(stdout.match(/Applied 4 changes/g), stdout).to.have.length(1)
      expect(stdout.match(/^Syncing tenants\.\.\. /gm), stdout).to.have.length(1)
      const {totals} = await context.emulator.stats()
      expect(totals.byStatus['503'], 'the emulator answered 503 twice').to.equal(2)
      await expectEachCreatedOnce(context.emulator, tenants)
    })
  })

  describe('a permanent failure', () => {
    const project = {id: 'P2FaultPermanentProject00001', managementKey: 'K2FaultPermanentManagementKey001'}
    // t002 and t020 cannot be created: a live tenant (not in the configuration) already uses each
    // name; t002-child needs t002.
    const tenants = [...declared(30), {
      customAttributes: {seats: 99, tier: 'gold'}, id: 'tc02', name: 'Tenant tc02', parent: 't002', selfProvisioningDomains: ['tc02.example.com'],
    }]
    const blocked = new Set(['t002', 't020', 'tc02'])
    let context: Awaited<ReturnType<typeof setUp>>

    beforeEach(async () => {
      context = await setUp(project, {
        errorStyle,
        projects: [{...project, tenants: [{id: 'squat-2', name: 'Tenant t002'}, {id: 'squat-20', name: 'Tenant t020'}]}],
      })
      await writeFile(context.configFile, configYaml({project, tenants, url: context.emulator.url}))
    })

    afterEach(async () => {
      await context?.emulator.stop()
      await context?.home.cleanup()
    })

    it('stops new work at the first failure: exit 6, and says what was done, what failed and what was not started', async () => {
      const apply = await context.cli('apply', '-e', 'e', '--yes')
      expect(apply.code, apply.stderr).to.equal(6)
      const {stdout} = apply
      const summary = /(\d+) of (\d+) changes done, (\d+) failed, (\d+) not started\./.exec(stdout)
      expect(summary, stdout).to.not.equal(null)
      const [, done, total, failed, notStarted] = summary!.map(Number)
      expect(total).to.equal(tenants.length)
      expect(failed).to.equal(1)
      expect(done + failed + notStarted).to.equal(total)
      expect(notStarted).to.be.greaterThan(0)
      expect(stdout).to.match(/✗ create tenant:t002: .*already exists/i)
      expect(stdout).to.contain('Not started:').and.contain('Stopped at the first failure.')
      expect(stdout).to.contain('Next: descope-mgmt apply -e e --resume')

      // What the report says was done is exactly what the emulator created.
      const created = [...(await tenantCreates(context.emulator)).keys()]
      expect(created).to.have.length(done)
      expect(created).to.not.include('t002')
      const notStartedLine = /Not started: (.*)/.exec(stdout)![1].split(', ')
      for (const id of notStartedLine) expect(created).to.not.include(id.replace(/^tenant:/, ''))
      expect(notStartedLine).to.have.length(notStarted)
    })

    it('with --continue-on-error does everything else and reports all failures together, with the next command', async () => {
      const apply = await context.cli('apply', '-e', 'e', '--yes', '--continue-on-error')
      expect(apply.code, apply.stderr).to.equal(6)
      const {stdout} = apply
      expect(stdout, stdout).to.contain(`${tenants.length - 3} of ${tenants.length} changes done, 2 failed, 1 not started.`)
      expect(stdout).to.match(/✗ create tenant:t002: .*already exists/i)
      expect(stdout).to.match(/✗ create tenant:t020: .*already exists/i)
      expect(stdout).to.contain('- create tenant:tc02: skipped, dependency failed (tenant:t002)')
      expect(stdout).to.contain('2 changes failed, 1 change skipped because a change it needs failed.')
      expect(stdout).to.contain('Next: descope-mgmt apply -e e --resume')

      const created = [...(await tenantCreates(context.emulator)).keys()].sort()
      expect(created).to.deep.equal(tenants.map(tenant => tenant.id).filter(id => !blocked.has(id)).sort())
      await expectEachCreatedOnce(context.emulator, tenants.filter(tenant => !blocked.has(tenant.id)))

      // Again, as JSON for scripts: only the blocked changes are left, nothing can be done, so the
      // exit code is 5 (API failure, nothing done in this run) rather than 6 (partial).
      const again = await context.cli('apply', '-e', 'e', '--yes', '--continue-on-error', '--json')
      expect(again.code).to.equal(5)
      const {result} = (parseJson<ApplyJson>(again).outcome!)
      expect(JSON.stringify(result.failed)).to.contain('tenant:t002').and.contain('tenant:t020')
      expect(JSON.stringify(result.skipped)).to.contain('tenant:tc02')
    })
  })

  describe('killed or interrupted mid-apply', () => {
    const project = {id: 'P2FaultKillProject0000000001', managementKey: 'K2FaultKillManagementKey00000001'}
    const tenants = declared(120)
    let context: Awaited<ReturnType<typeof setUp>>

    beforeEach(async () => {
      context = await setUp(project, {errorStyle, latency: '50ms'})
      await writeFile(context.configFile, configYaml({project, tenants, url: context.emulator.url}))
    })

    afterEach(async () => {
      await context?.emulator.stop()
      await context?.home.cleanup()
    })

    const journals = async () => {
      const dir = path.join(context.home.env.XDG_DATA_HOME, 'descope-mgmt', 'journals', project.id)
      return Promise.all((await readdir(dir)).map(file => readFile(path.join(dir, file), 'utf8')))
    }

    it('SIGKILL, then apply --resume: live == config and each tenant created exactly once', async () => {
      const run = spawnCli(['apply', '-e', 'e', '--yes', '-c', context.configFile], context.env)
      await waitForCreates(context.emulator, 20)
      run.child.kill('SIGKILL')
      const killed = await run.done
      expect(killed.code).to.equal(-1)
      // A request already written to the socket may still be read and served: let the emulator settle.
      await sleep(300)
      const servedBeforeKill = [...(await tenantCreates(context.emulator)).values()].length
      expect(servedBeforeKill).to.be.lessThan(tenants.length)
      // The journal of the killed run has no end line.
      const [journal] = await journals()
      expect(journal).to.contain('"type":"done"').and.not.contain('"type":"end"')

      const resume = await context.cli('apply', '-e', 'e', '--resume', '--yes')
      expect(resume.code, `${resume.stdout}\n${resume.stderr}`).to.equal(0)
      expect(resume.stdout).to.match(/Resuming run \w+: \d+ change\(s\) finished before it stopped/)
      expect(resume.stdout).to.contain(`Plan: ${tenants.length - servedBeforeKill} to create`)

      await expectEachCreatedOnce(context.emulator, tenants)
      await expectLiveMatches(context.cli, tenants)
    })

    it('SIGINT: stops cleanly, says how to resume, exit 130; the resume finishes the rest once', async () => {
      const run = spawnCli(['apply', '-e', 'e', '--yes', '-c', context.configFile], context.env)
      await waitForCreates(context.emulator, 10)
      run.child.kill('SIGINT')
      const interrupted = await run.done
      expect(interrupted.code, `${interrupted.stdout}\n${interrupted.stderr}`).to.equal(130)
      expect(interrupted.stderr).to.contain('Stopping: waiting for the changes in flight to finish')
      expect(interrupted.stdout).to.contain('Interrupted: changes in flight finished.').and.contain('Next: descope-mgmt apply -e e --resume')
      const [journal] = await journals()
      expect(journal).to.contain('"type":"end"').and.contain('"status":"interrupted"')
      // The lock is released.
      expect(await readdir(path.join(context.home.env.XDG_DATA_HOME, 'descope-mgmt', 'locks'))).to.deep.equal([])

      const resume = await context.cli('apply', '-e', 'e', '--resume', '--yes')
      expect(resume.code, `${resume.stdout}\n${resume.stderr}`).to.equal(0)
      await expectEachCreatedOnce(context.emulator, tenants)
      await expectLiveMatches(context.cli, tenants)
    })
  })
})
