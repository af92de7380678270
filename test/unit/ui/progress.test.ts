import {expect} from 'chai'
import {stripVTControlCharacters} from 'node:util'

import type {FailedChange, SkippedExecution} from '../../../src/lib/apply/result.js'
import type {Change} from '../../../src/lib/plan/types.js'
import type {ResourceKind} from '../../../src/lib/resources/types.js'

import {executePlan} from '../../../src/lib/apply/executor.js'
import {ProgressModel} from '../../../src/lib/ui/progress-model.js'
import {renderFrame} from '../../../src/lib/ui/progress-render.js'
import {
  colorEnabled, createProgressView, isCi, type OutputStream, PlainProgress, TerminalProgress,
} from '../../../src/lib/ui/progress.js'
import {
  change, fakeClient, fakeKind, planOf,
} from '../apply/fakes.js'

function capture(isTTY = false, size: {columns?: number; rows?: number} = {}): OutputStream & {text: string} {
  const stream = {
    ...size,
    isTTY,
    text: '',
    write(chunk: string | Uint8Array) {
      stream.text += chunk.toString()
      return true
    },
  }
  return stream as unknown as OutputStream & {text: string}
}

// Only the names and plurals matter to the progress view.
const KINDS = [
  {name: 'permission', plural: 'permissions'}, {name: 'tenant', plural: 'tenants'}, {name: 'role', plural: 'roles'},
] as unknown as ResourceKind[]
const failure = (item: Change, message: string) => ({change: item, error: new Error(message), message}) as unknown as FailedChange
const skipped = (item: Change, dependency: string) => ({change: item, dependency, reason: 'dependency failed'}) as SkippedExecution
const strip = (text: string) => stripVTControlCharacters(text)

/** A run in the middle of its tenants: one permission done, tenants done, in flight, retried, waiting, failed and queued. */
function midRun() {
  let clock = 1_000_000
  const model = new ProgressModel({now: () => clock})
  const changes = {
    acme: change('tenant:acme-corp', {phase: 1}),
    globex: change('tenant:globex', {phase: 1}),
    initech: change('tenant:initech', {phase: 1}),
    old: change('tenant:old-corp', {action: 'delete', phase: 9000}),
    read: change('permission:users.read', {phase: 0}),
    viewer: change('role:Viewer', {phase: 2}),
    widget: change('tenant:widget-co', {action: 'update', phase: 1}),
    wayne: change('tenant:wayne', {phase: 1}),
  }
  model.start({
    changes: Object.values(changes), concurrency: 4, environment: 'staging', kinds: KINDS,
  })
  model.started(changes.read)
  clock += 200
  model.done(changes.read, 200)
  for (const item of [changes.acme, changes.widget, changes.globex, changes.initech]) model.started(item)
  clock += 300
  model.done(changes.acme, 300)
  model.retrying(changes.globex, {
    attempt: 1, delayMs: 500, method: 'POST', path: '/v1/mgmt/tenant/create', status: 503,
  })
  model.failed(changes.initech, 'Tenant name is already in use')
  model.started(changes.wayne)
  model.waiting(changes.wayne, 3000)
  return {changes, model}
}

