import {expect} from 'chai'
import {readdirSync, readFileSync} from 'node:fs'
import {builtinModules} from 'node:module'
import path from 'node:path'

import {readBundleMetas} from '../helpers/bundle.js'
import {repoRoot} from '../helpers/cli.js'

/** The JavaScript files of the bundles of the CLI and its plugins (after `npm run build`). */
function bundleFiles(): string[] {
  return ['.', 'plugins/plugin-bench', 'plugins/plugin-cache', 'plugins/plugin-emulator'].flatMap(packageDir => {
    const dist = path.join(repoRoot, packageDir, 'dist')
    return readdirSync(dist, {recursive: true, withFileTypes: true})
    .filter(entry => entry.isFile() && entry.name.endsWith('.js'))
    .map(entry => path.join(entry.parentPath, entry.name))
  })
}

describe('built-in modules in the bundles (scripts/bundle.mjs, builtins-required)', () => {
  it('requires Node\'s built-ins instead of importing them (only the banner imports node:module and node:url)', () => {
    const builtins = new Set(builtinModules.flatMap(name => [name, `node:${name}`]))
    const imported: string[] = []
    for (const file of bundleFiles()) {
      const text = readFileSync(file, 'utf8')
      for (const match of text.matchAll(/\bimport\s*(?:[\w${},\s*]+?\s*from\s*)?["']([^"']+)["']/g)) {
        if (builtins.has(match[1]) && !['node:module', 'node:url'].includes(match[1])) imported.push(`${path.relative(repoRoot, file)}: ${match[1]}`)
      }
    }

    expect(imported, 'ES imports of built-ins').to.deep.equal([])
  })

  it('adds no file of its own for a built-in: each require of one lands in the chunk of its importer', () => {
    const alone: string[] = []
    let requires = 0
    for (const meta of Object.values(readBundleMetas())) {
      for (const [file, output] of Object.entries(meta.outputs)) {
        const inputs = Object.keys(output.inputs)
        requires += inputs.filter(input => input.startsWith('builtin-required:')).length
        if (inputs.length > 0 && inputs.every(input => input.startsWith('builtin-required:'))) alone.push(`${meta.packageDir}/${file}: ${inputs.join(', ')}`)
      }
    }

    expect(requires, 'the bundles require built-ins').to.be.above(0)
    expect(alone, 'files holding only the require of a built-in').to.deep.equal([])
  })
})
