import {expect} from 'chai'

import type {DescopeClient, ListCollector} from '../../../src/lib/api/types.js'

import {
  collectAnswer, JsonListReader, JsonListSyntaxError, readList,
} from '../../../src/lib/api/json-list.js'

/** What the reader gives for `text` fed in chunks of `size` bytes (every split, with size 1). */
function read(text: string, size: number, list = 'tenants'): {elements: unknown[]; rest: unknown} {
  const elements: unknown[] = []
  const reader = new JsonListReader(list, element => elements.push(element))
  const bytes = Buffer.from(text)
  for (let start = 0; start < bytes.length; start += size) reader.write(bytes.subarray(start, start + size))
  return {elements, rest: reader.end()}
}

/** What the reader should give: JSON.parse of the whole answer, its list split off. */
function expected(text: string, list = 'tenants'): {elements: unknown[]; rest: unknown} {
  const elements: unknown[] = []
  const rest = collectAnswer(text.trim() === '' ? {} : JSON.parse(text.trim()), list, {end: value => value, item: element => elements.push(element)})
  return {elements, rest}
}

const tenant = (index: number) => ({
  customAttributes: {note: `a "quoted" \\ value, with [brackets] and {braces} ${index}`, seats: index},
  id: `t${index}`,
  name: `Tenant ${index} — 東京 ✓ 😀`,
  selfProvisioningDomains: [`t${index}.example.com`],
})

describe('json-list', () => {
  describe('JsonListReader', () => {
    const answers: Record<string, string> = {
      'an empty body': '',
      'a BOM and white space around': `\uFEFF \n${JSON.stringify({tenants: [tenant(1)]})}\n `,
      'a list of scalars and nested lists': '{"tenants": [1, "two", null, true, [3, [4]], {"a": []}, -5.5e3]}',
      'an empty list': '{"tenants": [ ]}',
      'keys around the list, one with the list\'s name in a value': '{"a": {"tenants": [1]}, "b": "tenants", "tenants": [{"x": 1}], "c": [2], "d": {}}',
      'escaped quotes and backslashes in keys and values': String.raw`{"te\"n": "\\", "tenants": ["\\\"", "a\"b"], "z\\": 1}`,
      'a key written with an escape': String.raw`{"tenant\u0073": [1, 2]}`,
      'a list that is not a list': '{"tenants": {"id": "t1"}, "more": [1]}',
      'a null list': '{"tenants": null}',
      'no list': '{"other": [1, 2]}',
      'an answer that is a list': '[{"tenants": [1]}]',
      'an answer that is a string': '"tenants"',
      'many tenants': JSON.stringify({tenants: Array.from({length: 50}, (_, index) => tenant(index)), total: 50}, null, 1),
      'the list twice (both are handed over)': '{"tenants": [1, 2], "tenants": [3]}',
    }

    for (const [name, text] of Object.entries(answers)) {
      it(`reads ${name} as JSON.parse does, whatever the chunks`, () => {
        const want = name.startsWith('the list twice') ? {elements: [1, 2, 3], rest: {tenants: []}} : expected(text)
        for (const size of [1, 2, 3, 7, 64, 1_048_576]) expect(read(text, size), `chunks of ${size}`).to.deep.equal(want)
      })
    }

    const invalid = [
      '<html>login</html>',
      '{"tenants": [1, 2,]}',
      '{"tenants": [, 1]}',
      '{"tenants": [1 2]}',
      '{"tenants": [1,, 2]}',
      '{"tenants": [{"a": 1}}',
      '{"tenants": [{"a": 1]]}',
      '{"tenants": [1, 2}',
      '{"tenants": [1, 2]',
      '{"tenants": [1, 2]} x',
      '{"tenants": ["unterminated]}',
      '{"tenants": [{"a": 1}], "b": }',
      '{"tenants": [tru]}',
      '{"tenants" [1]}',
      '{"tenants": [1]}}',
    ]
    for (const text of invalid) {
      it(`refuses what JSON.parse refuses: ${text}`, () => {
        expect(() => JSON.parse(text)).to.throw(SyntaxError)
        for (const size of [1, 5, 1_048_576]) expect(() => read(text, size), `chunks of ${size}`).to.throw(JsonListSyntaxError)
      })
    }

    it('hands each element over as soon as its bytes are in, before the answer ends', () => {
      const seen: unknown[] = []
      const reader = new JsonListReader('tenants', element => seen.push(element))
      reader.write(Buffer.from('{"tenants": [{"id": "a"}, {"id'))
      expect(seen).to.deep.equal([{id: 'a'}])
      reader.write(Buffer.from('": "b"}]}'))
      expect(seen).to.deep.equal([{id: 'a'}, {id: 'b'}])
      expect(reader.end()).to.deep.equal({tenants: []})
    })
  })

  describe('readList', () => {
    it('reads through `request` for a client without requestList, with the same result', async () => {
      const answer = {tenants: [tenant(1), tenant(2)], total: 2}
      const client: DescopeClient = {
        baseUrl: 'http://x', projectId: 'P', async request<T>() {
          return structuredClone(answer) as T
        },
      }
      const chunks: Buffer[] = []
      const collector = (): ListCollector<{ids: unknown[]; rest: unknown}> => {
        const ids: unknown[] = []
        return {
          chunk: bytes => chunks.push(bytes),
          end: rest => ({ids, rest}),
          item: element => ids.push((element as {id: string}).id),
        }
      }

      expect(await readList(client, 'GET', '/v1/mgmt/tenant/all', 'tenants', collector)).to.deep.equal({ids: ['t1', 't2'], rest: {tenants: [], total: 2}})
      // The answer's bytes, for a read cache that keeps small answers.
      expect(JSON.parse(Buffer.concat(chunks).toString())).to.deep.equal(answer)
    })
  })
})
