import {expect} from 'chai'
import {readFile} from 'node:fs/promises'
import path from 'node:path'

import {JsonFileError} from '../../../src/lib/config/json-text.js'
import {loadConfig} from '../../../src/lib/config/load.js'
import {ConfigError} from '../../../src/lib/errors.js'
import {readFlowFile} from '../../../src/lib/flows/files.js'
import {parseFlowText, resolveFlowId} from '../../../src/lib/flows/format.js'
import {parseThemeText} from '../../../src/lib/flows/theme.js'
import {checkFlowShape} from '../../../src/lib/flows/validate.js'
import {repoRoot} from '../../helpers/cli.js'
import {rejection} from '../config/helpers.js'

const fixtures = path.join(repoRoot, 'test', 'fixtures')

function thrown(run: () => unknown): JsonFileError {
  try {
    run()
  } catch (error) {
    expect(error).to.be.instanceOf(JsonFileError)
    return error as JsonFileError
  }

  throw new Error('expected an error')
}

describe('flow file checks', () => {
  let v2Text: string
  let v1Text: string

  before(async () => {
    v2Text = await readFile(path.join(fixtures, 'flows', 'sign-up-or-in.v2.json'), 'utf8')
    v1Text = await readFile(path.join(fixtures, 'flows', 'sign-up-or-in.v1.json'), 'utf8')
  })

  it('finds nothing wrong in real exports, v2, wrapped v2 and v1', () => {
    const v2 = JSON.parse(v2Text) as Record<string, unknown>
    expect(checkFlowShape(v2, 'v2')).to.deep.equal([])
    expect(checkFlowShape({flow: v2}, 'v2')).to.deep.equal([])
    expect(checkFlowShape(JSON.parse(v1Text) as Record<string, unknown>, 'v1')).to.deep.equal([])
    expect(parseFlowText('a.json', v2Text).contentId).to.equal('sign-up-or-in')
    expect(parseFlowText('b.json', v1Text).contentId).to.equal('sign-up-or-in')
  })

  it('reports each member of the wrong type by its path, v2', () => {
    const flow = {
      contents: {startTask: 3, tasks: {a: {}, b: 'x'}},
      flowId: 42,
      metadata: {disabled: 'no', name: 'N', translation: {targetLanguages: ['fr', 1]}},
      references: [],
      screens: [{contents: {}, screenId: 'one'}, 'two', {screenId: 'bad id'}, {contents: {}, interactions: {}, screenId: 'one'}],
    }
    expect(checkFlowShape(flow, 'v2')).to.deep.equal([
      {message: 'must be text, not the number 42', path: ['flowId']},
      {message: 'must be true or false, not the text "no"', path: ['metadata', 'disabled']},
      {message: 'must be text, not the number 1', path: ['metadata', 'translation', 'targetLanguages', 1]},
      {message: 'must be text, not the number 3', path: ['contents', 'startTask']},
      {message: 'must be an object, not the text "x"', path: ['contents', 'tasks', 'b']},
      {message: 'must be an object, not the text "two"', path: ['screens', 1]},
      {message: '"bad id" is not a valid id: use letters, digits, "_" and "-"', path: ['screens', 2, 'screenId']},
      {message: 'missing required field "contents"', path: ['screens', 2, 'contents']},
      {message: 'must be a list, not an object', path: ['screens', 3, 'interactions']},
      {message: 'duplicate screen id "one": already used by screens[0].screenId', path: ['screens', 3, 'screenId']},
      {message: 'must be an object, not a list', path: ['references']},
    ])
  })

  it('reports the members of a v1 export, and a missing dsl', () => {
    const content = {flow: {disabled: 1, id: 'x', translateTargetLangs: 'fr'}, screens: [{htmlTemplate: {}}, {htmlTemplate: [], id: 's'}]}
    expect(checkFlowShape(content, 'v1')).to.deep.equal([
      {message: 'must be true or false, not the number 1', path: ['flow', 'disabled']},
      {message: 'must be a list, not the text "fr"', path: ['flow', 'translateTargetLangs']},
      {message: 'missing required field "dsl"', path: ['flow', 'dsl']},
      {message: 'missing required field "id"', path: ['screens', 0, 'id']},
      {message: 'must be an object, not a list', path: ['screens', 1, 'htmlTemplate']},
    ])
  })

  it('names the file, line, column and field of every problem, inside a wrapped v2 export too', () => {
    const text = '{\n  "flow": {\n    "flowId": "x",\n    "metadata": {},\n    "contents": {},\n    "screens": "none",\n    "references": 1\n  }\n}\n'
    const error = thrown(() => parseFlowText('w.json', text))
    expect(error.exitCode).to.equal(3)
    expect(error.code).to.equal('flow_file_invalid')
    expect(error.message).to.equal([
      'w.json has 2 problems:',
      '  w.json:6:16: flow.screens: must be a list, not the text "none"',
      '  w.json:7:19: flow.references: must be an object, not the number 1',
    ].join('\n'))
  })

  it('refuses an invalid flow id of the file at its line, unless --flow-id replaces it', () => {
    const text = v2Text.replace('"flowId": "sign-up-or-in"', '"flowId": "sign up"')
    const parsed = parseFlowText('f.json', text)
    expect(parsed.contentIdAt).to.deep.equal({column: 13, line: 2, path: 'flowId'})
    const error = thrown(() => resolveFlowId(parsed))
    expect(error.message).to.equal('f.json:2:13: flowId: flow id "sign up" is not valid: use letters, digits, "_" and "-"')
    expect(error.code).to.equal('flow_id_invalid')
    expect(resolveFlowId(parsed, 'sign-up')).to.deep.equal({id: 'sign-up', source: 'flag'})
  })

  it('reads a file saved with a byte order mark, and refuses binary, empty and oversized files', async () => {
    const flows = path.join(fixtures, 'bad-flows')
    // The BOM is not the problem of this file: its screens are; the line counts from the first line after the BOM.
    expect((await rejection(readFlowFile(path.join(flows, 'bom-screens-not-a-list.json')))).message).to.match(/bom-screens-not-a-list\.json:15:14: screens: must be a list/)
    expect((await rejection(readFlowFile(path.join(flows, 'binary.json')))).message).to.contain('binary.json:1: the file contains NUL bytes')
    expect((await rejection(readFlowFile(path.join(flows, 'empty.json')))).message).to.contain('empty.json:1: the file is empty')
    const missing = await rejection(readFlowFile(path.join(flows, 'none.json')))
    expect(missing).to.include({code: 'flow_file_unreadable', exitCode: 3})
  })

  it('gives theme files the same line and column for JSON errors and a wrong shape', () => {
    expect(thrown(() => parseThemeText('t.json', '{\n  "styles": {}\n  "x": 1\n}')).message).to.match(/^t\.json:2:15: not valid JSON: expected ","/)
    expect(thrown(() => parseThemeText('t.json', '{\n  "theme": {\n    "styles": []\n  }\n}')).message).to.equal('t.json:3:15: theme.styles: must be an object (light and dark style maps), not a list')
    expect(thrown(() => parseThemeText('t.json', '[]')).message).to.match(/^t\.json:1:1: the file is not a Descope theme/)
  })

  it('a configuration names its flow file problem at the flows entry, with a hint that fits the problem', async () => {
    for (const [file, hint] of [['flow-file-invalid.yaml', 'fix the file'], ['flow-file-missing.yaml', 'the path is relative to the configuration file']]) {
      const error = (await rejection(loadConfig({cwd: path.join(fixtures, 'bad-configs'), env: {}, file}))) as unknown as ConfigError
      expect(error).to.be.instanceOf(ConfigError)
      expect(error.problems).to.have.length(1)
      expect(error.problems[0]).to.include({line: 7, path: 'flows[0].file'})
      expect(error.problems[0].hint, file).to.contain(hint)
    }
  })
})
