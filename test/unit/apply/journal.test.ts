import {expect} from 'chai'
import {
  appendFile, mkdir, mkdtemp, readFile, rm, stat, writeFile,
} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {
  findResumable, Journal, journalDir, listJournals, readJournal,
} from '../../../src/lib/apply/journal.js'

describe('apply journal', () => {
  let root: string
  let dir: string
  let clock: number
  const now = () => new Date(clock)
  const start = (runId: string, options: Partial<Parameters<typeof Journal.create>[1]> = {}) => {
    clock += 1000
    return Journal.create(dir, {
      changes: ['tenant:a', 'tenant:b', 'tenant:c'], environment: 'staging', now, planFingerprint: 'sha256:abc', projectId: 'P2Test', runId, ...options,
    })
  }

  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'descope-mgmt-journal-'))
    dir = journalDir(root, 'P2Test')
    clock = Date.parse('2024-05-01T12:00:00.000Z')
  })

  afterEach(async () => {
    await rm(root, {force: true, recursive: true})
  })

  it('writes a private file in a private folder: header first, one line per event, end last', async () => {
    const journal = await start('run1')
    await journal.started('tenant:a')
    await journal.done('tenant:a')
    await journal.started('tenant:b')
    await journal.failed('tenant:b', Object.assign(new Error('HTTP 500'), {code: 'E500'}))
    await journal.end({
      alreadyDone: 0, done: 1, failed: 1, notStarted: 1, skipped: 0, status: 'partial', stopReason: 'failure',
    })

    expect(dir).to.equal(path.join(root, 'journals', 'P2Test'))
    expect(path.basename(journal.file)).to.equal('2024-05-01T12-00-01.000Z-run1.jsonl')
    expect((await stat(journal.file)).mode.toString(8).slice(-3)).to.equal('600')
    expect((await stat(dir)).mode.toString(8).slice(-3)).to.equal('700')
    const lines = (await readFile(journal.file, 'utf8')).trimEnd().split('\n').map(line => JSON.parse(line))
    expect(lines[0]).to.deep.include({
      changes: ['tenant:a', 'tenant:b', 'tenant:c'], createdAt: '2024-05-01T12:00:01.000Z', environment: 'staging',
      pid: process.pid, planFingerprint: 'sha256:abc', projectId: 'P2Test', runId: 'run1', type: 'start',
    })
    expect(lines.slice(1).map(line => line.type)).to.deep.equal(['started', 'done', 'started', 'failed', 'end'])
    expect(lines[4]).to.deep.equal({
      at: '2024-05-01T12:00:01.000Z', error: {code: 'E500', message: 'HTTP 500'}, id: 'tenant:b', type: 'failed',
    })
    expect(lines[5].result).to.include({status: 'partial'})
  })

  it('keeps every line whole when writes come in concurrently', async () => {
    const journal = await start('run1')
    const ids = Array.from({length: 60}, (_, index) => `tenant:t${index}`)
    await Promise.all(ids.flatMap(id => [journal.started(id), journal.done(id)]))
    await journal.close()
    const {badLines, entries} = await readJournal(journal.file)
    expect(badLines).to.equal(0)
    expect(entries.filter(entry => entry.type === 'done')).to.have.length(60)
  })

  it('finds the run to resume: the newest one without an end, with its done, failed and in-flight changes', async () => {
    const old = await start('old')
    await old.done('tenant:a')
    await old.close()
    const crashed = await start('crashed')
    await crashed.started('tenant:a')
    await crashed.done('tenant:a')
    await crashed.started('tenant:b')
    await crashed.failed('tenant:b', new Error('no'))
    await crashed.started('tenant:c')
    await crashed.close()

    const run = await findResumable(dir)
    expect(run?.runId).to.equal('crashed')
    expect([...run!.done]).to.deep.equal(['tenant:a'])
    expect([...run!.failed]).to.deep.equal([['tenant:b', 'no']])
    expect([...run!.inFlight]).to.deep.equal(['tenant:c'])
    expect(run!.end).to.equal(undefined)
    expect(run!.header).to.include({planFingerprint: 'sha256:abc', projectId: 'P2Test'})
  })

  it('tolerates a truncated last line left by a crash mid-write', async () => {
    const journal = await start('crashed')
    await journal.done('tenant:a')
    await journal.close()
    await appendFile(journal.file, '{"type":"done","id":"tenant:b","at":"2024-05-')

    const contents = await readJournal(journal.file)
    expect(contents.badLines).to.equal(1)
    const run = await findResumable(dir)
    expect([...run!.done]).to.deep.equal(['tenant:a'])
  })

  it('resumes a run that ended incomplete (Ctrl-C, failure), not one that completed', async () => {
    const stopped = await start('stopped')
    await stopped.done('tenant:a')
    await stopped.end({
      alreadyDone: 0, done: 1, failed: 0, notStarted: 2, skipped: 0, status: 'interrupted', stopReason: 'aborted',
    })
    expect((await findResumable(dir))?.end?.status).to.equal('interrupted')

    const finished = await start('finished', {alreadyDone: ['tenant:a'], resumedFrom: 'stopped'})
    await finished.done('tenant:b')
    await finished.done('tenant:c')
    await finished.end({
      alreadyDone: 1, done: 2, failed: 0, notStarted: 0, skipped: 0, status: 'complete',
    })
    expect(await findResumable(dir)).to.equal(undefined)
  })

  it('passes over the runs of one-change commands: neither resumed nor hiding an interrupted apply', async () => {
    const stopped = await start('stopped')
    await stopped.done('tenant:a')
    await stopped.end({
      alreadyDone: 0, done: 1, failed: 0, notStarted: 2, skipped: 0, status: 'interrupted', stopReason: 'aborted',
    })
    const single = await start('single', {changes: ['tenant:x'], resumable: false})
    await single.done('tenant:x')
    await single.end({
      alreadyDone: 0, done: 1, failed: 0, notStarted: 0, skipped: 0, status: 'complete',
    })
    expect((await readJournal(single.file)).header).to.include({resumable: false})
    expect((await findResumable(dir))?.runId).to.equal('stopped')
    const failed = await start('failed-single', {changes: ['tenant:y'], resumable: false})
    await failed.failed('tenant:y', new Error('no'))
    await failed.end({
      alreadyDone: 0, done: 0, failed: 1, notStarted: 0, skipped: 0, status: 'failed', stopReason: 'failure',
    })
    expect((await findResumable(dir))?.runId).to.equal('stopped')
  })

  it('carries the changes done by the runs a resumed run continues', async () => {
    const first = await start('first')
    await first.done('tenant:a')
    await first.close()
    const second = await start('second', {alreadyDone: ['tenant:a'], resumedFrom: 'first'})
    await second.done('tenant:b')
    await second.close()

    const run = await findResumable(dir)
    expect(run?.header.resumedFrom).to.equal('first')
    expect([...run!.done].sort()).to.deep.equal(['tenant:a', 'tenant:b'])
  })

  it('passes over empty files and has nothing to resume in a missing or empty folder', async () => {
    expect(await findResumable(path.join(root, 'nowhere'))).to.equal(undefined)
    await mkdir(dir, {recursive: true})
    expect(await findResumable(dir)).to.equal(undefined)
    const journal = await start('real')
    await journal.close()
    await writeFile(path.join(dir, '2099-01-01T00-00-00.000Z-empty.jsonl'), '')
    expect((await listJournals(dir)).map(file => path.basename(file))[0]).to.equal('2099-01-01T00-00-00.000Z-empty.jsonl')
    expect((await findResumable(dir))?.runId).to.equal('real')
  })

  it('redacts error messages with the given function', async () => {
    const journal = await start('run1', {redact: text => text.replaceAll('K2secret', 'K2…')})
    await journal.failed('tenant:a', new Error('bad key K2secret'))
    await journal.close()
    expect(await readFile(journal.file, 'utf8')).to.contain('bad key K2…').and.not.contain('K2secret')
  })

  it('refuses writes after the end', async () => {
    const journal = await start('run1')
    await journal.end({
      alreadyDone: 0, done: 0, failed: 0, notStarted: 0, skipped: 0, status: 'complete',
    })
    const error = await journal.done('tenant:a').catch((error_: unknown) => error_)
    expect(error).to.be.instanceOf(Error).with.property('message').that.matches(/closed/)
  })
})
