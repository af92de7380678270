import {expect} from 'chai'
import nock from 'nock'

import {loadConfig} from '../../../src/lib/config/load.js'
import {validateConfig} from '../../../src/lib/config/validate.js'
import {ConfigError} from '../../../src/lib/errors.js'
import {buildPlan} from '../../../src/lib/plan/build.js'
import {kindByPlural, resourceKinds, selectKinds} from '../../../src/lib/resources/index.js'
import {configureBody, tenantSettingsItem, tenantSettingsKind} from '../../../src/lib/resources/tenant-settings.js'
import {tenantsKind} from '../../../src/lib/resources/tenants.js'
import {BASE, testClient} from '../api/fixtures.js'
import {rejection, tempDir} from '../config/helpers.js'

const base = {environments: {local: {emulator: true}}, version: 1}
const withSettings = (settings: unknown) => ({...base, tenants: [{id: 'acme', name: 'Acme', settings}]})

describe('tenant settings kind', () => {
  afterEach(() => nock.cleanAll())

  it('is registered after tenants, declared inside each tenant, and never deleted', () => {
    expect(kindByPlural('tenantSettings')).to.equal(tenantSettingsKind)
    const order = resourceKinds.map(kind => kind.name)
    expect(order.indexOf('tenantSettings')).to.be.greaterThan(order.indexOf('tenant'))
    expect(order.indexOf('tenantSettings')).to.be.lessThan(order.indexOf('role'))
    expect(selectKinds(['tenantSettings'])).to.deep.equal([tenantSettingsKind])
    expect(tenantSettingsKind.configKey).to.equal('tenants')
    expect(tenantSettingsKind.dependsOn({fields: {}, key: 'acme', kind: 'tenantSettings'})).to.deep.equal(['tenant:acme'])
    expect(tenantSettingsKind.defaults).to.deep.equal({
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
    })
    expect(tenantSettingsKind.passthroughFields).to.include.members(['domains', 'selfProvisioningDomains', 'authType', 'ssoSetupSuiteSettings'])
  })

  it('accepts settings in a tenant and manages only the fields given', () => {
    const result = validateConfig(withSettings({enabled: true, sessionTokenExpiration: 30, sessionTokenExpirationUnit: 'minutes'}))
    expect(result.problems).to.deep.equal([])
    expect(tenantSettingsKind.configured!(result.config!)).to.equal(true)
    expect(tenantSettingsKind.desired(result.config!)).to.deep.equal([
      {fields: {enabled: true, sessionTokenExpiration: 30, sessionTokenExpirationUnit: 'minutes'}, key: 'acme', kind: 'tenantSettings'},
    ])
    // The tenant itself manages none of it.
    expect(tenantsKind.desired(result.config!)[0].fields).to.not.have.property('settings')
    expect(tenantSettingsKind.configured!(validateConfig({...base, tenants: [{id: 'acme', name: 'Acme'}]}).config!)).to.equal(false)
  })

  it('refuses unknown fields, wrong units and durations that are not whole numbers', () => {
    const result = validateConfig(withSettings({sessionTokenExpiration: 1.5, sessionTokenExpirationUnit: 'years', sessionTimeout: 3}))
    expect(result.problems.map(problem => [problem.path, problem.message])).to.deep.equal([
      ['tenants[0].settings.sessionTokenExpiration', 'must be a whole number, not the number 1.5'],
      ['tenants[0].settings.sessionTokenExpirationUnit', 'must be one of "minutes", "hours", "days", "weeks"'],
      ['tenants[0].settings.sessionTimeout', 'unknown field "sessionTimeout"'],
    ])
  })

  it("checks Descope's limits with the file and line of the field", async () => {
    const temp = await tempDir()
    try {
      await temp.write('descope.yaml', [
        'version: 1',
        'environments: {local: {emulator: true}}',
        'tenants:',
        '  - id: acme',
        '    name: Acme',
        '    settings:',
        '      sessionTokenExpiration: 2',
        '      stepupTokenExpiration: 5',
        '  - id: globex',
        '    name: Globex',
        '    settings:',
        '      sessionTokenExpiration: 2',
        '      sessionTokenExpirationUnit: days',
        '      refreshTokenExpiration: 1',
        '      refreshTokenExpirationUnit: days',
        '      inactivityTime: 9',
        '      inactivityTimeUnit: minutes',
        '',
      ].join('\n'))
      const error = (await rejection(loadConfig({cwd: temp.dir, env: {}}))) as unknown as ConfigError
      expect(error).to.be.instanceOf(ConfigError)
      expect(error.problems.map(problem => [problem.file.endsWith('descope.yaml'), problem.line, problem.path, problem.message])).to.deep.equal([
        [true, 7, 'tenants[0].settings.sessionTokenExpiration', 'sessionTokenExpiration is 2 minutes; Descope requires at least 3 minutes'],
        [true, 12, 'tenants[1].settings.sessionTokenExpiration', 'the session token (2 days) would outlive the refresh token (1 days)'],
        [true, 16, 'tenants[1].settings.inactivityTime', 'inactivityTime is 9 minutes; Descope requires at least 10 minutes'],
      ])
      expect(error.problems[0].hint).to.contain('sessionTokenExpirationUnit')
    } finally {
      await temp.cleanup()
    }
  })

  it('keeps the managed fields of live settings, with defaults for those absent', () => {
    const item = tenantSettingsItem('acme', {authType: 'saml', enabled: true})
    expect(item.fields).to.deep.include({enabled: true, JITDisabled: false, refreshTokenExpiration: 4})
    expect(Object.keys(item.fields)).to.have.length(11)
    expect(item.fields).to.not.have.property('authType')
  })

  it('reads every tenant\'s settings, normalising the capitalised names node-sdk uses', async () => {
    nock(BASE).get('/v1/mgmt/tenant/all').reply(200, {tenants: [{id: 'acme', name: 'Acme'}]})
    nock(BASE).get('/v1/mgmt/tenant/settings').query({id: 'acme'}).reply(200, {enabled: true, InactivityTime: 45, InactivityTimeUnit: 'days'})
    const [item] = await tenantSettingsKind.readLive(testClient())
    expect(item.key).to.equal('acme')
    expect(item.fields).to.deep.include({
      enabled: true, inactivityTime: 45, inactivityTimeUnit: 'days', sessionTokenExpiration: 10,
    })
  })

  it('configures with every field the live GET returns, read just before the write, plus the managed ones', async () => {
    const live = {
      authType: 'oidc',
      domains: ['acme.com'],
      enabled: false,
      futureSetting: {kept: true},
      InactivityTime: 20,
      InactivityTimeUnit: 'minutes',
      JITDisabled: true,
      selfProvisioningDomains: ['acme.org'],
      ssoSetupSuiteSettings: {disabledFeatures: {scim: true}, enabled: true, styleId: 'brand'},
    }
    nock(BASE).get('/v1/mgmt/tenant/settings').query({id: 'acme'}).twice().reply(200, live)
    let sent: Record<string, unknown> | undefined
    nock(BASE).post('/v1/mgmt/tenant/settings', body => {
      sent = body as Record<string, unknown>
      return true
    }).reply(200, {})
    const desired = tenantSettingsItem('acme', {enabled: true, sessionTokenExpiration: 15}, true)
    const expected = {
      authType: 'oidc',
      domains: ['acme.com'],
      enabled: true,
      futureSetting: {kept: true},
      inactivityTime: 20,
      inactivityTimeUnit: 'minutes',
      JITDisabled: true,
      selfProvisioningDomains: ['acme.org'],
      sessionTokenExpiration: 15,
      ssoSetupSuiteSettings: {disabledFeatures: {scim: true}, enabled: true, styleId: 'brand'},
      tenantId: 'acme',
    }
    const client = testClient()
    expect(await configureBody(client, desired)).to.deep.equal(expected)
    await tenantSettingsKind.update(client, desired, tenantSettingsItem('acme', {}))
    expect(sent).to.deep.equal(expected)
    expect(nock.isDone()).to.equal(true)
  })

  it('plans updates of the managed fields only, and never deletes nor reports settings as unmanaged, even with prune', () => {
    const live = [tenantSettingsItem('acme', {enabled: false}), tenantSettingsItem('globex', {})]
    const plan = buildPlan({
      desired: [tenantSettingsItem('acme', {enabled: true}, true)], kinds: [tenantSettingsKind], live, projectId: 'P', prune: true, tool: 't',
    })
    expect(plan.changes.map(change => [change.id, change.action, change.fields])).to.deep.equal([
      ['tenantSettings:acme', 'update', [{
        after: true, before: false, kind: 'changed', path: 'enabled',
      }]],
    ])
    expect(plan.skipped).to.deep.equal([])
  })

  it('plans settings of a tenant not yet live only where they differ from the defaults it will have', () => {
    const plan = buildPlan({
      desired: [tenantSettingsItem('new', {}), tenantSettingsItem('other', {JITDisabled: true})], kinds: [tenantSettingsKind], live: [], projectId: 'P', prune: false, tool: 't',
    })
    expect(plan.changes.map(change => [change.id, change.action, change.after])).to.deep.equal([['tenantSettings:other', 'create', []]])
  })

  it('writes only the settings that differ from the defaults into the tenants of init --from-live', async () => {
    const config: Record<string, unknown> = {tenants: [{id: 'acme', name: 'Acme'}, {id: 'globex', name: 'Globex'}]}
    await tenantSettingsKind.toConfig!([tenantSettingsItem('acme', {enabled: true, refreshTokenExpiration: 4}), tenantSettingsItem('globex', {})], config)
    expect(config.tenants).to.deep.equal([{id: 'acme', name: 'Acme', settings: {enabled: true}}, {id: 'globex', name: 'Globex'}])
  })
})
