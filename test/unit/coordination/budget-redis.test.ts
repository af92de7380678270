import {expect} from 'chai'
import {mkdtemp, readFile, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {setTimeout as sleep} from 'node:timers/promises'

import type {SharedBudget} from '../../../src/lib/coordination/budget.js'

import {FileBudget} from '../../../src/lib/coordination/budget-file.js'
import {RedisBudget} from '../../../src/lib/coordination/budget-redis.js'
import {closeCoordinationRedis, coordinationRedis} from '../../../src/lib/coordination/redis.js'
import {freePort, redisForTests, type RedisServer} from '../../helpers/redis.js'

const limits = {guardMs: 0, requests: 3, windowMs: 2000}

describe('coordination Redis budget (redis-server)', function () {
  this.timeout(20_000)
  let redis: RedisServer
  let dir: string
  let warnings: string[]

  before(async function () {
    redis = await redisForTests(this, 'the Redis rate budget suite')
  })

  after(async () => {
    await closeCoordinationRedis()
    await redis?.stop()
  })

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'descope-mgmt-budget-'))
    warnings = []
    const client = await coordinationRedis(redis.url)
    await client.flushAll()
  })

  afterEach(async () => {
    await rm(dir, {force: true, recursive: true})
  })

  const fileBudget = async (): Promise<SharedBudget> => new FileBudget({file: path.join(dir, 'budget.json'), warn: message => warnings.push(message)})
  const budget = (name = 'api.descope.com', url = redis.url) => new RedisBudget({
    fallback: fileBudget, name, url, warn: message => warnings.push(message),
  })

  it('grants `requests` slots in a sliding window to every process of the Redis, then names the wait', async () => {
    const [first, second] = [budget(), budget()]
    const client = await coordinationRedis(redis.url)
    const log = 'descope-mgmt:budget:api.descope.com'
    expect(await first.reserve(limits)).to.deep.equal({granted: true})
    const [{score: oldest}] = await client.zRangeWithScores(log, 0, 0)
    expect(await second.reserve(limits)).to.deep.equal({granted: true})
    expect(await first.reserve(limits)).to.deep.equal({granted: true})
    const refused = await second.reserve(limits)
    expect(refused).to.deep.include({granted: false, reason: 'window'})
    const {waitMs} = refused as {waitMs: number}
    expect(waitMs).to.be.within(1800, 2000)
    await sleep(waitMs + 20)
    expect(await second.reserve(limits), 'the oldest grant has left the window').to.deep.equal({granted: true})
    // Grants that left the window are pruned: what is left is younger than the window by Redis's
    // clock (how many are left depends on how far apart the first three were granted).
    const [seconds, micros] = (await client.sendCommand(['TIME'])) as [string, string]
    const redisNow = (Number(seconds) * 1000) + Math.floor(Number(micros) / 1000)
    const scores = (await client.zRangeWithScores(log, 0, -1)).map(entry => entry.score)
    expect(scores.length, 'grants left in the log').to.be.within(1, 3)
    expect(Math.min(...scores), 'the oldest grant is pruned').to.be.greaterThan(oldest)
    expect(Math.min(...scores), 'grants that left the window are pruned').to.be.greaterThan(redisNow - limits.windowMs)
    const ttl = await client.pTTL(log)
    expect(ttl, 'the log expires after its newest grant leaves').to.be.within(2000, 3000)
    expect(warnings).to.deep.equal([])
  })

  it('keeps one budget per API host and budget key', async () => {
    for (let i = 0; i < 3; i++) await budget('api.descope.com').reserve(limits)
    expect(await budget('api.descope.com').reserve(limits)).to.deep.include({granted: false})
    expect(await budget('api.descope.com-egress-b').reserve(limits)).to.deep.equal({granted: true})
    expect(await budget('api.euc1.descope.com').reserve(limits)).to.deep.equal({granted: true})
  })

  it('pauses every process after a 429 until Retry-After, by the server clock, then paces', async () => {
    const [first, second] = [budget(), budget()]
    await first.reserve(limits)
    await first.pause(1000, limits)
    const paused = await second.reserve(limits)
    expect(paused).to.deep.include({granted: false, reason: 'backoff'})
    expect((paused as {waitMs: number}).waitMs).to.be.within(900, 1000)
    await first.pause(200, limits)
    expect((await second.reserve(limits) as {waitMs: number}).waitMs, 'a shorter backoff does not cut the longer one').to.be.above(800)
    await sleep((paused as {waitMs: number}).waitMs + 20)
    expect(await second.reserve(limits)).to.deep.equal({granted: true})
    const next = await first.reserve(limits)
    expect(next, 'one slot per window/requests after the backoff').to.deep.include({granted: false, reason: 'window'})
    expect((next as {waitMs: number}).waitMs).to.be.within(550, 667)
  })

  it('falls back to the file budget with one warning, without the password, when Redis is unreachable', async () => {
    const url = `redis://ci:s3cret@127.0.0.1:${await freePort()}`
    const lost = budget('api.descope.com', url)
    for (let i = 0; i < 3; i++) expect(await lost.reserve(limits)).to.deep.equal({granted: true})
    expect(await lost.reserve(limits), 'the file budget now counts').to.deep.include({granted: false, reason: 'window'})
    await lost.pause(500, limits)
    expect(warnings).to.have.length(1)
    expect(warnings[0]).to.contain('redis://ci:***@127.0.0.1').and.contain('only the processes of this machine').and.not.contain('s3cret')
    expect(JSON.parse(await readFile(path.join(dir, 'budget.json'), 'utf8')).pausedUntil).to.be.above(Date.now())
  })
})
