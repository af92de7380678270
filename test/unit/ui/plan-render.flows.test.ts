import {expect} from 'chai'
import {readFile} from 'node:fs/promises'
import path from 'node:path'

import {flowFromV2} from '../../../src/lib/flows/format.js'
import {buildPlan} from '../../../src/lib/plan/build.js'
import {flowItem, flowsKind} from '../../../src/lib/resources/flows.js'
import {renderPlan} from '../../../src/lib/ui/plan-render.js'
import {repoRoot} from '../../helpers/cli.js'

describe('plan output of flows', () => {
  it('shows a flow update as a structural diff, and a new flow by its tasks', async () => {
    const live = flowFromV2(JSON.parse(await readFile(path.join(repoRoot, 'test/fixtures/flows/sign-up-or-in.v2.json'), 'utf8')) as Record<string, unknown>)
    const desired = structuredClone(live)
    desired.metadata.name = 'Renamed';
    (desired.contents.tasks as Record<string, Record<string, unknown>>)['3'].action = 'otp-sign-up-or-in-sms'
    const extra = {...structuredClone(live), flowId: 'copy'}
    const plan = buildPlan({
      desired: [flowItem(desired), flowItem(extra)], kinds: [flowsKind], live: [flowItem(live)], projectId: 'P1', prune: false, tool: 'test',
    })
    expect(plan.changes.map(change => change.id)).to.deep.equal(['flow:copy', 'flow:sign-up-or-in'])
    const text = renderPlan(plan, {color: false})
    expect(text).to.contain('Flows\n  + flow copy\n')
    expect(text).to.match(/~ flow sign-up-or-in\n\s+Metadata:\n\s+name: "Sign Up or In" → "Renamed"\n\s+Tasks \(0 added, 0 removed, 1 changed\):\n\s+~ 3 .*\n\s+action: "otp-sign-up-or-in-email" → "otp-sign-up-or-in-sms"/)
    expect(text).to.not.contain('contents.tasks')
    expect(text).to.contain('Plan: 1 to create, 1 to update, 0 to delete.')
  })
})
