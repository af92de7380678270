import {expect} from 'chai'
import {readdir, readFile, writeFile} from 'node:fs/promises'
import path from 'node:path'
import {setTimeout as sleep} from 'node:timers/promises'

import type {CliResult} from '../helpers/cli.js'

import {errorStyles} from '../../plugins/plugin-emulator/src/index.js'
import {listBackups, verifyBackup} from '../../src/lib/backup/store.js'
import {
  inFreshHome, seededRandom, seedFrom, TENANT_CREATE, tenantCreates, tenants, waitFor, type Workspace, workspace,
} from './helpers.js'

const TRIALS = 10
const TENANTS = tenants(60)

interface JournalLine {
  type: string
  runId?: string
  result?: {status: string}
}

/** Every journal of the project: each line must be a JSON object with a type. */
async function readJournals(ws: Workspace): Promise<Array<{file: string; lines: JournalLine[]}>> {
  const dir = path.join(ws.dataDir, 'journals', ws.projectId)
  const names = (await readdir(dir).catch(() => [] as string[])).filter(name => name.endsWith('.jsonl')).sort()
  return Promise.all(names.map(async name => {
    const file = path.join(dir, name)
    const text = await readFile(file, 'utf8')
    const lines = text.split('\n').filter(line => line.trim() !== '').map((line, index) => {
      let parsed: JournalLine
      try {
        parsed = JSON.parse(line) as JournalLine
      } catch {
        throw new Error(`${file}:${index + 1} is not JSON: ${line}`)
      }

      expect(parsed.type, `${file}:${index + 1}`).to.be.a('string')
      return parsed
    })
    return {file, lines}
  }))
}

/** Waits until the emulator's request log stops growing (requests a killed client had sent are served). */
async function settled(ws: Workspace): Promise<void> {
  let last = -1
  await waitFor('the request log to settle', async () => {
    const {length} = await ws.emulator.admin.requests()
    const stable = length === last
    last = length
    return stable
  }, 5000, 60)
}

function summary(result: CliResult): string {
  return `exit ${result.code}\n${result.stdout.slice(-2000)}\n${result.stderr}`
}

