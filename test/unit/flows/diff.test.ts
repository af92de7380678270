import {expect} from 'chai'
import {readFile} from 'node:fs/promises'
import path from 'node:path'

import type {FlowDocument} from '../../../src/lib/flows/format.js'

import {normaliseTheme} from '../../../src/lib/api/themes.js'
import {diffFlows} from '../../../src/lib/flows/diff.js'
import {
  detectFormat, flowFromV1, flowFromV2, flowToV1, parseFlowText, resolveFlowId, serialiseFlow,
} from '../../../src/lib/flows/format.js'
import {diffThemes, parseThemeText} from '../../../src/lib/flows/theme.js'
import {flowItem, flowKindFiles} from '../../../src/lib/resources/flows.js'
import {renderFlowDiff, renderThemeDiff} from '../../../src/lib/ui/flow-diff-render.js'
import {repoRoot} from '../../helpers/cli.js'

const read = async (file: string) => JSON.parse(await readFile(path.join(repoRoot, 'test/fixtures', file), 'utf8')) as Record<string, unknown>

/** The same JSON with every object's keys in reverse order. */
function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(item => reverseKeys(item))
  if (value === null || typeof value !== 'object') return value
  return Object.fromEntries(Object.entries(value).reverse().map(([key, inner]) => [key, reverseKeys(inner)]))
}

