import {expect} from 'chai'

import {
  type Column, fitColumns, formatTable, tableWidth, truncateText,
} from '../../../packages/shared/src/table.js'

interface Tenant {
  id: string
  name: string
  domains: string[]
  parent?: string
}

const columns: Array<Column<Tenant>> = [
  {get: tenant => tenant.id, header: 'ID'},
  {get: tenant => tenant.name, header: 'NAME'},
  {get: tenant => tenant.domains, header: 'DOMAINS'},
  {get: tenant => tenant.parent, header: 'PARENT'},
]
const tenants: Tenant[] = [
  {
    domains: ['acme.com', 'acme.io', 'acme-corporation.example.com'], id: 'acme', name: 'Acme Corporation International Holdings',
  },
  {
    domains: [], id: 'acme-eu', name: 'Acme EU', parent: 'acme',
  },
]

const width = (text: string) => Math.max(...text.split('\n').map(line => [...line].length))

describe('tables fit the terminal width', () => {
  it('a table wider than the width shrinks its widest columns and ends their cells with an ellipsis', () => {
    const full = formatTable(tenants, columns, {width: undefined})
    expect(width(full)).to.equal(105)
    // The narrow columns keep everything; the two wide ones (39 and 47) are cut to 20 and 21.
    expect(formatTable(tenants, columns, {width: 60}).split('\n')).to.deep.equal([
      'ID       NAME                  DOMAINS                PARENT',
      'acme     Acme Corporation In…  acme.com, acme.io, a…',
      'acme-eu  Acme EU                                      acme',
    ])
  })

  it('a table that fits is left as it is', () => {
    expect(formatTable(tenants, columns, {width: 105})).to.equal(formatTable(tenants, columns, {width: undefined}))
  })

  it('without a width nothing is truncated, however long', () => {
    const long = [{domains: [], id: 'x'.repeat(500), name: 'n'}]
    expect(formatTable(long, columns, {width: undefined})).to.contain('x'.repeat(500)).and.not.contain('…')
  })

  it('a column never shrinks below its header (or 6 characters); a width too small for that is exceeded', () => {
    expect(formatTable(tenants, columns, {width: 20}).split('\n')).to.deep.equal([
      'ID      NAME    DOMAINS  PARENT',
      'acme    Acme …  acme.c…',
      'acme-…  Acme …           acme',
    ])
  })

  it('fitColumns shrinks the widest first and respects the minimums', () => {
    expect(fitColumns([10, 40, 30], [2, 4, 4], 66)).to.deep.equal([10, 26, 26])
    expect(fitColumns([10, 40, 30], [2, 4, 4], 200)).to.deep.equal([10, 40, 30])
    expect(fitColumns([10, 40, 30], [10, 30, 30], 20)).to.deep.equal([10, 30, 30])
  })

  it('truncateText cuts each line and marks the cut', () => {
    expect(truncateText('abcdef', 4)).to.equal('abc…')
    expect(truncateText('abcd', 4)).to.equal('abcd')
    expect(truncateText('abcdef\nxy', 3)).to.equal('ab…\nxy')
  })

  it('the width is COLUMNS when set, else the terminal\'s; none for a pipe', () => {
    expect(tableWidth({columns: 120, isTTY: true}, {})).to.equal(120)
    expect(tableWidth({columns: 120, isTTY: true}, {COLUMNS: '72'})).to.equal(72)
    expect(tableWidth({isTTY: false}, {COLUMNS: '72'})).to.equal(72)
    expect(tableWidth({isTTY: false}, {})).to.equal(undefined)
    expect(tableWidth({columns: 0, isTTY: true}, {})).to.equal(undefined)
    expect(tableWidth({isTTY: false}, {COLUMNS: 'wide'})).to.equal(undefined)
    expect(tableWidth({isTTY: false}, {COLUMNS: '-5'})).to.equal(undefined)
  })
})
