import {expect} from 'chai'
import {readFile} from 'node:fs/promises'
import path from 'node:path'

import {configSchema, renderJsonSchema, toJsonSchema} from '../../../src/lib/config/schema.js'
import {repoRoot} from './helpers.js'

type JsonSchema = Record<string, unknown> & {
  properties?: Record<string, JsonSchema>
  additionalProperties?: boolean | JsonSchema
  items?: JsonSchema
}

/** Every property of every object in the schema, with its path. */
function properties(schema: JsonSchema, at = ''): Array<[string, JsonSchema]> {
  const found: Array<[string, JsonSchema]> = []
  for (const [name, child] of Object.entries(schema.properties ?? {})) {
    found.push([`${at}${name}`, child], ...properties(child, `${at}${name}.`))
    if (child.items) found.push(...properties(child.items, `${at}${name}[].`))
    if (typeof child.additionalProperties === 'object') found.push(...properties(child.additionalProperties, `${at}${name}.*.`))
  }

  return found
}

describe('JSON Schema', () => {
  it('schema/descope-mgmt.schema.json is what toJsonSchema() produces now (run `npm run schema` to update)', async () => {
    const committed = await readFile(path.join(repoRoot, 'schema', 'descope-mgmt.schema.json'), 'utf8')
    expect(committed).to.equal(renderJsonSchema())
  })

  it('is draft-07, closed to unknown fields, and requires version and environments', () => {
    const schema = toJsonSchema() as JsonSchema
    expect(schema.$schema).to.equal('http://json-schema.org/draft-07/schema#')
    expect(schema.additionalProperties).to.equal(false)
    expect(schema.required).to.deep.equal(['version', 'environments'])
    expect(Object.keys(schema.properties!)).to.deep.equal(Object.keys(configSchema.shape))
  })

  it('has a title and a description on every field', () => {
    const all = properties(toJsonSchema() as JsonSchema)
    expect(all.length).to.be.greaterThan(20)
    const missing = all.filter(([, child]) => typeof child.title !== 'string' || typeof child.description !== 'string').map(([name]) => name)
    expect(missing).to.deep.equal([])
  })

  it('describes the tenant fields with the API names and constraints', () => {
    const tenant = ((toJsonSchema() as JsonSchema).properties!.tenants.items as JsonSchema)
    expect(Object.keys(tenant.properties!)).to.deep.equal([
      'id',
      'name',
      'selfProvisioningDomains',
      'customAttributes',
      'enforceSSO',
      'enforceSSOExclusions',
      'disabled',
      'parent',
      'roleInheritance',
      'settings',
    ])
    expect(tenant.required).to.deep.equal(['id', 'name'])
    expect(tenant.additionalProperties).to.equal(false)
    expect(tenant.properties!.id).to.include({pattern: '^[A-Za-z0-9_-]{1,64}$'})
    expect(tenant.properties!.name).to.include({maxLength: 254, minLength: 1})
    expect(tenant.properties!.roleInheritance).to.deep.include({enum: ['', 'none', 'userOnly']})
  })
})
