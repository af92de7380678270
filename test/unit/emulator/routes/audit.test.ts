import {expect} from 'chai'

import type {AuditRecord, JsonObject, ProjectState} from '../../../../plugins/plugin-emulator/src/lib/types.js'

import {DEFAULT_BEHAVIOUR} from '../../../../plugins/plugin-emulator/src/lib/knobs.js'
import {auditRoutes} from '../../../../plugins/plugin-emulator/src/lib/routes/audit.js'
import {createProjectState, ProjectStore} from '../../../../plugins/plugin-emulator/src/lib/store.js'

function record(index: number): AuditRecord {
  return {
    action: `Bulk${index}`,
    actorId: 'ci',
    data: {},
    device: '',
    externalIds: [],
    geo: '',
    ID: `AU${index}`,
    method: '',
    occurred: 1_772_000_000_000 + index,
    projectId: 'P2Audit',
    remoteAddress: '',
    tenants: [],
    type: 'info',
    userId: '',
  }
}

/** Calls the audit search handler directly: paging over many records needs no HTTP. */
function search(project: ProjectState, body: JsonObject): {audits: Array<{action: string}>; total: number} {
  const route = auditRoutes.find(candidate => candidate.path === '/v1/mgmt/audit/search')
  return route?.handler({
    audit() {}, behaviour: {...DEFAULT_BEHAVIOUR}, body, now: 0, project, projects: new ProjectStore(), query: new URLSearchParams(),
  }) as never
}

describe('emulator audit search paging', () => {
  const project = createProjectState({id: 'P2Audit', name: 'audit'})
  project.audits = Array.from({length: 1100}, (_, index) => record(index))

  it('answers 100 records by default, newest first', () => {
    const {audits, total} = search(project, {})
    expect(total).to.equal(1100)
    expect(audits).to.have.length(100)
    expect(audits[0].action).to.equal('Bulk1099')
  })

  it('caps size at 1000, and treats size ≤ 0 as the default', () => {
    expect(search(project, {size: 5000}).audits).to.have.length(1000)
    expect(search(project, {size: 0}).audits).to.have.length(100)
    expect(search(project, {size: -3}).audits).to.have.length(100)
  })

  it('pages from 0', () => {
    expect(search(project, {page: 10, size: 100}).audits.map(audit => audit.action)).to.deep.equal(Array.from({length: 100}, (_, index) => `Bulk${99 - index}`))
    expect(search(project, {page: 11, size: 100}).audits).to.deep.equal([])
  })
})
