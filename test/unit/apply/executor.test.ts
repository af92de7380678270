import {expect} from 'chai'
import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'

import type {RetryInfo} from '../../../src/lib/api/types.js'
import type {ApplyObserver, RunStartInfo} from '../../../src/lib/apply/hooks.js'
import type {FailedChange, SkippedExecution} from '../../../src/lib/apply/result.js'
import type {Change} from '../../../src/lib/plan/types.js'
import type {ResourceKind} from '../../../src/lib/resources/types.js'

import {DescopeUnavailableError} from '../../../src/lib/api/errors.js'
import {contextRequestEvents} from '../../../src/lib/api/request-context.js'
import {executePlan, type ExecutionResult} from '../../../src/lib/apply/executor.js'
import {findResumable, Journal, readJournal} from '../../../src/lib/apply/journal.js'
import {auditObserver, journalObserver, lockObserver} from '../../../src/lib/apply/observers.js'
import {exitCodeFor, resultToJson} from '../../../src/lib/apply/result.js'
import {AuditLog, readAudit} from '../../../src/lib/audit/log.js'
import {DescopeApiError, InputError} from '../../../src/lib/errors.js'
import {LockLostError} from '../../../src/lib/lock/types.js'
import {describeStop, suggestNextCommand} from '../../../src/lib/ui/apply-report.js'
import {
  change, fakeClient, fakeKind, gate, planOf, settle,
} from './fakes.js'

const apiError = (status: number, message = `HTTP ${status}`) =>
  new DescopeApiError(message, {
    errorCode: `E${status}`, method: 'POST', path: '/v1/mgmt/tenant/create', requestId: `req-${status}`, status,
  })

const ids = (changes: Array<Change | {change: Change}>) => changes.map(item => ('change' in item ? item.change.id : item.id))

class RecordingProgress implements ApplyObserver {
  events: string[] = []
  finished?: ExecutionResult
  info?: RunStartInfo

  changeDone(change: Change): void {
    this.events.push(`done ${change.id}`)
  }

  changeFailed(change: Change, failure: FailedChange): void {
    this.events.push(`failed ${change.id}: ${failure.message}`)
  }

  changeRetrying(change: Change, info: RetryInfo): void {
    this.events.push(`retry ${change.id} ${info.status}`)
  }

  changeSkipped(change: Change, skipped: SkippedExecution): void {
    this.events.push(`skipped ${change.id}: ${skipped.reason} (${skipped.dependency})`)
  }

  changeStarting(change: Change): void {
    this.events.push(`started ${change.id}`)
  }

  changeWaiting(change: Change, waitMs: number): void {
    this.events.push(`waiting ${change.id} ${waitMs}`)
  }

  runFinished(result: ExecutionResult): void {
    this.finished = result
  }

  runStarted(info: RunStartInfo): void {
    this.info = info
    this.events.push('start')
  }
}

