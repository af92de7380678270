import {expect} from 'chai'

import {diffValues, jsonEqual} from '../../../src/lib/plan/diff.js'

describe('diffValues', () => {
  it('finds nothing between equal values, whatever the key order', () => {
    expect(diffValues({a: 1, b: {c: [1, 2]}}, {b: {c: [1, 2]}, a: 1})).to.deep.equal([])
    expect(jsonEqual({a: [{x: 1}]}, {a: [{x: 1}]})).to.equal(true)
    expect(jsonEqual({a: 1}, {a: 1, b: undefined})).to.equal(false)
  })

  it('reports scalar changes with before and after', () => {
    expect(diffValues({name: 'Acme', enforceSSO: false}, {name: 'Acme Corp', enforceSSO: true})).to.deep.equal([
      {
        after: true, before: false, kind: 'changed', path: 'enforceSSO',
      },
      {
        after: 'Acme Corp', before: 'Acme', kind: 'changed', path: 'name',
      },
    ])
  })

  it('diffs maps key by key, in sorted order', () => {
    expect(diffValues({customAttributes: {plan: 'gold', trial: true}}, {customAttributes: {plan: 'silver', seats: 5}})).to.deep.equal([
      {
        after: 'silver', before: 'gold', kind: 'changed', path: 'customAttributes.plan',
      },
      {after: 5, kind: 'added', path: 'customAttributes.seats'},
      {before: true, kind: 'removed', path: 'customAttributes.trial'},
    ])
  })

  it('diffs lists of scalars as sets, removed first, each sorted', () => {
    expect(diffValues({d: ['b.com', 'a.com', 'c.com']}, {d: ['c.com', 'z.com', 'd.com']})).to.deep.equal([
      {before: 'a.com', kind: 'removed', path: 'd[]'},
      {before: 'b.com', kind: 'removed', path: 'd[]'},
      {after: 'd.com', kind: 'added', path: 'd[]'},
      {after: 'z.com', kind: 'added', path: 'd[]'},
    ])
    expect(diffValues({d: ['a', 'b']}, {d: ['b', 'a']})).to.deep.equal([])
  })

  it('diffs lists of objects by position', () => {
    expect(diffValues({l: [{x: 1}, {x: 2}]}, {l: [{x: 1}, {x: 3}, {x: 4}]})).to.deep.equal([
      {
        after: 3, before: 2, kind: 'changed', path: 'l[1].x',
      },
      {after: {x: 4}, kind: 'added', path: 'l[2]'},
    ])
  })

  it('reports a type change as one change, and quotes keys that are not identifiers', () => {
    expect(diffValues({v: 'a'}, {v: ['a']})).to.deep.equal([{
      after: ['a'], before: 'a', kind: 'changed', path: 'v',
    }])
    expect(diffValues({m: {'a b': 1}}, {m: {'a b': 2}})).to.deep.equal([{
      after: 2, before: 1, kind: 'changed', path: 'm."a b"',
    }])
  })
})