describe('progress', () => {
  describe('the renderer (model in, lines out)', () => {
    it('draws an 80-column terminal with colour', () => {
      const {model} = midRun()
      expect(renderFrame(model.snapshot(), {color: true, height: 23, width: 80})).to.deep.equal([
        'Applying 8 changes to staging: 3/8 · elapsed 500 ms · ETA: 288 ms · 1 retry',
        'Syncing permissions... \u001B[32m━━━━━━━━━━━━━━━━━━━━\u001B[39m 1/1 (100%) \u001B[32m✓\u001B[39m',
        'Syncing tenants...     \u001B[32m━━━━━━━\u001B[39m\u001B[2m─────────────\u001B[22m 2/6 (33%) \u001B[31m✗ 1 failed\u001B[39m ETA: 230 ms',
        '├─ Creating acme-corp \u001B[32m✓\u001B[39m',
        '├─ Creating globex \u001B[33m⚙️\u001B[39m \u001B[33mretrying (attempt 2, HTTP 503)\u001B[39m',
        '├─ Creating initech \u001B[31m✗\u001B[39m \u001B[31mTenant name is already in use\u001B[39m',
        '├─ Deleting old-corp \u001B[2m⏳\u001B[22m',
        '├─ Updating widget-co \u001B[33m⚙️\u001B[39m',
        '└─ Creating wayne \u001B[33m⏳\u001B[39m \u001B[2mwaiting for rate limit (~3.0 s)\u001B[22m',
        'Syncing roles...       \u001B[2m────────────────────\u001B[22m 0/1 (0%)',
      ])
    })

    it('draws the same without colour (NO_COLOR)', () => {
      const {model} = midRun()
      expect(renderFrame(model.snapshot(), {color: false, height: 23, width: 80})).to.deep.equal([
        'Applying 8 changes to staging: 3/8 · elapsed 500 ms · ETA: 288 ms · 1 retry',
        'Syncing permissions... ━━━━━━━━━━━━━━━━━━━━ 1/1 (100%) ✓',
        'Syncing tenants...     ━━━━━━━───────────── 2/6 (33%) ✗ 1 failed ETA: 230 ms',
        '├─ Creating acme-corp ✓',
        '├─ Creating globex ⚙️ retrying (attempt 2, HTTP 503)',
        '├─ Creating initech ✗ Tenant name is already in use',
        '├─ Deleting old-corp ⏳',
        '├─ Updating widget-co ⚙️',
        '└─ Creating wayne ⏳ waiting for rate limit (~3.0 s)',
        'Syncing roles...       ──────────────────── 0/1 (0%)',
      ])
    })

    it("says when a change waits for Descope's rate-limit backoff rather than the client's window", () => {
      const {changes, model} = midRun()
      model.waiting(changes.wayne, 60_000, 'backoff')
      const frame = renderFrame(model.snapshot(), {color: false, height: 23, width: 100})
      expect(frame).to.include("└─ Creating wayne ⏳ waiting for Descope's rate-limit backoff (~1m 00s)")
      model.waiting(changes.wayne, 2000, 'window')
      expect(renderFrame(model.snapshot(), {color: false, height: 23, width: 100})).to.include('└─ Creating wayne ⏳ waiting for rate limit (~2.0 s)')
    })

    it('cuts lines to the width and keeps failures, changes in flight and the last one done within the height', () => {
      let clock = 0
      const model = new ProgressModel({now: () => clock})
      const changes = Array.from({length: 300}, (_, index) => change(`tenant:t${String(index).padStart(3, '0')}-with-a-rather-long-identifier`))
      model.start({changes, concurrency: 4, kinds: KINDS})
      for (const item of changes.slice(0, 120)) {
        model.started(item)
        clock += 10
        model.done(item, 10)
      }

      model.failed(changes[50], 'refused')
      for (const item of changes.slice(120, 124)) model.started(item)
      const lines = renderFrame(model.snapshot(), {color: false, height: 9, width: 60}).map(line => strip(line))
      expect(lines).to.deep.equal([
        'Applying 300 changes: 120/300 · elapsed 1.2 s · ETA: 450 ms',
        'Syncing tenants... ━━━━━━━━──────────── 120/300 (40%) ✗ 1 f…',
        '├─ Creating t050-with-a-rather-long-identifier ✗ refused',
        '├─ Creating t119-with-a-rather-long-identifier ✓',
        '├─ Creating t120-with-a-rather-long-identifier ⚙️',
        '├─ Creating t121-with-a-rather-long-identifier ⚙️',
        '├─ Creating t122-with-a-rather-long-identifier ⚙️',
        '├─ Creating t123-with-a-rather-long-identifier ⚙️',
        '└─ … 294 more: 118 done, 176 queued',
      ])
    })
  })

  it("names a group by its kind's display plural when it has one (tenantSettings: tenant settings)", () => {
    const model = new ProgressModel({now: () => 0})
    const settings = change('tenantSettings:acme')
    model.start({changes: [settings], concurrency: 1, kinds: [{labels: {plural: 'tenant settings'}, name: 'tenantSettings', plural: 'tenantSettings'}] as unknown as ResourceKind[]})
    const lines = renderFrame(model.snapshot(), {color: false, height: 10, width: 80}).map(line => strip(line))
    expect(lines.some(line => line.startsWith('Syncing tenant settings... '))).to.equal(true)
    expect(lines.join('\n')).to.not.contain('tenantSettings')
  })

  describe('plain lines (CI, no terminal)', () => {
    it('writes the start, one line per finished, failed, skipped or retried change, each group as it completes, and no summary', async () => {
      const stream = capture()
      const progress = new PlainProgress({
        color: false, environment: 'staging', intervalMs: 0, minWaitMs: 1000, now: () => 0, stream,
      })
      const {acme, globex, old, read, viewer} = midRun().changes
      const changes = [read, acme, globex, old, viewer]
      progress.runStarted({
        alreadyDone: [read.id], changes, concurrency: 2, kinds: KINDS,
      })
      progress.changeStarting(acme)
      progress.changeWaiting(acme, 200)
      progress.changeWaiting(acme, 1500)
      progress.changeWaiting(acme, 60_000, 'backoff')
      progress.changeRetrying(acme, {
        attempt: 1, delayMs: 100, method: 'POST', path: '/x', status: 503,
      })
      progress.changeRetrying(acme, {
        attempt: 2, code: 'ECONNRESET', delayMs: 100, method: 'POST', path: '/x',
      })
      progress.changeDone(acme, 1234)
      progress.changeStarting(globex)
      progress.changeFailed(globex, failure(globex, 'Tenant name is already in use\nmore detail'))
      progress.changeSkipped(viewer, skipped(viewer, 'tenant:globex'))
      progress.runFinished()
      expect(stream.text.split('\n')).to.deep.equal([
        'Applying 4 changes (3 create, 1 delete) to staging, 2 at a time. 1 change finished by the earlier run is not repeated.',
        'tenants: Creating acme-corp ⏳ waiting for rate limit (~1.5 s)',
        "tenants: Creating acme-corp ⏳ waiting for Descope's rate-limit backoff (~1m 00s)",
        'tenants: Creating acme-corp ⚙️ retrying (attempt 2, HTTP 503)',
        'tenants: Creating acme-corp ⚙️ retrying (attempt 3, ECONNRESET)',
        'tenants: Creating acme-corp ✓ (1.2 s)',
        'tenants: Creating globex ✗ Tenant name is already in use',
        'roles: Creating Viewer – skipped: dependency failed (tenant:globex)',
        'Syncing roles... ━━━━━━━━━━━━━━━━━━━━ 1/1 (100%) – 1 skipped',
        '',
      ])
    })

    it('takes no whole snapshot per event (its cost grows with the run), and still says when each group completes', () => {
      const stream = capture()
      const progress = new PlainProgress({
        color: false, intervalMs: 0, now: () => 0, stream,
      })
      const snapshot = progress.model.snapshot.bind(progress.model)
      let snapshots = 0
      progress.model.snapshot = () => {
        snapshots++
        return snapshot()
      }

      const tenants = Array.from({length: 200}, (_, index) => change(`tenant:t${index}`, {phase: 1}))
      const roles = [change('role:Viewer', {phase: 2})]
      progress.runStarted({
        alreadyDone: [], changes: [...tenants, ...roles], concurrency: 4, kinds: KINDS,
      })
      for (const item of [...tenants, ...roles]) {
        progress.changeStarting(item)
        progress.changeWaiting(item, 2000)
        progress.changeDone(item, 10)
      }

      // The start line is drawn from one snapshot; the 603 events that follow take none.
      expect(snapshots).to.equal(1)
      const groupLines = stream.text.split('\n').filter(line => line.startsWith('Syncing'))
      expect(groupLines).to.deep.equal([
        'Syncing tenants... ━━━━━━━━━━━━━━━━━━━━ 200/200 (100%) ✓',
        'Syncing roles... ━━━━━━━━━━━━━━━━━━━━ 1/1 (100%) ✓',
      ])
    })

    it('writes the run line and the running groups every interval', () => {
      const stream = capture()
      const progress = new PlainProgress({
        color: false, intervalMs: 0, now: () => 0, stream,
      })
      const changes = Array.from({length: 4}, (_, index) => change(`tenant:t${index}`))
      progress.runStarted({
        alreadyDone: [], changes, concurrency: 2, kinds: KINDS,
      })
      progress.changeStarting(changes[0])
      progress.changeDone(changes[0], 100)
      stream.text = ''
      progress.tick()
      expect(stream.text.split('\n')).to.deep.equal([
        'Applying 4 changes: 1/4 · elapsed 0 ms · ETA: 150 ms',
        'Syncing tenants... ━━━━━─────────────── 1/4 (25%) ETA: 150 ms',
        '',
      ])
    })

    it('prints the executor run of a real plan, failures included', async () => {
      const stream = capture()
      const kind = fakeKind('tenant', 2, key => {
        if (key === 'b') throw new Error('refused')
      })
      const plan = planOf([change('tenant:a'), change('tenant:b'), change('tenant:c', {after: ['tenant:b'], phase: 1})])
      await executePlan({
        client: fakeClient(), concurrency: 1, continueOnError: true, kinds: [{...kind, plural: 'tenants'}], observers: [new PlainProgress({color: false, intervalMs: 0, stream})], plan,
      })
      expect(stream.text.replaceAll(/\(\d+(\.\d+)? m?s\)/g, '(…)').split('\n')).to.deep.equal([
        'Applying 3 changes (3 create), 1 at a time.',
        'tenants: Creating a ✓ (…)',
        'tenants: Creating b ✗ refused',
        'tenants: Creating c – skipped: dependency failed (tenant:b)',
        'Syncing tenants... ━━━━━━━━━━━━━━━━━━━━ 3/3 (100%) ✗ 1 failed – 1 skipped',
        '',
      ])
    })
  })

  describe('the terminal view', () => {
    it('repaints in place and leaves the final frame once, without a summary of its own', async () => {
      const stream = capture(true, {columns: 80, rows: 24})
      const kind = {...fakeKind('tenant', 2), plural: 'tenants'}
      const progress = new TerminalProgress({
        color: false, environment: 'local', refreshMs: 60_000, stream,
      })
      const result = await executePlan({
        client: fakeClient(), kinds: [kind], observers: [progress], plan: planOf([change('tenant:a'), change('tenant:b')]),
      })
      expect(result.status).to.equal('complete')
      const final = progress.frame().map(line => strip(line).replace(/elapsed [\d.]+ m?s/, 'elapsed …'))
      expect(final).to.deep.equal([
        'Applying 2 changes to local: 2/2 · elapsed …',
        'Syncing tenants... ━━━━━━━━━━━━━━━━━━━━ 2/2 (100%) ✓',
      ])
      // The last frame is written once: the group line appears once after the last erase.
      const afterLastErase = stream.text.slice(stream.text.lastIndexOf('\u001B[G'))
      expect(afterLastErase.match(/Syncing tenants/g)).to.have.length(1)
      expect(stream.text).to.not.contain('Applied')
    })
  })

  describe('choice of view', () => {
    it('is none for --json, plain lines without a terminal or in CI, the repainted frame on a terminal', () => {
      expect(createProgressView({json: true, stream: capture(true)})).to.equal(undefined)
      expect(createProgressView({env: {}, stream: capture(false)})).to.be.instanceOf(PlainProgress)
      expect(createProgressView({env: {CI: 'true'}, stream: capture(true)})).to.be.instanceOf(PlainProgress)
      expect(createProgressView({env: {CI: 'false'}, stream: capture(true)})).to.be.instanceOf(TerminalProgress)
      expect([isCi({CI: '1'}), isCi({CI: ''}), isCi({CI: '0'}), isCi({})]).to.deep.equal([true, false, false, false])
    })

    it('colours only when asked or on a terminal without NO_COLOR', () => {
      expect(colorEnabled({isTTY: true}, {})).to.equal(true)
      expect(colorEnabled({isTTY: true}, {NO_COLOR: '1'})).to.equal(false)
      expect(colorEnabled({isTTY: false}, {})).to.equal(false)
      expect(colorEnabled({isTTY: false}, {FORCE_COLOR: '1'})).to.equal(true)
      expect(colorEnabled({isTTY: true}, {FORCE_COLOR: '0'})).to.equal(false)
      expect(colorEnabled({isTTY: true}, {FORCE_COLOR: '1', NO_COLOR: '1'})).to.equal(false)
    })
  })
})
