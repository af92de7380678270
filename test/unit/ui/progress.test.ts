import {expect} from 'chai'

import type {Change} from '../../../src/lib/plan/types.js'

import {executePlan, type ExecutionResult} from '../../../src/lib/apply/executor.js'
import {DescopeApiError} from '../../../src/lib/errors.js'
import {
  colorEnabled, createProgressReporter, isCi, ListrProgress, type OutputStream, PlainProgress, SilentProgress,
} from '../../../src/lib/ui/progress.js'
import {
  change, fakeClient, fakeKind, planOf,
} from '../apply/fakes.js'

function capture(isTTY = false): OutputStream & {text: string} {
  const stream = {
    isTTY,
    text: '',
    write(chunk: string | Uint8Array) {
      stream.text += chunk.toString()
      return true
    },
  }
  return stream as unknown as OutputStream & {text: string}
}

const lines = (text: string) => text.split('\n').filter(Boolean)

const emptyResult: ExecutionResult = {
  alreadyDone: [], continueOnError: false, done: [], durationMs: 0, failed: [], finishedAt: '', notStarted: [], skipped: [], startedAt: '', status: 'complete', warnings: [],
}

describe('progress', () => {
  describe('plain progress', () => {
    let clock: number
    const now = () => clock

    beforeEach(() => {
      clock = 1_000_000
    })

    it('writes a start line, one line per finished change and a summary', () => {
      const stream = capture()
      const progress = new PlainProgress({
        color: false, intervalMs: 0, now, stream,
      })
      const changes = [change('tenant:acme'), change('tenant:globex', {action: 'update'}), change('tenant:old', {action: 'delete'}), change('tenant:sub', {after: ['tenant:globex']})]
      progress.start(planOf(changes), {alreadyDone: [], concurrency: 4})
      progress.changeStarted(changes[0])
      clock += 120
      progress.changeDone(changes[0], 120)
      progress.changeFailed(changes[1], new DescopeApiError('Tenant name is already in use\nmore detail', {method: 'POST', path: '/x', status: 409}))
      progress.changeSkipped(changes[3], 'dependency failed (tenant:globex)')
      progress.finish({
        alreadyDone: [], continueOnError: true, done: [{change: changes[0], durationMs: 120}], durationMs: 2500, failed: [], finishedAt: '', notStarted: [changes[2]],
        skipped: [], startedAt: '', status: 'partial', warnings: [],
      })
      expect(lines(stream.text)).to.deep.equal([
        'Applying 4 changes (2 create, 1 update, 1 delete), 4 at a time.',
        '✓ create tenant:acme (120 ms)',
        '✗ update tenant:globex: Tenant name is already in use',
        '- create tenant:sub skipped: dependency failed (tenant:globex)',
        'Finished in 2.5 s: 1 done, 1 not started.',
      ])
    })

    it('does not count changes finished by an earlier run', () => {
      const stream = capture()
      const progress = new PlainProgress({
        color: false, intervalMs: 0, now, stream,
      })
      progress.start(planOf([change('tenant:a'), change('tenant:b'), change('tenant:c')]), {alreadyDone: ['tenant:a'], concurrency: 2})
      expect(lines(stream.text)[0]).to.equal('Applying 2 changes (2 create), 2 at a time. 1 change finished by the earlier run is not repeated.')
      expect(progress.model.total).to.equal(2)
    })

    it('writes a progress line with count, percentage, elapsed and an ETA that names the rate limit', () => {
      const stream = capture()
      let limiterMs = 0
      const progress = new PlainProgress({
        color: false, concurrency: 2, intervalMs: 0, now, rateLimit: {estimateMs: () => limiterMs, waitTimeMs: () => 0}, stream,
      })
      const changes = Array.from({length: 10}, (_, index) => change(`tenant:t${index}`))
      progress.start(planOf(changes), {concurrency: 2})
      progress.tick()
      for (const item of changes.slice(0, 4)) {
        progress.changeStarted(item)
        clock += 100
        progress.changeDone(item, 200)
      }

      progress.tick()
      limiterMs = 90_000
      progress.changeWaiting(changes[4], 3000)
      progress.tick()
      expect(lines(stream.text).filter(line => line.startsWith('…'))).to.deep.equal([
        '… 0/10 (0%) · elapsed 0 ms · ETA estimating…',
        // 6 requests × 200 ms ÷ 2 in parallel
        '… 4/10 (40%) · elapsed 400 ms · ETA 600 ms',
        '… 4/10 (40%) · elapsed 400 ms · ETA 27 s (waiting for rate limit)',
      ])
    })

    it('leaves the rate-limit wait out of the latency it learns', () => {
      const progress = new PlainProgress({
        color: false, concurrency: 1, intervalMs: 0, now, stream: capture(),
      })
      const [a, b] = [change('tenant:a'), change('tenant:b')]
      progress.start(planOf([a, b]), {concurrency: 1})
      progress.changeWaiting(a, 900)
      progress.changeDone(a, 1000)
      expect(progress.model.estimate()).to.deep.include({limitedBy: 'latency', ms: 100})
    })

    it('colours the icons only when asked or on a terminal without NO_COLOR', () => {
      const stream = capture()
      const progress = new PlainProgress({color: true, intervalMs: 0, stream})
      progress.start(planOf([change('tenant:a')]), {concurrency: 1})
      progress.changeDone(change('tenant:a'), 5)
      expect(stream.text).to.contain('\u001B[32m✓\u001B[39m create tenant:a (5 ms)')
      expect(colorEnabled({isTTY: true}, {})).to.equal(true)
      expect(colorEnabled({isTTY: true}, {NO_COLOR: '1'})).to.equal(false)
      expect(colorEnabled({isTTY: false}, {})).to.equal(false)
      expect(colorEnabled({isTTY: false}, {FORCE_COLOR: '1'})).to.equal(true)
      expect(colorEnabled({isTTY: true}, {FORCE_COLOR: '0'})).to.equal(false)
      expect(colorEnabled({isTTY: true}, {FORCE_COLOR: '1', NO_COLOR: '1'})).to.equal(false)
    })

    it('prints the executor run of a real plan, failures included', async () => {
      const stream = capture()
      const kind = fakeKind('tenant', 2, key => {
        if (key === 'b') throw new Error('refused')
      })
      const plan = planOf([change('tenant:a'), change('tenant:b'), change('tenant:c', {after: ['tenant:b'], phase: 1})])
      const progress = new PlainProgress({color: false, intervalMs: 0, stream})
      await executePlan({
        client: fakeClient(), concurrency: 1, continueOnError: true, kinds: [kind], plan, progress,
      })
      const output = lines(stream.text).map(line => line.replace(/\(\d+(\.\d+)? m?s\)/, '(…)').replace(/in [\d.]+ m?s/, 'in …'))
      expect(output).to.deep.equal([
        'Applying 3 changes (3 create), 1 at a time.',
        '✓ create tenant:a (…)',
        '✗ create tenant:b: refused',
        '- create tenant:c skipped: dependency failed (tenant:b)',
        'Finished in …: 1 done, 1 failed, 1 skipped.',
      ])
    })
  })

  describe('progress reporter choice', () => {
    it('is silent for --json, plain without a TTY or in CI, listr2 on a terminal', () => {
      expect(createProgressReporter({json: true, stream: capture(true)})).to.be.instanceOf(SilentProgress)
      expect(createProgressReporter({env: {}, stream: capture(false)})).to.be.instanceOf(PlainProgress)
      expect(createProgressReporter({env: {CI: 'true'}, stream: capture(true)})).to.be.instanceOf(PlainProgress)
      expect(createProgressReporter({env: {CI: 'false'}, stream: capture(true)})).to.be.instanceOf(ListrProgress)
      expect(createProgressReporter({env: {}, stream: capture(true)})).to.be.instanceOf(ListrProgress)
      expect([isCi({CI: '1'}), isCi({CI: ''}), isCi({CI: '0'}), isCi({})]).to.deep.equal([true, false, false, false])
    })
  })

  describe('listr2 progress', () => {
    const groupOf = (progress: ListrProgress, title: string) => (progress as unknown as {groups: Array<{title: string}>}).groups.find(group => group.title === title)!

    it('groups changes per kind and action in execution order, and shows ✓, ⚙, ⏳ and ✗ lines while a group runs', async () => {
      let clock = 0
      const progress = new ListrProgress({
        environment: 'staging', now: () => clock, refreshMs: 60_000, stream: capture(false),
      })
      const changes: Change[] = [
        ...Array.from({length: 6}, (_, index) => change(`tenant:t${index}`, {phase: 200})),
        change('permission:read', {phase: 0}),
        change('tenant:old', {action: 'delete', phase: 10_000}),
      ]
      progress.start(planOf(changes), {concurrency: 4})
      const groups = (progress as unknown as {groups: Array<{title: string}>}).groups.map(group => group.title)
      expect(groups).to.deep.equal(['Create and update permissions', 'Create and update tenants', 'Delete tenants'])

      const tenants = groupOf(progress, 'Create and update tenants')
      progress.changeStarted(changes[0])
      clock += 120
      progress.changeDone(changes[0], 120)
      progress.changeStarted(changes[1])
      progress.changeStarted(changes[2])
      progress.changeWaiting(changes[2], 3000)
      progress.changeFailed(changes[3], new Error('409 conflict'))
      expect(progress.groupLines(tenants as never)).to.deep.equal([
        '✓ create tenant:t0 (120 ms)',
        '⚙ create tenant:t1',
        '⏳ create tenant:t2 (waiting for rate limit, ~3.0 s)',
        '✗ create tenant:t3: 409 conflict',
      ])
      expect(progress.groupTitle(tenants as never)).to.equal('Create and update tenants 2/6 · 1 failed')
      expect(progress.overallTitle()).to.match(/^Applying 8 changes to staging: 2\/8 \(25%\) · elapsed 120 ms · ETA /)
      await progress.finish({...emptyResult, status: 'partial'})
      expect(progress.overallTitle()).to.match(/^Stopped after 0 ms to staging: 0 done/)
    })

    it('keeps hundreds of changes to a few lines per group', async () => {
      const progress = new ListrProgress({maxLines: 3, refreshMs: 60_000, stream: capture(false)})
      const changes = Array.from({length: 300}, (_, index) => change(`tenant:t${index}`))
      progress.start(planOf(changes), {concurrency: 8})
      for (const item of changes.slice(0, 8)) progress.changeStarted(item)
      for (const item of changes.slice(100, 110)) progress.changeFailed(item, new Error('no'))
      const output = progress.groupLines(groupOf(progress, 'Create and update tenants') as never)
      expect(output).to.have.length(8)
      expect(output).to.include('… and 5 more in flight').and.include('… and 7 more failed')
      await progress.finish(emptyResult)
    })

    it('runs the task list to the end with the executor and reports the outcome in the final title', async () => {
      const stream = capture(false)
      const kind = fakeKind('tenant', 2, key => {
        if (key === 'b') throw new Error('refused')
      })
      const plan = planOf([change('tenant:a'), change('tenant:b'), change('tenant:gone', {action: 'delete', phase: 10_000})])
      const progress = new ListrProgress({environment: 'staging', refreshMs: 60_000, stream})
      const result = await executePlan({
        client: fakeClient(), concurrency: 1, kinds: [kind], plan, progress,
      })
      expect(result.status).to.equal('partial')
      // Without a terminal listr2 falls back to its simple renderer, written to our stream.
      expect(stream.text).to.contain('Create and update tenants')
      expect(stream.text).to.match(/Stopped after .*to staging: 1 done, 1 failed, 1 not started/)
      expect(stream.text).to.contain('✗ create tenant:b: refused')
    })

    it('draws with the default renderer on a terminal', async () => {
      const stream = capture(true)
      const wasTTY = process.stdout.isTTY
      process.stdout.isTTY = true
      try {
        const kind = fakeKind('tenant', 2)
        const progress = new ListrProgress({env: {}, refreshMs: 60_000, stream})
        const result = await executePlan({
          client: fakeClient(), kinds: [kind], plan: planOf([change('tenant:a'), change('tenant:b')]), progress,
        })
        expect(result.status).to.equal('complete')
      } finally {
        process.stdout.isTTY = wasTTY
      }

      expect(stream.text).to.match(/Applied 2 changes in/)
      expect(stream.text).to.contain('Create and update tenants 2/2')
    })
  })
})
