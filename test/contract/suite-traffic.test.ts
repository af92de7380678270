import {expect} from 'chai'
import {
  mkdtemp, readdir, readFile, rm,
} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

import {TrafficLog} from '../../plugins/plugin-emulator/src/lib/traffic-log.js'
import {checkSuiteTraffic} from './suite-traffic.js'

describe('contract: the sampled traffic of a whole test run', () => {
  let folder: string

  beforeEach(async () => {
    folder = await mkdtemp(path.join(os.tmpdir(), 'traffic-test-'))
  })

  afterEach(async () => {
    await rm(folder, {force: true, recursive: true})
  })

  it('reports a request field the OpenAPI does not declare, once, with where it was first seen', () => {
    const log = new TrafficLog(folder)
    const good = {
      body: {id: 'acme', name: 'Acme'}, method: 'POST', path: '/v1/mgmt/tenant/create', query: {}, response: {id: 'acme'}, sdk: 'descope-mgmt', status: 200,
    }
    log.record(good)
    const bad = {...good, body: {id: 'acme', name: 'Acme', nickname: 'A'}}
    log.record(bad)
    log.record(bad)
    const report = checkSuiteTraffic(folder)
    expect(report.read).to.equal(3)
    expect(report.checked).to.equal(3)
    expect(report.problems).to.have.length(1)
    expect(report.problems[0]).to.contain('unknown field "nickname"').and.contain(`traffic-${process.pid}.jsonl:2`)
  })

  it('leaves out refused requests, routes outside the contract and the raw calls of other clients', () => {
    const log = new TrafficLog(folder)
    log.record({
      body: {nickname: 'bad input on purpose'}, method: 'POST', path: '/v1/mgmt/tenant/create', query: {}, response: {errorCode: 'E011002'}, sdk: 'descope-mgmt', status: 400,
    })
    log.record({
      method: 'GET', path: '/v1/mgmt/not-in-the-contract', query: {}, response: {}, sdk: 'descope-mgmt', status: 200,
    })
    log.record({
      body: {enforceSSO: null, id: 'go', name: 'Go'}, method: 'POST', path: '/v1/mgmt/tenant/create', query: {}, response: {id: 'go'}, sdk: 'golang', status: 200,
    })
    expect(checkSuiteTraffic(folder)).to.deep.equal({checked: 0, problems: [], read: 3})
  })

  it('samples alike requests: a few per method, path, status and set of body fields, arrays cut short', async () => {
    const log = new TrafficLog(folder)
    const tenants = Array.from({length: 100}, (_, index) => ({id: `t${index}`, name: `T${index}`}))
    for (let index = 0; index < 50; index++) {
      log.record({
        method: 'GET', path: '/v1/mgmt/tenant/all', query: {}, response: {tenants}, sdk: 'descope-mgmt', status: 200,
      })
    }

    log.record({
      body: {id: 'x', name: 'X'}, method: 'POST', path: '/v1/mgmt/tenant/create', query: {}, response: {id: 'x'}, sdk: 'descope-mgmt', status: 200,
    })
    const report = checkSuiteTraffic(folder)
    expect(report.read).to.equal(6)
    expect(await readdir(folder)).to.deep.equal([`traffic-${process.pid}.jsonl`])
    const [first] = (await readFile(path.join(folder, `traffic-${process.pid}.jsonl`), 'utf8')).split('\n')
    expect((JSON.parse(first) as {response: {tenants: unknown[]}}).response.tenants).to.have.length(20)
  })
})
