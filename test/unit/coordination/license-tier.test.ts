import {expect} from 'chai'
import {
  mkdtemp, readFile, rm, stat, writeFile,
} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {LICENSE_TIER_TTL_MS, licenseTierFile, licenseTierMemo} from '../../../src/lib/coordination/license-tier.js'

describe('remembered license tier', () => {
  let dir: string

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'descope-mgmt-tier-'))
  })

  afterEach(async () => {
    await rm(dir, {force: true, recursive: true})
  })

  it('names one file per base URL and project, inside the state folder', () => {
    const file = licenseTierFile(dir, 'https://api.descope.com', 'P2One')
    expect(path.dirname(file)).to.equal(dir)
    expect(file).to.not.equal(licenseTierFile(dir, 'https://api.descope.com', 'P2Two'))
    expect(file).to.not.equal(licenseTierFile(dir, 'https://api.euc1.descope.com', 'P2One'))
    expect(path.basename(file)).to.not.include('P2One')
  })

  it('gives back a written tier until it is an hour old, from a private file', async () => {
    let now = 1_000_000
    const file = licenseTierFile(path.join(dir, 'state'), 'http://127.0.0.1:1', 'P2One')
    const memo = licenseTierMemo(file, () => now)
    expect(await memo.read()).to.equal(undefined)
    await memo.write('tier2')
    expect(await memo.read()).to.equal('tier2')
    expect((await stat(file)).mode.toString(8).slice(-3)).to.equal('600')
    now += LICENSE_TIER_TTL_MS - 1
    expect(await memo.read()).to.equal('tier2')
    now += 1
    expect(await memo.read(), 'expired').to.equal(undefined)
    expect(JSON.parse(await readFile(file, 'utf8'))).to.deep.equal({at: 1_000_000, tier: 'tier2'})
  })

  it('reads a corrupt, odd or future-dated file as no tier, and never throws on a failed write', async () => {
    const file = path.join(dir, 'license.json')
    const memo = licenseTierMemo(file, () => 5000)
    for (const content of ['{not json', '[]', JSON.stringify({at: 4000, tier: 7}), JSON.stringify({at: 4000, tier: ''}), JSON.stringify({at: 9000, tier: 'tier1'})]) {
      await writeFile(file, content)
      expect(await memo.read(), content).to.equal(undefined)
    }

    // A file where the folder should be: the write fails, silently.
    await writeFile(path.join(dir, 'blocked'), '')
    await licenseTierMemo(path.join(dir, 'blocked', 'license.json')).write('tier1')
  })
})
