import {expect} from 'chai'
import {stripVTControlCharacters} from 'node:util'

import type {ResourceKind} from '../../../src/lib/resources/types.js'
import type {OutputStream} from '../../../src/lib/ui/progress.js'

import {createEnvironmentsProgress} from '../../../src/lib/ui/environments-progress.js'
import {change} from '../apply/fakes.js'

function capture(isTTY: boolean): OutputStream & {text: string} {
  const stream = {
    columns: 100,
    isTTY,
    rows: 30,
    text: '',
    write(chunk: string | Uint8Array) {
      stream.text += chunk.toString()
      return true
    },
  }
  return stream as unknown as OutputStream & {text: string}
}

const KINDS = [{name: 'tenant', plural: 'tenants'}] as unknown as ResourceKind[]

describe('environments: the progress view of an apply across environments', () => {
  it('with --json there is none', () => {
    expect(createEnvironmentsProgress({environments: ['a'], json: true})).to.equal(undefined)
  })

  it('on a terminal: one tree, a branch per environment, the last frame kept', async () => {
    const stream = capture(true)
    const progress = createEnvironmentsProgress({
      color: false, env: {}, environments: ['staging', 'production', 'broken'], stream,
    })!
    const staging = progress.observer('staging')
    const production = progress.observer('production')
    const acme = change('tenant:acme')
    const globex = change('tenant:globex')
    await staging.runStarted?.({
      alreadyDone: [], changes: [acme, globex], concurrency: 2, kinds: KINDS,
    })
    await production.runStarted?.({
      alreadyDone: [], changes: [acme], concurrency: 2, kinds: KINDS,
    })
    await staging.changeStarting?.(acme)
    await staging.changeDone?.(acme, 10)
    await production.changeStarting?.(acme)
    await production.changeDone?.(acme, 10)
    progress.settle('production', '✓ applied')
    progress.settle('broken', '✗ Another apply is already running')
    progress.finish()
    const text = stripVTControlCharacters(stream.text)
    const last = text.slice(text.lastIndexOf('Applying 3 changes to 3 environments'))
    expect(last).to.match(/^Applying 3 changes to 3 environments: 2\/3 · elapsed/)
    expect(last).to.match(/\nApplying 2 changes to staging: 1\/2 /)
    expect(last).to.match(/\n {2}Syncing tenants\.\.\. .* 1\/2 \(50%\)/)
    expect(last).to.match(/\nApplying 1 change to production: 1\/1 .*· ✓ applied/)
    expect(last).to.contain('\nbroken: ✗ Another apply is already running')
  })

  it('in logs and CI: each environment\'s plain lines, named', async () => {
    const stream = capture(false)
    const progress = createEnvironmentsProgress({
      color: false, env: {CI: 'true'}, environments: ['staging', 'broken'], intervalMs: 0, stream,
    })!
    const staging = progress.observer('staging')
    const acme = change('tenant:acme')
    await staging.runStarted?.({
      alreadyDone: [], changes: [acme], concurrency: 1, kinds: KINDS,
    })
    await staging.changeStarting?.(acme)
    await staging.changeDone?.(acme, 10)
    progress.settle('broken', '✗ refused')
    progress.finish()
    const lines = stream.text.split('\n')
    expect(lines[0]).to.equal('staging: Applying 1 change (1 create) to staging, 1 at a time.')
    expect(lines).to.include('staging: tenants: Creating acme ✓ (10 ms)')
    expect(lines).to.include('broken: ✗ refused')
  })
})
