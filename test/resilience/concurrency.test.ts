import {expect} from 'chai'
import {spawn} from 'node:child_process'
import {
  mkdir, readdir, readFile, stat, writeFile,
} from 'node:fs/promises'
import {hostname} from 'node:os'
import path from 'node:path'

import type {CliResult} from '../helpers/cli.js'

import {isProcessAlive} from '../../src/lib/apply/lock.js'
import {
  inFreshHome, TENANT_CREATE, tenantCreates, tenants, waitFor, type Workspace, workspace,
} from './helpers.js'

// Each create takes 300 ms more, so an apply holds its lock long enough for a second one to meet it.
const SLOW_CREATES = 'slow=300:POST /v1/mgmt/tenant/create'
const TENANTS = tenants(24)

/** The pid of a process that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], {stdio: 'ignore'})
  await new Promise(resolve => {
    child.on('exit', resolve)
  })
  return child.pid!
}

function output(result: CliResult): string {
  return `exit ${result.code}\n${result.stdout.slice(-2000)}\n${result.stderr}`
}

async function expectConverged(ws: Workspace): Promise<void> {
  const creates = await tenantCreates(ws.emulator)
  expect([...creates].filter(([, count]) => count !== 1), 'tenants created more than once').to.deep.equal([])
  expect([...creates.keys()].sort()).to.deep.equal(TENANTS.map(tenant => tenant.id))
  const conflicts = (await ws.emulator.admin.requests({method: 'POST', path: TENANT_CREATE})).filter(entry => entry.errorCode === 'E011409')
  expect(conflicts, 'creates of tenants that already existed').to.deep.equal([])
  const plan = await ws.cli(['plan', '-e', 'e'])
  expect(plan.code, output(plan)).to.equal(0)
}

describe('concurrency: one apply per project at a time', function () {
  this.timeout(120_000)
  let base: Workspace
  let ws: Workspace
  let lockPath: string
  let locksDir: string

  before(async () => {
    base = await workspace('Lock', {faults: [SLOW_CREATES]})
  })

  beforeEach(async () => {
    await base.emulator.admin.reset()
    ws = await inFreshHome(base)
    await ws.configure({tenants: TENANTS})
    locksDir = path.join(ws.dataDir, 'locks')
    lockPath = path.join(locksDir, `${ws.projectId}.lock`)
  })

  after(async () => {
    await base?.emulator.stop()
  })

  it('a second apply while one runs is refused, naming the holder; exit 1; the first finishes alone', async () => {
    const first = ws.spawn(['apply', '-e', 'e', '--yes'])
    // The first holds the lock once it is writing.
    await waitFor('the first apply to write', async () => (await tenantCreates(ws.emulator)).size > 0, 60_000, 10)
    const holder = JSON.parse(await readFile(lockPath, 'utf8')) as {pid: number; command: string; startedAt: string}
    expect(holder.pid).to.equal(first.child.pid)

    // Pause the first apply (as a slow machine would) while the second one runs; it keeps its lock.
    first.child.kill('SIGSTOP')
    let second: CliResult
    try {
      second = await ws.cli(['apply', '-e', 'e', '--yes'])
    } finally {
      first.child.kill('SIGCONT')
    }

    expect(second.code, output(second)).to.equal(1)
    expect(second.stderr).to.contain(`Another apply is already running for project ${ws.projectId}: pid ${first.child.pid}, started ${holder.startedAt} (apply).`)
    expect(second.stderr).to.contain(`If it is not running any more, delete ${lockPath} and try again.`)
    expect(second.stdout + second.stderr).to.not.match(/Applied \d+ change/)

    const done = await first.done
    expect(done.code, output(done)).to.equal(0)
    // The refused apply sent nothing: each tenant created once, no create refused as existing.
    await expectConverged(ws)
    expect(await readdir(locksDir)).to.deep.equal([])
  })

  it('the lock of a SIGKILLed apply is stale: the next apply takes it over and converges', async () => {
    const killed = ws.spawn(['apply', '-e', 'e', '--yes'])
    await waitFor('the apply to write', async () => (await tenantCreates(ws.emulator)).size > 0, 60_000, 10)
    killed.child.kill('SIGKILL')
    expect((await killed.done).code).to.equal(-1)
    // The lock file is left behind, naming a process that no longer exists.
    const left = JSON.parse(await readFile(lockPath, 'utf8')) as {pid: number}
    expect(left.pid).to.equal(killed.child.pid)
    expect(isProcessAlive(left.pid)).to.equal(false)

    const resume = await ws.cli(['apply', '-e', 'e', '--resume', '--yes'])
    expect(resume.code, output(resume)).to.equal(0)
    expect(resume.stdout).to.match(/Resuming run \w+/)
    await expectConverged(ws)
    expect(await readdir(locksDir)).to.deep.equal([])
  })

  it('two applies meeting one stale lock (dead pid): exactly one takes it over, the other is refused naming the winner', async () => {
    const dead = await deadPid()
    await mkdir(locksDir, {mode: 0o700, recursive: true})
    const stale = {
      command: 'apply', host: hostname(), pid: dead, startedAt: new Date(Date.now() - 60_000).toISOString(), token: 'stale-token',
    }
    await writeFile(lockPath, `${JSON.stringify(stale)}\n`, {mode: 0o600})

    const runs = [ws.spawn(['apply', '-e', 'e', '--yes']), ws.spawn(['apply', '-e', 'e', '--yes'])]
    const results = await Promise.all(runs.map(started => started.done))
    const winners = results.filter(result => result.code === 0)
    const losers = results.filter(result => result.code !== 0)
    expect(winners, results.map(result => output(result)).join('\n----\n')).to.have.length(1)
    expect(losers).to.have.length(1)
    const winnerPid = runs[results.indexOf(winners[0])].child.pid
    expect(losers[0].code).to.equal(1)
    expect(losers[0].stderr).to.contain(`Another apply is already running for project ${ws.projectId}: pid ${winnerPid}`)
    expect(losers[0].stderr).to.not.contain(`pid ${dead}`)

    await expectConverged(ws)
    // Nothing left: neither the stale lock, nor takeover markers, nor the moved-aside file.
    expect(await readdir(locksDir)).to.deep.equal([])
  })

  it('a fresh lock of another host is respected (its pid cannot be checked): refused, nothing sent', async () => {
    await mkdir(locksDir, {mode: 0o700, recursive: true})
    const foreign = {
      command: 'apply -e e', host: 'build-agent-7', pid: 4242, startedAt: new Date().toISOString(), token: 'foreign-token',
    }
    const text = `${JSON.stringify(foreign)}\n`
    await writeFile(lockPath, text, {mode: 0o600})
    const refused = await ws.cli(['apply', '-e', 'e', '--yes'])
    expect(refused.code, output(refused)).to.equal(1)
    expect(refused.stderr).to.contain(`pid 4242 on build-agent-7, started ${foreign.startedAt} (apply -e e)`)
    expect(await tenantCreates(ws.emulator)).to.have.property('size', 0)
    expect(await readFile(lockPath, 'utf8')).to.equal(text)
    expect((await stat(lockPath)).isFile()).to.equal(true)
  })
})