describe('flows and themes', () => {
  describe('flow files', () => {
    let v1: Record<string, unknown>
    let v2: Record<string, unknown>

    before(async () => {
      v1 = await read('flows/sign-up-or-in.v1.json')
      v2 = await read('flows/sign-up-or-in.v2.json')
    })

    it('detects v1, v2 and unknown formats', () => {
      expect(detectFormat(v1)).to.equal('v1')
      expect(detectFormat(v2)).to.equal('v2')
      expect(detectFormat({flow: v2})).to.equal('v2')
      expect(detectFormat({hello: 1})).to.equal(undefined)
      expect(detectFormat([])).to.equal(undefined)
    })

    it('converts v1 to v2 with the descopecli mapping (references empty), and back', () => {
      const fromV1 = flowFromV1(v1.flow as Record<string, unknown>, v1.screens as unknown[])
      const expected = flowFromV2(v2)
      expect(fromV1).to.deep.equal({...expected, references: {}})
      const back = flowToV1(fromV1)
      expect(back.flow).to.include({id: 'sign-up-or-in', name: 'Sign Up or In'})
      expect(flowFromV1(back.flow, back.screens)).to.deep.equal(fromV1)
    })

    it('serialises in a stable key order whatever the input order', () => {
      const a = serialiseFlow(flowFromV2(v2))
      const b = serialiseFlow(flowFromV2(reverseKeys(v2) as Record<string, unknown>))
      expect(a).to.equal(b)
      expect(a.startsWith('{\n  "flowId": "sign-up-or-in",\n  "metadata": {\n')).to.equal(true)
      expect(a.endsWith('}\n')).to.equal(true)
      expect(Object.keys(JSON.parse(a) as object)).to.deep.equal(['flowId', 'metadata', 'contents', 'screens', 'references'])
    })

    it('takes the id from --flow-id, then the content, then the file name with a warning', () => {
      expect(resolveFlowId({contentId: 'sign-in', file: 'renamed.json'}, 'other')).to.deep.equal({id: 'other', source: 'flag'})
      expect(resolveFlowId({contentId: 'sign-in', file: 'renamed.json'})).to.deep.equal({id: 'sign-in', source: 'content'})
      const byName = resolveFlowId({file: 'dir/sign-up.v1.json'})
      expect(byName).to.include({id: 'sign-up', source: 'file-name'})
      expect(byName.warning).to.contain('taken from the file name')
      expect(() => resolveFlowId({file: 'my flow!.json'})).to.throw(/names no flow id/)
      expect(() => resolveFlowId({file: 'x.json'}, 'bad id')).to.throw(/is not valid/)
    })

    it('refuses malformed JSON and unknown formats, naming the file', () => {
      expect(() => parseFlowText('a.json', '{"flowId":')).to.throw(/^a\.json:1:11: not valid JSON: the file ends before the JSON is complete/)
      expect(() => parseFlowText('b.json', '{"x": 1}')).to.throw(/^b\.json:1:1: the file is not a Descope flow in a known format/)
      expect(parseFlowText('c.json', JSON.stringify(v1))).to.include({contentId: 'sign-up-or-in', format: 'v1'})
    })

    it('lays flows out in a backup as one exported file each, and reads them back', () => {
      const flow = flowFromV2(v2)
      const files = flowKindFiles.toFiles([flowItem(flow)], 'flows')
      expect(files.map(file => file.path)).to.deep.equal(['flows.json', 'flows/sign-up-or-in.json'])
      expect(`${JSON.stringify(files[1].content, null, 2)}\n`).to.equal(serialiseFlow(flow))
      expect(flowKindFiles.fromFiles(files, 'flows')).to.deep.equal([flowItem(flow)])
      expect(flowKindFiles.toFiles([], 'flows')).to.deep.equal([{content: {flows: []}, path: 'flows.json'}])
    })
  })

  describe('structural flow diff', () => {
    let base: FlowDocument

    before(async () => {
      base = flowFromV2(await read('flows/sign-up-or-in.v2.json'))
    })

    it('finds no differences between equal flows', () => {
      const diff = diffFlows(base, structuredClone(base))
      expect(diff.equal).to.equal(true)
      expect(renderFlowDiff(diff)).to.deep.equal(['No differences.'])
    })

    it('reports metadata, tasks, screens and references by id', () => {
      const after = structuredClone(base)
      after.metadata.disabled = true
      const tasks = after.contents.tasks as Record<string, Record<string, unknown>>
      tasks['3'].action = 'otp-sign-up-or-in-sms'
      delete tasks['8']
      tasks.audit = {id: 'audit', name: 'Audit', type: 'action'}
      after.contents.startTask = '2'
      after.screens = after.screens.slice(1)
      after.screens.push({contents: {}, screenId: 'new-screen'})
      after.references = {connectors: {}}
      const diff = diffFlows(base, after)
      expect(diff.equal).to.equal(false)
      expect(diff.metadata).to.deep.equal([{after: true, kind: 'added', path: 'disabled'}])
      expect(diff.graph).to.deep.equal([{
        after: '2', before: 'start', kind: 'changed', path: 'startTask',
      }])
      expect(diff.tasks.added.map(item => item.id)).to.deep.equal(['audit'])
      expect(diff.tasks.removed.map(item => item.id)).to.deep.equal(['8'])
      expect(diff.tasks.changed).to.have.length(1)
      expect(diff.tasks.changed[0]).to.deep.include({id: '3'})
      expect(diff.tasks.changed[0].fields).to.deep.equal([{
        after: 'otp-sign-up-or-in-sms', before: 'otp-sign-up-or-in-email', kind: 'changed', path: 'action',
      }])
      expect(diff.screens.added.map(item => item.id)).to.deep.equal(['new-screen'])
      expect(diff.screens.removed.map(item => item.id)).to.deep.equal([base.screens[0].screenId])
      expect(diff.references.map(change => change.path)).to.include('roles')
      const text = renderFlowDiff(diff).join('\n')
      expect(text).to.contain('Tasks (1 added, 1 removed, 1 changed):')
      expect(text).to.match(/~ 3 Sign Up or In \/ OTP \/ Email \(automated: otp-sign-up-or-in-sms\)\n\s+action: "otp-sign-up-or-in-email" → "otp-sign-up-or-in-sms"/)
      expect(text).to.contain('Screens (1 added, 1 removed, 0 changed):')
    })

    it('shows a new flow as everything added', () => {
      const diff = diffFlows(undefined, base)
      expect(diff.created).to.equal(true)
      expect(diff.tasks.added.map(item => item.id)).to.include.members(['start', '2', '3'])
    })
  })

  describe('theme diff', () => {
    it('lists the light and dark style variables that change', async () => {
      const brand = normaliseTheme(await read('themes/brand.v2.json'))
      const after = parseThemeText('t.json', JSON.stringify({theme: brand}))
      expect(diffThemes(brand, after).equal).to.equal(true)
      const dark = (after.styles.dark as {components: {button: Record<string, unknown>}}).components.button
      dark['--descope-button-border-radius'] = '0px'
      const light = after.styles.light as {globals: {colors: {primary: {main: string}}}}
      light.globals.colors.primary.main = '#000000'
      const diff = diffThemes(brand, after)
      expect(Object.keys(diff.styles)).to.deep.equal(['dark', 'light'])
      expect(diff.styles.light).to.deep.equal([{
        after: '#000000', before: '#4F46E5', kind: 'changed', path: 'globals.colors.primary.main',
      }])
      const text = renderThemeDiff(diff).join('\n')
      expect(text).to.match(/dark \(1 change\):\n\s+components\.button\."--descope-button-border-radius": ".*" → "0px"/)
      expect(() => parseThemeText('x.json', '{"colors": {}}')).to.throw(/not a Descope theme/)
    })
  })
})
