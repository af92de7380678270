import {expect} from 'chai'
import {readFile, writeFile} from 'node:fs/promises'
import path from 'node:path'

import type {RunningEmulator, Stats} from '../../../plugins/plugin-emulator/src/index.js'

import {startEmulator} from '../../../plugins/plugin-emulator/src/index.js'
import {repoRoot} from '../../helpers/cli.js'
import {
  admin, Api, apiFor, type DescopeErrorBody, makeTempDir, withEmulator,
} from './helpers.js'

const project = {id: 'P2AdminProject00000000000001', managementKey: 'K2AdminProjectManagementKey00001'}

describe('emulator admin API', () => {
  let emulator: RunningEmulator
  let api: Api

  before(async () => {
    emulator = await startEmulator({
      newProjects: 'empty', rateLimit: 'off', port: 0, projects: [{...project, tenants: [{id: 'seeded', name: 'Seeded'}]}],
    })
    api = apiFor(emulator)
  })

  beforeEach(() => admin(emulator, 'POST', '/emulator/reset'))

  after(() => emulator.stop())

  describe('stats', () => {
    it('counts requests per route, per project and in total, and resets', async () => {
      await api.post('/v1/mgmt/tenant/create', {id: 'acme', name: 'Acme'})
      await api.post('/v1/mgmt/tenant/create', {id: 'acme', name: 'Acme'})
      await api.get('/v1/mgmt/tenant/all')
      await api.get('/v1/mgmt/nope')
      await api.request('GET', '/v1/mgmt/tenant/all', {headers: {authorization: 'Bearer nobody:nothing'}})
      await admin(emulator, 'GET', '/emulator/stats')

      const {body: stats} = await admin<Stats>(emulator, 'GET', '/emulator/stats')
      expect(stats.totals).to.deep.equal({
        byStatus: {
          200: 2, 400: 1, 401: 1, 404: 1,
        }, faultsInjected: 0, mutations: 1, rateLimited: 0, requests: 5, served: 5,
      })
      expect(stats.routes['POST /v1/mgmt/tenant/create']).to.deep.equal({
        byStatus: {200: 1, 400: 1}, faultsInjected: 0, mutations: 1, rateLimited: 0, requests: 2, served: 2,
      })
      expect(stats.routes.unmatched.requests).to.equal(1)
      expect(stats.projects).to.have.all.keys(project.id)
      expect(stats.projects[project.id].requests, 'unknown routes and failed authentication name no project').to.equal(3)
      expect(await emulator.stats()).to.deep.equal(stats)

      expect((await admin(emulator, 'POST', '/emulator/stats/reset')).status).to.equal(200)
      expect((await emulator.stats()).totals.requests).to.equal(0)
      expect(await emulator.admin.requests()).to.deep.equal([])
    })
  })

  describe('request log', () => {
    it('logs time, method, path, project and status, with the body of mutations only and never headers', async () => {
      await api.post('/v1/mgmt/tenant/create', {id: 'acme', name: 'Acme'})
      await api.post('/v1/mgmt/tenant/search', {tenantIds: ['acme']})
      await api.get('/v1/mgmt/tenant?id=acme')

      const {body} = await admin<{requests: Array<Record<string, unknown>>; total: number}>(emulator, 'GET', '/emulator/requests')
      expect(body.total).to.equal(3)
      const [created, searched, loaded] = body.requests
      expect(created).to.deep.include({
        body: {id: 'acme', name: 'Acme'}, method: 'POST', outcome: 'served', path: '/v1/mgmt/tenant/create', projectId: project.id, status: 200,
      })
      expect(Date.parse(created.time as string)).to.be.closeTo(Date.now(), 60_000)
      expect(searched).to.not.have.property('body')
      expect(loaded).to.deep.include({method: 'GET', path: '/v1/mgmt/tenant', status: 200})
      const text = JSON.stringify(body)
      expect(text).to.not.contain(project.managementKey)
      expect(text.toLowerCase()).to.not.contain('authorization')
    })

    it('filters by path (exact or prefix) and method', async () => {
      await api.post('/v1/mgmt/tenant/create', {id: 'acme', name: 'Acme'})
      await api.get('/v1/mgmt/tenant?id=acme')
      await api.post('/v1/mgmt/role/create', {name: 'admin'})
      const paths = async (query: string) =>
        (await admin<{requests: Array<{path: string}>}>(emulator, 'GET', `/emulator/requests${query}`)).body.requests.map(entry => entry.path)
      expect(await paths('?path=/v1/mgmt/tenant/create')).to.deep.equal(['/v1/mgmt/tenant/create'])
      expect(await paths('?path=/v1/mgmt/tenant*')).to.deep.equal(['/v1/mgmt/tenant/create', '/v1/mgmt/tenant'])
      expect(await paths('?method=get')).to.deep.equal(['/v1/mgmt/tenant'])
      expect(await paths('?method=POST&path=/v1/mgmt/role/*')).to.deep.equal(['/v1/mgmt/role/create'])
    })

    it('with logBodies, also logs every query, request body and answer (errors too), still without headers', async () => {
      await withEmulator({logBodies: true, projects: [project]}, async (bodiesEmulator, bodiesApi) => {
        await bodiesApi.post('/v1/mgmt/tenant/create', {id: 'acme', name: 'Acme'})
        await bodiesApi.post('/v1/mgmt/tenant/search', {tenantIds: ['acme']})
        await bodiesApi.get('/v1/mgmt/tenant?id=acme')
        await bodiesApi.post('/v1/mgmt/tenant/create', {id: 'acme', name: 'Acme'})

        const [created, searched, loaded, duplicate] = await bodiesEmulator.admin.requests()
        expect(created).to.deep.include({body: {id: 'acme', name: 'Acme'}, query: {}, response: {id: 'acme'}})
        expect(searched.body).to.deep.equal({tenantIds: ['acme']})
        expect((searched.response as {tenants: Array<{id: string}>}).tenants.map(tenant => tenant.id)).to.deep.equal(['acme'])
        expect(loaded).to.deep.include({body: {}, query: {id: 'acme'}})
        expect(loaded.response).to.deep.include({id: 'acme', name: 'Acme'})
        // The default error style answers a duplicate as Descope most likely does: HTTP 400 with a code.
        expect(duplicate.status).to.equal(400)
        expect(duplicate.response).to.have.property('errorCode').that.is.a('string')
        const text = JSON.stringify(await bodiesEmulator.admin.requests())
        expect(text).to.not.contain(project.managementKey)
        expect(text.toLowerCase()).to.not.contain('authorization')
      })
    })
  })

  describe('knobs', () => {
    it('sets, reads and clears faults', async () => {
      const set = await admin<{faults: Array<{spec: string}>}>(emulator, 'POST', '/emulator/faults', {faults: ['503:POST /v1/mgmt/tenant/create:2', {probability: 0.5, route: '*', type: 'reset'}]})
      expect(set.body.faults.map(fault => fault.spec)).to.deep.equal(['503:POST /v1/mgmt/tenant/create:2', 'reset:*:p=0.5'])
      await admin(emulator, 'DELETE', '/emulator/faults')
      expect((await admin(emulator, 'GET', '/emulator/faults')).body).to.deep.equal({faults: []})
    })

    it('sets and reads latency and rate limit, globally and per project', async () => {
      expect((await admin(emulator, 'POST', '/emulator/latency', {latency: '20-80ms'})).body).to.deep.equal({global: '20-80ms', projects: {}})
      await admin(emulator, 'POST', '/emulator/latency', {latency: null, projectId: project.id})
      expect((await admin(emulator, 'GET', '/emulator/latency')).body).to.deep.equal({global: '20-80ms', projects: {[project.id]: 'off'}})
      expect((await admin(emulator, 'POST', '/emulator/rate-limit', {rateLimit: '200/60s'})).body).to.deep.equal({global: '200/60s', projects: {}, scope: 'ip'})
      expect((await admin(emulator, 'GET', '/emulator/rate-limit')).body).to.deep.equal({global: '200/60s', projects: {}, scope: 'ip'})
    })

    it('answers a bad knob value with 400 E011003 and a missing one with E011002', async () => {
      const invalid = [
        ['/emulator/latency', {latency: 'soon'}],
        ['/emulator/rate-limit', {rateLimit: '200 per minute'}],
        ['/emulator/faults', {faults: ['nonsense']}],
        ['/emulator/faults', {faults: 'nope'}],
      ] as const
      for (const [route, body] of invalid) {
        const response = await admin<DescopeErrorBody>(emulator, 'POST', route, body)
        expect(response.status, route).to.equal(400)
        expect(response.body.errorCode, route).to.equal('E011003')
      }

      expect((await admin<DescopeErrorBody>(emulator, 'POST', '/emulator/latency', {})).body.errorCode).to.equal('E011002')
    })
  })

  describe('state, reset and seed', () => {
    it('dumps the state with management keys redacted', async () => {
      await api.post('/v1/mgmt/tenant/create', {id: 'acme', name: 'Acme'})
      const {body} = await admin<{projects: Array<Record<string, unknown> & {tenants: Array<[string, {name: string}]>}>}>(emulator, 'GET', '/emulator/state')
      const [dumped] = body.projects
      expect(dumped).to.deep.include({id: project.id, managementKeyCount: 1, managementKeys: ['K2…0001']})
      expect(dumped.tenants.map(([id]) => id)).to.deep.equal(['seeded', 'acme'])
      expect(JSON.stringify(body)).to.not.contain(project.managementKey)
      expect(JSON.stringify(await emulator.admin.state())).to.not.contain(project.managementKey)
    })

    it('resets everything back to the start-up seed', async () => {
      await api.post('/v1/mgmt/tenant/create', {id: 'acme', name: 'Acme'})
      await emulator.admin.setLatency('10ms')
      expect((await admin(emulator, 'POST', '/emulator/reset')).status).to.equal(200)
      const {tenants} = (await api.get<{tenants: Array<{id: string}>}>('/v1/mgmt/tenant/all')).body
      expect(tenants.map(tenant => tenant.id)).to.deep.equal(['seeded'])
      expect((await admin(emulator, 'GET', '/emulator/latency')).body).to.deep.equal({global: 'off', projects: {}})
      expect((await emulator.stats()).totals.requests).to.equal(1)
    })

    it('loads a seed document over HTTP, replacing a project with the same id', async () => {
      const seed = {
        projects: [
          {...project, tenants: [{id: 'child', name: 'Child', parent: 'parent'}, {id: 'parent', name: 'Parent'}]},
          {id: 'P2SeededOverHttp', managementKey: 'K2SeededOverHttpManagementKey001', name: 'second'},
        ],
      }
      const response = await admin(emulator, 'POST', '/emulator/seed', seed)
      expect(response.body).to.deep.equal({projects: [{id: project.id, name: project.id}, {id: 'P2SeededOverHttp', name: 'second'}]})
      const {tenants} = (await api.get<{tenants: Array<{id: string}>}>('/v1/mgmt/tenant/all')).body
      expect(tenants.map(tenant => tenant.id)).to.deep.equal(['parent', 'child'])
      const second = new Api(emulator, 'P2SeededOverHttp', 'K2SeededOverHttpManagementKey001')
      expect((await second.get('/v1/mgmt/tenant/all')).status).to.equal(200)
    })

    it('answers an invalid seed with 400, naming the bad entry, and changes nothing', async () => {
      const response = await admin<DescopeErrorBody>(emulator, 'POST', '/emulator/seed', {projects: [{...project, roles: [{name: 'r', permissionNames: ['missing']}]}]})
      expect(response.status).to.equal(400)
      expect(response.body.errorMessage).to.match(/projects\[0]\.roles: .*missing/)
      expect((await api.get<{tenants: Array<{id: string}>}>('/v1/mgmt/tenant/all')).body.tenants.map(tenant => tenant.id)).to.deep.equal(['seeded'])
    })

    it('switches the error style at run time, refuses an unknown one, and reset returns to the start-up style', async () => {
      expect((await admin(emulator, 'GET', '/emulator/error-style')).body).to.deep.equal({errorStyle: 'descope'})
      await api.post('/v1/mgmt/tenant/create', {id: 'acme', name: 'Acme'})
      expect((await api.post('/v1/mgmt/tenant/create', {id: 'acme', name: 'Acme'})).status).to.equal(400)
      expect((await admin(emulator, 'POST', '/emulator/error-style', {errorStyle: 'rest'})).body).to.deep.equal({errorStyle: 'rest'})
      expect((await api.post('/v1/mgmt/tenant/create', {id: 'acme', name: 'Acme'})).status).to.equal(409)
      expect((await api.get('/v1/mgmt/tenant?id=nope')).status).to.equal(404)
      const refused = await admin<DescopeErrorBody>(emulator, 'POST', '/emulator/error-style', {errorStyle: 'http'})
      expect(refused.status).to.equal(400)
      expect(refused.body).to.include({errorCode: 'E011003'})
      expect(refused.body.errorMessage).to.include('descope, rest')
      expect(await emulator.admin.errorStyle()).to.equal('rest')
      await emulator.admin.reset()
      expect(await emulator.admin.errorStyle()).to.equal('descope')
      await emulator.admin.setErrorStyle('rest')
      expect((await admin(emulator, 'GET', '/emulator/error-style')).body).to.deep.equal({errorStyle: 'rest'})
    })

    it('logs the errorCode of error answers, whatever their status', async () => {
      await api.post('/v1/mgmt/tenant/create', {id: 'acme', name: 'Acme'})
      await api.post('/v1/mgmt/tenant/create', {id: 'acme', name: 'Acme'})
      await api.get('/v1/mgmt/tenant?id=nope')
      const log = await emulator.admin.requests({path: '/v1/mgmt/tenant*'})
      expect(log.map(entry => [entry.status, entry.errorCode])).to.deep.equal([[200, undefined], [400, 'E011409'], [400, 'E011404']])
    })

    it('answers an unknown admin route with a JSON 404 and a wrong method with 405', async () => {
      expect((await admin<DescopeErrorBody>(emulator, 'GET', '/emulator/nothing')).body.errorCode).to.equal('E011405')
      expect((await admin(emulator, 'GET', '/emulator/reset')).status).to.equal(405)
    })
  })

  describe('seed files', () => {
    it('starts from a YAML seed file with projects, entities and knobs', async () => {
      const temporary = await makeTempDir()
      const file = path.join(temporary.dir, 'seed.yaml')
      await writeFile(
        file,
        [
          'latency: 5ms',
          'rateLimit: 100/60s',
          'faults: ["503:POST /v1/mgmt/role/create:1"]',
          'projects:',
          '  - id: P2YamlSeed',
          '    name: yaml',
          '    managementKeys: [K2YamlSeedManagementKey000000001, K2YamlSeedManagementKey000000002]',
          '    permissions: [{name: read}]',
          '    roles: [{name: viewer, permissionNames: [read]}]',
          '    tenants:',
          '      - {id: acme, name: Acme, defaultRoles: [viewer], customAttributes: {plan: gold}}',
          '    rateLimit: 2/60s',
        ].join('\n'),
      )
      const seeded = await startEmulator({newProjects: 'empty', port: 0, seed: file})
      try {
        expect(seeded.projects).to.deep.equal([{id: 'P2YamlSeed', managementKey: 'K2YamlSeedManagementKey000000001'}])
        const second = new Api(seeded, 'P2YamlSeed', 'K2YamlSeedManagementKey000000002')
        const tenant = await second.get('/v1/mgmt/tenant?id=acme')
        expect(tenant.body).to.deep.include({customAttributes: {plan: 'gold'}, defaultRoles: ['viewer']})
        expect((await second.get<{roles: Array<{permissionNames: string[]}>}>('/v1/mgmt/role/all')).body.roles[0].permissionNames).to.deep.equal(['read'])
        expect((await second.get('/v1/mgmt/tenant/all')).status, 'the project rate limit 2/60s').to.equal(429)
        const state = await seeded.admin.state()
        expect(state.knobs.latency.global).to.equal('5ms')
        expect(state.knobs.rateLimit).to.deep.equal({global: '100/60s', projects: {P2YamlSeed: '2/60s'}, scope: 'ip'})
        expect(state.knobs.faults.map(fault => fault.spec)).to.deep.equal(['503:POST /v1/mgmt/role/create:1'])
        expect(JSON.stringify(await seeded.stats())).to.not.contain('K2YamlSeed')
      } finally {
        await seeded.stop()
        await temporary.cleanup()
      }
    })

    it('refuses a seed file with a bad entry, naming the file and the entry', async () => {
      const temporary = await makeTempDir()
      const file = path.join(temporary.dir, 'seed.json')
      await writeFile(file, JSON.stringify({projects: [{id: 'P2Bad', tenants: [{id: 'x'}]}]}))
      try {
        let error: unknown
        try {
          await startEmulator({newProjects: 'empty', port: 0, seed: file})
        } catch (error_) {
          error = error_
        }

        expect((error as Error)?.message).to.contain(file).and.match(/projects\[0]\.tenants\[0]: "name" is required/)
      } finally {
        await temporary.cleanup()
      }
    })

    it('loads flows and the theme of a seed through the flow and theme routes', async () => {
      const fixture = async (name: string) => JSON.parse(await readFile(path.join(repoRoot, 'test', 'fixtures', name), 'utf8')) as Record<string, unknown>
      const flow = await fixture('flows/sign-up-or-in.v2.json')
      const theme = await fixture('themes/brand.v2.json')
      const seeded = await startEmulator({
        newProjects: 'empty', rateLimit: 'off', port: 0, seed: {projects: [{...project, flows: [flow], theme}]},
      })
      try {
        const api = apiFor(seeded)
        const flows = await api.post<{flows: Array<{id: string}>}>('/v1/mgmt/flow/list')
        expect(flows.body.flows.map(entry => entry.id)).to.deep.equal([flow.flowId])
        const exported = await api.post<{theme: {styles: unknown}}>('/v2/mgmt/theme/export')
        expect(exported.body.theme.styles).to.deep.equal(theme.styles)
      } finally {
        await seeded.stop()
      }
    })

    it('generates a key for a seed project that names none', async () => {
      const seeded = await startEmulator({
        newProjects: 'empty', rateLimit: 'off', port: 0, seed: {projects: [{id: 'P2Keyless'}]},
      })
      try {
        const [keyless] = seeded.projects
        expect(keyless.managementKey).to.match(/^K2[A-Za-z\d]{30}$/)
        expect((await apiFor(seeded).get('/v1/mgmt/tenant/all')).status).to.equal(200)
      } finally {
        await seeded.stop()
      }
    })
  })
})
