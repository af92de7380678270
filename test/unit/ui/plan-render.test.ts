import {expect} from 'chai'

import {buildPlan} from '../../../src/lib/plan/build.js'
import {tenantItem, tenantsKind} from '../../../src/lib/resources/tenants.js'
import {renderPlan, summaryLine} from '../../../src/lib/ui/plan-render.js'

const plan = (prune: boolean, protect: string[] = []) =>
  buildPlan({
    desired: [
      tenantItem({id: 'acme', name: 'Acme', selfProvisioningDomains: ['acme.com']}, true),
      tenantItem({
        customAttributes: {plan: 'silver', seats: 5}, id: 'globex', name: 'Globex Corp', selfProvisioningDomains: ['globex.io'],
      }, true),
    ],
    kinds: [tenantsKind],
    live: [
      tenantItem({
        customAttributes: {plan: 'gold'}, id: 'globex', name: 'Globex', selfProvisioningDomains: ['globex.com'],
      }),
      tenantItem({id: 'old', name: 'Old'}),
      tenantItem({id: 'keep', name: 'Keep'}),
    ],
    projectId: 'P1',
    protect,
    prune,
    tool: 'test',
  })

describe('renderPlan', () => {
  it('shows creates, field-level updates and unmanaged resources without colour', () => {
    const text = renderPlan(plan(false), {color: false})
    expect(text).to.equal([
      'Tenants',
      '  + tenant acme',
      '      name: "Acme"',
      '      selfProvisioningDomains: ["acme.com"]',
      '  ~ tenant globex',
      '      customAttributes.plan: "gold" → "silver"',
      '      customAttributes.seats: 5',
      '      name: "Globex" → "Globex Corp"',
      '      selfProvisioningDomains[]: - "globex.com"',
      '      selfProvisioningDomains[]: + "globex.io"',
      '  · 2 tenants not in the configuration, kept (use --prune to delete): keep, old',
      '',
      'Plan: 1 to create, 1 to update, 0 to delete.',
    ].join('\n'))
  })

  it('shows deletes and protected resources with prune, and colours with ANSI codes when asked', () => {
    const text = renderPlan(plan(true, ['keep']), {color: false})
    expect(text).to.contain('  - tenant old\n')
    expect(text).to.contain('  ! tenant keep: protected, not deleted (use --allow-protected)')
    expect(text).to.contain('Plan: 1 to create, 1 to update, 1 to delete, 1 skipped.')
    // eslint-disable-next-line no-control-regex
    expect(renderPlan(plan(true), {color: true})).to.match(/\u001B\[31m {2}- tenant old/)
  })

  it('says so when nothing changes', () => {
    const empty = buildPlan({
      desired: [], kinds: [tenantsKind], live: [], projectId: 'P1', prune: false, tool: 't',
    })
    expect(renderPlan(empty, {color: false})).to.equal('No changes: the live project matches the configuration.')
    expect(summaryLine(empty)).to.equal('Plan: 0 to create, 0 to update, 0 to delete.')
  })
})
