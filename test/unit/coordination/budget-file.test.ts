import {expect} from 'chai'
import {
  mkdir, mkdtemp, readFile, rm, stat, writeFile,
} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'
import lockfile from 'proper-lockfile'

import {FileBudget} from '../../../src/lib/coordination/budget-file.js'

const limits = {guardMs: 0, requests: 3, windowMs: 1000}

describe('coordination file budget', () => {
  let dir: string
  let file: string
  let t: number
  let warnings: string[]
  const budget = () => new FileBudget({file, now: () => t, warn: message => warnings.push(message)})

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'descope-mgmt-budget-'))
    file = FileBudget.fileFor(path.join(dir, 'coordination'), '127.0.0.1_4280')
    t = 10_000
    warnings = []
  })

  afterEach(async () => {
    await rm(dir, {force: true, recursive: true})
  })

  it('grants `requests` slots in a window across processes, then names when the oldest leaves', async () => {
    const [first, second] = [budget(), budget()]
    expect(await first.reserve(limits)).to.deep.equal({granted: true})
    t += 100
    expect(await second.reserve(limits)).to.deep.equal({granted: true})
    t += 100
    expect(await first.reserve(limits)).to.deep.equal({granted: true})
    t += 100
    expect(await second.reserve(limits)).to.deep.equal({granted: false, reason: 'window', waitMs: 700})
    t = 11_000
    expect(await second.reserve(limits), 'the first grant left the window').to.deep.equal({granted: true})
    expect(await first.reserve(limits)).to.deep.equal({granted: false, reason: 'window', waitMs: 100})
    expect(file).to.equal(path.join(dir, 'coordination', 'budget-127.0.0.1_4280.json'))
    expect((await stat(file)).mode % 0o1000).to.equal(0o600)
    expect(JSON.parse(await readFile(file, 'utf8'))).to.deep.equal({grants: [10_100, 10_200, 11_000], pausedUntil: 0})
    expect(warnings).to.deep.equal([])
  })

  it('warns instead of ending the process when its lock is lost while held (a machine too busy to refresh it)', async () => {
    const {lock} = lockfile
    let onCompromised: ((error: Error) => void) | undefined
    lockfile.lock = (async (target: string, options: lockfile.LockOptions) => {
      onCompromised = options.onCompromised
      return lock(target, options)
    }) as typeof lockfile.lock
    try {
      expect(await budget().reserve(limits)).to.deep.equal({granted: true})
    } finally {
      lockfile.lock = lock
    }

    // proper-lockfile calls it from a timer: a throw there would end the command.
    expect(() => onCompromised!(new Error('Unable to update lock within the stale threshold'))).to.not.throw()
    expect(warnings).to.have.length(1)
    expect(warnings[0]).to.contain('was lost while held').and.contain('Unable to update lock')
  })

  it('keeps the guard before a slot is reused', async () => {
    const guarded = {...limits, guardMs: 50, requests: 1}
    expect(await budget().reserve(guarded)).to.deep.equal({granted: true})
    t += 1000
    expect(await budget().reserve(guarded)).to.deep.equal({granted: false, reason: 'window', waitMs: 50})
  })

  it('pauses every process after a 429 until Retry-After, then frees one slot per window/requests', async () => {
    const [first, second] = [budget(), budget()]
    await first.reserve(limits)
    await first.pause(2000, limits)
    expect(await second.reserve(limits)).to.deep.equal({granted: false, reason: 'backoff', waitMs: 2000})
    t = 12_000
    expect(await second.reserve(limits)).to.deep.equal({granted: true})
    expect(await first.reserve(limits), 'paced: the next slot a third of a window later').to.deep.include({granted: false, reason: 'window', waitMs: 334})
    t = 12_334
    expect(await first.reserve(limits)).to.deep.equal({granted: true})
  })

  it('keeps the later of two backoffs', async () => {
    const [first, second] = [budget(), budget()]
    await first.pause(5000, limits)
    await second.pause(1000, limits)
    expect(await second.reserve(limits)).to.deep.include({reason: 'backoff', waitMs: 5000})
  })

  it('starts afresh with one warning when the file is corrupt, and never fails', async () => {
    await mkdir(path.dirname(file), {recursive: true})
    await writeFile(file, '{"grants": [1, "x"')
    const shared = budget()
    expect(await shared.reserve(limits)).to.deep.equal({granted: true})
    await writeFile(file, '{"grants": "none", "pausedUntil": 0}')
    expect(await shared.reserve(limits)).to.deep.equal({granted: true})
    expect(warnings).to.have.length(1)
    expect(warnings[0]).to.contain(file).and.contain('starts afresh')
    expect(JSON.parse(await readFile(file, 'utf8'))).to.deep.equal({grants: [10_000], pausedUntil: 0})
  })

  it('leaves the process to its own limiter, with one warning, when the state file cannot be read (a folder in its place)', async () => {
    await mkdir(file, {recursive: true})
    const shared = budget()
    for (let i = 0; i < 5; i++) expect(await shared.reserve(limits)).to.deep.equal({granted: true})
    await shared.pause(1000, limits)
    expect(warnings).to.have.length(1)
    expect(warnings[0]).to.contain('cannot be used').and.contain('on its own')
  })
})
