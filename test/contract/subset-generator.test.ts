import {expect} from 'chai'

import {buildSubset, OPERATIONS} from '../../scripts/contract-subset.mjs'
import {readSubset} from './openapi-contract.js'

const object = (properties: Record<string, unknown>) => ({properties, type: 'object'})

/** A minimal OpenAPI document with every operation of the subset, all sharing small schemas. */
function miniOpenApi(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {}
  for (const operation of OPERATIONS) {
    const [method, route] = operation.split(' ')
    paths[route] = {
      ...paths[route],
      [method.toLowerCase()]: {
        operationId: `Op ${operation}`,
        ...(route === '/v1/mgmt/tenant'
          ? {
            parameters: [{
              in: 'query', name: 'id', required: true, schema: {type: 'string'},
            }, {in: 'header', name: 'x-skip', schema: {type: 'string'}}],
          }
          : {}),
        ...(method === 'POST' ? {requestBody: {content: {'application/json': {schema: {$ref: '#/components/schemas/Request'}}}}} : {}),
        responses: {200: route.endsWith('/delete') ? {content: {}} : {content: {'application/json': {schema: {$ref: '#/components/schemas/Answer'}}}}},
        'x-order': 1,
      },
    }
  }

  return {
    components: {
      schemas: {
        Answer: object({items: {items: {$ref: '#/components/schemas/Item'}, type: 'array'}}),
        Item: {...object({count: {format: 'int32', type: 'integer'}, note: {example: 'x', nullable: true, type: 'string'}}), 'x-internal': true},
        Request: object({free: {type: 'object'}, name: {type: 'string'}}),
        Unused: object({never: {type: 'string'}}),
      },
    },
    openapi: '3.0.3',
    paths,
  }
}

describe('contract: the subset generator (scripts/contract-subset.mjs)', () => {
  const subset = buildSubset(miniOpenApi(), {commit: 'a'.repeat(40), date: '2026-01-02'})

  it('keeps the operations, their query parameters and the schemas they reference, nothing else', () => {
    expect(Object.keys(subset.operations)).to.deep.equal([...OPERATIONS])
    expect(Object.keys(subset.$defs).sort()).to.deep.equal(['Answer', 'Item', 'Request'])
    expect(subset.operations['GET /v1/mgmt/tenant'].query).to.deep.equal({
      additionalProperties: false, properties: {id: {type: 'string'}}, required: ['id'], type: 'object',
    })
    expect(subset.operations['GET /v1/mgmt/tenant'].request).to.equal(null)
    expect(subset.operations['POST /v1/mgmt/tenant/delete'].response).to.equal(null)
    expect(subset.operations['POST /v1/mgmt/tenant/create'].request).to.deep.equal({$ref: '#/$defs/Request'})
  })

  it('closes objects that list their properties, turns nullable and int32 into JSON Schema, drops annotations', () => {
    expect(subset.$defs.Item).to.deep.equal({
      additionalProperties: false,
      properties: {count: {maximum: 2_147_483_647, minimum: -2_147_483_648, type: 'integer'}, note: {type: ['string', 'null']}},
      type: 'object',
    })
    expect(subset.$defs.Request.properties).to.deep.include({free: {type: 'object'}})
  })

  it('names its source and says it is a subset, like the committed fixture', () => {
    expect(subset.source).to.deep.equal({
      commit: 'a'.repeat(40), path: 'openapi/_original/descope-openapi.yml', read: '2026-01-02', repository: 'api-evangelist/descope',
    })
    expect(subset.$comment).to.equal(readSubset().$comment.replace(readSubset().source.commit, 'a'.repeat(40)).replace(readSubset().source.read, '2026-01-02'))
  })

  it('refuses a document that lacks an operation or a referenced schema', () => {
    const document = miniOpenApi() as {components: {schemas: Record<string, unknown>}; paths: Record<string, unknown>}
    delete document.paths['/v2/mgmt/theme/import']
    expect(() => buildSubset(document, {commit: 'a', date: 'd'})).to.throw('POST /v2/mgmt/theme/import is not in the OpenAPI description')
    const noItem = miniOpenApi() as {components: {schemas: Record<string, unknown>}}
    delete noItem.components.schemas.Item
    expect(() => buildSubset(noItem, {commit: 'a', date: 'd'})).to.throw('#/components/schemas/Item is missing')
  })
})
