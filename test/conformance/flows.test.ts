import type {Flow, Screen} from '@descope/node-sdk'

import {expect} from 'chai'
import {readFileSync} from 'node:fs'

import {Conformance, dataOf, expectFailure} from './sdk.js'

type Json = Record<string, unknown>
type V1Export = {flow: Flow & Json; screens: Array<Json & Screen>}

const fixture = <T>(path: string): T => JSON.parse(readFileSync(new URL(`../fixtures/${path}`, import.meta.url), 'utf8')) as T
const v1 = () => fixture<V1Export>('flows/sign-up-or-in.v1.json')

// node-sdk 2.13.0 only has the v1 flow endpoints (`/v1/mgmt/flow/*`); the v2 ones (go-sdk,
// descopecli) are covered by the emulator's unit tests.
describe('conformance: flows through @descope/node-sdk', () => {
  const sdk = new Conformance()

  before(() => sdk.start())

  beforeEach(() => sdk.reset())

  after(() => sdk.stop())

  it('import → export round-trips a v1 flow with its screens', async () => {
    const {flow, screens} = v1()
    const imported = dataOf(await sdk.management.flow.import('sign-up-or-in', flow, screens))
    expect(imported.flow.id).to.equal('sign-up-or-in')

    const exported = dataOf(await sdk.management.flow.export('sign-up-or-in')) as V1Export
    expect(exported).to.deep.equal(imported)
    const {etag, modifiedTime, version, ...rest} = exported.flow
    expect(rest).to.deep.equal(omit(flow, ['etag', 'modifiedTime', 'version']))
    expect(version).to.equal(1)
    expect(modifiedTime).to.equal(String(sdk.clock.now))
    expect(etag).to.match(/^[0-9a-f]{16}$/)
    expect(exported.screens.map(screen => omit(screen, ['version']))).to.deep.equal(screens.map(screen => omit(screen, ['version'])))
    for (const screen of exported.screens) expect(screen.version).to.equal(1)
  })

  it('import overrides a flow and bumps its version; a copy under another id is a new flow', async () => {
    const {flow, screens} = v1()
    dataOf(await sdk.management.flow.import('sign-up-or-in', flow, screens))
    sdk.clock.advance(1000)
    const renamed = dataOf(await sdk.management.flow.import('sign-up-or-in', {...flow, name: 'Sign In'}, screens.slice(0, 1)))
    expect(renamed.flow.name).to.equal('Sign In')
    expect((renamed.flow as Json).version).to.equal(2)
    expect(renamed.screens).to.have.length(1)

    const copy = dataOf(await sdk.management.flow.import('sign-up-or-in-copy', flow))
    expect(copy.flow.id).to.equal('sign-up-or-in-copy')
    expect(copy.screens).to.deep.equal([])
  })

  it('list returns every flow with its metadata and total; delete removes flows', async () => {
    const {flow, screens} = v1()
    for (const id of ['sign-up-or-in', 'step-up', 'magic-link']) dataOf(await sdk.management.flow.import(id, {...flow, name: `Flow ${id}`}, screens))
    const list = dataOf(await sdk.management.flow.list())
    expect(list.total).to.equal(3)
    expect(list.flows.map(entry => entry.id)).to.deep.equal(['magic-link', 'sign-up-or-in', 'step-up'])
    const entry = list.flows[1]
    expect(entry.name).to.equal('Flow sign-up-or-in')
    expect(entry.description).to.equal(flow.description)
    expect(entry.disabled).to.equal(false)

    dataOf(await sdk.management.flow.delete(['step-up', 'no-such-flow']))
    const after = dataOf(await sdk.management.flow.list())
    expect(after.total).to.equal(2)
    expect(after.flows.map(item => item.id)).to.deep.equal(['magic-link', 'sign-up-or-in'])
  })

  it('errors: unknown flow, missing and ill-typed arguments', async () => {
    expectFailure(await sdk.management.flow.export('no-such-flow'), 400, 'E011404', /no-such-flow/)
    expectFailure(await sdk.management.flow.export(''), 400, 'E011002', /flowId/)
    expectFailure(await sdk.management.flow.import('bad id!', v1().flow), 400, 'E011003', /flowId/)
    expectFailure(await sdk.management.flow.import('x', {...v1().flow, dsl: undefined}), 400, 'E011002', /flow\.dsl/)
    expectFailure(await sdk.management.flow.delete([]), 400, 'E011002', /ids/)
    expect(dataOf(await sdk.management.flow.list()).total).to.equal(0)
  })
})

function omit<T extends Json>(value: T, keys: string[]): Json {
  return Object.fromEntries(Object.entries(value).filter(([key]) => !keys.includes(key)))
}
