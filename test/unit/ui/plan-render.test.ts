import {expect} from 'chai'

import {buildPlan} from '../../../src/lib/plan/build.js'
import {flowsKind} from '../../../src/lib/resources/flows.js'
import {permissionItem, permissionsKind} from '../../../src/lib/resources/permissions.js'
import {roleItem, rolesKind} from '../../../src/lib/resources/roles.js'
import {tenantItem, tenantsKind} from '../../../src/lib/resources/tenants.js'
import {builtInLine, renderPlan, summaryLine} from '../../../src/lib/ui/plan-render.js'

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

  describe('Descope\'s built-ins', () => {
    const builtInPlan = (prune: boolean) => buildPlan({
      desired: [],
      kinds: [permissionsKind, rolesKind, flowsKind],
      live: [
        ...['User Admin', 'SSO Admin', 'Impersonate'].map(name => permissionItem({name, systemDefault: true})),
        roleItem({name: 'Tenant Admin'}),
        ...['sign-in', 'sign-up', 'sign-up-or-in', 'step-up', 'update-user'].map(key => ({fields: {}, key, kind: 'flow' as const})),
      ],
      projectId: 'P1',
      prune,
      tool: 'test',
    })

    it('says once, in the summary, how many a pruning plan keeps and why', () => {
      const text = renderPlan(builtInPlan(true), {color: false})
      const line = 'Kept: 3 permissions, 1 role, 5 flows that Descope provides; name them in the configuration to manage them (built-in permissions cannot be).'
      expect(text).to.equal(['No changes: the live project matches the configuration.', line].join('\n'))
      expect(builtInLine(builtInPlan(true))).to.equal(line)
    })

    it('says nothing about them without --prune, and nothing for an older plan without the field', () => {
      expect(renderPlan(builtInPlan(false), {color: false})).to.equal('No changes: the live project matches the configuration.')
      expect(builtInLine({})).to.equal(undefined)
    })
  })
})
