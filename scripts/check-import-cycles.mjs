#!/usr/bin/env node
/**
 * Fails when modules import each other in a cycle, type-only imports included (eslint's
 * import/no-cycle skips `import type`, and a type cycle still couples two modules).
 * Usage: node scripts/check-import-cycles.mjs [glob…]   (default: src and the plugins' src)
 */
import {parseCircular, parseDependencyTree} from 'dpdm'

const DEFAULT_GLOBS = ['src/**/*.ts', 'plugins/*/src/**/*.ts']
const globs = process.argv.slice(2).length > 0 ? process.argv.slice(2) : DEFAULT_GLOBS

const tree = await parseDependencyTree(globs, {
  context: process.cwd(),
  extensions: ['.ts', '.tsx', '.mjs', '.js', '.json'],
  // Dynamic `import()` counts too: a lazy import still makes the two modules depend on each other.
  skipDynamicImports: false,
  // Keep `import type`: with transform on, dpdm would drop type-only imports before looking.
  transform: false,
})
const cycles = parseCircular(tree)
if (cycles.length === 0) {
  console.log(`No import cycles in ${Object.keys(tree).length} modules.`)
} else {
  console.error(`${cycles.length} import cycle${cycles.length === 1 ? '' : 's'} (type-only imports count):`)
  for (const cycle of cycles) console.error(`  ${[...cycle, cycle[0]].join(' -> ')}`)
  console.error('Move the shared types or code into a module both can import, or let one side define the interface it needs.')
  process.exitCode = 1
}
