import {expect} from 'chai'

import {FLOW_PATHS} from '../../src/lib/api/flows.js'
import {PERMISSION_PATHS} from '../../src/lib/api/permissions.js'
import {ROLE_PATHS} from '../../src/lib/api/roles.js'
import {TENANT_PATHS} from '../../src/lib/api/tenants.js'
import {THEME_PATHS} from '../../src/lib/api/themes.js'
import {Contract, EXCEPTIONS, readSubset} from './openapi-contract.js'

/** The paths src/lib/api calls: GET for loads, POST for the rest, both for tenant settings (read and configure). */
const GET_PATHS = new Set<string>([PERMISSION_PATHS.all, ROLE_PATHS.all, TENANT_PATHS.all, TENANT_PATHS.load])
const BOTH_PATHS = new Set<string>([TENANT_PATHS.settings])
const TOOL_OPERATIONS = [TENANT_PATHS, ROLE_PATHS, PERMISSION_PATHS, FLOW_PATHS, THEME_PATHS]
.flatMap(paths => Object.values(paths))
.flatMap(route => (BOTH_PATHS.has(route) ? [`GET ${route}`, `POST ${route}`] : [`${GET_PATHS.has(route) ? 'GET' : 'POST'} ${route}`]))
.sort()

describe('contract: the OpenAPI subset and its validator', () => {
  const contract = new Contract()

  it('the fixture says it is a subset and names its source: repository, path, commit and date', () => {
    const subset = readSubset()
    expect(subset.$comment).to.match(/SUBSET/)
    expect(subset.$comment).to.contain('api-evangelist/descope').and.contain('openapi/_original/descope-openapi.yml')
    expect(subset.source).to.include({path: 'openapi/_original/descope-openapi.yml', repository: 'api-evangelist/descope'})
    expect(subset.source.commit).to.match(/^[\da-f]{40}$/)
    expect(subset.$comment).to.contain(subset.source.commit)
    expect(subset.source.read).to.match(/^\d{4}-\d\d-\d\d$/)
  })

  it('holds exactly the operations src/lib/api calls', () => {
    expect(Object.keys(readSubset().operations).sort()).to.deep.equal(TOOL_OPERATIONS)
  })

  it('accepts a request and an answer that follow the OpenAPI', () => {
    expect(contract.check({
      body: {
        customAttributes: {
          plan: 'gold', regions: ['eu'], seats: 3, trial: true,
        },
        enforceSSO: false,
        id: 'acme',
        name: 'Acme',
        parent: 'holding',
        selfProvisioningDomains: ['acme.com'],
      },
      method: 'POST',
      path: '/v1/mgmt/tenant/create',
      response: {id: 'acme'},
      status: 200,
    })).to.deep.equal([])
  })

  it('rejects a field name the OpenAPI does not declare, naming the field', () => {
    const problems = contract.checkRequest({body: {name: 'Acme', selfProvisioningDomain: ['acme.com']}, method: 'POST', path: '/v1/mgmt/tenant/create'})
    expect(problems).to.deep.equal(['POST /v1/mgmt/tenant/create request body (top level): unknown field "selfProvisioningDomain" (not declared by the OpenAPI)'])
    // Nested objects are closed too: a misspelt field of a role inside a batch.
    expect(contract.checkRequest({body: {roles: [{name: 'Viewer', permissionName: ['x']}]}, method: 'POST', path: '/v1/mgmt/role/create/batch'}))
    .to.have.length(1).and.to.match(/\/roles\/0: unknown field "permissionName"/)
  })

  it('rejects a wrong type in a request, a query and an answer', () => {
    expect(contract.checkRequest({body: {enforceSSO: 'yes', id: 'acme', name: 'Acme'}, method: 'POST', path: '/v1/mgmt/tenant/update'}))
    .to.deep.equal(['POST /v1/mgmt/tenant/update request body /enforceSSO: must be boolean'])
    expect(contract.checkRequest({body: {ids: 'sign-in'}, method: 'POST', path: '/v1/mgmt/flow/delete'}))
    .to.deep.equal(['POST /v1/mgmt/flow/delete request body /ids: must be array'])
    expect(contract.checkRequest({method: 'GET', path: '/v1/mgmt/tenant', query: {id: 'acme', tenantId: 'acme'}}))
    .to.deep.equal(['GET /v1/mgmt/tenant request query (top level): unknown field "tenantId" (not declared by the OpenAPI)'])
    expect(contract.checkResponse({
      method: 'GET', path: '/v1/mgmt/role/all', response: {roles: [{createdTime: '1726067547', name: 'Viewer'}]}, status: 200,
    }))
    .to.deep.equal(['GET /v1/mgmt/role/all answer /roles/0/createdTime: must be integer'])
    expect(contract.checkResponse({
      method: 'GET', path: '/v1/mgmt/tenant/all', response: {tenants: [{createdTime: 1_796_168_526_000, id: 'acme'}]}, status: 200,
    }))
    .to.deep.equal(['GET /v1/mgmt/tenant/all answer /tenants/0/createdTime: must be <= 2147483647'])
    expect(contract.checkRequest({body: {customAttributes: {seats: {count: 3}}, name: 'Acme'}, method: 'POST', path: '/v1/mgmt/tenant/create'}))
    .to.deep.equal(['POST /v1/mgmt/tenant/create request body /customAttributes/seats: must be one of string, number, boolean, null, string[]'])
  })

  it('rejects an operation outside the contract, a body where none is declared and an answer where none is declared', () => {
    expect(contract.checkRequest({method: 'POST', path: '/v1/mgmt/tenant/remove'})).to.deep.equal(['POST /v1/mgmt/tenant/remove is not an operation of the contract'])
    expect(contract.checkRequest({body: {id: 'acme'}, method: 'GET', path: '/v1/mgmt/tenant/all'}))
    .to.deep.equal(['GET /v1/mgmt/tenant/all request body: the OpenAPI declares no request body, got {"id":"acme"}'])
    expect(contract.checkResponse({
      method: 'POST', path: '/v1/mgmt/tenant/delete', response: {ok: true}, status: 200,
    }))
    .to.deep.equal(['POST /v1/mgmt/tenant/delete answer the OpenAPI declares no answer body, got {"ok":true}'])
    expect(contract.checkResponse({
      method: 'POST', path: '/v1/mgmt/tenant/delete', response: {}, status: 200,
    })).to.deep.equal([])
  })

  it('checks only successful answers (error bodies are outside the OpenAPI subset)', () => {
    expect(contract.checkResponse({
      method: 'POST', path: '/v1/mgmt/tenant/create', response: {errorCode: 'E011003'}, status: 400,
    })).to.deep.equal([])
  })

  describe('documented exceptions', () => {
    const strict = new Contract(readSubset(), [])
    const flatTenant = {
      method: 'GET', path: '/v1/mgmt/tenant', response: {id: 'acme', name: 'Acme'}, status: 200,
    }

    it('every exception names its source', () => {
      expect(EXCEPTIONS.map(exception => exception.id)).to.deep.equal(['tenant-load-flat', 'custom-attribute-values', 'license-handshake'])
      for (const exception of EXCEPTIONS) expect(exception.source).to.match(/descope-api\.md §/)
    })

    it('tenant-load-flat: the flat tenant body passes only with the exception; the envelope then fails', () => {
      expect(strict.checkResponse(flatTenant)).to.not.deep.equal([])
      expect(strict.checkResponse({...flatTenant, response: {tenant: {id: 'acme', name: 'Acme'}}})).to.deep.equal([])
      expect(contract.checkResponse(flatTenant)).to.deep.equal([])
      expect(contract.checkResponse({...flatTenant, response: {tenant: {id: 'acme'}}})).to.have.length(1)
    })

    it('license-handshake: the tier handshake is an operation only with the exception, and its answer is closed', () => {
      const handshake = {
        method: 'GET', path: '/v1/mgmt/license', response: {rateLimitTier: 'tier1'}, status: 200,
      }
      expect(strict.checkRequest(handshake)).to.deep.equal(['GET /v1/mgmt/license is not an operation of the contract'])
      expect(contract.checkRequest(handshake)).to.deep.equal([])
      expect(contract.checkResponse(handshake)).to.deep.equal([])
      expect(contract.checkResponse({...handshake, response: {rateLimitTier: 1}})).to.have.length(1)
    })

    it('custom-attribute-values: numbers, booleans and lists pass only with the exception', () => {
      const request = {body: {customAttributes: {regions: ['eu'], seats: 3, trial: true}, name: 'Acme'}, method: 'POST', path: '/v1/mgmt/tenant/create'}
      expect(strict.checkRequest(request)).to.have.length(3)
      expect(contract.checkRequest(request)).to.deep.equal([])
    })
  })
})
