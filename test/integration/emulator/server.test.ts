import {expect} from 'chai'

import type {RunningEmulator} from '../../../plugins/plugin-emulator/src/index.js'

import {errorStyles, startEmulator} from '../../../plugins/plugin-emulator/src/index.js'
import {
  Api, apiFor, type DescopeErrorBody, httpRequest,
} from './helpers.js'

const first = {id: 'P2FirstProject00000000000001', managementKey: 'K2FirstProjectManagementKey00001', name: 'first'}
const second = {id: 'P2SecondProject0000000000001', managementKey: 'K2SecondProjectManagementKey0001', name: 'second'}

describe('emulator HTTP server', () => {
  let emulator: RunningEmulator
  let api: Api

  before(async () => {
    emulator = await startEmulator({
      newProjects: 'empty', rateLimit: 'off', port: 0, projects: [first, second],
    })
    api = new Api(emulator, first.id, first.managementKey)
  })

  after(() => emulator.stop())

  describe('authentication', () => {
    const authorized = (authorization?: string) =>
      api.request<DescopeErrorBody>('GET', '/v1/mgmt/tenant/all', {headers: authorization === undefined ? {authorization: ''} : {authorization}})

    it('accepts the project id and its own key', async () => {
      const response = await authorized(`Bearer ${first.id}:${first.managementKey}`)
      expect(response.status).to.equal(200)
      expect(response.body).to.deep.equal({tenants: []})
    })

    it('answers 401 in Descope shape without an Authorization header', async () => {
      const response = await authorized()
      expect(response.status).to.equal(401)
      expect(response.body.errorCode).to.equal('E011101')
      expect(response.body).to.have.all.keys('errorCode', 'errorDescription', 'errorMessage')
    })

    for (const malformed of ['Basic abc', 'Bearer', `Bearer ${first.id}:`, `Bearer :${first.managementKey}`, 'Bearer a b']) {
      it(`answers 401 to the malformed header "${malformed}"`, async () => {
        const response = await authorized(malformed)
        expect(response.status).to.equal(401)
        expect(response.body.errorCode).to.equal('E011101')
      })
    }

    it('answers 401 for an unknown project', async () => {
      const response = await authorized(`Bearer P2UnknownProject000000000001:${first.managementKey}`)
      expect(response.status).to.equal(401)
      expect(response.body.errorMessage).to.contain('P2UnknownProject000000000001')
    })

    it('answers 401 for a wrong key, and never echoes the key', async () => {
      const wrongKey = `${first.managementKey}-wrong`
      const response = await authorized(`Bearer ${first.id}:${wrongKey}`)
      expect(response.status).to.equal(401)
      expect(JSON.stringify(response.body)).to.not.contain(wrongKey)
    })

    it('answers 403 for the key of another project', async () => {
      const response = await authorized(`Bearer ${first.id}:${second.managementKey}`)
      expect(response.status).to.equal(403)
      expect(response.body.errorCode).to.equal('E011102')
      expect(JSON.stringify(response.body)).to.not.contain(second.managementKey)
    })

    it('accepts a bare key for company-level calls, serving the project that owns it', async () => {
      const response = await authorized(`Bearer ${second.managementKey}`)
      expect(response.status).to.equal(200)
      const stats = await emulator.stats()
      expect(stats.projects[second.id].requests).to.be.greaterThan(0)
    })
  })

  describe('bodies', () => {
    it('answers malformed JSON with 400 E011001', async () => {
      const response = await api.request<DescopeErrorBody>('POST', '/v1/mgmt/tenant/create', {body: '{"name": '})
      expect(response.status).to.equal(400)
      expect(response.body.errorCode).to.equal('E011001')
      expect(response.body.errorMessage).to.match(/not valid JSON/)
    })

    it('answers a JSON body that is not an object with 400 E011001', async () => {
      const response = await api.request<DescopeErrorBody>('POST', '/v1/mgmt/tenant/search', {body: '[1, 2]'})
      expect(response.status).to.equal(400)
      expect(response.body.errorCode).to.equal('E011001')
    })

    it('treats an empty body as {} (go sends bodiless POSTs)', async () => {
      const response = await api.request('POST', '/v1/mgmt/tenant/search', {body: ''})
      expect(response.status).to.equal(200)
      expect(response.body).to.deep.equal({tenants: []})
    })
  })

  describe('routing', () => {
    it('answers an unknown route with a JSON 404, never HTML', async () => {
      const response = await api.request<DescopeErrorBody>('POST', '/v1/mgmt/nothing/here')
      expect(response.status).to.equal(404)
      expect(response.headers['content-type']).to.match(/^application\/json/)
      expect(response.body.errorCode).to.equal('E011405')
    })

    it('answers an unknown route with a JSON 404 even without credentials', async () => {
      const response = await httpRequest<DescopeErrorBody>(`${emulator.url}/favicon.ico`)
      expect(response.status).to.equal(404)
      expect(response.body.errorCode).to.equal('E011405')
    })

    it('answers an unknown route with 404 and a text about the route in both error styles, unlike a missing tenant', async () => {
      for (const errorStyle of errorStyles) {
        await emulator.admin.setErrorStyle(errorStyle)
        const route = await api.request<DescopeErrorBody>('POST', '/v1/mgmt/tenant/nothing')
        expect(route.status, errorStyle).to.equal(404)
        expect(route.body, errorStyle).to.include({errorCode: 'E011405', errorDescription: 'Route not found', errorMessage: 'No route POST /v1/mgmt/tenant/nothing'})
        const missing = await api.get<DescopeErrorBody>('/v1/mgmt/tenant?id=nope')
        expect(missing.status, errorStyle).to.equal(errorStyle === 'rest' ? 404 : 400)
        expect(missing.body, errorStyle).to.include({errorCode: 'E011404', errorDescription: 'Tenant not found'})
      }

      await emulator.admin.reset()
      expect(await emulator.admin.errorStyle()).to.equal('descope')
    })

    it('answers a wrong method on a known path with a JSON 405 and Allow', async () => {
      const response = await api.request<DescopeErrorBody>('GET', '/v1/mgmt/tenant/create')
      expect(response.status).to.equal(405)
      expect(response.headers.allow).to.equal('POST')
      expect(response.body.errorCode).to.equal('E011406')
    })

    it('serves the license handshake and ignores x-descope-license', async () => {
      const response = await api.request('GET', '/v1/mgmt/license', {headers: {'x-descope-license': 'tier1'}})
      expect(response.status).to.equal(200)
      expect(response.body).to.deep.equal({rateLimitTier: 'tier1'})
    })

    it('requires authentication for the license handshake', async () => {
      const response = await httpRequest(`${emulator.url}/v1/mgmt/license`)
      expect(response.status).to.equal(401)
    })
  })

  it('reports the listening URL and port, and the projects with their keys', () => {
    expect(emulator.url).to.equal(`http://127.0.0.1:${emulator.port}`)
    expect(emulator.port).to.be.greaterThan(0)
    expect(emulator.projects).to.deep.equal([
      {id: first.id, managementKey: first.managementKey},
      {id: second.id, managementKey: second.managementKey},
    ])
  })

  it('starts one default project when given none', async () => {
    const defaults = await startEmulator({newProjects: 'empty'})
    try {
      expect(defaults.projects).to.deep.equal([{id: 'P2LocalEmulatorProject000001', managementKey: 'K2LocalEmulatorManagementKey0001'}])
      expect((await apiFor(defaults).get('/v1/mgmt/tenant/all')).status).to.equal(200)
    } finally {
      await defaults.stop()
    }
  })
})
