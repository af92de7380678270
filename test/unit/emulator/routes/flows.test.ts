import {deepStrictEqual, equal, match} from 'node:assert/strict'

import type {JsonObject} from '../../../../plugins/plugin-emulator/src/lib/types.js'

import {omit} from '../../../../plugins/plugin-emulator/src/lib/flow-format.js'
import {flowRoutes} from '../../../../plugins/plugin-emulator/src/lib/routes/flows.js'
import {expectEmulatorError, fixture, RouteCaller} from '../route-context.js'

type V1Export = {flow: JsonObject; screens: JsonObject[]}
type FlowList = {flows: JsonObject[]; total: number}

const v1 = () => fixture<V1Export>('flows/sign-up-or-in.v1.json')
const v2 = () => fixture<JsonObject & {metadata: JsonObject; screens: JsonObject[]}>('flows/sign-up-or-in.v2.json')
const withoutServerFields = (flow: JsonObject) => ({
  ...flow, etag: '', modifiedTime: '', version: 0,
})

describe('emulator flow routes', () => {
  let caller: RouteCaller

  beforeEach(() => {
    caller = new RouteCaller(flowRoutes)
  })

  const importV2 = (flow: JsonObject) => caller.call('/v2/mgmt/flow/import', {flow})

  it('marks exactly the state-changing routes as mutations', () => {
    deepStrictEqual(
      flowRoutes.filter(route => route.mutation).map(route => route.path).sort(),
      ['/v1/mgmt/flow/delete', '/v1/mgmt/flow/import', '/v2/mgmt/flow/import'],
    )
    for (const route of flowRoutes) equal(route.method, 'POST')
  })

  describe('v2 export/import', () => {
    it('imports a new flow at version 1 and exports it unchanged', () => {
      deepStrictEqual(importV2(v2()), {})
      const stored = caller.project.flows.get('sign-up-or-in')
      equal(stored?.version, 1)
      equal(stored?.modifiedTime, caller.now)
      deepStrictEqual(caller.call('/v2/mgmt/flow/export', {flowId: 'sign-up-or-in'}), {flow: v2()})
      deepStrictEqual(caller.audits, [{action: 'flow.import', data: {flowId: 'sign-up-or-in', version: 1}, tenants: undefined}])
    })

    it('overrides an existing flow and bumps its version', () => {
      importV2(v2())
      const changed = v2()
      changed.metadata.name = 'Sign Up or In (v2)'
      changed.screens = changed.screens.slice(0, 1)
      caller.now += 60_000
      importV2(changed)
      const stored = caller.project.flows.get('sign-up-or-in')
      equal(stored?.version, 2)
      equal(stored?.modifiedTime, caller.now)
      deepStrictEqual((caller.call('/v2/mgmt/flow/export', {flowId: 'sign-up-or-in'}) as {flow: JsonObject}).flow, changed)
    })

    it('defaults absent screens and references to empty', () => {
      importV2(omit(v2(), 'screens', 'references'))
      const exported = (caller.call('/v2/mgmt/flow/export', {flowId: 'sign-up-or-in'}) as {flow: JsonObject}).flow
      deepStrictEqual(exported.screens, [])
      deepStrictEqual(exported.references, {})
    })

    it('accepts and ignores skipRender and changelog', () => {
      deepStrictEqual(caller.call('/v2/mgmt/flow/import', {flow: v2(), skipRender: true, changelog: 'first import'}), {})
      equal(caller.project.flows.size, 1)
    })

    it('rejects missing and ill-typed members without storing anything', () => {
      expectEmulatorError(() => caller.call('/v2/mgmt/flow/import', {}), 'missingArgument', /"flow" is required/)
      expectEmulatorError(() => caller.call('/v2/mgmt/flow/import', {flow: 'x'}), 'invalidArgument', /"flow" must be an object/)
      expectEmulatorError(() => importV2({...v2(), flowId: ''}), 'missingArgument', /"flow\.flowId" is required/)
      expectEmulatorError(() => importV2({...v2(), flowId: 'sign up/../x'}), 'invalidArgument', /"flow\.flowId" must match/)
      expectEmulatorError(() => importV2({...v2(), metadata: undefined}), 'missingArgument', /"flow\.metadata" is required/)
      expectEmulatorError(() => importV2({...v2(), metadata: []}), 'invalidArgument', /"flow\.metadata" must be an object/)
      expectEmulatorError(() => importV2({...v2(), contents: 'graph'}), 'invalidArgument', /"flow\.contents" must be an object/)
      expectEmulatorError(() => importV2({...v2(), screens: {}}), 'invalidArgument', /"flow\.screens" must be an array/)
      expectEmulatorError(() => importV2({...v2(), references: []}), 'invalidArgument', /"flow\.references" must be an object/)
      expectEmulatorError(() => importV2({...v2(), metadata: {name: 7}}), 'invalidArgument', /"flow\.metadata\.name" must be a string/)
      expectEmulatorError(() => caller.call('/v2/mgmt/flow/import', {flow: v2(), skipRender: 'yes'}), 'invalidArgument', /"skipRender" must be a boolean/)
      equal(caller.project.flows.size, 0)
      equal(caller.audits.length, 0)
    })

    it('rejects ill-shaped screens, naming them', () => {
      const flow = {...v2(), screens: [{screenId: 'A', contents: {}}, {screenId: 'A', contents: {}}, {contents: {}}, {screenId: 'B', contents: 'html'}, 3]}
      expectEmulatorError(
        () => importV2(flow),
        'missingArgument',
        /"flow\.screens\[1\]\.screenId" duplicates screen A.*"flow\.screens\[2\]\.screenId" is required.*"flow\.screens\[3\]\.contents" must be an object.*"flow\.screens\[4\]" must be an object/,
      )
    })

    it('answers notFound for an unknown flow and missingArgument without a flowId', () => {
      expectEmulatorError(() => caller.call('/v2/mgmt/flow/export', {flowId: 'nope'}), 'notFound', /Flow "nope" does not exist/)
      expectEmulatorError(() => caller.call('/v1/mgmt/flow/export', {flowId: 'nope'}), 'notFound', /Flow "nope" does not exist/)
      expectEmulatorError(() => caller.call('/v2/mgmt/flow/export', {}), 'missingArgument', /"flowId" is required/)
      expectEmulatorError(() => caller.call('/v1/mgmt/flow/export', {flowId: 5}), 'invalidArgument', /"flowId" must be a string/)
    })
  })

  describe('v1 export/import', () => {
    it('round-trips a v1 import through a v1 export', () => {
      const input = v1()
      const response = caller.call('/v1/mgmt/flow/import', {flowId: 'sign-up-or-in', ...input}) as V1Export
      const exported = caller.call('/v1/mgmt/flow/export', {flowId: 'sign-up-or-in'}) as V1Export
      deepStrictEqual(exported, response, 'import answers what export then returns')
      deepStrictEqual(withoutServerFields(exported.flow), withoutServerFields(input.flow))
      equal(exported.flow.version, 1)
      equal(exported.flow.modifiedTime, String(caller.now))
      match(exported.flow.etag as string, /^[0-9a-f]{16}$/)
      deepStrictEqual(
        exported.screens.map(screen => ({...screen, version: 0})),
        input.screens.map(screen => ({...screen, version: 0})),
      )
      for (const screen of exported.screens) equal(screen.version, 1)
    })

    it('imports under the request flowId, not flow.id', () => {
      caller.call('/v1/mgmt/flow/import', {flowId: 'sign-up-or-in-copy', ...v1()})
      equal(caller.project.flows.has('sign-up-or-in'), false)
      const exported = caller.call('/v1/mgmt/flow/export', {flowId: 'sign-up-or-in-copy'}) as V1Export
      equal(exported.flow.id, 'sign-up-or-in-copy')
      for (const screen of exported.screens) equal(screen.flowId, 'sign-up-or-in-copy')
    })

    it('exports a v2-imported flow in v1 and the other way round', () => {
      importV2(v2())
      const asV1 = caller.call('/v1/mgmt/flow/export', {flowId: 'sign-up-or-in'}) as V1Export
      deepStrictEqual(asV1.flow.dsl, v2().contents)
      equal(asV1.flow.name, 'Sign Up or In')
      equal(asV1.flow.fingerprint, true)
      deepStrictEqual(
        asV1.screens.map(screen => screen.id),
        v2().screens.map(screen => screen.screenId),
      )

      caller.call('/v1/mgmt/flow/import', {flowId: 'from-v1', ...v1()})
      const asV2 = (caller.call('/v2/mgmt/flow/export', {flowId: 'from-v1'}) as {flow: JsonObject}).flow
      deepStrictEqual(asV2, {...v2(), flowId: 'from-v1', references: {}})
    })

    it('accepts an import without screens', () => {
      const {flow} = v1()
      const response = caller.call('/v1/mgmt/flow/import', {flowId: 'no-screens', flow}) as V1Export
      deepStrictEqual(response.screens, [])
    })

    it('validates the v1 request', () => {
      const {flow, screens} = v1()
      expectEmulatorError(() => caller.call('/v1/mgmt/flow/import', {flow, screens}), 'missingArgument', /"flowId" is required/)
      expectEmulatorError(() => caller.call('/v1/mgmt/flow/import', {flowId: 'x', screens}), 'missingArgument', /"flow" is required/)
      expectEmulatorError(() => caller.call('/v1/mgmt/flow/import', {flowId: 'x', flow: {...flow, dsl: undefined}}), 'missingArgument', /"flow\.dsl" is required/)
      expectEmulatorError(() => caller.call('/v1/mgmt/flow/import', {flowId: 'x', flow: {...flow, disabled: 'no'}}), 'invalidArgument', /"flow\.disabled" must be a boolean/)
      expectEmulatorError(() => caller.call('/v1/mgmt/flow/import', {flowId: 'x', flow, screens: 'none'}), 'invalidArgument', /"screens" must be an array/)
      expectEmulatorError(
        () => caller.call('/v1/mgmt/flow/import', {flowId: 'x', flow, screens: [{...screens[0], htmlTemplate: null}]}),
        'missingArgument',
        /"screens\[0\]\.htmlTemplate" is required/,
      )
      expectEmulatorError(() => caller.call('/v1/mgmt/flow/import', {flowId: 'a b', flow}), 'invalidArgument', /"flowId" must match/)
      equal(caller.project.flows.size, 0)
    })
  })

  describe('list and delete', () => {
    beforeEach(() => {
      for (const flowId of ['sign-up-or-in', 'step-up', 'a-first']) importV2({...v2(), flowId, metadata: {...v2().metadata, name: `Flow ${flowId}`}})
    })

    it('lists every flow, sorted by id, with total', () => {
      const list = caller.call('/v1/mgmt/flow/list') as FlowList
      equal(list.total, 3)
      deepStrictEqual(
        list.flows.map(flow => flow.id),
        ['a-first', 'sign-up-or-in', 'step-up'],
      )
      const entry = list.flows[1]
      equal(entry.name, 'Flow sign-up-or-in')
      equal(entry.description, v2().metadata.description)
      equal(entry.disabled, false)
      equal(entry.version, 1)
      equal('dsl' in entry, false)
    })

    it('filters by ids and treats an empty ids as all', () => {
      const filtered = caller.call('/v1/mgmt/flow/list', {ids: ['step-up', 'unknown']}) as FlowList
      deepStrictEqual(
        filtered.flows.map(flow => flow.id),
        ['step-up'],
      )
      equal(filtered.total, 1)
      equal((caller.call('/v1/mgmt/flow/list', {ids: []}) as FlowList).total, 3)
      expectEmulatorError(() => caller.call('/v1/mgmt/flow/list', {ids: 'step-up'}), 'invalidArgument', /"ids" must be an array/)
    })

    it('deletes the listed flows and ignores unknown ids', () => {
      caller.audits.length = 0
      deepStrictEqual(caller.call('/v1/mgmt/flow/delete', {ids: ['step-up', 'unknown']}), {})
      deepStrictEqual([...caller.project.flows.keys()].sort(), ['a-first', 'sign-up-or-in'])
      deepStrictEqual(caller.audits, [{action: 'flow.delete', data: {flowIds: ['step-up']}, tenants: undefined}])
    })

    it('requires ids on delete', () => {
      expectEmulatorError(() => caller.call('/v1/mgmt/flow/delete', {}), 'missingArgument', /"ids" is required/)
      expectEmulatorError(() => caller.call('/v1/mgmt/flow/delete', {ids: []}), 'missingArgument', /"ids" is required/)
      expectEmulatorError(() => caller.call('/v1/mgmt/flow/delete', {ids: [1]}), 'invalidArgument', /"ids" must be an array of strings/)
      equal(caller.project.flows.size, 3)
    })
  })
})