describe('executePlan', () => {
  it('calls create, update and delete with the desired and live fields', async () => {
    const kind = fakeKind('tenant', 2)
    const plan = planOf([
      change('tenant:a'),
      change('tenant:b', {action: 'update'}),
      change('tenant:c', {action: 'delete', phase: 10_000}),
      change('tenant:d', {action: 'update'}),
    ])
    const result = await executePlan({
      client: fakeClient(),
      kinds: [kind],
      liveItems: new Map([['tenant:d', {
        fields: {fresh: true, name: 'd'}, key: 'd', kind: 'tenant', passthrough: {federatedAppIds: ['app1']},
      }]]),
      plan,
    })

    expect(result.status).to.equal('complete')
    expect(exitCodeFor(result)).to.equal(0)
    expect(suggestNextCommand(result, {environment: 'staging'})).to.equal(undefined)
    const byKey = new Map(kind.calls.map(call => [call.key, call]))
    expect(byKey.get('a')).to.deep.include({action: 'create', desired: {fields: {name: 'A'}, key: 'a', kind: 'tenant'}})
    expect(byKey.get('b')).to.deep.include({
      action: 'update',
      desired: {fields: {name: 'B'}, key: 'b', kind: 'tenant'},
      live: {fields: {name: 'b', old: true}, key: 'b', kind: 'tenant'},
    })
    expect(byKey.get('c')).to.deep.include({action: 'delete', live: {fields: {name: 'c', old: true}, key: 'c', kind: 'tenant'}})
    expect(byKey.get('d')?.live).to.deep.include({fields: {fresh: true, name: 'd'}, passthrough: {federatedAppIds: ['app1']}}, 'the fresh live item wins over the plan copy')
    expect(ids(result.done).sort()).to.deep.equal(['tenant:a', 'tenant:b', 'tenant:c', 'tenant:d'])
  })

  it('finishes every change of a phase before any change of the next phase starts', async () => {
    const permission = fakeKind('permission', 0, async key => {
      // Uneven durations, so a phase-blind scheduler would interleave.
      for (let turn = 0; turn < Number(key.slice(1)); turn++) await settle(1)
    })
    const role = fakeKind('role', 1)
    const tenant = fakeKind('tenant', 2)
    const events: string[] = []
    for (const kind of [permission, role, tenant]) kind.events = events
    const changes = [
      ...[1, 5, 2, 7].map(n => change(`permission:p${n}`, {phase: 0})),
      ...[3, 1].map(n => change(`role:r${n}`, {phase: 100})),
      change('tenant:parent', {phase: 200}),
      change('tenant:child', {after: ['tenant:parent'], phase: 201}),
      change('tenant:gone', {action: 'delete', phase: 10_000}),
      change('permission:old', {action: 'delete', phase: 10_200}),
    ]
    const result = await executePlan({
      client: fakeClient(), concurrency: 8, kinds: [permission, role, tenant], plan: planOf(changes),
    })

    expect(result.status).to.equal('complete')
    const phaseOf = new Map(changes.map(item => [item.id, item.phase]))
    for (const [index, event] of events.entries()) {
      if (!event.startsWith('start ')) continue
      const phase = phaseOf.get(event.slice(6))!
      const earlier = changes.filter(item => item.phase < phase).map(item => `end ${item.id}`)
      for (const end of earlier) expect(events.indexOf(end), `${end} before ${event}`).to.be.within(0, index - 1)
    }
  })

  it('never has more changes in flight than the concurrency, and uses all of it', async () => {
    const kind = fakeKind('tenant', 2, async key => {
      // Different lengths keep slots freeing up at different times.
      for (let turn = 0; turn < (Number(key) % 4) + 1; turn++) await settle(1)
    })
    const changes = Array.from({length: 30}, (_, index) => change(`tenant:${index}`))
    const result = await executePlan({
      client: fakeClient(), concurrency: 3, kinds: [kind], plan: planOf(changes),
    })

    expect(result.done).to.have.length(30)
    expect(kind.maxInFlight).to.equal(3)
  })

  it('defaults to a concurrency of 4 and refuses a bad one', async () => {
    const kind = fakeKind('tenant', 2, () => settle(2))
    await executePlan({client: fakeClient(), kinds: [kind], plan: planOf(Array.from({length: 12}, (_, index) => change(`tenant:${index}`)))})
    expect(kind.maxInFlight).to.equal(4)
    for (const concurrency of [0, 1.5, -1]) {
      const error = await executePlan({
        client: fakeClient(), concurrency, kinds: [kind], plan: planOf([]),
      }).catch((error_: unknown) => error_)
      expect(error).to.be.instanceOf(InputError)
    }
  })

  it('by default stops new work at the first failure, lets in-flight work finish and lists what never started', async () => {
    const slow = gate()
    const progress = new RecordingProgress()
    const kind = fakeKind('tenant', 2, async key => {
      if (key === 'a') throw apiError(400, 'bad name')
      if (key === 'b') await slow.promise
    })
    const changes = ['a', 'b', 'c', 'd', 'e'].map(key => change(`tenant:${key}`))
    const running = executePlan({
      client: fakeClient(), concurrency: 2, kinds: [kind], plan: planOf([...changes, change('tenant:later', {phase: 5})]), observers: [progress],
    })
    await settle(10)
    // a failed while b is still in flight; nothing new may start.
    expect(kind.calls.map(call => call.key)).to.deep.equal(['a', 'b'])
    slow.open()
    const result = await running

    expect(ids(result.failed)).to.deep.equal(['tenant:a'])
    expect(result.failed[0]).to.deep.include({
      code: 'E400', message: 'bad name', requestId: 'req-400', status: 400,
    })
    expect(ids(result.done)).to.deep.equal(['tenant:b'])
    expect(ids(result.notStarted)).to.deep.equal(['tenant:c', 'tenant:d', 'tenant:e', 'tenant:later'])
    expect(result.skipped).to.deep.equal([])
    expect(result).to.deep.include({status: 'partial', stopReason: 'failure'})
    expect(exitCodeFor(result)).to.equal(6)
    expect(describeStop(result)).to.match(/first failure\. 4 changes were not started/)
    expect(suggestNextCommand(result, {environment: 'staging'})).to.equal('descope-mgmt apply -e staging --resume')
    expect(progress.finished).to.equal(result)
    expect(progress.events).to.include.members(['start', 'started tenant:a', 'failed tenant:a: bad name', 'done tenant:b'])
  })

  it('exits 5 when nothing was done and the API failed, 4 when every failure was authentication', async () => {
    const failing = (status: number) => fakeKind('tenant', 2, () => {
      throw apiError(status)
    })
    const plan = planOf([change('tenant:a'), change('tenant:b')])
    const server = await executePlan({client: fakeClient(), kinds: [failing(500)], plan})
    expect(server.status).to.equal('failed')
    expect(exitCodeFor(server)).to.equal(5)
    const auth = await executePlan({
      client: fakeClient(), concurrency: 2, kinds: [failing(401)], plan,
    })
    expect(exitCodeFor(auth)).to.equal(4)
  })

  it('with continueOnError does everything possible and skips the changes whose dependencies failed', async () => {
    const kind = (name: 'permission' | 'role' | 'tenant', phase: number) => fakeKind(name, phase, key => {
      if (key === 'p1' || key === 't9') throw apiError(409, `conflict on ${key}`)
    })
    const plan = planOf([
      change('permission:p1', {phase: 0}),
      change('permission:p2', {phase: 0}),
      change('role:r1', {after: ['permission:p1', 'permission:p2'], phase: 100}),
      change('role:r2', {after: ['permission:p2'], phase: 100}),
      change('tenant:t1', {after: ['role:r1'], phase: 200}),
      change('tenant:t2', {phase: 200}),
      change('tenant:t9', {phase: 200}),
    ])
    const progress = new RecordingProgress()
    const result = await executePlan({
      client: fakeClient(), continueOnError: true, kinds: [kind('permission', 0), kind('role', 1), kind('tenant', 2)], observers: [progress], plan,
    })

    expect(ids(result.failed).sort()).to.deep.equal(['permission:p1', 'tenant:t9'])
    expect(ids(result.done).sort()).to.deep.equal(['permission:p2', 'role:r2', 'tenant:t2'])
    expect(result.skipped.map(({change, dependency, reason}) => [change.id, reason, dependency])).to.deep.equal([
      ['role:r1', 'dependency failed', 'permission:p1'],
      ['tenant:t1', 'dependency failed', 'role:r1'],
    ])
    expect(result.notStarted).to.deep.equal([])
    expect(result).to.deep.include({status: 'partial'})
    expect(result.stopReason).to.equal(undefined)
    expect(exitCodeFor(result)).to.equal(6)
    expect(describeStop(result)).to.equal('2 changes failed, 2 changes skipped because a change they need failed. Fix the causes, then resume; finished changes are not repeated.')
    expect(progress.events).to.include('skipped role:r1: dependency failed (permission:p1)')
    const json = resultToJson(result)
    expect(json.counts).to.deep.equal({
      alreadyDone: 0, done: 3, failed: 2, notStarted: 0, skipped: 2,
    })
    const text = JSON.stringify(json)
    expect(JSON.parse(text).failed[0]).to.have.keys('action', 'code', 'id', 'message', 'requestId', 'status')
  })

  it('waits for a dependency in the same phase instead of running blind', async () => {
    const kind = fakeKind('tenant', 2)
    const result = await executePlan({
      client: fakeClient(), concurrency: 4, kinds: [kind], plan: planOf([change('tenant:child', {after: ['tenant:parent']}), change('tenant:parent')]),
    })
    expect(result.status).to.equal('complete')
    expect(kind.events.indexOf('end tenant:parent')).to.be.lessThan(kind.events.indexOf('start tenant:child'))
  })

  it('stops new work when the circuit breaker says the API is down, even with continueOnError', async () => {
    const kind = fakeKind('tenant', 2, key => {
      if (key === 'b') throw new DescopeUnavailableError('https://api.descope.test', 5, {method: 'POST', path: '/v1/mgmt/tenant/create'}, 30_000)
    })
    const plan = planOf(['a', 'b', 'c', 'd'].map(key => change(`tenant:${key}`)))
    const result = await executePlan({
      client: fakeClient(), concurrency: 1, continueOnError: true, kinds: [kind], plan,
    })

    expect(result).to.deep.include({status: 'partial', stopReason: 'api_unavailable'})
    expect(ids(result.done)).to.deep.equal(['tenant:a'])
    expect(result.failed[0].code).to.equal('api_unavailable')
    expect(ids(result.notStarted)).to.deep.equal(['tenant:c', 'tenant:d'])
    expect(describeStop(result)).to.match(/API looks unavailable\. 2 changes were not started/)
  })

  it('on abort stops new work, lets in-flight work finish and reports an interruption', async () => {
    const controller = new AbortController()
    const slow = gate()
    const kind = fakeKind('tenant', 2, async key => {
      if (key === 'a') controller.abort()
      if (key === 'b') await slow.promise
    })
    const plan = planOf(['a', 'b', 'c', 'd', 'e'].map(key => change(`tenant:${key}`)))
    const running = executePlan({
      client: fakeClient(), concurrency: 2, kinds: [kind], plan, signal: controller.signal,
    })
    await settle(10)
    expect(kind.calls.map(call => call.key)).to.deep.equal(['a', 'b'])
    slow.open()
    const result = await running

    expect(ids(result.done)).to.deep.equal(['tenant:a', 'tenant:b'])
    expect(ids(result.notStarted)).to.deep.equal(['tenant:c', 'tenant:d', 'tenant:e'])
    expect(result).to.deep.include({status: 'interrupted', stopReason: 'aborted'})
    expect(exitCodeFor(result)).to.equal(130)
    expect(suggestNextCommand(result, {command: 'tenant sync --apply', environment: 'my env'})).to.equal("descope-mgmt tenant sync --apply -e 'my env' --resume")
  })

  it('starts nothing when the signal is already aborted', async () => {
    const kind = fakeKind('tenant', 2)
    const result = await executePlan({
      client: fakeClient(), kinds: [kind], plan: planOf([change('tenant:a')]), signal: AbortSignal.abort(),
    })
    expect(kind.calls).to.deep.equal([])
    expect(result.status).to.equal('interrupted')
    expect(ids(result.notStarted)).to.deep.equal(['tenant:a'])
  })

  it('refuses a plan with an unknown kind or a create without fields before sending anything', async () => {
    const kind = fakeKind('tenant', 2)
    const unknown = await executePlan({client: fakeClient(), kinds: [kind], plan: planOf([change('tenant:a'), change('role:r')])}).catch((error: unknown) => error)
    expect(unknown).to.be.instanceOf(InputError).with.property('message').that.matches(/role/)
    const empty = await executePlan({client: fakeClient(), kinds: [kind], plan: planOf([change('tenant:a', {desired: undefined})])}).catch((error: unknown) => error)
    expect(empty).to.be.instanceOf(InputError)
    expect(kind.calls).to.deep.equal([])
  })

  it('reports rate-limit waits and retries to the observers: at start from the limiter, and exactly through the request events of the change', async () => {
    let wait = 1500
    const kind = fakeKind('tenant', 2, key => {
      // What the client's request hook does when the limiter makes a request wait.
      if (key === 'b') contextRequestEvents.onRateLimitWait!(700)
      if (key === 'c') contextRequestEvents.onRetry!({
        attempt: 1, delayMs: 10, method: 'POST', path: '/x', status: 429,
      })
    })
    const progress = new RecordingProgress()
    const client = fakeClient({estimateMs: () => 0, waitTimeMs: () => wait})
    const first = await executePlan({
      client, concurrency: 1, kinds: [kind], observers: [progress], plan: planOf([change('tenant:a')]),
    })
    expect(first.status).to.equal('complete')
    wait = 0
    await executePlan({
      client, concurrency: 1, kinds: [kind], observers: [progress], plan: planOf([change('tenant:b'), change('tenant:c')]),
    })
    expect(progress.events.filter(event => /^(waiting|retry)/.test(event))).to.deep.equal(['waiting tenant:a 1500', 'waiting tenant:b 700', 'retry tenant:c 429'])
  })

  it('ignores an observer that throws, and still tells the observers after it', async () => {
    const kind = fakeKind('tenant', 2)
    const boom = () => {
      throw new Error('boom')
    }

    const broken: ApplyObserver = {
      changeDone: boom, changeStarting: boom, changeWaiting: boom, runFinished: async () => boom(), runStarted: boom,
    }
    const after = new RecordingProgress()
    const result = await executePlan({
      client: fakeClient({estimateMs: () => 0, waitTimeMs: () => 5}), kinds: [kind], observers: [broken, after], plan: planOf([change('tenant:a')]),
    })
    expect(result.status).to.equal('complete')
    expect(after.events).to.deep.equal(['start', 'started tenant:a', 'waiting tenant:a 5', 'done tenant:a'])
    expect(after.finished).to.equal(result)
  })

  it('lets an observer halt the run before a change is sent, and collects warnings once', async () => {
    const kind = fakeKind('tenant', 2)
    const later = new RecordingProgress()
    const guard: ApplyObserver = {
      changeDone: () => ({action: 'warn', message: 'audit is read-only'}),
      changeStarting: (change: Change) => (change.id === 'tenant:c' ? {action: 'halt', message: 'disk full', reason: 'journal'} : undefined),
    }
    const result = await executePlan({
      client: fakeClient(), concurrency: 1, kinds: [kind], observers: [guard, later], plan: planOf(['a', 'b', 'c', 'd'].map(key => change(`tenant:${key}`))),
    })
    expect(kind.calls.map(call => call.key)).to.deep.equal(['a', 'b'])
    expect(result).to.deep.include({
      status: 'partial', stopMessage: 'disk full', stopReason: 'journal', warnings: ['audit is read-only'],
    })
    expect(ids(result.notStarted)).to.deep.equal(['tenant:c', 'tenant:d'])
    // The halted change never started for the observers after the one that halted.
    expect(later.events).to.not.include('started tenant:c')
  })

  describe('with a journal and an audit log', () => {
    let dir: string

    beforeEach(async () => {
      dir = await mkdtemp(path.join(tmpdir(), 'descope-mgmt-executor-'))
    })

    afterEach(async () => {
      await rm(dir, {force: true, recursive: true})
    })

    it('journals every change, audits every write, and a resumed run skips what was done', async () => {
      const kind = fakeKind('tenant', 2, key => {
        if (key === 'b') throw apiError(500, 'server trouble')
      })
      const changes = ['a', 'b', 'c'].map(key => change(`tenant:${key}`))
      const plan = planOf(changes)
      const journalDir = path.join(dir, 'journals', 'P2Test')
      const journal = await Journal.create(journalDir, {
        changes: changes.map(item => item.id), environment: 'staging', planFingerprint: plan.fingerprint, projectId: 'P2Test',
      })
      const audit = AuditLog.forDataDir(dir, {
        environment: 'staging', projectId: 'P2Test', runId: journal.runId, toolVersion: '0.1.0', user: 'tester',
      })
      const first = await executePlan({
        client: fakeClient(), concurrency: 1, kinds: [kind], observers: [journalObserver(journal), auditObserver(audit)], plan, runId: journal.runId,
      })

      expect(first.runId).to.equal(journal.runId)
      const {entries} = await readJournal(journal.file)
      expect(entries.map(entry => `${entry.type}${'id' in entry ? ` ${entry.id}` : ''}`)).to.deep.equal([
        'start', 'started tenant:a', 'done tenant:a', 'started tenant:b', 'failed tenant:b', 'end',
      ])
      expect(entries.at(-1)).to.deep.include({
        result: {
          alreadyDone: 0, done: 1, failed: 1, notStarted: 1, skipped: 0, status: 'partial', stopReason: 'failure',
        },
      })

      const records = await readAudit(path.join(dir, 'audit.jsonl'))
      expect(records.map(record => [record.resource, record.operation, record.result, record.errorCode, record.requestId])).to.deep.equal([
        ['tenant:b', 'create', 'failed', 'E500', 'req-500'],
        ['tenant:a', 'create', 'ok', undefined, undefined],
      ])
      expect(records[0]).to.deep.include({
        environment: 'staging', error: 'server trouble', projectId: 'P2Test', runId: journal.runId, toolVersion: '0.1.0', user: 'tester',
      })

      const resumable = await findResumable(journalDir)
      expect([...resumable!.done]).to.deep.equal(['tenant:a'])
      kind.calls.length = 0
      const fixed = fakeKind('tenant', 2)
      const second = await executePlan({
        alreadyDone: resumable!.done, client: fakeClient(), kinds: [fixed], plan,
      })
      expect(fixed.calls.map(call => call.key)).to.deep.equal(['b', 'c'])
      expect(ids(second.alreadyDone)).to.deep.equal(['tenant:a'])
      expect(second.status).to.equal('complete')
    })

    it('records the key a create without one was given (journal, audit, result), and passes write options to the kind', async () => {
      const deleteOptions: unknown[] = []
      const kind: ResourceKind = {
        ...fakeKind('tenant', 1),
        create: async (_client, desired) => (desired.key === '' ? 'T2generated' : 'ignored'),
        async delete(_client, _live, options) {
          deleteOptions.push(options)
        },
      }
      const changes = [
        change('tenant:(generated)', {key: ''}),
        change('tenant:given'),
        change('tenant:old', {action: 'delete', writeOptions: {cascade: true}}),
      ]
      const plan = planOf(changes)
      const journal = await Journal.create(dir, {changes: changes.map(item => item.id), planFingerprint: plan.fingerprint, projectId: 'P2Test'})
      const audit = AuditLog.forDataDir(dir, {projectId: 'P2Test', runId: journal.runId, toolVersion: '0.1.0'})
      const result = await executePlan({
        client: fakeClient(), concurrency: 1, kinds: [kind], observers: [journalObserver(journal), auditObserver(audit)], plan,
      })
      expect(result.done.map(done => [done.change.id, done.createdKey])).to.deep.equal([
        ['tenant:(generated)', 'T2generated'], ['tenant:given', undefined], ['tenant:old', undefined],
      ])
      expect(deleteOptions).to.deep.equal([{cascade: true}])
      const {entries} = await readJournal(journal.file)
      expect(entries.filter(entry => entry.type === 'done')).to.satisfy((done: Array<{createdKey?: string; id: string}>) =>
        done[0].id === 'tenant:(generated)' && done[0].createdKey === 'T2generated' && done.slice(1).every(entry => entry.createdKey === undefined))
      const records = await readAudit(path.join(dir, 'audit.jsonl'))
      expect(records.map(record => record.resource).sort()).to.deep.equal(['tenant:T2generated', 'tenant:given', 'tenant:old'])
    })

    it('halts before the next change once the project lock is lost: the change in flight finishes and is journaled, the rest never starts', async () => {
      const lock: {lost?: LockLostError} = {}
      // The lock is lost while tenant:b is in flight (its renewal failed); tenant:b still finishes.
      const kind = fakeKind('tenant', 2, key => {
        if (key === 'b') lock.lost = new LockLostError('key descope-mgmt:lock:P2Test on redis://127.0.0.1:6379', 'the coordination Redis is unavailable: Socket closed unexpectedly')
      })
      const changes = ['a', 'b', 'c', 'd'].map(key => change(`tenant:${key}`))
      const plan = planOf(changes)
      const journal = await Journal.create(dir, {changes: changes.map(item => item.id), planFingerprint: plan.fingerprint, projectId: 'P2Test'})
      const result = await executePlan({
        client: fakeClient(), concurrency: 1, kinds: [kind], observers: [lockObserver(lock), journalObserver(journal)], plan,
      })
      await journal.close()
      expect(kind.calls.map(call => call.key)).to.deep.equal(['a', 'b'])
      expect(result).to.deep.include({status: 'partial', stopReason: 'lock_lost'})
      expect(result.stopMessage).to.match(/^Lost the project lock \(key descope-mgmt:lock:P2Test on redis:\/\/127\.0\.0\.1:6379\): the coordination Redis is unavailable/)
      expect(ids(result.notStarted)).to.deep.equal(['tenant:c', 'tenant:d'])
      const {entries} = await readJournal(journal.file)
      expect(entries.map(entry => `${entry.type}${'id' in entry ? ` ${entry.id}` : ''}`)).to.deep.equal([
        'start', 'started tenant:a', 'done tenant:a', 'started tenant:b', 'done tenant:b', 'end',
      ])
      expect([...(await findResumable(dir))!.done]).to.deep.equal(['tenant:a', 'tenant:b'])
      expect(exitCodeFor(result)).to.equal(6)
      expect(describeStop(result)).to.contain('Stopped: Lost the project lock').and.contain('2 changes were not started').and.contain('resume')
      expect(suggestNextCommand(result, {environment: 'staging'})).to.equal('descope-mgmt apply -e staging --resume')
      expect(resultToJson(result)).to.deep.include({stopReason: 'lock_lost'})
    })

    it('warns when the lock was lost after the last change had started (everything finished)', async () => {
      const lock: {lost?: LockLostError} = {}
      const kind = fakeKind('tenant', 2, () => {
        lock.lost = new LockLostError('key k on redis://127.0.0.1:6379', 'its key expired or holds another process\'s token')
      })
      const result = await executePlan({
        client: fakeClient(), kinds: [kind], observers: [lockObserver(lock)], plan: planOf([change('tenant:a')]),
      })
      expect(result.status).to.equal('complete')
      expect(result.warnings).to.have.length(1)
      expect(result.warnings[0]).to.contain('Lost the project lock').and.contain('every change had started before')
    })

    it('stops without sending a change whose started line cannot be written', async () => {
      const kind = fakeKind('tenant', 2)
      const plan = planOf([change('tenant:a'), change('tenant:b')])
      const journal = await Journal.create(dir, {changes: ['tenant:a', 'tenant:b'], planFingerprint: 'x', projectId: 'P2Test'})
      await journal.close()
      const result = await executePlan({
        client: fakeClient(), concurrency: 1, kinds: [kind], observers: [journalObserver(journal)], plan,
      })
      expect(kind.calls).to.deep.equal([])
      expect(result).to.deep.include({stopReason: 'journal', status: 'failed'})
      expect(ids(result.notStarted)).to.deep.equal(['tenant:a', 'tenant:b'])
      expect(exitCodeFor(result)).to.equal(1)
    })
  })
})
