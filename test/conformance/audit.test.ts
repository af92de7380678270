import {expect} from 'chai'

import {
  Conformance, dataOf, expectFailure, projectId,
} from './sdk.js'

/** Wire fields of an audit record that node-sdk's `AuditRecord` type does not declare. */
type WireAudit = {ID?: string; actorId?: string; externalIds?: unknown; type?: string}

describe('conformance: audit through @descope/node-sdk', () => {
  const sdk = new Conformance()

  before(() => sdk.start())

  beforeEach(() => sdk.reset())

  after(() => sdk.stop())

  /** Three events a minute apart: login (acme), export (acme, globex), sync (no tenant). */
  async function createEvents(): Promise<number[]> {
    const times: number[] = []
    const events = [
      {
        action: 'UserLogin', actorId: 'admin@acme.com', data: {method: 'otp'}, tenantId: 'acme', type: 'info' as const, userId: 'U1',
      },
      {
        action: 'DataExported', actorId: 'ops@acme.com', data: {rows: 1200}, tenantId: 'globex', type: 'warn' as const, userId: 'U2',
      },
      {
        action: 'NightlySync', actorId: 'sync-bot', tenantId: 'acme', type: 'error' as const,
      },
    ]
    for (const event of events) {
      times.push(sdk.clock.now)
      dataOf(await sdk.management.audit.createEvent(event))
      sdk.clock.advance(60_000)
    }

    return times
  }

  it('createEvent → search: occurred converted to a number (ms), loginIds mapped from externalIds', async () => {
    const [loginAt] = await createEvents()
    const records = dataOf(await sdk.management.audit.search({actions: ['UserLogin']}))
    expect(records).to.have.length(1)
    const [record] = records
    expect(record.action).to.equal('UserLogin')
    expect(record.projectId).to.equal(projectId)
    expect(record.userId).to.equal('U1')
    expect(record.tenants).to.deep.equal(['acme'])
    expect(record.data).to.deep.equal({method: 'otp'})
    // The wire sends `occurred` as a numeric string; node-sdk parses it.
    expect(record.occurred).to.be.a('number')
    expect(record.occurred).to.equal(loginAt)
    // node-sdk renames the wire `externalIds` to `loginIds`.
    expect(record.loginIds).to.deep.equal([])
    const wire = record as WireAudit
    expect(wire.externalIds).to.equal(undefined)
    expect(wire.actorId).to.equal('admin@acme.com')
    expect(wire.type).to.equal('info')
    expect(wire.ID).to.be.a('string').and.not.equal('')
  })

  it('search filters: actions, excludedActions, userIds, tenants, text, from/to, loginIds; newest first', async () => {
    const [loginAt, exportAt, syncAt] = await createEvents()
    const actions = async (options: Parameters<typeof sdk.management.audit.search>[0]) =>
      dataOf(await sdk.management.audit.search(options))
      .map(record => record.action)

    expect(await actions({actions: ['UserLogin', 'DataExported', 'NightlySync']})).to.deep.equal(['NightlySync', 'DataExported', 'UserLogin'])
    expect(await actions({excludedActions: ['UserLogin', 'NightlySync']})).to.deep.equal(['DataExported'])
    expect(await actions({userIds: ['U2']})).to.deep.equal(['DataExported'])
    expect(await actions({actions: ['UserLogin', 'DataExported', 'NightlySync'], tenants: ['acme']})).to.deep.equal(['NightlySync', 'UserLogin'])
    expect(await actions({text: 'sync-bot'})).to.deep.equal(['NightlySync'])
    expect(await actions({actions: ['UserLogin', 'DataExported', 'NightlySync'], from: exportAt})).to.deep.equal(['NightlySync', 'DataExported'])
    expect(await actions({actions: ['UserLogin', 'DataExported', 'NightlySync'], to: exportAt})).to.deep.equal(['DataExported', 'UserLogin'])
    expect(await actions({actions: ['UserLogin', 'DataExported', 'NightlySync'], from: loginAt + 1, to: syncAt - 1})).to.deep.equal(['DataExported'])
    // node-sdk sends `loginIds` as the wire `externalIds`: no event here has one, so nothing matches.
    expect(await actions({actions: ['UserLogin'], loginIds: ['admin@acme.com']})).to.deep.equal([])
    // Every event names a tenant.
    expect(await actions({actions: ['UserLogin', 'DataExported', 'NightlySync'], noTenants: true})).to.deep.equal([])
  })

  it('searchAll returns the records with the total', async () => {
    await createEvents()
    const result = dataOf(await sdk.management.audit.searchAll({actions: ['UserLogin', 'NightlySync']}))
    expect(result.total).to.equal(2)
    expect(result.audits.map(record => record.action)).to.deep.equal(['NightlySync', 'UserLogin'])
    expect(result.audits[0].occurred).to.be.a('number')
  })

  it('records management writes with their data: tenant creation, theme import', async () => {
    const {id} = dataOf(await sdk.management.tenant.create('Acme'))
    const records = dataOf(await sdk.management.audit.search({actions: ['tenant.create']}))
    expect(records).to.have.length(1)
    expect(records[0].tenants).to.deep.equal([id])
    expect(records[0].occurred).to.equal(sdk.clock.now)

    dataOf(await sdk.management.theme.import({cssTemplate: {dark: {}, light: {}}, id: 'ignored'}))
    const themeRecords = dataOf(await sdk.management.audit.search({actions: ['theme.import']}))
    expect(themeRecords).to.have.length(1)
    expect(themeRecords[0].data).to.deep.equal({version: 2})
  })

  it('createEvent requires action, type, actorId and tenantId', async () => {
    const event = {
      action: 'X', actorId: 'a', tenantId: 't', type: 'info' as const,
    }
    expectFailure(await sdk.management.audit.createEvent({...event, action: ''}), 400, 'E011002', /action/)
    expectFailure(await sdk.management.audit.createEvent({...event, actorId: ''}), 400, 'E011002', /actorId/)
    expectFailure(await sdk.management.audit.createEvent({...event, tenantId: ''}), 400, 'E011002', /tenantId/)
    expectFailure(await sdk.management.audit.createEvent({...event, type: 'fatal' as 'info'}), 400, 'E011003', /type/)
    expect(dataOf(await sdk.management.audit.search({actions: ['X']}))).to.deep.equal([])
  })
})
