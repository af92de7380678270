/**
 * Every endpoint function of src/lib/api, called against the emulator: each request the tool
 * sends and each answer the emulator gives must match Descope's OpenAPI (the committed subset),
 * and together they must reach every operation of the subset.
 */
import {expect} from 'chai'

import type {DescopeClient} from '../../src/lib/api/types.js'

import {type RunningEmulator, startEmulator} from '../../plugins/plugin-emulator/src/index.js'
import {resetCircuitBreakers} from '../../src/lib/api/breaker.js'
import {createDescopeClient} from '../../src/lib/api/client.js'
import {
  deleteFlows, exportFlow, importFlow, listFlows,
} from '../../src/lib/api/flows.js'
import {
  createPermission, createPermissions, deletePermission, deletePermissions, loadAllPermissions, updatePermission, updatePermissions,
} from '../../src/lib/api/permissions.js'
import {resetRateLimiters} from '../../src/lib/api/rate-limiter.js'
import {
  createRole, createRoles, deleteRole, deleteRoles, loadAllRoles, loadRoleAll, searchRoles, updateRole, updateRoles,
} from '../../src/lib/api/roles.js'
import {
  configureTenantSettings, createTenant, deleteTenant, loadAllTenants, loadTenant, loadTenantSettings, searchTenants, updateTenant,
} from '../../src/lib/api/tenants.js'
import {exportTheme, importTheme} from '../../src/lib/api/themes.js'
import {flowFromV2} from '../../src/lib/flows/format.js'
import {signIn} from '../helpers/flows.js'
import {checkTraffic, Contract} from './openapi-contract.js'

const PROJECT = {id: 'P2ContractApiProject00000001', managementKey: 'K2ContractApiManagementKey000001'}

describe('contract: every src/lib/api endpoint against the emulator', function () {
  this.timeout(30_000)
  const contract = new Contract()
  let emulator: RunningEmulator
  let client: DescopeClient

  before(async () => {
    resetCircuitBreakers()
    resetRateLimiters()
    emulator = await startEmulator({
      newProjects: 'empty', rateLimit: 'off', logBodies: true, port: 0, projects: [PROJECT],
    })
    client = createDescopeClient({
      baseUrl: emulator.url, managementKey: PROJECT.managementKey, projectId: PROJECT.id, retry: {limit: 0},
    })
  })

  after(async () => {
    await emulator?.stop()
    resetCircuitBreakers()
    resetRateLimiters()
  })

  it('sends and receives only fields and types the OpenAPI declares, on all its operations', async () => {
    await createPermission(client, {description: 'Read reports', name: 'reports.read'})
    await createPermissions(client, [{description: 'Write reports', name: 'reports.write'}, {name: 'reports.audit'}])
    await updatePermission(client, {description: 'Read every report', name: 'reports.read', newName: 'reports.read'})
    await updatePermissions(client, [{description: 'Audit reports', name: 'reports.audit', newName: 'reports.audit'}])
    expect((await loadAllPermissions(client)).map(permission => permission.name)).to.include.members(['reports.read', 'reports.write', 'reports.audit'])

    const holding = await createTenant(client, {
      customAttributes: {}, enforceSSO: false, id: 'holding', name: 'Holding', selfProvisioningDomains: ['holding.example'],
    })
    const generated = await createTenant(client, {name: 'Generated Id'})
    await createTenant(client, {
      id: 'holding-eu', name: 'Holding EU', parent: holding.id, roleInheritance: 'userOnly',
    })
    await updateTenant(client, {
      disabled: false, enforceSSO: true, enforceSSOExclusions: ['admin@holding.example'], id: 'holding', name: 'Holding Group', selfProvisioningDomains: ['holding.example'],
    })
    expect((await loadTenant(client, 'holding')).name).to.equal('Holding Group')
    expect((await loadAllTenants(client)).map(tenant => tenant.id)).to.include.members(['holding', 'holding-eu', generated.id])
    expect((await searchTenants(client, {tenantIds: ['holding-eu']})).map(tenant => tenant.parent)).to.deep.equal(['holding'])
    const settings = await loadTenantSettings(client, 'holding')
    await configureTenantSettings(client, {
      ...settings, enabled: true, sessionTokenExpiration: 15, sessionTokenExpirationUnit: 'minutes', tenantId: 'holding',
    })
    expect(await loadTenantSettings(client, 'holding')).to.include({enabled: true, sessionTokenExpiration: 15})

    await createRole(client, {description: 'Reads reports', name: 'Viewer', permissionNames: ['reports.read']})
    await createRole(client, {
      default: false, name: 'Auditor', permissionNames: ['reports.audit'], private: true, tenantId: 'holding',
    })
    await createRoles(client, [{name: 'Writer', permissionNames: ['reports.write']}, {name: 'Reader', tenantId: 'holding-eu'}])
    await updateRole(client, {
      default: true, description: 'Reads every report', name: 'Viewer', newName: 'Viewer', permissionNames: ['reports.read'],
    })
    await updateRoles(client, [{name: 'Writer', newName: 'Writer', permissionNames: ['reports.write', 'reports.read']}])
    expect((await loadAllRoles(client)).map(role => role.name)).to.include.members(['Viewer', 'Auditor', 'Writer', 'Reader'])
    expect((await searchRoles(client, {includeProjectRoles: true, tenantIds: ['holding']})).map(role => role.name)).to.include('Auditor')
    expect((await loadRoleAll(client)).map(role => role.name)).to.include.members(['Viewer', 'Writer'])

    const flow = flowFromV2(signIn(), 'sign-in')
    await importFlow(client, 'sign-in', flow)
    await importFlow(client, 'sign-in-copy', flow)
    expect((await listFlows(client)).map(entry => entry.id)).to.include.members(['sign-in', 'sign-in-copy'])
    expect((await listFlows(client, ['sign-in'])).map(entry => entry.id)).to.deep.equal(['sign-in'])
    expect((await exportFlow(client, 'sign-in')).flowId).to.equal('sign-in')
    await deleteFlows(client, ['sign-in-copy'])

    const theme = await exportTheme(client)
    await importTheme(client, {...theme, styles: {...theme.styles, light: {globals: {colors: {primary: {main: '#123456'}}}}}})

    await deleteRole(client, 'Auditor', {tenantId: 'holding'})
    await deleteRoles(client, ['Reader'], {tenantId: 'holding-eu'})
    await deleteRoles(client, ['Writer'])
    await deleteRole(client, 'Viewer')
    await deletePermission(client, 'reports.audit')
    await deletePermissions(client, ['reports.write', 'reports.read'])
    await deleteTenant(client, 'holding-eu')
    await deleteTenant(client, generated.id, {cascade: true})

    const {problems, reached, total} = await checkTraffic(emulator, contract)
    expect(total).to.be.greaterThan(30)
    expect(problems, problems.join('\n')).to.deep.equal([])
    expect([...reached].sort()).to.deep.equal(Object.keys(contract.subset.operations).sort())
  })
})
