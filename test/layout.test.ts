import {expect} from 'chai'
import {existsSync} from 'node:fs'
import {readdir} from 'node:fs/promises'
import path from 'node:path'

import {repoRoot} from './helpers/cli.js'

/**
 * Unit tests are laid out like the source: test/unit/<folder>/<file>.test.ts tests
 * src/lib/<folder>/<file>.ts. A source file with several test files names the aspect after a dot
 * (`store.crash.test.ts`). The emulator's, the bench plugin's and the shared package's units mirror
 * their own sources.
 */
const ROOTS: Array<[string, string]> = [
  ['emulator/', 'plugins/plugin-emulator/src/lib/'],
  ['bench/', 'plugins/plugin-bench/src/lib/'],
  ['shared/', 'packages/shared/src/'],
  ['', 'src/lib/'],
]

async function testFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, {recursive: true, withFileTypes: true})
  return entries.filter(entry => entry.isFile() && entry.name.endsWith('.test.ts')).map(entry => path.relative(dir, path.join(entry.parentPath, entry.name)))
}

function sourceOf(testFile: string): string {
  const [prefix, sourceRoot] = ROOTS.find(([testPrefix]) => testFile.startsWith(testPrefix))!
  const relative = testFile.slice(prefix.length).replace(/\.test\.ts$/, '')
  const folder = path.dirname(relative)
  const [name] = path.basename(relative).split('.')
  return path.join(sourceRoot, folder, `${name}.ts`)
}

describe('test layout', () => {
  it('maps a test file to its source, aspects and the plugin roots included', () => {
    expect(sourceOf('backup/store.crash.test.ts')).to.equal('src/lib/backup/store.ts')
    expect(sourceOf('redact.test.ts')).to.equal('src/lib/redact.ts')
    expect(sourceOf('emulator/routes/flows.test.ts')).to.equal('plugins/plugin-emulator/src/lib/routes/flows.ts')
    expect(sourceOf('bench/scenarios.targets.test.ts')).to.equal('plugins/plugin-bench/src/lib/scenarios.ts')
    expect(sourceOf('shared/table.test.ts')).to.equal('packages/shared/src/table.ts')
  })

  it('every unit test file mirrors a source file (test/unit/<folder>/<file>.test.ts → src/lib/<folder>/<file>.ts)', async () => {
    const unit = path.join(repoRoot, 'test', 'unit')
    const orphans = (await testFiles(unit)).filter(file => !existsSync(path.join(repoRoot, sourceOf(file))))
    expect(orphans, 'rename each to the source file it tests, e.g. test/unit/backup/store.crash.test.ts').to.deep.equal([])
  })
})
