import {expect} from 'chai'

import {Conformance, dataOf, expectFailure} from './sdk.js'

describe('conformance: tenant SSO admin link and audit webhook', () => {
  const sdk = new Conformance()

  before(() => sdk.start())

  beforeEach(() => sdk.reset())

  after(() => sdk.stop())

  // Reference §2.1: POST /v2/mgmt/tenant/adminlinks/sso/generate {tenantId, expireTime, ssoId, email, templateId, actorId}
  // → {adminSSOConfigurationLink}. node-sdk: tenant.generateSSOConfigurationLink(tenantId, expireDuration, ...).
  it('tenant.generateSSOConfigurationLink answers a link for an existing tenant, not found (E011404) otherwise', async () => {
    dataOf(await sdk.management.tenant.createWithId('acme', 'Acme'))
    const result = dataOf(await sdk.management.tenant.generateSSOConfigurationLink('acme', 3600, undefined, 'admin@acme.com'))
    expect(result.adminSSOConfigurationLink).to.be.a('string').and.match(/^https?:\/\//)
    expectFailure(await sdk.management.tenant.generateSSOConfigurationLink('no-such-tenant', 3600), 400, 'E011404')
    expectFailure(await sdk.management.tenant.generateSSOConfigurationLink('', 3600), 400, 'E011002', /tenantId/)
  })

  // Reference §2.5: POST /v2/mgmt/connector/audit/web/set {name (req), description, url, authentication, hmacSecret,
  // headers, insecure, filters} → {}. node-sdk: audit.createAuditWebhook(options).
  it('audit.createAuditWebhook accepts a webhook and requires its name', async () => {
    dataOf(await sdk.management.audit.createAuditWebhook({name: 'SIEM', url: 'https://siem.example.com/descope'}))
    expectFailure(await sdk.management.audit.createAuditWebhook({name: ''}), 400, 'E011002', /name/)
  })
})
