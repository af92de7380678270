import {expect} from 'chai'

import {
  closest, didYouMean, levenshtein, suggestFlags,
} from '../../../packages/shared/src/suggest.js'
import {fieldsAt} from '../../../src/lib/config/validate.js'

describe('did you mean', () => {
  const tenantFields = fieldsAt(['tenants', 0])

  it('computes edit distances', () => {
    expect(levenshtein('', '')).to.equal(0)
    expect(levenshtein('abc', '')).to.equal(3)
    expect(levenshtein('kitten', 'sitting')).to.equal(3)
    expect(levenshtein('flaw', 'lawn')).to.equal(2)
    expect(levenshtein('nmae', 'name')).to.equal(1)
  })

  it('knows the fields of each part of the schema', () => {
    expect(tenantFields).to.include.members(['id', 'name', 'selfProvisioningDomains', 'enforceSSO', 'roleInheritance'])
    expect(fieldsAt([])).to.include.members(['version', 'environments', 'tenants'])
    expect(fieldsAt(['environments', 'any-name'])).to.include.members(['projectId', 'managementKey', 'rateLimit'])
    expect(fieldsAt(['environments', 'x', 'rateLimit'])).to.deep.equal(['requests', 'windowSeconds'])
    expect(fieldsAt(['tenants', 0, 'name'])).to.deep.equal([])
  })

  const cases: Array<[string, string | undefined]> = [
    ['selfProvisioningDomain', 'selfProvisioningDomains'],
    ['selfprovisioningdomains', 'selfProvisioningDomains'],
    ['enforceSso', 'enforceSSO'],
    ['enforce_sso', 'enforceSSO'],
    ['customAttribute', 'customAttributes'],
    ['attributes', 'customAttributes'],
    ['domains', 'selfProvisioningDomains'],
    ['disable', 'disabled'],
    ['parnet', 'parent'],
    ['nmae', 'name'],
    ['roleInheritence', 'roleInheritance'],
    ['color', undefined],
    ['xy', undefined],
  ]
  for (const [input, expected] of cases) {
    it(`${input} → ${expected ?? 'nothing'}`, () => {
      expect(closest(input, tenantFields)).to.equal(expected)
    })
  }

  it('phrases the suggestion', () => {
    expect(didYouMean('tenant', ['tenants', 'version'])).to.equal('did you mean "tenants"?')
    expect(didYouMean('zzz', ['tenants'])).to.equal(undefined)
  })

  it('suggests the closest flag of each unknown one in oclif\'s message', () => {
    const known = ['name-contains', 'id', 'output', 'project-id', 'base-url']
    expect(suggestFlags('Nonexistent flag: --nme-contains=x\nSee more help with --help', known)).to.deep.equal(['--name-contains'])
    expect(suggestFlags('Nonexistent flags: --projct-id, --base-ur', known)).to.deep.equal(['--project-id', '--base-url'])
    expect(suggestFlags('Nonexistent flag: -outptu', known)).to.deep.equal(['--output'])
    expect(suggestFlags('Nonexistent flag: --zzzzzz', known)).to.deep.equal([])
    expect(suggestFlags('Missing required flag name', known)).to.deep.equal([])
  })
})
