import {expect} from 'chai'

import type {RunningEmulator} from '../../../plugins/plugin-emulator/src/index.js'

import {startEmulator} from '../../../plugins/plugin-emulator/src/index.js'
import {Api, apiFor, type DescopeErrorBody} from './helpers.js'

interface WireAudit {
  ID: string
  action: string
  occurred: string
  tenants: string[]
  userId: string
  actorId: string
  type: string
  data: Record<string, unknown>
  projectId: string
  remoteAddress: string
}

const startTime = Date.UTC(2026, 2, 2, 9, 15)

describe('emulator audit routes', () => {
  let emulator: RunningEmulator
  let api: Api
  const clock = {now: startTime}

  before(async () => {
    emulator = await startEmulator({
      newProjects: 'empty', rateLimit: 'off', now: () => clock.now, port: 0,
    })
    api = apiFor(emulator)
  })

  beforeEach(async () => {
    clock.now = startTime
    await emulator.admin.reset()
  })

  after(() => emulator.stop())

  const search = async (body: Record<string, unknown> = {}) => {
    const response = await api.post<{audits: WireAudit[]; total: number}>('/v1/mgmt/audit/search', body)
    expect(response.status).to.equal(200)
    return response.body
  }

  const event = (body: Record<string, unknown>) => api.post<DescopeErrorBody>('/v1/mgmt/audit/event', {
    actorId: 'ci', tenantId: 'acme', type: 'info', ...body,
  })

  describe('automatic records of mutations', () => {
    it('records one entry per successful mutation, named after the route, with the tenants involved', async () => {
      await api.post('/v1/mgmt/tenant/create', {id: 'acme', name: 'Acme'})
      clock.now += 1000
      await api.post('/v1/mgmt/tenant/create', {name: 'Generated'})
      clock.now += 1000
      await api.post('/v1/mgmt/role/create', {name: 'admin', tenantId: 'acme'})
      clock.now += 1000
      await api.post('/v1/mgmt/permission/create', {name: 'read'})
      await api.get('/v1/mgmt/tenant/all')
      await api.post('/v1/mgmt/tenant/create', {id: 'acme', name: 'Duplicate'})

      const {audits, total} = await search()
      expect(total).to.equal(4)
      const generated = (await api.get<{tenants: Array<{id: string}>}>('/v1/mgmt/tenant/all')).body.tenants[1].id
      expect(audits.map(audit => [audit.action, audit.tenants, audit.occurred])).to.deep.equal([
        ['permission.create', [], String(startTime + 3000)],
        ['role.create', ['acme'], String(startTime + 2000)],
        ['tenant.create', [generated], String(startTime + 1000)],
        ['tenant.create', ['acme'], String(startTime)],
      ])
      expect(audits[0]).to.deep.include({
        actorId: 'management-key', projectId: emulator.projects[0].id, remoteAddress: '127.0.0.1', type: 'info',
      })
      expect(audits[0].ID).to.be.a('string').and.not.equal('')
    })
  })

  describe('createEvent', () => {
    it('stores exactly the event (no automatic record on top)', async () => {
      expect((await event({action: 'Deployed', data: {version: '1.2'}, userId: 'u1'})).status).to.equal(200)
      const {audits, total} = await search()
      expect(total).to.equal(1)
      expect(audits[0]).to.deep.include({
        action: 'Deployed', actorId: 'ci', data: {version: '1.2'}, occurred: String(startTime), tenants: ['acme'], type: 'info', userId: 'u1',
      })
    })

    it('requires action, type, actorId and tenantId (E011002) and checks types (E011003)', async () => {
      for (const field of ['action', 'type', 'actorId', 'tenantId']) {
        const response = await event({action: 'x', [field]: undefined})
        expect(response.status, field).to.equal(400)
        expect(response.body.errorCode, field).to.equal('E011002')
      }

      expect((await event({action: 'x', type: 'fatal'})).body.errorCode).to.equal('E011003')
      expect((await event({action: 'x', data: 'text'})).body.errorCode).to.equal('E011003')
      expect((await search()).total).to.equal(0)
    })
  })

  describe('search', () => {
    beforeEach(async () => {
      const events = [
        {action: 'Login', tenantId: 'acme', userId: 'alice'},
        {
          action: 'Logout', tenantId: 'acme', type: 'warn', userId: 'bob',
        },
        {
          action: 'Login', tenantId: 'globex', type: 'error', userId: 'bob',
        },
      ]
      for (const body of events) {
        await event(body)
        clock.now += 60_000
      }
    })

    const actions = async (body: Record<string, unknown>) => (await search(body)).audits.map(audit => `${audit.action}:${audit.userId}`)

    it('answers newest first with occurred as a numeric string, and oldest first on request', async () => {
      const {audits} = await search()
      expect(audits.map(audit => audit.occurred)).to.deep.equal([String(startTime + 120_000), String(startTime + 60_000), String(startTime)])
      expect(await actions({oldestFirst: true})).to.deep.equal(['Login:alice', 'Logout:bob', 'Login:bob'])
    })

    it('filters by each criterion', async () => {
      expect(await actions({userIds: ['bob']})).to.deep.equal(['Login:bob', 'Logout:bob'])
      expect(await actions({actions: ['Logout']})).to.deep.equal(['Logout:bob'])
      expect(await actions({excludedActions: ['Login']})).to.deep.equal(['Logout:bob'])
      expect(await actions({tenants: ['globex']})).to.deep.equal(['Login:bob'])
      expect(await actions({auditTypes: ['warn', 'error']})).to.deep.equal(['Login:bob', 'Logout:bob'])
      expect(await actions({actorIds: ['someone-else']})).to.deep.equal([])
      expect(await actions({text: 'GLOBEX'})).to.deep.equal(['Login:bob'])
      expect(await actions({devices: ['Bot']})).to.deep.equal([])
      expect(await actions({methods: ['otp']})).to.deep.equal([])
      expect(await actions({geos: ['US']})).to.deep.equal([])
      expect(await actions({remoteAddresses: ['127.0.0.1']})).to.have.length(3)
      expect(await actions({externalIds: ['alice@acme.com']})).to.deep.equal([])
      expect(await actions({noTenants: true})).to.deep.equal([])
    })

    it('limits by from/to in ms, as numbers or numeric strings, both inclusive', async () => {
      expect(await actions({from: startTime + 60_000})).to.deep.equal(['Login:bob', 'Logout:bob'])
      expect(await actions({to: String(startTime + 60_000)})).to.deep.equal(['Logout:bob', 'Login:alice'])
      expect(await actions({from: String(startTime + 1), to: startTime + 60_000})).to.deep.equal(['Logout:bob'])
    })

    it('treats from/to of zero or below as unset (go sends time.Time{} as -62135596800000)', async () => {
      expect(await actions({from: -62_135_596_800_000, to: 0})).to.have.length(3)
      expect(await actions({from: '-62135596800000'})).to.have.length(3)
    })

    it('answers a non-numeric from with E011003', async () => {
      const response = await api.post<DescopeErrorBody>('/v1/mgmt/audit/search', {from: 'yesterday'})
      expect(response.status).to.equal(400)
      expect(response.body.errorCode).to.equal('E011003')
    })

    it('pages with size and page, and reports the total of all matches', async () => {
      expect(await search({page: 0, size: 2})).to.deep.include({total: 3})
      expect(await actions({page: 0, size: 2})).to.deep.equal(['Login:bob', 'Logout:bob'])
      expect(await actions({page: 1, size: 2})).to.deep.equal(['Login:alice'])
      expect(await actions({page: 2, size: 2})).to.deep.equal([])
    })
  })
})
