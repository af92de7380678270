import {
  deepStrictEqual, equal, match, notEqual, ok,
} from 'node:assert/strict'

import type {JsonObject} from '../../../plugins/plugin-emulator/src/lib/types.js'

import {
  defaultTheme,
  flowEtag,
  flowListEntryFromRecord,
  flowRecordFromV1,
  flowRecordFromV2,
  flowV1ExportFromRecord,
  flowV1ToV2,
  flowV2FromRecord,
  flowV2ToV1,
  snapshotFlowFiles,
  themeV1FromRecord,
  themeV2FromRecord,
} from '../../../plugins/plugin-emulator/src/lib/flow-format.js'
import {fixture} from './route-context.js'

interface V1Export {
  flow: JsonObject & {etag: string; modifiedTime: string; version: number}
  screens: Array<JsonObject & {inputs?: unknown[]}>
}

const v1 = () => fixture<V1Export>('flows/sign-up-or-in.v1.json')
const v2 = () => fixture<JsonObject & {metadata: JsonObject; references: JsonObject; screens: JsonObject[]}>('flows/sign-up-or-in.v2.json')
const serverOf = (flow: V1Export['flow']) => ({version: flow.version, modifiedTime: Number(flow.modifiedTime)})
const withoutEtag = (flow: JsonObject) => ({...flow, etag: '<etag>'})

