import {expect} from 'chai'
import {spawn} from 'node:child_process'
import {
  mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile,
} from 'node:fs/promises'
import {hostname, tmpdir} from 'node:os'
import path from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'

import {
  acquireLock, type AcquireLockOptions, isProcessAlive, LockedError, lockFile, parseLockWait, type ProjectLock,
} from '../../../src/lib/apply/lock.js'
import {ExitCode, InputError} from '../../../src/lib/errors.js'

/** The pid of a process that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], {stdio: 'ignore'})
  await new Promise(resolve => {
    child.on('exit', resolve)
  })
  return child.pid!
}

const lockModule = pathToFileURL(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../src/lib/apply/lock.ts')).href

/** Child processes that each try to take the lock, print the outcome, and hold on until stdin closes. */
async function raceInChildren(dataDir: string, count: number): Promise<string[]> {
  const script = `
    import {acquireLock} from ${JSON.stringify(lockModule)}
    try {
      const lock = await acquireLock({command: 'child', dataDir: ${JSON.stringify(dataDir)}, projectId: 'P2Test'})
      process.stdout.write('won\\n')
      process.stdin.resume()
      process.stdin.on('end', async () => { await lock.release(); process.exit(0) })
    } catch (error) {
      process.stdout.write((error.code ?? error.message) + '\\n')
    }
  `
  const children = Array.from({length: count}, () => spawn(process.execPath, ['--import', 'tsx/esm', '--input-type=module', '-e', script], {stdio: ['pipe', 'pipe', 'inherit']}))
  const exited = children.map(child => new Promise(resolve => {
    child.on('exit', resolve)
  }))
  const outcomes = await Promise.all(children.map(child => new Promise<string>(resolve => {
    let out = ''
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      if (out.endsWith('\n')) resolve(out.trim())
    })
    child.on('exit', () => resolve(out.trim()))
  })))
  for (const child of children) child.stdin.end()
  await Promise.all(exited)
  return outcomes
}

