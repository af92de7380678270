import {expect} from 'chai'
import {readFile} from 'node:fs/promises'
import path from 'node:path'

import {
  type JsonSchema,
  readmeConfigReference,
  referenceSections,
  renderConfigReference,
  replaceConfigReference,
  START_MARKER,
  STOP_MARKER,
} from '../../scripts/config-reference.mjs'
import {repoRoot} from '../helpers/cli.js'

type Node = Record<string, unknown> & {
  additionalProperties?: boolean | Node
  items?: Node
  properties?: Record<string, Node>
}

/** Every field of every object in the schema, named as the reference names it: `tenants[].id`, `environments.<name>.rateLimit.requests`. */
function fieldsOf(node: Node, at = ''): string[] {
  const found: string[] = []
  for (const [name, child] of Object.entries(node.properties ?? {})) {
    const here = `${at}${name}`
    found.push(here, ...fieldsOf(child, `${here}.`))
    if (child.items) found.push(...fieldsOf(child.items, `${here}[].`))
    if (typeof child.additionalProperties === 'object') found.push(...fieldsOf(child.additionalProperties, `${here}.<name>.`))
  }

  return found
}

/** The targets of the in-page links of a Markdown text. */
function anchorsLinked(markdown: string): string[] {
  return [...markdown.matchAll(/\]\(#([^)]+)\)/g)].map(([, anchor]) => anchor)
}

describe('configuration reference in README.md', () => {
  let readme: string
  let schema: JsonSchema

  before(async () => {
    readme = await readFile(path.join(repoRoot, 'README.md'), 'utf8')
    schema = JSON.parse(await readFile(path.join(repoRoot, 'schema', 'descope-mgmt.schema.json'), 'utf8')) as JsonSchema
  })

  it('is what schema/descope-mgmt.schema.json renders now (run `npm run readme`, or `node scripts/config-reference.mjs`)', () => {
    const committed = readmeConfigReference(readme)
    expect(committed, `README.md has no ${START_MARKER} … ${STOP_MARKER} section`).to.be.a('string')
    expect(
      committed,
      'the configuration reference in README.md is out of date: run `npm run readme` (or `node scripts/config-reference.mjs`; `npm run schema` runs it too)',
    ).to.equal(renderConfigReference(schema))
  })

  it('sits in the Configuration section', () => {
    const configuration = readme.indexOf('\n## Configuration\n')
    const next = readme.indexOf('\n## ', configuration + 1)
    expect(configuration).to.be.greaterThan(-1)
    expect(readme.indexOf(START_MARKER)).to.be.within(configuration, next)
    expect(readme.indexOf(STOP_MARKER)).to.be.within(configuration, next)
  })

  it('has a table for each object of the file and a row for every field', () => {
    const sections = referenceSections(schema)
    expect(sections.map(section => section.path)).to.deep.equal([
      '',
      'cache',
      'coordination',
      'environments.<name>',
      'environments.<name>.rateLimit',
      'tenants[]',
      'tenants[].settings',
      'permissions[]',
      'roles[]',
      'flows[]',
      'theme',
    ])
    const rows = sections.flatMap(section => section.rows.map(row => (section.path ? `${section.path}.${row.field}` : row.field)))
    const fields = fieldsOf(schema as Node)
    expect(rows).to.have.members(fields)
    expect(rows).to.have.lengthOf(fields.length)
    const empty = sections.flatMap(section => section.rows.filter(row => !row.description || !row.type).map(row => `${section.path}.${row.field}`))
    expect(empty, 'fields without a type or a description').to.deep.equal([])
  })

  it('gives types with their allowed values, patterns, ranges and links to nested tables', () => {
    const sections = referenceSections(schema)
    const row = (at: string, field: string) => sections.find(section => section.path === at)!.rows.find(each => each.field === field)!
    expect(row('', 'version')).to.include({required: true, type: '`1`'})
    expect(row('', 'environments').type).to.match(/^map from names matching `\^\[A-Za-z0-9_-\]\+\$` to objects \(see \[`environments\.<name>`\]\(#environmentsname-environment\)\), at least 1 entry$/)
    expect(row('', 'tenants').type).to.equal('array of objects (see [`tenants[]`](#tenants-tenant))')
    expect(row('environments.<name>', 'concurrency').type).to.equal('integer from 1 to 32')
    expect(row('environments.<name>.rateLimit', 'requests')).to.include({required: true, type: 'integer ≥ 1'})
    expect(row('tenants[]', 'id')).to.include({required: true, type: 'string matching `^[A-Za-z0-9_-]{1,64}$`'})
    expect(row('tenants[]', 'name').type).to.equal('string, 1–254 characters')
    expect(row('tenants[]', 'parent').required).to.equal(false)
    expect(row('tenants[]', 'roleInheritance').type).to.equal('one of `""`, `"none"`, `"userOnly"`')
    expect(row('cache', 'ttl').type).to.match(/^number ≥ 0 \| string matching `/)
    expect(row('environments.<name>', 'rateLimit').description).to.include('Example: `{requests: 100, windowSeconds: 60}`.')
  })

  it('every link of the reference leads to one of its headings, and every pipe in a cell is escaped', () => {
    const sections = referenceSections(schema)
    const reference = renderConfigReference(schema)
    const anchors = new Set(sections.map(section => section.anchor))
    expect(anchorsLinked(reference).filter(anchor => !anchors.has(anchor))).to.deep.equal([])
    expect(anchors.size).to.equal(sections.length)
    for (const line of reference.split('\n').filter(each => each.startsWith('| `'))) {
      expect(line.replaceAll(String.raw`\|`, '').split('|'), line).to.have.lengthOf(6)
    }
  })

  it('resolves $ref and definitions, anyOf and oneOf, defaults and exclusive bounds', () => {
    const reference = renderConfigReference({
      definitions: {
        Level: {enum: ['low', 'high'], type: 'string'},
        Rule: {
          additionalProperties: false,
          properties: {level: {$ref: '#/definitions/Level'}, weight: {exclusiveMinimum: 0, type: 'number'}},
          required: ['level'],
          title: 'Rule',
          type: 'object',
        },
      },
      properties: {
        mode: {default: 'fast', description: 'How to run.', oneOf: [{const: 'fast'}, {type: 'integer', minimum: 1, maximum: 9}]},
        rules: {description: 'The rules.', items: {$ref: '#/definitions/Rule'}, type: 'array'},
      },
      type: 'object',
    })
    expect(reference).to.include('| `mode` | `fast` \\| integer from 1 to 9, default `fast` | no | How to run. |')
    expect(reference).to.include('| `rules` | array of objects (see [`rules[]`](#rules-rule)) | no | The rules. |')
    expect(reference).to.include('#### `rules[]`: Rule')
    expect(reference).to.include('| `level` | one of `"low"`, `"high"` | yes |')
    expect(reference).to.include('| `weight` | number > 0 | no |')
  })

  it('replaces only what lies between the markers, and refuses a README without them', () => {
    const before = `# Title\n\n${START_MARKER}\nold\n${STOP_MARKER}\n\n## After\n`
    expect(replaceConfigReference(before, 'new\n')).to.equal(`# Title\n\n${START_MARKER}\nnew\n${STOP_MARKER}\n\n## After\n`)
    expect(readmeConfigReference(replaceConfigReference(before, 'new\n'))).to.equal('new\n')
    expect(() => replaceConfigReference('# Title\n', 'new\n')).to.throw(/no <!-- config-reference -->/)
  })
})
