import {expect} from 'chai'

import type {ResourceItem} from '../../../src/lib/resources/types.js'

import {
  crossTargetWarning, desiredFromBackup, parseResourceNames, selectRestoreKinds,
} from '../../../src/lib/backup/restore.js'
import {CliError} from '../../../src/lib/errors.js'
import {buildPlan} from '../../../src/lib/plan/build.js'
import {tenantItem, tenantsKind} from '../../../src/lib/resources/tenants.js'
import {fakeKind, role} from './helpers.js'

const rolesKind = fakeKind('role', 'roles', [], 1)
const permissionsKind = fakeKind('permission', 'permissions', [], 0)

function thrown(action: () => unknown): CliError {
  try {
    action()
  } catch (error) {
    return error as CliError
  }

  throw new Error('expected an error')
}

describe('restore', () => {
  describe('selectRestoreKinds', () => {
    const available = [permissionsKind, rolesKind, tenantsKind]

    it('restores every kind of the backup this build knows, and names the others', () => {
      const selection = selectRestoreKinds(['tenants', 'roles', 'flows'], undefined, available)
      expect(selection.kinds.map(kind => kind.plural)).to.deep.equal(['roles', 'tenants'])
      expect(selection.notRestorable).to.deep.equal(['flows'])
    })

    it('restores only the kinds asked for (comma-separated or repeated)', () => {
      expect(parseResourceNames(['tenants, roles', 'tenants'])).to.deep.equal(['tenants', 'roles'])
      const selection = selectRestoreKinds(['tenants', 'roles', 'permissions'], ['tenants'], available)
      expect(selection.kinds.map(kind => kind.plural)).to.deep.equal(['tenants'])
      expect(selection.notRestorable).to.deep.equal([])
    })

    it('refuses a kind the backup does not hold, or that this build cannot restore, with exit 3', () => {
      const missing = thrown(() => selectRestoreKinds(['tenants'], ['roles'], available))
      expect(missing.exitCode).to.equal(3)
      expect(missing.message).to.equal('The backup has no roles: it holds tenants.')

      const unknown = thrown(() => selectRestoreKinds(['tenants', 'flows'], ['flows'], available))
      expect(unknown.exitCode).to.equal(3)
      expect(unknown.message).to.contain('cannot restore flows')

      const nothing = thrown(() => selectRestoreKinds(['flows'], undefined, available))
      expect(nothing.code).to.equal('nothing_to_restore')
    })
  })

  describe('the restore plan', () => {
    const backupItems: Record<string, ResourceItem[]> = {
      roles: [role('admin')],
      tenants: [
        tenantItem({
          customAttributes: {plan: 'gold'}, id: 'acme', name: 'Acme', selfProvisioningDomains: ['acme.com'],
        }),
        tenantItem({id: 'beta', name: 'Beta'}),
        tenantItem({id: 'gamma', name: 'Gamma'}),
      ],
    }

    it('takes the backup items of the chosen kinds as the desired state', () => {
      expect(desiredFromBackup({items: backupItems}, [tenantsKind]).map(item => item.key)).to.deep.equal(['acme', 'beta', 'gamma'])
      expect(desiredFromBackup({items: backupItems}, [rolesKind, tenantsKind])).to.have.length(4)
    })

    it('plans exactly the differences between the backup and the live project', () => {
      const live = [
        tenantItem({
          customAttributes: {plan: 'silver'}, id: 'acme', name: 'Acme Corp', selfProvisioningDomains: ['acme.com'],
        }),
        tenantItem({id: 'beta', name: 'Beta'}),
        tenantItem({id: 'delta', name: 'Delta (created after the backup)'}),
      ]
      const plan = buildPlan({
        desired: desiredFromBackup({items: backupItems}, [tenantsKind]), kinds: [tenantsKind], live, projectId: 'P1', prune: false, tool: 'test',
      })
      expect(plan.changes.map(change => [change.action, change.key])).to.deep.equal([['update', 'acme'], ['create', 'gamma']])
      expect(plan.changes[0].fields).to.deep.equal([
        {
          after: 'gold', before: 'silver', kind: 'changed', path: 'customAttributes.plan',
        },
        {
          after: 'Acme', before: 'Acme Corp', kind: 'changed', path: 'name',
        },
      ])
      expect(plan.skipped.map(skip => [skip.key, skip.reason])).to.deep.equal([['delta', 'unmanaged']])

      const pruned = buildPlan({
        desired: desiredFromBackup({items: backupItems}, [tenantsKind]), kinds: [tenantsKind], live, projectId: 'P1', prune: true, tool: 'test',
      })
      expect(pruned.changes.map(change => [change.action, change.key])).to.deep.equal([['update', 'acme'], ['create', 'gamma'], ['delete', 'delta']])
    })
  })

  describe('crossTargetWarning', () => {
    it('says nothing when restoring where the backup came from', () => {
      expect(crossTargetWarning('B', {environment: 'prod', projectId: 'P1'}, {environment: 'prod', projectId: 'P1'})).to.equal(undefined)
      expect(crossTargetWarning('B', {projectId: 'P1'}, {environment: 'prod', projectId: 'P1'})).to.equal(undefined)
    })

    it('names both projects loudly when restoring into another project', () => {
      const warning = crossTargetWarning('20250101T000000Z-manual', {environment: 'production', projectId: 'P1'}, {environment: 'staging', projectId: 'P2'})
      expect(warning).to.contain('RESTORING INTO A DIFFERENT PROJECT')
      expect(warning).to.contain('taken from project P1 (environment "production")')
      expect(warning).to.contain('targets project P2 (environment "staging")')
    })

    it('warns about another environment of the same project', () => {
      expect(crossTargetWarning('B', {environment: 'blue', projectId: 'P1'}, {environment: 'green', projectId: 'P1'})).to.contain('DIFFERENT ENVIRONMENT')
    })
  })
})
