import {expect} from 'chai'
import {readFile} from 'node:fs/promises'
import path from 'node:path'

import {
  flowFromV1, flowFromV2, flowMetadataFromV1, flowToV1, flowV1FieldsFromMetadata, type JsonObject, normaliseFlow, sortKeys,
} from '../../../packages/shared/src/flow-format.js'
import {flowRecordFromV1, flowV2FromRecord} from '../../../plugins/plugin-emulator/src/lib/flow-format.js'
import {repoRoot} from '../../helpers/cli.js'

interface V1Export {
  flow: JsonObject
  screens: JsonObject[]
}

async function fixture<T>(name: string): Promise<T> {
  return JSON.parse(await readFile(path.join(repoRoot, 'test', 'fixtures', 'flows', name), 'utf8')) as T
}

describe('shared flow format', () => {
  it('maps a v1 export to the v2 export of the same flow (references aside: v1 has none)', async () => {
    const v1 = await fixture<V1Export>('sign-up-or-in.v1.json')
    const v2 = await fixture<JsonObject>('sign-up-or-in.v2.json')
    expect(flowFromV1(v1.flow, v1.screens)).to.deep.equal({...flowFromV2(v2), references: {}})
  })

  it('maps v2 metadata back to the v1 flow members it came from', async () => {
    const v1 = await fixture<V1Export>('sign-up-or-in.v1.json')
    const fields = flowV1FieldsFromMetadata(flowMetadataFromV1(v1.flow, v1.screens))
    for (const [key, value] of Object.entries(fields)) expect(value, key).to.deep.equal(v1.flow[key])
  })

  it('round-trips v2 → v1 → v2 (references aside)', async () => {
    const v2 = {...flowFromV2(await fixture<JsonObject>('sign-up-or-in.v2.json')), references: {}}
    const v1 = flowToV1(v2)
    expect(flowFromV1(v1.flow, v1.screens)).to.deep.equal(v2)
  })

  it('leaves empty v1 values out of the metadata, as descopecli does', () => {
    const metadata = flowMetadataFromV1({
      description: '', disabled: false, name: 'Empty', sharedInteractions: [], translate: false, translateTargetLangs: ['fr', 3],
    }, [{componentsVersion: ''}, {componentsVersion: '1.2.3'}])
    expect(metadata).to.deep.equal({componentsVersion: '1.2.3', name: 'Empty', translation: {targetLanguages: ['fr']}})
  })

  it('gives the CLI and the emulator the same v2 flow for one v1 import', async () => {
    const v1 = await fixture<V1Export>('sign-up-or-in.v1.json')
    const stored = flowRecordFromV1('sign-up-or-in', v1.flow, v1.screens, {modifiedTime: 1, version: 1})
    expect(normaliseFlow(flowV2FromRecord(stored))).to.deep.equal(flowFromV1(v1.flow, v1.screens, 'sign-up-or-in'))
  })

  it('sorts keys at every depth and keeps array order', () => {
    expect(JSON.stringify(sortKeys({b: [{d: 1, c: 2}], a: 1}))).to.equal('{"a":1,"b":[{"c":2,"d":1}]}')
  })
})