describe('project lock', () => {
  let dataDir: string
  const held: ProjectLock[] = []
  const take = async (options: Partial<Omit<AcquireLockOptions, 'coordination'>> = {}) => {
    const lock = await acquireLock({
      command: 'descope-mgmt apply -e staging', dataDir, handleSignals: false, projectId: 'P2Test', ...options,
    })
    held.push(lock)
    return lock
  }

  const writeLock = async (content: Record<string, unknown> | string) => {
    const file = lockFile(dataDir, 'P2Test')
    await mkdir(path.dirname(file), {recursive: true})
    await writeFile(file, typeof content === 'string' ? content : JSON.stringify(content))
    return file
  }

  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'descope-mgmt-lock-'))
  })

  afterEach(async () => {
    for (const lock of held.splice(0)) await lock.release()
    await rm(dataDir, {force: true, recursive: true})
  })

  it('creates a private lock file naming the process, and removes it on release', async () => {
    const lock = await take()
    expect(lock.file).to.equal(path.join(dataDir, 'locks', 'P2Test.lock'))
    const content = JSON.parse(await readFile(lock.file, 'utf8'))
    expect(content).to.include({command: 'descope-mgmt apply -e staging', host: hostname(), pid: process.pid})
    expect(Date.parse(content.startedAt)).to.be.a('number').and.not.NaN
    expect((await stat(lock.file)).mode.toString(8).slice(-3)).to.equal('600')
    await lock.release()
    await lock.release()
    expect(await readdir(path.dirname(lock.file))).to.deep.equal([])
  })

  it('refuses a second apply with exit 1 and code locked, naming the pid and start time of the first', async () => {
    const first = await take()
    const error = await take({command: 'descope-mgmt apply'}).catch((error_: unknown) => error_)
    expect(error).to.be.instanceOf(LockedError)
    const locked = error as LockedError
    expect(locked).to.include({code: 'locked', exitCode: ExitCode.Unexpected})
    expect(locked.message).to.contain(`pid ${process.pid}`).and.contain(first.holder.startedAt).and.contain('descope-mgmt apply -e staging')
    expect(locked.hint).to.contain(first.file)
    expect(locked.toJSON()).to.have.nested.property('holder.pid', process.pid)
  })

  it('takes over a lock whose process is dead', async () => {
    const pid = await deadPid()
    expect(isProcessAlive(pid)).to.equal(false)
    expect(isProcessAlive(process.pid)).to.equal(true)
    await writeLock({
      command: 'descope-mgmt apply', host: hostname(), pid, startedAt: new Date().toISOString(), token: 'old',
    })
    const lock = await take()
    expect(JSON.parse(await readFile(lock.file, 'utf8')).pid).to.equal(process.pid)
    expect((await readdir(path.dirname(lock.file))).sort()).to.deep.equal(['P2Test.lock'])
  })

  it('takes over a lock of another host only once it is older than staleAfterMs', async () => {
    const startedAt = new Date(Date.now() - (2 * 3_600_000)).toISOString()
    await writeLock({
      command: 'descope-mgmt apply', host: 'build-agent-7', pid: 4242, startedAt, token: 'other',
    })
    const refused = await take({staleAfterMs: 3 * 3_600_000}).catch((error: unknown) => error)
    expect(refused).to.be.instanceOf(LockedError).with.property('message').that.contains('pid 4242 on build-agent-7')
    const lock = await take({staleAfterMs: 3_600_000})
    expect(lock.holder.pid).to.equal(process.pid)
  })

  it('takes over a lock from before the last boot even if its pid is alive now', async () => {
    await writeLock({
      command: 'x', host: hostname(), pid: process.pid, startedAt: '2000-01-01T00:00:00.000Z', token: 'ancient',
    })
    const lock = await take()
    expect(lock.holder.token).to.not.equal('ancient')
  })

  it('waits for a lock file still being written, and takes over an old unreadable one', async () => {
    const file = await writeLock('{"pid": 12')
    const old = new Date(Date.now() - 60_000)
    await utimes(file, old, old)
    const lock = await take()
    expect(lock.holder.pid).to.equal(process.pid)
  })

  it('lets exactly one of many concurrent acquirers win', async () => {
    const attempts = await Promise.allSettled(Array.from({length: 12}, () => take()))
    expect(attempts.filter(attempt => attempt.status === 'fulfilled')).to.have.length(1)
    for (const attempt of attempts) if (attempt.status === 'rejected') expect(attempt.reason).to.be.instanceOf(LockedError)
  })

  it('lets exactly one of many concurrent acquirers take over the same stale lock', async () => {
    const pid = await deadPid()
    await writeLock({
      command: 'x', host: hostname(), pid, startedAt: new Date().toISOString(), token: 'stale',
    })
    const attempts = await Promise.allSettled(Array.from({length: 12}, () => take()))
    const winners = attempts.filter(attempt => attempt.status === 'fulfilled')
    expect(winners).to.have.length(1)
    for (const attempt of attempts) if (attempt.status === 'rejected') expect(attempt.reason).to.be.instanceOf(LockedError)
    const [winner] = winners as Array<PromiseFulfilledResult<ProjectLock>>
    expect(JSON.parse(await readFile(winner.value.file, 'utf8')).token).to.equal(winner.value.holder.token)
    expect((await readdir(path.dirname(winner.value.file))).sort()).to.deep.equal(['P2Test.lock'])
  })

  it('lets exactly one of several processes win, also over a stale lock', async function () {
    // Each child starts Node and tsx: slow to start, not to run.
    this.timeout(60_000)
    const fresh = await raceInChildren(dataDir, 5)
    expect(fresh.filter(outcome => outcome === 'won')).to.have.length(1)
    expect(fresh.filter(outcome => outcome === 'locked')).to.have.length(4)

    await writeLock({
      command: 'x', host: hostname(), pid: await deadPid(), startedAt: new Date().toISOString(), token: 'stale',
    })
    const stale = await raceInChildren(dataDir, 5)
    expect(stale.filter(outcome => outcome === 'won')).to.have.length(1)
    expect(stale.filter(outcome => outcome === 'locked')).to.have.length(4)
  })

  it('never removes a lock that is no longer its own', async () => {
    const lock = await take()
    await writeLock({
      command: 'x', host: hostname(), pid: process.pid, startedAt: new Date().toISOString(), token: 'someone-else',
    })
    await lock.release()
    expect(JSON.parse(await readFile(lock.file, 'utf8')).token).to.equal('someone-else')
  })

  it('releases on exit and removes its listeners on release', async () => {
    const before = {exit: process.listenerCount('exit'), sigint: process.listenerCount('SIGINT')}
    const lock = await take({handleSignals: true})
    expect(process.listenerCount('exit')).to.equal(before.exit + 1)
    expect(process.listenerCount('SIGINT')).to.equal(before.sigint + 1)
    // What the exit handler runs.
    lock.releaseSync()
    expect(lock.isReleased).to.equal(true)
    expect(await readdir(path.dirname(lock.file))).to.deep.equal([])
    expect(process.listenerCount('exit')).to.equal(before.exit)
    expect(process.listenerCount('SIGINT')).to.equal(before.sigint)
  })

  it('with waitMs waits for a live holder, says once whom it waits for, and takes the lock when it is released', async () => {
    const first = await take()
    const lines: string[] = []
    setTimeout(() => {
      first.release().catch(() => {})
    }, 300)
    const started = Date.now()
    const second = await take({command: 'descope-mgmt apply', onWait: line => lines.push(line), waitMs: 10_000})
    expect(Date.now() - started).to.be.within(250, 3000)
    expect(second.holder.pid).to.equal(process.pid)
    expect(lines).to.deep.equal([
      `Waiting up to 10 s for the lock of project P2Test, held by pid ${process.pid} on ${hostname()}, started ${first.holder.startedAt} (descope-mgmt apply -e staging)…`,
    ])
  })

  it('with waitMs gives up after that long with the same LockedError, saying how long it waited', async () => {
    await take()
    const started = Date.now()
    const error = await take({waitMs: 400}).catch((error_: unknown) => error_)
    expect(Date.now() - started).to.be.within(350, 2000)
    expect(error).to.be.instanceOf(LockedError)
    expect((error as LockedError).message).to.contain('Another apply is already running').and.contain('Gave up after waiting 400 ms (--lock-wait).')
    expect((error as LockedError).hint).to.contain('--lock-wait')
  })

  describe('--lock-wait', () => {
    it('reads seconds and durations with a unit', () => {
      expect(parseLockWait()).to.equal(undefined)
      expect(parseLockWait('0')).to.equal(0)
      expect(parseLockWait('90')).to.equal(90_000)
      expect(parseLockWait('30s')).to.equal(30_000)
      expect(parseLockWait('5m')).to.equal(300_000)
      expect(parseLockWait('1.5h')).to.equal(5_400_000)
      expect(parseLockWait('250ms')).to.equal(250)
    })

    it('refuses what is not a duration, or longer than a week, with an input error (exit 3) that says how to write it', () => {
      for (const value of ['', 'soon', '-5s', '5 parsecs', '30d']) {
        const error = (() => {
          try {
            parseLockWait(value)
          } catch (error_) {
            return error_
          }
        })()
        expect(error, value).to.be.instanceOf(InputError)
        expect((error as InputError).exitCode).to.equal(ExitCode.InvalidInput)
        expect((error as InputError).message).to.contain(`--lock-wait "${value}"`)
        expect((error as InputError).hint).to.contain('30s, 5m')
      }
    })
  })
})
