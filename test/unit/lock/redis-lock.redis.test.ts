import {createClient} from '@redis/client'
import {expect} from 'chai'
import {hostname} from 'node:os'
import {setTimeout as sleep} from 'node:timers/promises'

import {acquireLock, LockedError} from '../../../src/lib/apply/lock.js'
import {closeCoordinationRedis, type CoordinationRedis} from '../../../src/lib/coordination/redis.js'
import {RedisLock, redisLocker} from '../../../src/lib/lock/redis-lock.js'
import {LockBusyError, type LockHolder, LockLostError} from '../../../src/lib/lock/types.js'
import {redisForTests, type RedisServer} from '../../helpers/redis.js'

/**
 * The project lock on a real redis-server (see test/helpers/redis.ts): pending with a line on how
 * to run it where none is installed, a failure in CI (DESCOPE_MGMT_TEST_REQUIRE_REDIS).
 */
describe('redis lock', function () {
  this.timeout(30_000)
  let server: RedisServer | undefined
  let url: string
  let raw: CoordinationRedis
  let prefix: string
  const held: RedisLock[] = []

  before(async function () {
    server = await redisForTests(this, 'the redis lock suite')
    url = server.url
    raw = createClient({url}) as CoordinationRedis
    await raw.connect()
  })

  after(async () => {
    await raw?.close()
    await closeCoordinationRedis()
    await server?.stop()
  })

  beforeEach(() => {
    // Keys of one test never meet those of another.
    prefix = `test:lock:${Date.now()}:${Math.random().toString(36).slice(2)}:`
  })

  afterEach(async () => {
    await Promise.all(held.splice(0).map(lock => lock.release()))
  })

  const locker = (options: {host?: string; ttlMs?: number; client?: () => Promise<CoordinationRedis>} = {}) => {
    const made = redisLocker({
      client: options.client, handleSignals: false, host: options.host ?? 'runner-a', prefix, ttlMs: options.ttlMs ?? 5000, url,
    })
    return {
      async acquire(request: Parameters<typeof made.acquire>[0]) {
        const lock = await made.acquire(request)
        held.push(lock)
        return lock
      },
    }
  }

  const stored = async (name = 'P2Test'): Promise<LockHolder | undefined> => {
    const text = await raw.get(`${prefix}${name}`)
    return text === null ? undefined : JSON.parse(text) as LockHolder
  }

  it('takes the lock with a TTL and stores the holder: host, pid, command, since when, token', async () => {
    const lock = await locker().acquire({command: 'apply', name: 'P2Test'})
    expect(lock.holder).to.include({command: 'apply', host: 'runner-a', pid: process.pid})
    expect(await stored()).to.deep.equal(lock.holder)
    expect(Date.parse(lock.holder.startedAt)).to.be.closeTo(Date.now(), 5000)
    const ttl = await raw.pTTL(`${prefix}P2Test`)
    expect(ttl).to.be.greaterThan(3000).and.at.most(5000)
    expect(lock.location).to.equal(`key ${prefix}P2Test on ${url}`)
    expect(lock.lost).to.equal(undefined)
  })

  it('refuses a second process, naming the holder; acquireLock turns that into a LockedError that names its host too', async () => {
    const first = await locker({host: 'runner-a'}).acquire({command: 'apply', name: 'P2Test'})
    const refused = await locker({host: 'runner-b'}).acquire({command: 'apply', name: 'P2Test'}).catch(error => error)
    expect(refused).to.be.instanceOf(LockBusyError)
    expect((refused as LockBusyError).holder).to.deep.equal(first.holder)
    expect((refused as LockBusyError).details.shared).to.equal(true)

    const again = await acquireLock({
      command: 'apply', dataDir: '/nonexistent', handleSignals: false, locker: redisLocker({
        handleSignals: false, host: 'runner-a', prefix, ttlMs: 5000, url,
      }), projectId: 'P2Test',
    }).catch(error => error)
    expect(again).to.be.instanceOf(LockedError)
    const {message} = (again as LockedError)
    // Even on the same host, a shared lock names the host.
    expect(message).to.equal(`Another apply is already running for project P2Test: pid ${process.pid} on runner-a, started ${first.holder.startedAt} (apply).`)
    expect((again as LockedError).hint).to.contain('expires by itself at most 5 s after its holder stops')
  })

  it('is the project lock of apply when coordination is on Redis (the key named after the project)', async () => {
    const lock = await acquireLock({
      command: 'apply', coordination: {kind: 'redis', lockTtlMs: 5000, url}, dataDir: '/nonexistent', handleSignals: false, projectId: `P2Apply${prefix.length}`,
    })
    try {
      expect(lock).to.be.instanceOf(RedisLock)
      const text = await raw.get(`descope-mgmt:lock:P2Apply${prefix.length}`)
      expect(JSON.parse(text!)).to.deep.equal(lock.holder)
      expect(lock.holder.host).to.equal(hostname())
    } finally {
      await lock.release()
    }

    expect(await raw.exists(`descope-mgmt:lock:P2Apply${prefix.length}`)).to.equal(0)
  })

  it('renews the key while held, every third of the TTL', async () => {
    const lock = await locker({ttlMs: 600}).acquire({command: 'apply', name: 'P2Test'})
    // Three TTLs later the key is still ours: renewed, never expired.
    await sleep(1800)
    expect(await stored()).to.deep.equal(lock.holder)
    expect(await raw.pTTL(`${prefix}P2Test`)).to.be.greaterThan(0).and.at.most(600)
    expect(lock.lost).to.equal(undefined)
  })

  it('releases only its own token: a key taken by another process stays, and the lock counts as lost', async () => {
    const lock = await locker().acquire({command: 'apply', name: 'P2Test'})
    const other = {...lock.holder, host: 'runner-b', token: 'someone-else'}
    await raw.set(`${prefix}P2Test`, JSON.stringify(other), {expiration: {type: 'PX', value: 5000}})
    await lock.renew()
    expect(lock.lost).to.be.instanceOf(LockLostError)
    expect(lock.lost!.message).to.contain('its key expired or holds another process\'s token')
    await lock.release()
    expect(await stored()).to.deep.equal(other)
    expect(lock.isReleased).to.equal(true)
    expect(lock.lost).to.equal(undefined)

    // Its own key it does delete.
    await raw.del(`${prefix}P2Test`)
    const mine = await locker().acquire({command: 'apply', name: 'P2Test'})
    await mine.release()
    await mine.release()
    expect(await stored()).to.equal(undefined)
  })

  it('takes the lock over once the TTL of a holder that stopped renewing runs out, waiting with --lock-wait', async () => {
    // A holder that died: its key stays until its TTL runs out.
    const dead = {
      command: 'apply', host: 'runner-b', pid: 4242, startedAt: new Date().toISOString(), token: 'dead',
    }
    await raw.set(`${prefix}P2Test`, JSON.stringify(dead), {expiration: {type: 'PX', value: 700}})
    const refused = await locker().acquire({command: 'apply', name: 'P2Test'}).catch(error => error)
    expect(refused).to.be.instanceOf(LockBusyError).with.deep.property('holder', dead)

    const waits: Array<LockHolder | undefined> = []
    const started = Date.now()
    const lock = await locker().acquire({
      command: 'apply', name: 'P2Test', onWait: holder => waits.push(holder), waitMs: 5000,
    })
    expect(Date.now() - started).to.be.within(200, 3000)
    expect(waits).to.deep.equal([dead])
    expect(await stored()).to.deep.equal(lock.holder)
  })

  it('gives up waiting after waitMs with the holder named', async () => {
    await locker({host: 'runner-b'}).acquire({command: 'tenant sync --apply', name: 'P2Test'})
    const started = Date.now()
    let told = 0
    const refused = await locker().acquire({
      command: 'apply', name: 'P2Test', onWait: () => told++, waitMs: 600,
    }).catch(error => error)
    expect(Date.now() - started).to.be.within(550, 2500)
    expect(refused).to.be.instanceOf(LockBusyError)
    expect((refused as LockBusyError).holder).to.include({command: 'tenant sync --apply', host: 'runner-b'})
    expect(told).to.equal(1)
  })

  it('counts as lost once the connection to Redis is gone, and a release then does not throw', async () => {
    const own = createClient({socket: {reconnectStrategy: false}, url}) as CoordinationRedis
    own.on('error', () => {})
    await own.connect()
    const lock = await locker({client: async () => own}).acquire({command: 'apply', name: 'P2Test'})
    own.destroy()
    await sleep(50)
    expect(lock.lost).to.be.instanceOf(LockLostError)
    expect(lock.lost!.message).to.contain(`Lost the project lock (key ${prefix}P2Test on ${url})`).and.contain('is unavailable')
    await lock.release()
  })

  it('counts as lost when a renewal fails, and when no renewal was confirmed for a whole TTL', async () => {
    const own = createClient({socket: {reconnectStrategy: false}, url}) as CoordinationRedis
    own.on('error', () => {})
    await own.connect()
    let clock = Date.now()
    const made = redisLocker({
      client: async () => own, handleSignals: false, host: 'runner-a', now: () => clock, prefix, ttlMs: 60_000, url,
    })
    const stale = await made.acquire({command: 'apply', name: 'P2Stale'})
    held.push(stale)
    clock += 60_000
    expect(stale.lost?.message).to.contain('was not renewed within its time to live')

    const failing = await made.acquire({command: 'apply', name: 'P2Failing'})
    held.push(failing)
    // A server that refuses the script (here: the connection is closed under the lock).
    await own.close()
    await failing.renew()
    expect(failing.lost).to.be.instanceOf(LockLostError)
  })

  it('fails with CoordinationUnavailableError when Redis cannot be reached, the password redacted', async () => {
    const unreachable = redisLocker({
      handleSignals: false, prefix, ttlMs: 5000, url: 'redis://:s3cret-pass@127.0.0.1:1',
    })
    const error = await unreachable.acquire({command: 'apply', name: 'P2Test'}).catch(error_ => error_) as Error
    expect(error.name).to.equal('CoordinationUnavailableError')
    expect(error.message).to.contain('127.0.0.1:1').and.not.contain('s3cret-pass')
  })
})
