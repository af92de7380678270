import {expect} from 'chai'
import {readFileSync} from 'node:fs'
import path from 'node:path'

import {bundleSizes} from '../helpers/bundle.js'
import {repoRoot} from '../helpers/cli.js'

interface Budget {
  totalKiB: number
  largestFileKiB: number
  entries: Record<string, number>
}

const budgetFile = path.join(repoRoot, 'scripts', 'bundle-budgets.json')
const budgets = (JSON.parse(readFileSync(budgetFile, 'utf8')) as {packages: Record<string, Budget>}).packages
const howToRaise = [
  'If the growth is intended, raise that number in scripts/bundle-budgets.json in the same commit,',
  'and say in the commit message what the extra size buys; otherwise keep the new import behind a dynamic import().',
].join(' ')

describe('bundle size budgets (scripts/bundle-budgets.json, against the last `npm run build`)', () => {
  const sizes = bundleSizes()

  it('has a budget for every bundled package and every entry point, and no stale ones', () => {
    expect(Object.keys(sizes).sort(), 'packages').to.deep.equal(Object.keys(budgets).sort())
    for (const [name, size] of Object.entries(sizes)) {
      expect(Object.keys(size.entries).sort(), `entry points of ${name}: add or remove them in ${budgetFile}`).to.deep.equal(Object.keys(budgets[name].entries).sort())
    }
  })

  for (const [name, budget] of Object.entries(budgets)) {
    it(`${name}: the total, the largest file and each entry's start-up load stay within budget`, () => {
      const size = sizes[name]
      expect(size, name).to.not.equal(undefined)
      const over: string[] = []
      if (size.totalKiB > budget.totalKiB) over.push(`all JavaScript files: ${size.totalKiB} KiB > budget ${budget.totalKiB} KiB (totalKiB)`)
      if (size.largestFileKiB > budget.largestFileKiB) over.push(`largest file: ${size.largestFileKiB} KiB > budget ${budget.largestFileKiB} KiB (largestFileKiB)`)
      for (const [entry, limit] of Object.entries(budget.entries)) {
        const actual = size.entries[entry]
        if (actual !== undefined && actual > limit) over.push(`${entry} loads ${actual} KiB at import > budget ${limit} KiB (entries["${entry}"])`)
      }

      expect(over, `${name} is over its size budget:\n  ${over.join('\n  ')}\n${howToRaise}`).to.deep.equal([])
    })
  }

  it('a budget has a purpose: each is below twice the current size', () => {
    // Budgets far above the sizes would not catch a regression; keep them close (about 10% headroom).
    for (const [name, budget] of Object.entries(budgets)) {
      const size = sizes[name]
      expect(budget.totalKiB, `${name} totalKiB`).to.be.below(size.totalKiB * 2)
      for (const [entry, limit] of Object.entries(budget.entries)) expect(limit, `${name} ${entry}`).to.be.below(((size.entries[entry] ?? 0) * 2) + 1)
    }
  })
})
