import {expect} from 'chai'

import {ExitCode, InputError} from '../../../src/lib/errors.js'
import {tenantsKind} from '../../../src/lib/resources/tenants.js'
import {
  buildCreateRequest, buildUpdateFields, normaliseDomain, parseAttribute,
} from '../../../src/lib/tenants/input.js'

describe('tenant input', () => {
  describe('parseAttribute', () => {
    it('keeps JSON types and falls back to strings', () => {
      expect(parseAttribute('seats=10')).to.deep.equal(['seats', 10])
      expect(parseAttribute('beta=true')).to.deep.equal(['beta', true])
      expect(parseAttribute('regions=["eu","us"]')).to.deep.equal(['regions', ['eu', 'us']])
      expect(parseAttribute('plan=gold')).to.deep.equal(['plan', 'gold'])
      expect(parseAttribute('code="10"')).to.deep.equal(['code', '10'])
      expect(parseAttribute('url=https://x.test/a=b')).to.deep.equal(['url', 'https://x.test/a=b'])
      expect(parseAttribute('empty=')).to.deep.equal(['empty', ''])
    })

    it('keeps objects and mixed lists as strings, since Descope attributes cannot hold them', () => {
      expect(parseAttribute('meta={"a":1}')).to.deep.equal(['meta', '{"a":1}'])
      expect(parseAttribute('mixed=[1,"a"]')).to.deep.equal(['mixed', '[1,"a"]'])
    })

    it('rejects a missing key or a bad key with exit code 3', () => {
      for (const bad of ['=gold', 'plan', 'bad key=1', 'a-very-long-attribute-key=1']) {
        expect(() => parseAttribute(bad), bad).to.throw(InputError).with.property('exitCode', ExitCode.InvalidInput)
      }
    })
  })

  it('normalises domains to lower case and rejects invalid ones', () => {
    expect(normaliseDomain(' Acme.COM ')).to.equal('acme.com')
    for (const bad of ['acme', 'acme..com', '-acme.com', 'acme.com/path', 'user@acme.com', 'acme.c0m']) {
      expect(() => normaliseDomain(bad), bad).to.throw(InputError, /Invalid domain/)
    }
  })

  describe('buildCreateRequest', () => {
    it('builds the wire body from the flags', () => {
      expect(buildCreateRequest('acme', {
        attributes: ['plan=gold', 'seats=5'],
        disabled: false,
        domains: ['Acme.com'],
        enforceSSO: true,
        name: ' Acme ',
        parent: 'holding',
        roleInheritance: 'none',
      })).to.deep.equal({
        customAttributes: {plan: 'gold', seats: 5},
        disabled: false,
        enforceSSO: true,
        id: 'acme',
        name: 'Acme',
        parent: 'holding',
        roleInheritance: 'none',
        selfProvisioningDomains: ['acme.com'],
      })
    })

    it('omits the id when none is given, so Descope generates one', () => {
      expect(buildCreateRequest(undefined, {name: 'Acme'})).to.deep.equal({name: 'Acme'})
    })

    it('rejects a missing name and an invalid id', () => {
      expect(() => buildCreateRequest('acme', {name: '  '})).to.throw(InputError, /needs a name/)
      expect(() => buildCreateRequest('acme corp', {name: 'Acme'})).to.throw(InputError, /Invalid tenant id/)
      expect(() => buildCreateRequest('acme', {name: 'Acme', parent: 'a/b'})).to.throw(InputError, /Invalid tenant parent/)
    })
  })

  describe('buildUpdateFields', () => {
    const live = {
      createdTime: 1_700_000_000,
      customAttributes: {plan: 'gold', trial: true},
      disabled: false,
      enforceSSO: true,
      enforceSSOExclusions: ['admin@acme.com'],
      id: 'acme',
      name: 'Acme',
      parent: 'holding',
      roleInheritance: 'userOnly' as const,
      selfProvisioningDomains: ['acme.com'],
    }

    it('keeps every field the flags do not name', () => {
      expect(buildUpdateFields(live, {name: 'Acme Corp'})).to.deep.equal({
        customAttributes: {plan: 'gold', trial: true},
        disabled: false,
        enforceSSO: true,
        enforceSSOExclusions: ['admin@acme.com'],
        name: 'Acme Corp',
        roleInheritance: 'userOnly',
        selfProvisioningDomains: ['acme.com'],
      })
    })

    it('holds the managed fields only: the tenant kind adds the live passthrough fields when it sends them', () => {
      const fields = buildUpdateFields({...live, authType: 'saml', federatedAppIds: ['app-1']}, {disabled: true})
      expect(fields).to.not.have.any.keys('authType', 'federatedAppIds', 'id', 'parent')
      expect(Object.keys(fields).sort()).to.deep.equal(tenantsKind.managedFields.filter(field => field !== 'parent').sort())
    })

    it('merges attributes, removes the named ones and replaces domains', () => {
      const request = buildUpdateFields(live, {attributes: ['plan=platinum'], domains: ['acme.io'], removeAttributes: ['trial']})
      expect(request.customAttributes).to.deep.equal({plan: 'platinum'})
      expect(request.selfProvisioningDomains).to.deep.equal(['acme.io'])
    })

    it('refuses to move a tenant to another parent and to remove an unknown attribute', () => {
      expect(() => buildUpdateFields(live, {parent: 'other'})).to.throw(InputError, /cannot change after creation/)
      expect(buildUpdateFields(live, {parent: 'holding'}).name).to.equal('Acme')
      expect(() => buildUpdateFields(live, {removeAttributes: ['nope']})).to.throw(InputError, /no attribute "nope"/)
    })

    it('fills Descope defaults for fields the live tenant omits', () => {
      expect(buildUpdateFields({id: 't1', name: 'T1'}, {disabled: true})).to.deep.equal({
        customAttributes: {},
        disabled: true,
        enforceSSO: false,
        enforceSSOExclusions: [],
        name: 'T1',
        roleInheritance: '',
        selfProvisioningDomains: [],
      })
    })
  })
})
