import {expect} from 'chai'

import {
  type Column, formatCsv, formatOutput, formatTable,
} from '../../../src/lib/ui/output.js'

interface Row {
  id: string
  tags?: string[]
  note?: string
}

const columns: Array<Column<Row>> = [
  {get: row => row.id, header: 'ID'},
  {get: row => row.tags, header: 'TAGS'},
  {get: row => row.note, header: 'NOTE'},
]
const rows: Row[] = [
  {id: 'acme', note: 'says "hi", twice', tags: ['a', 'b']},
  {id: 'globex-long-id', tags: []},
]

describe('output formats', () => {
  it('aligns a borderless table with a header and no trailing spaces', () => {
    const lines = formatTable(rows, columns).split('\n')
    expect(lines).to.have.length(3)
    expect(lines[0]).to.match(/^ID\s+TAGS\s+NOTE$/)
    expect(lines[1]).to.match(/^acme\s+a, b\s+says "hi", twice$/)
    expect(lines[2]).to.equal('globex-long-id')
    expect(lines[1].indexOf('a, b')).to.equal(lines[0].indexOf('TAGS'))
  })

  it('quotes CSV cells that need it and joins lists with ;', () => {
    expect(formatCsv(rows, columns)).to.equal('ID,TAGS,NOTE\nacme,a;b,"says ""hi"", twice"\nglobex-long-id,,')
  })

  it('renders JSON and YAML from the data, not the columns', () => {
    expect(JSON.parse(formatOutput('json', rows, rows, columns))).to.deep.equal(rows)
    expect(formatOutput('yaml', rows, rows, columns)).to.contain('- id: acme\n  note: says "hi", twice')
  })
})
