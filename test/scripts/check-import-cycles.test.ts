import {expect} from 'chai'
import {spawnSync} from 'node:child_process'
import {readFile} from 'node:fs/promises'
import path from 'node:path'

import {repoRoot} from '../helpers/cli.js'

const script = path.join(repoRoot, 'scripts', 'check-import-cycles.mjs')
const fixtures = path.join('test', 'fixtures', 'import-cycles')

function check(glob: string) {
  const result = spawnSync(process.execPath, [script, glob], {cwd: repoRoot, encoding: 'utf8'})
  return {code: result.status, output: `${result.stdout}${result.stderr}`}
}

describe('the import-cycle check of `npm run lint`', function () {
  this.timeout(30_000)

  it('fails on a cycle made only of `import type`, naming the modules', () => {
    const {code, output} = check(`${fixtures}/type-only/*.ts`)
    expect(code, output).to.equal(1)
    expect(output).to.contain('1 import cycle').and.match(/type-only\/(order|customer)\.ts -> .*type-only\/(customer|order)\.ts/)
  })

  it('passes modules that import in one direction only', () => {
    const {code, output} = check(`${fixtures}/acyclic/*.ts`)
    expect(code, output).to.equal(0)
    expect(output).to.contain('No import cycles in 2 modules.')
  })

  it('is part of `npm run lint`', async () => {
    const {scripts} = JSON.parse(await readFile(path.join(repoRoot, 'package.json'), 'utf8')) as {scripts: Record<string, string>}
    expect(scripts.lint).to.contain('npm run lint:cycles')
    expect(scripts['lint:cycles']).to.equal('node scripts/check-import-cycles.mjs')
  })
})