describe('emulator flow-format', () => {
  describe('v1 (console) format', () => {
    it('round-trips a v1 import to the same v1 export (etag aside)', () => {
      const input = v1()
      const record = flowRecordFromV1('sign-up-or-in', input.flow, input.screens, serverOf(input.flow))
      const output = flowV1ExportFromRecord(record)
      deepStrictEqual(withoutEtag(output.flow as unknown as JsonObject), withoutEtag(input.flow))
      deepStrictEqual(output.screens, input.screens)
      match(output.flow.etag, /^[0-9a-f]{16}$/)
    })

    it('stores v1 flows in the v2 shape with the descopecli mapping', () => {
      const input = v1()
      input.flow.translate = true
      input.flow.translateConnectorID = 'CIdeepl'
      input.flow.translateSourceLang = 'en'
      input.flow.translateTargetLangs = ['fr', 'de']
      input.flow.disabled = true
      const record = flowRecordFromV1('copied-flow', input.flow, input.screens, {version: 1, modifiedTime: 5})
      equal(record.flowId, 'copied-flow', 'the import target id wins over flow.id')
      deepStrictEqual(record.metadata.translation, {
        enabled: true, connectorId: 'CIdeepl', sourceLanguage: 'en', targetLanguages: ['fr', 'de'],
      })
      equal(record.metadata.disabled, true)
      equal(record.metadata.componentsVersion, '2.0.295')
      equal(record.metadata.widget, undefined, 'false booleans are left out, as descopecli writes metadata')
      deepStrictEqual(record.contents, input.flow.dsl)
      deepStrictEqual(record.references, {})
      deepStrictEqual(
        record.screens.map(screen => screen.screenId),
        input.screens.map(screen => screen.id),
      )
    })

    it('maps a v1 flow to the v2 fixture (references aside: v1 has none)', () => {
      const input = v1()
      deepStrictEqual(flowV1ToV2(input.flow, input.screens), {...v2(), references: {}})
    })

    it('maps the v2 fixture to the v1 fixture (v1-only screen inputs aside)', () => {
      const input = v1()
      const output = flowV2ToV1(v2(), serverOf(input.flow))
      deepStrictEqual(withoutEtag(output.flow as unknown as JsonObject), withoutEtag(input.flow))
      deepStrictEqual(
        output.screens,
        input.screens.map(screen => ({...screen, inputs: []})),
      )
    })

    it('does not share objects between the request and the store', () => {
      const input = v1()
      const record = flowRecordFromV1('sign-up-or-in', input.flow, input.screens, serverOf(input.flow));
      (input.flow.dsl as JsonObject).startTask = 'changed';
      (input.screens[0].interactions as JsonObject[])[0].label = 'changed'
      equal(record.contents.startTask, 'start')
      equal((record.screens[0].interactions as JsonObject[])[0].label, 'Continue')
    })

    it('lists a flow without its graph', () => {
      const input = v1()
      const entry = flowListEntryFromRecord(flowRecordFromV1('sign-up-or-in', input.flow, input.screens, serverOf(input.flow)))
      equal('dsl' in entry, false)
      equal(entry.id, 'sign-up-or-in')
      equal(entry.name, 'Sign Up or In')
      equal(entry.version, 3)
      equal(entry.modifiedTime, '1754380800000')
      equal(entry.disabled, false)
    })
  })

  describe('v2 (exported) format', () => {
    it('round-trips a v2 import to the same v2 export', () => {
      const input = v2()
      deepStrictEqual(flowV2FromRecord(flowRecordFromV2('sign-up-or-in', input, {version: 1, modifiedTime: 1})), input)
    })

    it('keeps a screen without interactions without them', () => {
      const input = v2()
      delete input.screens[1].interactions
      const output = flowV2FromRecord(flowRecordFromV2('sign-up-or-in', input, {version: 1, modifiedTime: 1}))
      equal('interactions' in output.screens[1], false)
      deepStrictEqual(output, input)
    })

    it('never sends the v1-only screen inputs in v2', () => {
      const input = v1()
      const output = flowV2FromRecord(flowRecordFromV1('sign-up-or-in', input.flow, input.screens, serverOf(input.flow)))
      for (const screen of output.screens) equal('inputs' in screen, false)
    })

    it('changes the etag when the content or the version changes', () => {
      const record = flowRecordFromV2('sign-up-or-in', v2(), {version: 1, modifiedTime: 1})
      const etag = flowEtag(record)
      equal(flowEtag({...record}), etag)
      notEqual(flowEtag({...record, version: 2}), etag)
      notEqual(flowEtag({...record, metadata: {...record.metadata, name: 'Other'}}), etag)
    })
  })

  describe('snapshot files', () => {
    it('writes metadata with sorted screen ids and references, contents and one file per screen', () => {
      const files = snapshotFlowFiles(flowRecordFromV2('sign-up-or-in', v2(), {version: 1, modifiedTime: 1}))
      const screenIds = v2().screens.map(screen => screen.screenId as string)
      deepStrictEqual(Object.keys(files).sort(), [
        'flows/sign-up-or-in/contents.json',
        'flows/sign-up-or-in/metadata.json',
        ...screenIds.map(id => `flows/sign-up-or-in/screen-${id}.json`),
      ].sort())
      const metadata = files['flows/sign-up-or-in/metadata.json']
      deepStrictEqual(metadata.screens, [...screenIds].sort())
      deepStrictEqual(metadata.references, v2().references)
      equal(metadata.name, 'Sign Up or In')
      deepStrictEqual(files['flows/sign-up-or-in/contents.json'], v2().contents)
      deepStrictEqual(files[`flows/sign-up-or-in/screen-${screenIds[0]}.json`], v2().screens[0])
    })

    it('leaves out empty references and empty screen interactions', () => {
      const input = v2()
      input.references = {}
      input.screens[0].interactions = []
      const files = snapshotFlowFiles(flowRecordFromV2('sign-up-or-in', input, {version: 1, modifiedTime: 1}))
      equal('references' in files['flows/sign-up-or-in/metadata.json'], false)
      equal('interactions' in files[`flows/sign-up-or-in/screen-${input.screens[0].screenId}.json`], false)
    })
  })

  describe('themes', () => {
    it('has a default theme with light and dark --descope-* variables', () => {
      const theme = defaultTheme()
      for (const mode of ['light', 'dark']) {
        const components = (theme.styles[mode] as JsonObject).components as JsonObject
        const variables = Object.keys(components.button as JsonObject).filter(key => key.startsWith('--descope-'))
        ok(variables.length > 0, `${mode} has button variables`)
      }

      ok(theme.componentsVersion.length > 0)
    })

    it('maps v2 styles to the v1 cssTemplate and back', () => {
      const styles = fixture<JsonObject>('themes/brand.v2.json').styles as JsonObject
      const record = {
        styles, componentsVersion: '2.0.295', references: {}, version: 4,
      }
      deepStrictEqual(themeV1FromRecord(record), {
        id: 'default', version: 4, cssTemplate: styles, componentsVersion: '2.0.295',
      })
      deepStrictEqual(themeV2FromRecord(record), {styles, componentsVersion: '2.0.295', references: {}})
    })
  })
})