// Under both error styles of the emulator: a resume reads "already exists" and "not found" the same.
for (const errorStyle of errorStyles) describe(`crash recovery: SIGKILL at a random moment, then resume (error style ${errorStyle})`, function () {
  this.timeout(150_000)
  const seed = seedFrom(7_301_994)
  const random = seededRandom(seed)
  let ws: Workspace
  let verifiedByCli = false

  before(async () => {
    // Latency makes the 60 creates take a while, so a kill can land in the middle of them.
    ws = await workspace('Crash', {errorStyle, latency: '10-25ms'})
    await ws.configure({tenants: TENANTS})
    verifiedByCli = false
    console.log(`      crash trials: seed ${seed} (replay with RESILIENCE_SEED=${seed})`)
  })

  after(async () => {
    await ws?.emulator.stop()
  })

  for (let trial = 1; trial <= TRIALS; trial++) {
    it(`trial ${trial}: converges after the kill, valid journal and backups, no tenant created twice`, async () => {
      // A fresh project and a fresh home for each trial.
      await ws.emulator.admin.reset()
      const trialWs = await inFreshHome(ws)
      await writeFile(trialWs.configFile, ws.configText)

      // The moment: in one trial out of five a time after the start (start-up, plan, backup —
      // possibly before the journal exists); otherwise once a random number of creates were served.
      const early = random() < 0.2
      const delayMs = Math.floor(random() * (early ? 900 : 25))
      // (At most half of them: the rest take long enough that the kill lands before the run ends.)
      const afterCreates = early ? 0 : 1 + Math.floor(random() * (TENANTS.length / 2))
      const started = Date.now()
      const run = trialWs.spawn(['apply', '-e', 'e', '--yes'])
      if (afterCreates > 0) {
        await waitFor(`${afterCreates} creates`, async () => {
          if ((await tenantCreates(ws.emulator)).size >= afterCreates) return true
          // Finished (or failed) before the moment came: report it below.
          return run.child.exitCode !== null || run.child.signalCode !== null
        }, 60_000, 5)
      }

      await sleep(delayMs)
      run.child.kill('SIGKILL')
      const killed = await run.done
      const killedAtMs = Date.now() - started
      await settled(ws)
      const servedBeforeKill = (await tenantCreates(ws.emulator)).size
      const journalsAfterKill = await readJournals(trialWs)
      const moment = early ? `${delayMs} ms after the start` : `after ${afterCreates} creates + ${delayMs} ms`
      const journalState = journalsAfterKill.length > 0 ? 'written' : 'not yet written'
      console.log(`        trial ${trial}: SIGKILL at ${killedAtMs} ms (${moment}); ${servedBeforeKill}/${TENANTS.length} created; journal ${journalState}`)
      expect(killed.code, summary(killed)).to.equal(-1)
      // The killed run's journal, if it got that far, has no end line.
      for (const journal of journalsAfterKill) expect(journal.lines.some(line => line.type === 'end'), journal.file).to.equal(false)

      // Resume when there is a journal to resume; otherwise a plain apply must converge.
      const hasJournal = journalsAfterKill.some(journal => journal.lines[0]?.type === 'start')
      const resume = await trialWs.cli(hasJournal ? ['apply', '-e', 'e', '--resume', '--yes'] : ['apply', '-e', 'e', '--yes'])
      expect(resume.code, summary(resume)).to.equal(0)
      if (hasJournal) expect(resume.stdout).to.match(/Resuming run \w+: \d+ change\(s\) finished before it stopped/)
      if (servedBeforeKill < TENANTS.length) expect(resume.stdout).to.contain(`Plan: ${TENANTS.length - servedBeforeKill} to create, 0 to update, 0 to delete.`)

      // Converged: plan shows no changes.
      const plan = await trialWs.cli(['plan', '-e', 'e'])
      expect(plan.code, summary(plan)).to.equal(0)
      expect(plan.stdout).to.contain('No changes')

      // Each tenant created exactly once, and no create was sent again for a tenant that existed.
      const creates = await tenantCreates(ws.emulator)
      expect([...creates].filter(([, count]) => count !== 1)).to.deep.equal([])
      expect([...creates.keys()].sort()).to.deep.equal(TENANTS.map(tenant => tenant.id))
      const refused = (await ws.emulator.admin.requests({method: 'POST', path: TENANT_CREATE})).filter(entry => entry.errorCode === 'E011409')
      expect(refused.map(entry => entry.body?.id), 'creates repeated for tenants that existed').to.deep.equal([])

      // Journals parse line by line; the newest run ended complete; the lock is released.
      const journals = await readJournals(trialWs)
      const newest = journals.at(-1)!
      expect(newest.lines.at(-1)?.type, newest.file).to.equal('end')
      expect(newest.lines.at(-1)?.result?.status).to.equal('complete')
      expect(await readdir(path.join(trialWs.dataDir, 'locks'))).to.deep.equal([])

      // Every backup verifies (the checks of `backup verify`, in-process for speed); the first
      // backup taken by a killed run is also verified through the CLI. A backup cut short by the
      // kill is a temporary folder that is never listed.
      const backups = await listBackups(path.join(trialWs.dataDir, 'backups'), ws.projectId)
      expect(backups.length).to.be.at.least(1)
      for (const backup of backups) {
        expect(backup.damaged, backup.id).to.equal(undefined)
        const verified = await verifyBackup(backup)
        expect(verified.problems, backup.id).to.deep.equal([])
        expect(verified.ok, backup.id).to.equal(true)
      }

      if (backups.length > 1 && !verifiedByCli) {
        verifiedByCli = true
        const verify = await trialWs.cli(['backup', 'verify', backups.at(-1)!.id, '-e', 'e'])
        expect(verify.code, summary(verify)).to.equal(0)
        expect(verify.stdout).to.contain('is intact')
      }
    })
  }

  it('SIGINT: stops cleanly, says how to resume, exit 130; the resume finishes the rest once', async () => {
    await ws.emulator.admin.reset()
    const trialWs = await inFreshHome(ws)
    await writeFile(trialWs.configFile, ws.configText)
    const run = trialWs.spawn(['apply', '-e', 'e', '--yes'])
    await waitFor('10 creates', async () => (await tenantCreates(ws.emulator)).size >= 10, 60_000, 5)
    run.child.kill('SIGINT')
    const interrupted = await run.done
    expect(interrupted.code, summary(interrupted)).to.equal(130)
    expect(interrupted.stderr).to.contain('Stopping: waiting for the changes in flight to finish')
    expect(interrupted.stdout).to.contain('Interrupted: changes in flight finished.').and.contain('Next: descope-mgmt apply -e e --resume')
    expect(interrupted.stdout).to.not.contain('✓ Applied')
    const served = (await tenantCreates(ws.emulator)).size
    expect(served).to.be.lessThan(TENANTS.length)
    const [journal] = await readJournals(trialWs)
    expect(journal.lines.at(-1)?.type).to.equal('end')
    expect(journal.lines.at(-1)?.result?.status).to.equal('interrupted')
    expect(await readdir(path.join(trialWs.dataDir, 'locks'))).to.deep.equal([])

    const resume = await trialWs.cli(['apply', '-e', 'e', '--resume', '--yes'])
    expect(resume.code, summary(resume)).to.equal(0)
    expect(resume.stdout).to.contain(`Plan: ${TENANTS.length - served} to create`)
    const creates = await tenantCreates(ws.emulator)
    expect([...creates].filter(([, count]) => count !== 1)).to.deep.equal([])
    expect(creates.size).to.equal(TENANTS.length)
    const plan = await trialWs.cli(['plan', '-e', 'e'])
    expect(plan.code, summary(plan)).to.equal(0)
    // The backups of the interrupted run and of the resume pass `backup verify`.
    const backups = await listBackups(path.join(trialWs.dataDir, 'backups'), ws.projectId)
    expect(backups).to.have.length(2)
    for (const backup of backups) {
      const verify = await trialWs.cli(['backup', 'verify', backup.id, '-e', 'e'])
      expect(verify.code, summary(verify)).to.equal(0)
    }
  })
})
