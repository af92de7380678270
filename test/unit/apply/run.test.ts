import {expect} from 'chai'

import type {Change, Plan} from '../../../src/lib/plan/types.js'
import type {ResourceItem} from '../../../src/lib/resources/types.js'

import {checkPlanStillApplies} from '../../../src/lib/apply/run.js'
import {CliError} from '../../../src/lib/errors.js'

function change(action: Change['action'], key: string, live?: Record<string, unknown>): Change {
  return {
    action, after: [], fields: [], id: `tenant:${key}`, key, kind: 'tenant', live, phase: 1,
  }
}

function plan(...changes: Change[]): Plan {
  return {changes} as unknown as Plan
}

const tenant = (key: string, fields: Record<string, unknown>): ResourceItem => ({fields, key, kind: 'tenant'}) as ResourceItem

function refusal(run: () => void): CliError {
  try {
    run()
  } catch (error) {
    return error as CliError
  }

  throw new Error('expected a refusal')
}

describe('a plan is checked against the live state read under the lock', () => {
  const live = [tenant('kept', {name: 'Kept'}), tenant('old', {name: 'Old'})]

  it('passes when every change still fits: creates absent, updates and deletes unchanged', () => {
    expect(() => checkPlanStillApplies(plan(change('create', 'new'), change('update', 'kept', {name: 'Kept'}), change('delete', 'old', {name: 'Old'})), live)).to.not.throw()
  })

  it('refuses (exit 3, nothing changed) a create whose resource now exists, and an update of a changed or deleted resource', () => {
    const error = refusal(() => checkPlanStillApplies(plan(
      change('create', 'kept'),
      change('update', 'old', {name: 'Older'}),
      change('delete', 'gone', {name: 'Gone'}),
      change('create', 'new'),
    ), live))
    expect(error).to.be.instanceOf(CliError)
    expect(error.exitCode).to.equal(3)
    expect(error.message).to.contain('3 changes no longer fit: create tenant:kept, update tenant:old, delete tenant:gone').and.contain('Nothing was changed')
    expect(error.hint).to.contain('run the command again')
  })

  it('does not judge changes the resumed run already finished', () => {
    expect(() => checkPlanStillApplies(plan(change('create', 'kept')), live, new Set(['tenant:kept']))).to.not.throw()
  })
})
