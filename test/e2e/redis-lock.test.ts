import {createClient} from '@redis/client'
import {expect} from 'chai'
import {readdir, writeFile} from 'node:fs/promises'
import {hostname} from 'node:os'
import path from 'node:path'

import type {CliResult} from '../helpers/cli.js'

import {readJournal} from '../../src/lib/apply/journal.js'
import {redisForTests, type RedisServer, startRedisServer} from '../helpers/redis.js'
import {
  type DeclaredTenant, inFreshHome, tenantCreates, tenants, waitFor, type Workspace, workspace,
} from '../resilience/helpers.js'

// Each create takes 400 ms more, two at a time: an apply of 30 tenants holds its lock for ~6 s.
const SLOW_CREATES = 'slow=400:POST /v1/mgmt/tenant/create'
const TENANTS = tenants(30)
const CONCURRENCY = 2

interface Holder {
  pid: number
  host: string
  command: string
  startedAt: string
}

function output(result: CliResult): string {
  return `exit ${result.code}\n${result.stdout.slice(-3000)}\n${result.stderr}`
}

/** The workspace's configuration with the coordination block: the lock on Redis, a 5 s TTL. */
async function configure(ws: Workspace, redisUrl: string, declared: DeclaredTenant[] = TENANTS): Promise<void> {
  await ws.configure({tenants: declared}, {concurrency: CONCURRENCY})
  await writeFile(ws.configFile, `${ws.configText}coordination:\n  url: ${redisUrl}\n  lockTtl: 5s\n`)
}

/** Each declared tenant created exactly once, nothing else; `plan` then has nothing to do. */
async function expectConverged(ws: Workspace, declared: DeclaredTenant[] = TENANTS): Promise<void> {
  const creates = await tenantCreates(ws.emulator)
  expect([...creates].filter(([, count]) => count !== 1), 'tenants created more than once').to.deep.equal([])
  expect([...creates.keys()].sort()).to.deep.equal(declared.map(tenant => tenant.id).sort())
  const plan = await ws.cli(['plan', '-e', 'e'])
  expect(plan.code, output(plan)).to.equal(0)
  expect(plan.stdout).to.contain('No changes')
}

async function journalsOf(ws: Workspace): Promise<string[]> {
  const dir = path.join(ws.dataDir, 'journals', ws.projectId)
  return (await readdir(dir).catch(() => [] as string[])).filter(name => name.endsWith('.jsonl')).sort().map(name => path.join(dir, name))
}

