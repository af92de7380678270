import {expect} from 'chai'

import type {RunningEmulator} from '../../../plugins/plugin-emulator/src/index.js'

import {errorStyles, startEmulator} from '../../../plugins/plugin-emulator/src/index.js'
import {
  admin, Api, apiFor, type DescopeErrorBody,
} from './helpers.js'

interface WireTenant {
  id: string
  name: string
  parent: string
  successors: string[]
  createdTime: number
  [field: string]: unknown
}

const startTime = Date.UTC(2026, 2, 2, 9, 15)

for (const errorStyle of errorStyles) describe(`emulator tenant routes (error style ${errorStyle})`, () => {
  let emulator: RunningEmulator
  let api: Api
  /** The status of a missing and of a duplicate tenant in this style. */
  const notFound = errorStyle === 'rest' ? 404 : 400
  const exists = errorStyle === 'rest' ? 409 : 400

  before(async () => {
    emulator = await startEmulator({
      errorStyle, newProjects: 'empty', now: () => startTime, port: 0, rateLimit: 'off',
    })
    api = apiFor(emulator)
  })

  beforeEach(() => emulator.admin.reset())

  after(() => emulator.stop())

  const create = (body: Record<string, unknown>) => api.post<DescopeErrorBody & {id: string}>('/v1/mgmt/tenant/create', body)
  const load = (id: string) => api.get<DescopeErrorBody & WireTenant>(`/v1/mgmt/tenant?id=${encodeURIComponent(id)}`)
  const search = async (body: Record<string, unknown>) => {
    const response = await api.post<{tenants: WireTenant[]}>('/v1/mgmt/tenant/search', body)
    expect(response.status).to.equal(200)
    return response.body.tenants.map(tenant => tenant.id)
  }

  describe('create', () => {
    it('creates a tenant with the given id and every field, and loads it flat', async () => {
      const body = {
        customAttributes: {
          plan: 'gold', regions: ['eu', 'us'], seats: 10, trial: false, unset: null,
        },
        disabled: true,
        enforceSSO: true,
        enforceSSOExclusions: ['admin@acme.com'],
        federatedAppIds: ['app1'],
        id: 'acme',
        name: 'Acme',
        roleInheritance: 'userOnly',
        selfProvisioningDomains: ['acme.com'],
      }
      expect((await create(body)).body).to.deep.equal({id: 'acme'})
      const loaded = await load('acme')
      expect(loaded.status).to.equal(200)
      expect(loaded.body).to.deep.equal({
        ...body,
        authType: 'none',
        createdTime: Math.floor(startTime / 1000),
        defaultRoles: [],
        domains: [],
        parent: '',
        successors: [],
      })
    })

    it('generates a T + 27 alphanumerics id when id is absent or empty', async () => {
      const absent = await create({name: 'No id'})
      const empty = await create({id: '', name: 'Empty id'})
      for (const response of [absent, empty]) {
        expect(response.status).to.equal(200)
        expect(response.body.id).to.match(/^T[A-Za-z\d]{27}$/)
      }

      expect(absent.body.id).to.not.equal(empty.body.id)
    })

    it('treats null and "" as not provided, and false as a value (go zero values)', async () => {
      await create({
        customAttributes: null, disabled: false, enforceSSO: null, id: 'go', name: 'Go', roleInheritance: '', selfProvisioningDomains: null,
      })
      expect((await load('go')).body).to.deep.include({
        customAttributes: {}, disabled: false, enforceSSO: false, roleInheritance: '', selfProvisioningDomains: [],
      })
    })

    it('refuses a duplicate id and a duplicate name with alreadyExists (E011409, "Tenant already exists")', async () => {
      await create({id: 'acme', name: 'Acme'})
      for (const duplicate of [{id: 'acme', name: 'Other'}, {id: 'other', name: 'Acme'}]) {
        const response = await create(duplicate)
        expect(response.status).to.equal(exists)
        expect(response.body).to.include({errorCode: 'E011409', errorDescription: 'Tenant already exists'})
        expect(response.body.errorMessage).to.match(/already exists/)
      }
    })

    it('requires the parent to exist (E011404, "Tenant not found") and links parent and successors', async () => {
      const missing = await create({id: 'child', name: 'Child', parent: 'nope'})
      expect(missing.status).to.equal(notFound)
      expect(missing.body).to.include({errorCode: 'E011404', errorDescription: 'Tenant not found', errorMessage: 'Tenant "nope" does not exist'})

      await create({id: 'acme', name: 'Acme'})
      await create({id: 'acme-eu', name: 'Acme EU', parent: 'acme'})
      expect((await load('acme')).body.successors).to.deep.equal(['acme-eu'])
      expect((await load('acme-eu')).body.parent).to.equal('acme')
    })

    it('answers a missing name with E011002', async () => {
      for (const name of [undefined, '', null]) {
        const response = await create({id: 'x', name})
        expect(response.status).to.equal(400)
        expect(response.body.errorCode).to.equal('E011002')
        expect(response.body.errorMessage).to.contain('"name"')
      }
    })

    const wrongTypes: Array<[string, unknown]> = [
      ['name', 5],
      ['id', 7],
      ['selfProvisioningDomains', 'acme.com'],
      ['selfProvisioningDomains', [1]],
      ['customAttributes', ['a']],
      ['customAttributes', {nested: {deep: true}}],
      ['enforceSSO', 'yes'],
      ['enforceSSOExclusions', 'a'],
      ['disabled', 1],
      ['parent', true],
      ['roleInheritance', 'all'],
      ['federatedAppIds', {}],
      ['authType', 3],
    ]
    for (const [field, value] of wrongTypes) {
      it(`answers ${field}: ${JSON.stringify(value)} with E011003`, async () => {
        const response = await create({name: 'Typed', [field]: value})
        expect(response.status).to.equal(400)
        expect(response.body.errorCode).to.equal('E011003')
        expect(response.body.errorMessage).to.contain(field)
        expect((await api.get<{tenants: unknown[]}>('/v1/mgmt/tenant/all')).body.tenants).to.have.length(0)
      })
    }
  })

  describe('update', () => {
    beforeEach(async () => {
      await create({
        customAttributes: {plan: 'gold'}, enforceSSO: true, id: 'acme', name: 'Acme', selfProvisioningDomains: ['acme.com'],
      })
      await create({id: 'acme-eu', name: 'Acme EU', parent: 'acme'})
    })

    it('overrides every field, resetting those not sent, and keeps id, parent and createdTime', async () => {
      const response = await api.post('/v1/mgmt/tenant/update', {
        id: 'acme-eu', name: 'Acme Europe', parent: 'ignored', selfProvisioningDomains: ['acme.eu'],
      })
      expect(response.status).to.equal(200)
      expect(response.body).to.deep.equal({})
      expect((await load('acme-eu')).body).to.deep.include({
        customAttributes: {},
        enforceSSO: false,
        id: 'acme-eu',
        name: 'Acme Europe',
        parent: 'acme',
        selfProvisioningDomains: ['acme.eu'],
      })
      await api.post('/v1/mgmt/tenant/update', {id: 'acme', name: 'Acme'})
      expect((await load('acme')).body).to.deep.include({customAttributes: {}, enforceSSO: false, selfProvisioningDomains: []})
    })

    it('clears federatedAppIds and resets authType to "none" when the update leaves them out', async () => {
      await create({
        authType: 'saml', federatedAppIds: ['app1'], id: 'fed', name: 'Fed',
      })
      await api.post('/v1/mgmt/tenant/update', {id: 'fed', name: 'Fed 2'})
      expect((await load('fed')).body).to.deep.include({authType: 'none', federatedAppIds: [], name: 'Fed 2'})
      await api.post('/v1/mgmt/tenant/update', {
        authType: 'oidc', federatedAppIds: ['app2'], id: 'fed', name: 'Fed 3',
      })
      expect((await load('fed')).body).to.deep.include({authType: 'oidc', federatedAppIds: ['app2']})
    })

    it('keeps authType on an update without it behind the tenantUpdateKeepsAuthType behaviour (admin API), back to the default on reset', async () => {
      expect((await admin(emulator, 'GET', '/emulator/behaviour')).body).to.deep.equal({roleAllIncludesTenantRoles: false, tenantUpdateKeepsAuthType: false})
      const set = await admin(emulator, 'POST', '/emulator/behaviour', {tenantUpdateKeepsAuthType: true})
      expect(set.body).to.deep.equal({roleAllIncludesTenantRoles: false, tenantUpdateKeepsAuthType: true})
      await create({
        authType: 'saml', federatedAppIds: ['app1'], id: 'fed', name: 'Fed',
      })
      await api.post('/v1/mgmt/tenant/update', {id: 'fed', name: 'Fed 2'})
      expect((await load('fed')).body).to.deep.include({authType: 'saml', federatedAppIds: []})
      const unknown = await admin<DescopeErrorBody>(emulator, 'POST', '/emulator/behaviour', {keepEverything: true})
      expect(unknown.status).to.equal(400)
      expect(unknown.body.errorMessage).to.contain('keepEverything').and.contain('tenantUpdateKeepsAuthType')
      await emulator.admin.reset()
      expect((await admin(emulator, 'GET', '/emulator/behaviour')).body).to.deep.equal({roleAllIncludesTenantRoles: false, tenantUpdateKeepsAuthType: false})
    })

    it('frees the old name on rename and takes the new one; a delete frees the name too', async () => {
      await api.post('/v1/mgmt/tenant/update', {id: 'acme', name: 'Acme Corp'})
      expect((await create({id: 'new-acme', name: 'Acme'})).status).to.equal(200)
      expect((await create({id: 'copy', name: 'Acme Corp'})).status).to.equal(exists)
      await api.post('/v1/mgmt/tenant/delete', {id: 'new-acme'})
      expect((await create({id: 'again', name: 'Acme'})).status).to.equal(200)
    })

    it('answers an unknown id with not found, a taken name with already exists, a missing name with E011002', async () => {
      expect((await api.post<DescopeErrorBody>('/v1/mgmt/tenant/update', {id: 'nope', name: 'X'})).body.errorCode).to.equal('E011404')
      expect((await api.post<DescopeErrorBody>('/v1/mgmt/tenant/update', {id: 'acme-eu', name: 'Acme'})).body.errorCode).to.equal('E011409')
      expect((await api.post<DescopeErrorBody>('/v1/mgmt/tenant/update', {id: 'acme'})).body.errorCode).to.equal('E011002')
      expect((await api.post<DescopeErrorBody>('/v1/mgmt/tenant/update', {id: 'acme', name: 'Acme', enforceSSO: 'no'})).body.errorCode).to.equal('E011003')
      expect((await load('acme')).body.enforceSSO).to.equal(true)
    })
  })

  describe('delete', () => {
    beforeEach(async () => {
      await create({id: 'acme', name: 'Acme'})
      await create({id: 'acme-eu', name: 'Acme EU', parent: 'acme'})
    })

    it('refuses to delete a tenant that has sub-tenants (E011003), then deletes bottom-up', async () => {
      const refused = await api.post<DescopeErrorBody>('/v1/mgmt/tenant/delete', {id: 'acme'})
      expect(refused.status).to.equal(400)
      expect(refused.body.errorCode).to.equal('E011003')
      expect(refused.body.errorMessage).to.contain('acme-eu')

      expect((await api.post('/v1/mgmt/tenant/delete', {cascade: true, id: 'acme-eu'})).status).to.equal(200)
      expect((await api.post('/v1/mgmt/tenant/delete', {id: 'acme'})).status).to.equal(200)
      expect((await load('acme')).status).to.equal(notFound)
    })

    it('deletes the roles of the tenant with it', async () => {
      await api.post('/v1/mgmt/role/create', {name: 'eu-admin', tenantId: 'acme-eu'})
      await api.post('/v1/mgmt/tenant/delete', {id: 'acme-eu'})
      expect((await api.get<{roles: unknown[]}>('/v1/mgmt/role/all')).body.roles).to.deep.equal([])
    })

    it('answers an unknown id with not found, a missing id with E011002 and a non-boolean cascade with E011003', async () => {
      expect((await api.post<DescopeErrorBody>('/v1/mgmt/tenant/delete', {id: 'nope'})).status).to.equal(notFound)
      expect((await api.post<DescopeErrorBody>('/v1/mgmt/tenant/delete', {})).body.errorCode).to.equal('E011002')
      expect((await api.post<DescopeErrorBody>('/v1/mgmt/tenant/delete', {cascade: 'yes', id: 'acme-eu'})).body.errorCode).to.equal('E011003')
    })
  })

  describe('load and loadAll', () => {
    it('answers load without an id with E011002 and an unknown id with not found', async () => {
      expect((await api.get<DescopeErrorBody>('/v1/mgmt/tenant')).body.errorCode).to.equal('E011002')
      const missing = await load('nope')
      expect(missing.status).to.equal(notFound)
      expect(missing.body.errorMessage).to.contain('nope')
    })

    it('lists every tenant in creation order under "tenants"', async () => {
      await create({id: 'b', name: 'B'})
      await create({id: 'a', name: 'A', parent: 'b'})
      const response = await api.get<{tenants: WireTenant[]}>('/v1/mgmt/tenant/all')
      expect(response.body.tenants.map(tenant => [tenant.id, tenant.parent, tenant.successors])).to.deep.equal([
        ['b', '', ['a']],
        ['a', 'b', []],
      ])
    })
  })

  describe('search', () => {
    beforeEach(async () => {
      await create({
        customAttributes: {plan: 'gold', seats: 10}, id: 'acme', name: 'Acme', selfProvisioningDomains: ['acme.com'],
      })
      await create({
        customAttributes: {plan: 'silver'}, id: 'acme-eu', name: 'Acme EU', parent: 'acme', selfProvisioningDomains: ['acme.eu'],
      })
      await create({id: 'globex', name: 'Globex'})
      await api.post('/v1/mgmt/tenant/settings', {authType: 'saml', domains: ['globex.com'], tenantId: 'globex'})
    })

    it('returns everything for an empty search', async () => {
      expect(await search({})).to.deep.equal(['acme', 'acme-eu', 'globex'])
    })

    it('filters by each criterion', async () => {
      expect(await search({tenantIds: ['acme', 'globex']})).to.deep.equal(['acme', 'globex'])
      expect(await search({tenantNames: ['Acme EU']})).to.deep.equal(['acme-eu'])
      expect(await search({tenantSelfProvisioningDomains: ['acme.eu', 'other.com']})).to.deep.equal(['acme-eu'])
      expect(await search({customAttributes: {plan: 'gold'}})).to.deep.equal(['acme'])
      expect(await search({customAttributes: {plan: ['gold', 'silver']}})).to.deep.equal(['acme', 'acme-eu'])
      expect(await search({customAttributes: {plan: 'gold', seats: 11}})).to.deep.equal([])
      expect(await search({authType: 'saml'})).to.deep.equal(['globex'])
      expect(await search({tenantSSODomains: ['globex.com']})).to.deep.equal(['globex'])
      expect(await search({parentTenantId: 'acme'})).to.deep.equal(['acme-eu'])
      expect(await search({topLevelOnly: true})).to.deep.equal(['acme', 'globex'])
    })

    it('combines criteria with AND and treats empty lists as no filter', async () => {
      expect(await search({tenantIds: [], tenantNames: ['Acme', 'Globex'], topLevelOnly: true})).to.deep.equal(['acme', 'globex'])
      expect(await search({parentTenantId: 'acme', tenantNames: ['Acme']})).to.deep.equal([])
    })

    it('answers a filter of the wrong type with E011003', async () => {
      const response = await api.post<DescopeErrorBody>('/v1/mgmt/tenant/search', {tenantIds: 'acme'})
      expect(response.status).to.equal(400)
      expect(response.body.errorCode).to.equal('E011003')
    })
  })

  describe('settings', () => {
    beforeEach(() => create({id: 'acme', name: 'Acme', selfProvisioningDomains: ['acme.com']}))

    const defaults = {
      enabled: false,
      enableInactivity: false,
      inactivityTime: 12,
      inactivityTimeUnit: 'hours',
      JITDisabled: false,
      refreshTokenExpiration: 4,
      refreshTokenExpirationUnit: 'weeks',
      sessionTokenExpiration: 10,
      sessionTokenExpirationUnit: 'minutes',
      stepupTokenExpiration: 10,
      stepupTokenExpirationUnit: 'minutes',
    }

    it('exist with defaults from the creation of the tenant, beside its tenant-level fields', async () => {
      const response = await api.get('/v1/mgmt/tenant/settings?id=acme')
      expect(response.body).to.deep.equal({
        ...defaults, authType: 'none', domains: [], selfProvisioningDomains: ['acme.com'],
      })
    })

    it('go with their tenant: a tenant deleted then created again has the defaults', async () => {
      await api.post('/v1/mgmt/tenant/settings', {enabled: true, tenantId: 'acme'})
      await api.post('/v1/mgmt/tenant/delete', {id: 'acme'})
      expect((await api.get<DescopeErrorBody>('/v1/mgmt/tenant/settings?id=acme')).status).to.equal(errorStyle === 'rest' ? 404 : 400)
      await create({id: 'acme', name: 'Acme'})
      expect((await api.get('/v1/mgmt/tenant/settings?id=acme')).body).to.deep.include({enabled: false})
    })

    it("refuses settings outside Descope's limits, naming the field", async () => {
      const refused = async (body: Record<string, unknown>) => {
        const response = await api.post<DescopeErrorBody>('/v1/mgmt/tenant/settings', {...body, tenantId: 'acme'})
        expect(response.status).to.equal(400)
        expect(response.body.errorCode).to.equal('E011003')
        return response.body.errorMessage
      }

      expect(await refused({sessionTokenExpiration: 2, sessionTokenExpirationUnit: 'minutes'})).to.contain('sessionTokenExpiration')
      expect(await refused({stepupTokenExpiration: 2})).to.contain('stepupTokenExpiration')
      expect(await refused({
        refreshTokenExpiration: 1, refreshTokenExpirationUnit: 'hours', sessionTokenExpiration: 2, sessionTokenExpirationUnit: 'hours',
      })).to.contain('refreshTokenExpiration')
      expect(await refused({inactivityTime: 9, inactivityTimeUnit: 'minutes'})).to.contain('inactivityTime')
      expect(await refused({sessionTokenExpiration: 4.5})).to.contain('whole number')
      expect((await api.get('/v1/mgmt/tenant/settings?id=acme')).body).to.deep.include({sessionTokenExpiration: 10})
      expect((await api.post('/v1/mgmt/tenant/settings', {inactivityTime: 10, inactivityTimeUnit: 'minutes', tenantId: 'acme'})).status).to.equal(200)
    })

    it('stores every setting, and overrides the previous ones entirely', async () => {
      const settings = {
        authType: 'oidc',
        domains: ['acme.com'],
        enableInactivity: true,
        enabled: true,
        inactivityTime: 30,
        inactivityTimeUnit: 'minutes',
        JITDisabled: false,
        refreshTokenExpiration: 4,
        refreshTokenExpirationUnit: 'weeks',
        selfProvisioningDomains: ['acme.org'],
        sessionTokenExpiration: 10,
        sessionTokenExpirationUnit: 'minutes',
        ssoSetupSuiteSettings: {enabled: true, styleId: 'brand'},
        stepupTokenExpiration: 5,
        stepupTokenExpirationUnit: 'minutes',
      }
      expect((await api.post('/v1/mgmt/tenant/settings', {...settings, tenantId: 'acme'})).status).to.equal(200)
      expect((await api.get('/v1/mgmt/tenant/settings?id=acme')).body).to.deep.equal(settings)
      expect((await load('acme')).body).to.deep.include({authType: 'oidc', domains: ['acme.com'], selfProvisioningDomains: ['acme.org']})

      await api.post('/v1/mgmt/tenant/settings', {enabled: false, tenantId: 'acme'})
      expect((await api.get('/v1/mgmt/tenant/settings?id=acme')).body).to.deep.equal({
        ...defaults, authType: 'none', domains: [], enabled: false, selfProvisioningDomains: [],
      })
    })

    it("accepts node-sdk's capitalised InactivityTime and InactivityTimeUnit", async () => {
      await api.post('/v1/mgmt/tenant/settings', {
        enableInactivity: true, InactivityTime: 45, InactivityTimeUnit: 'hours', tenantId: 'acme',
      })
      expect((await api.get('/v1/mgmt/tenant/settings?id=acme')).body).to.deep.include({inactivityTime: 45, inactivityTimeUnit: 'hours'})
    })

    it('validates settings: missing tenantId, unknown tenant, wrong types and units', async () => {
      expect((await api.post<DescopeErrorBody>('/v1/mgmt/tenant/settings', {enabled: true})).body.errorCode).to.equal('E011002')
      expect((await api.post('/v1/mgmt/tenant/settings', {tenantId: 'nope'})).status).to.equal(notFound)
      expect((await api.post<DescopeErrorBody>('/v1/mgmt/tenant/settings', {enabled: 'yes', tenantId: 'acme'})).body.errorCode).to.equal('E011003')
      expect((await api.post<DescopeErrorBody>('/v1/mgmt/tenant/settings', {sessionTokenExpirationUnit: 'years', tenantId: 'acme'})).body.errorCode).to.equal('E011003')
      expect((await api.get<DescopeErrorBody>('/v1/mgmt/tenant/settings')).body.errorCode).to.equal('E011002')
      expect((await api.get('/v1/mgmt/tenant/settings?id=nope')).status).to.equal(notFound)
    })
  })

  describe('default roles', () => {
    beforeEach(async () => {
      await create({id: 'acme', name: 'Acme'})
      await api.post('/v1/mgmt/role/create', {name: 'viewer'})
      await api.post('/v1/mgmt/role/create', {name: 'tenant-only', tenantId: 'acme'})
    })

    it('sets default roles that are project roles', async () => {
      expect((await api.post('/v1/mgmt/tenant/updateDefaultRoles', {defaultRoles: ['viewer'], id: 'acme'})).status).to.equal(200)
      expect((await load('acme')).body.defaultRoles).to.deep.equal(['viewer'])
    })

    it('refuses unknown and tenant-scoped roles (E011003) and unknown tenants (not found)', async () => {
      for (const defaultRoles of [['nope'], ['tenant-only']]) {
        const response = await api.post<DescopeErrorBody>('/v1/mgmt/tenant/updateDefaultRoles', {defaultRoles, id: 'acme'})
        expect(response.body.errorCode).to.equal('E011003')
      }

      expect((await api.post('/v1/mgmt/tenant/updateDefaultRoles', {defaultRoles: [], id: 'nope'})).status).to.equal(notFound)
    })

    it('follows renames and deletions of the role', async () => {
      await api.post('/v1/mgmt/tenant/updateDefaultRoles', {defaultRoles: ['viewer'], id: 'acme'})
      await api.post('/v1/mgmt/role/update', {name: 'viewer', newName: 'reader'})
      expect((await load('acme')).body.defaultRoles).to.deep.equal(['reader'])
      await api.post('/v1/mgmt/role/delete', {name: 'reader'})
      expect((await load('acme')).body.defaultRoles).to.deep.equal([])
    })
  })
})
