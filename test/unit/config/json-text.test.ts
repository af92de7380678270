import {expect} from 'chai'
import {truncate} from 'node:fs/promises'

import {
  JsonFileError, jsonSyntaxError, lineColumn, locateJsonPath, parseJsonText, readJsonText, readJsonTextSync,
} from '../../../src/lib/config/json-text.js'
import {ExitCode} from '../../../src/lib/errors.js'
import {rejection, tempDir} from './helpers.js'

const options = {
  code: 'test_file_invalid', hint: 'Write it again.', maxBytes: 1024, sizeHint: 'a test file is small',
}

describe('JSON files other than the configuration (json-text)', () => {
  describe('jsonSyntaxError', () => {
    it('is undefined for valid JSON, whatever its layout', () => {
      for (const text of ['{}', '[]', '"x"', '-1.5e3', 'true', ' null ', '{"a": [1, {"b": "c\\n\\u00e9"}]}\r\n']) {
        expect(jsonSyntaxError(text), text).to.equal(undefined)
        expect(() => JSON.parse(text), text).to.not.throw()
      }
    })

    const cases: Array<[string, string, number, number, string]> = [
      ['a missing comma, at the end of the value it should follow', '{\n  "a": 1\n  "b": 2\n}', 2, 9, 'expected "," or "}" after the value of "a", found a double quote'],
      ['a comma before "}"', '{\n  "a": 1,\n}', 3, 1, 'a comma before "}" is not allowed'],
      ['a comma before "]"', '[1, 2,\n]', 2, 1, 'a comma before "]" is not allowed'],
      ['a missing comma in a list', '[1 2]', 1, 3, 'expected "," or "]" after a list item, found "2"'],
      ['text cut short', '{"a": "bc', 1, 7, 'not closed before the end of the file'],
      ['a file cut short', '{"a": [1, 2', 1, 12, 'the file ends before the JSON is complete'],
      ['a line break in text', '{"a": "b\nc"}', 1, 9, 'a line break inside text'],
      ['a control character in text', '{"a": "b\u0001"}', 1, 9, 'character U+0001 inside text'],
      ['an invalid escape', String.raw`{"a": "\x"}`, 1, 8, String.raw`invalid escape "\x"`],
      ['a single-quoted name', "{'a': 1}", 1, 2, 'expected a property name in double quotes, found "\'"'],
      ['a missing colon', '{"a" 1}', 1, 6, 'expected ":" after the property name "a", found "1"'],
      ['a word that is not a value', '{"a": yes}', 1, 7, 'unexpected "y": expected a value'],
      ['a leading plus', '[+1]', 1, 2, 'unexpected "+"'],
      ['content after the value', '{}\n{}', 2, 1, 'after the end of the JSON value'],
      ['a byte order mark left in the text', '\uFEFF{}', 1, 1, 'character U+FEFF'],
    ]
    for (const [label, text, line, column, message] of cases) {
      it(`locates ${label} at line ${line}, column ${column}`, () => {
        expect(() => JSON.parse(text)).to.throw()
        const found = jsonSyntaxError(text)
        expect(found).to.deep.include({column, line})
        expect(found?.message).to.contain(message)
      })
    }

    it('refuses values nested too deeply instead of overflowing the stack', () => {
      const found = jsonSyntaxError(`${'['.repeat(5000)}${']'.repeat(4999)}`)
      expect(found?.message).to.contain('nested more than 1000 levels deep')
    })
  })

  describe('locateJsonPath', () => {
    const text = '{\n  "a": {\n    "list": [\n      {"id": 1},\n      {"id": 2}\n    ]\n  },\n  "b": 3,\n  "b": 4\n}\n'

    it('finds the value at a path, by key and index', () => {
      expect(locateJsonPath(text, ['a', 'list', 1, 'id'])).to.deep.equal({column: 14, line: 5})
      expect(locateJsonPath(text, ['a', 'list'])).to.deep.equal({column: 13, line: 3})
      expect(locateJsonPath(text, [])).to.deep.equal({column: 1, line: 1})
    })

    it('finds the object a missing field belongs in', () => {
      expect(locateJsonPath(text, ['a', 'list', 0, 'name'])).to.deep.equal({column: 7, line: 4})
      expect(locateJsonPath(text, ['a', 'nothing', 'here'])).to.deep.equal({column: 8, line: 2})
    })

    it('finds the last of two equal keys, the one JSON.parse keeps', () => {
      expect(locateJsonPath(text, ['b'])).to.deep.equal({column: 8, line: 9})
    })

    it('gives line 1 for text it cannot scan', () => {
      expect(locateJsonPath('{"a": ', ['a', 'b'])).to.deep.equal({column: 7, line: 1})
      expect(locateJsonPath('', ['a'])).to.deep.equal({column: 1, line: 1})
    })

    it('counts lines the same with CRLF line endings', () => {
      expect(locateJsonPath(text.replaceAll('\n', '\r\n'), ['a', 'list', 1, 'id'])).to.deep.equal({column: 14, line: 5})
      expect(lineColumn('a\r\nbc', 4)).to.deep.equal({column: 2, line: 2})
    })
  })

  describe('parseJsonText and JsonFileError', () => {
    it('parses valid JSON', () => {
      expect(parseJsonText('f.json', '{"a": [1]}', options)).to.deep.equal({a: [1]})
    })

    it('refuses invalid JSON with exit code 3, naming file:line:column, with the hint', () => {
      const error = (() => {
        try {
          parseJsonText('dir/f.json', '{\n  "a": 1,\n}', options)
        } catch (error_) {
          return error_ as JsonFileError
        }
      })()
      expect(error).to.be.instanceOf(JsonFileError)
      expect(error).to.include({code: 'test_file_invalid', exitCode: ExitCode.InvalidInput, hint: 'Write it again.'})
      expect(error!.message).to.equal('dir/f.json:3:1: not valid JSON: a comma before "}" is not allowed in JSON')
      expect(error!.problems).to.deep.equal([{
        column: 1, file: 'dir/f.json', line: 3, message: 'not valid JSON: a comma before "}" is not allowed in JSON',
      }])
    })

    it('lists several problems on lines of their own, and on one line for a one-line message', () => {
      const error = new JsonFileError([
        {
          file: 'f.json', line: 2, message: 'first', path: 'a',
        },
        {
          column: 3, file: 'f.json', line: 5, message: 'second',
        },
      ], options)
      expect(error.message).to.equal('f.json has 2 problems:\n  f.json:2: a: first\n  f.json:5:3: second')
      expect(error.oneLine()).to.equal('f.json:2: a: first; f.json:5:3: second')
      expect(error.toJSON()).to.have.property('problems').with.length(2)
    })
  })

  describe('readJsonText', () => {
    let temp: Awaited<ReturnType<typeof tempDir>>

    beforeEach(async () => {
      temp = await tempDir()
    })

    afterEach(async () => {
      await temp.cleanup()
    })

    it('reads UTF-8 text, without a byte order mark', async () => {
      const file = await temp.write('bom.json', Buffer.concat([Buffer.from([0xEF, 0xBB, 0xBF]), Buffer.from('{"a": 1}')]))
      expect(await readJsonText(file, options)).to.equal('{"a": 1}')
      expect(readJsonTextSync(file, options)).to.equal('{"a": 1}')
    })

    const refusals: Array<[string, Buffer | string, string, number | undefined]> = [
      ['an empty file', '', 'the file is empty', 1],
      ['a file of blanks', ' \n\t\n', 'the file is empty', 1],
      ['a binary file', Buffer.from([0x7B, 0x0A, 0x00, 0x01]), 'the file contains NUL bytes: it looks like a binary file', 2],
      ['a UTF-16 file', Buffer.from([0xFF, 0xFE, 0x7B, 0x00, 0x7D, 0x00]), 'the file is encoded as UTF-16', 1],
      ['a file that is not UTF-8', Buffer.from('{\n"a": "\u00FF"}', 'latin1'), 'the file is not valid UTF-8', 2],
    ]
    for (const [label, content, message, line] of refusals) {
      it(`refuses ${label}, naming the file and the line`, async () => {
        const file = await temp.write('bad.json', content)
        for (const read of [() => readJsonText(file, {...options, display: 'shown.json'}), async () => readJsonTextSync(file, {...options, display: 'shown.json'})]) {
          const error = (await rejection(read())) as unknown as JsonFileError
          expect(error).to.be.instanceOf(JsonFileError)
          expect(error.exitCode).to.equal(3)
          expect(error.problems).to.have.length(1)
          expect(error.problems[0]).to.include({file: 'shown.json', line})
          expect(error.problems[0].message).to.contain(message)
        }
      })
    }

    it('refuses a file over the limit before reading it', async () => {
      const file = await temp.write('huge.json', '{}')
      await truncate(file, 4096)
      const error = (await rejection(readJsonText(file, options))) as unknown as JsonFileError
      expect(error.message).to.equal(`${file}: the file is too large (4096 bytes; the limit is 1024 bytes) (a test file is small)`)
      expect(error.exitCode).to.equal(3)
    })

    it('lets a missing file through as the system error, for the caller to word', async () => {
      const error = await rejection(readJsonText(`${temp.dir}/none.json`, options))
      expect(error).to.not.be.instanceOf(JsonFileError)
      expect(error).to.include({code: 'ENOENT'})
    })
  })
})