describe('the project lock on the coordination Redis (built CLI)', () => {
  describe('project lock on a shared Redis (built CLI, two homes)', function () {
    this.timeout(180_000)
    let redis: RedisServer | undefined
    let base: Workspace
    let first: Workspace
    let second: Workspace
    let lockKey: string

    const keyTtlMs = async (): Promise<number> => {
      const client = createClient({url: redis!.url})
      await client.connect()
      try {
        return await client.pTTL(lockKey)
      } finally {
        await client.close()
      }
    }

    const holderInRedis = async (): Promise<Holder | undefined> => {
      const client = createClient({url: redis!.url})
      await client.connect()
      try {
        const text = await client.get(lockKey)
        return text === null ? undefined : JSON.parse(text) as Holder
      } finally {
        await client.close()
      }
    }

    before(async function () {
      redis = await redisForTests(this, 'the shared lock e2e suite')
      base = await workspace('RedisLock', {faults: [SLOW_CREATES]})
      lockKey = `descope-mgmt:lock:${base.projectId}`
    })

    beforeEach(async () => {
      await base.emulator.admin.reset()
      // Separate homes: no lock file in common, only Redis.
      first = await inFreshHome(base)
      second = await inFreshHome(base)
      await configure(first, redis!.url)
      await configure(second, redis!.url)
    })

    after(async () => {
      await base?.emulator.stop()
      await redis?.stop()
    })

    it('one applies; the other is refused, naming the holder: host, pid, command and since when', async () => {
      const running = first.spawn(['apply', '-e', 'e', '--yes'])
      await waitFor('the first apply to write', async () => (await tenantCreates(base.emulator)).size > 0, 60_000, 10)
      const holder = await holderInRedis()
      expect(holder).to.include({command: 'apply', host: hostname(), pid: running.child.pid})

      const refused = await second.cli(['apply', '-e', 'e', '--yes'])
      expect(refused.code, output(refused)).to.equal(1)
      expect(refused.stderr).to.contain(`Another apply is already running for project ${base.projectId}: pid ${running.child.pid} on ${hostname()}, started ${holder!.startedAt} (apply).`)
      expect(refused.stderr).to.contain('expires by itself at most 5 s after its holder stops')
      // Refused before its first write: no journal in its home.
      expect(await journalsOf(second)).to.deep.equal([])

      const done = await running.done
      expect(done.code, output(done)).to.equal(0)
      expect(await holderInRedis(), 'released at the end').to.equal(undefined)
      await expectConverged(first)
    })

    it('with --lock-wait the other waits for the holder, then plans again and applies what is left', async () => {
      // The second declares two tenants more: after the wait, those are its whole plan.
      const more = [...TENANTS, ...tenants(2, {prefix: 'x'})]
      await configure(second, redis!.url, more)
      const running = first.spawn(['apply', '-e', 'e', '--yes'])
      await waitFor('the first apply to write', async () => (await tenantCreates(base.emulator)).size > 0, 60_000, 10)

      const waited = await second.cli(['apply', '-e', 'e', '--yes', '--lock-wait', '60s'])
      expect(waited.code, output(waited)).to.equal(0)
      expect(waited.stderr).to.contain(`Waiting up to 1m 00s for the lock of project ${base.projectId}, held by pid ${running.child.pid} on ${hostname()}`)
      expect(waited.stderr.match(/Waiting up to/g), 'said once').to.have.length(1)
      expect(waited.stdout).to.contain('planned again').and.contain('Plan: 2 to create, 0 to update, 0 to delete.')
      expect((await running.done).code).to.equal(0)
      await expectConverged(second, more)
    })

    it('a bad --lock-wait is refused before anything happens (exit 3)', async () => {
      const refused = await second.cli(['apply', '-e', 'e', '--yes', '--lock-wait', 'soon'])
      expect(refused.code, output(refused)).to.equal(3)
      expect(refused.stderr).to.contain('--lock-wait "soon" is not a duration.').and.contain('30s, 5m')
      expect(refused.stderr).not.to.contain('Parsing --lock-wait')
      expect((await tenantCreates(base.emulator)).size).to.equal(0)
    })

    it('SIGKILL the holder: the lock stays until its TTL runs out, then the waiting one takes over and converges', async () => {
      const running = first.spawn(['apply', '-e', 'e', '--yes'])
      await waitFor('a few creates', async () => (await tenantCreates(base.emulator)).size >= 3, 60_000, 10)
      // The other one plans, then waits for the lock.
      const waiting = second.spawn(['apply', '-e', 'e', '--yes', '--lock-wait', '60s'])
      await waitFor('the other to plan', () => waiting.stdout().includes('Plan: '), 60_000, 10)
      // Killed just after a renewal, so the key outlives it by almost the whole TTL (5 s).
      const keyTtl = await waitFor('a renewal', async () => {
        const ttl = await keyTtlMs()
        return ttl > 4700 && ttl
      }, 10_000, 5)
      running.child.kill('SIGKILL')
      const killedAt = Date.now()
      expect((await running.done).code).to.equal(-1)
      // Nobody released it: the key still names the dead holder.
      expect((await holderInRedis())?.pid).to.equal(running.child.pid)

      const takeover = await waiting.done
      expect(takeover.code, output(takeover)).to.equal(0)
      expect(takeover.stderr).to.contain(`held by pid ${running.child.pid} on ${hostname()}`)
      expect(takeover.stdout).to.contain('planned again')
      // No create reached the server between the kill (and the dead holder's last requests) and the key's expiry.
      const early = (await base.emulator.admin.requests({method: 'POST', path: '/v1/mgmt/tenant/create'}))
      .map(entry => Date.parse(entry.time))
      .filter(time => time > killedAt + 1000 && time < killedAt + keyTtl - 300)
      expect(early, 'creates while the dead holder\'s key was alive').to.deep.equal([])
      await expectConverged(second)

      // The killed run's own home: a resume finds nothing left to do.
      const resume = await first.cli(['apply', '-e', 'e', '--resume', '--yes'])
      expect(resume.code, output(resume)).to.equal(0)
      expect(resume.stdout).to.contain('No changes')
    })
  })

  describe('project lock when Redis is lost mid-run (built CLI)', function () {
    this.timeout(180_000)
    let redis: RedisServer | undefined
    let ws: Workspace

    before(async function () {
      // Its own redis-server: the test stops it and starts it again on the same port.
      redis = await redisForTests(this, 'the lost-Redis e2e suite', {ownServer: {}})
      const base = await workspace('RedisLost', {faults: [SLOW_CREATES]})
      ws = await inFreshHome(base)
      await configure(ws, redis.url)
    })

    after(async () => {
      await ws?.emulator.stop()
      await redis?.stop()
    })

    it('stops before its next change with a clear error and a journal; with Redis back, --resume converges; nothing written without a record', async () => {
      const running = ws.spawn(['apply', '-e', 'e', '--yes'])
      await waitFor('a few creates', async () => (await tenantCreates(ws.emulator)).size >= 3, 60_000, 10)
      await redis!.stop()
      const stopped = await running.done
      const journals = await journalsOf(ws)
      expect(journals, 'one journal').to.have.length(1)
      const {entries} = await readJournal(journals[0])
      const journaledDone = new Set(entries.filter(entry => entry.type === 'done').map(entry => (entry as {id: string}).id))
      const created = await tenantCreates(ws.emulator)
      // Every tenant the server created is recorded as done in the journal: nothing half-applied without a record.
      expect([...created.keys()].map(id => `tenant:${id}`).filter(id => !journaledDone.has(id))).to.deep.equal([])

      if (stopped.code === 0) {
        // It may finish first, when Redis goes just as the last changes run.
        expect(created.size).to.equal(TENANTS.length)
      } else {
        expect(stopped.code, output(stopped)).to.equal(6)
        expect(stopped.stdout).to.contain('Stopped: Lost the project lock').and.contain('is unavailable')
        expect(stopped.stdout).to.contain('No change was started without the lock')
        expect(stopped.stdout).to.contain('Next: descope-mgmt apply -e e --resume')
        expect(entries.at(-1)).to.deep.include({type: 'end'})
        expect((entries.at(-1) as {result: {stopReason: string}}).result.stopReason).to.equal('lock_lost')
        expect(created.size).to.be.lessThan(TENANTS.length)

        // Redis still down: the next run is refused at once, nothing written.
        const refused = await ws.cli(['apply', '-e', 'e', '--resume', '--yes'])
        expect(refused.code, output(refused)).to.equal(1)
        expect(refused.stderr).to.contain('The coordination Redis at').and.contain('is unavailable')
        expect((await tenantCreates(ws.emulator)).size).to.equal(created.size)
      }

      const port = Number(new URL(redis!.url).port)
      redis = await startRedisServer({port})
      const resume = await ws.cli(['apply', '-e', 'e', '--resume', '--yes'])
      expect(resume.code, output(resume)).to.equal(0)
      await expectConverged(ws)
    })
  })
})
