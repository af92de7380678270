// What went into the built bundle: the esbuild metafiles that scripts/bundle.mjs writes to .build/,
// read back so that a test can say which packages and sources a loaded bundle file holds.
import {readdirSync, readFileSync} from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

import {repoRoot} from './cli.js'

interface MetaOutput {
  bytes: number
  entryPoint?: string
  imports: Array<{kind: string; path: string; external?: boolean}>
  inputs: Record<string, {bytesInOutput: number}>
}

export interface BundleMeta {
  /** The package's name. */
  name: string
  /** The package's folder, relative to the repository. */
  packageDir: string
  outputs: Record<string, MetaOutput>
}

export function readBundleMetas(): Record<string, BundleMeta> {
  const dir = path.join(repoRoot, '.build')
  const metas: Record<string, BundleMeta> = {}
  for (const file of readdirSync(dir).filter(name => name.endsWith('.json'))) {
    const meta = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as BundleMeta
    metas[meta.name] = meta
  }

  if (Object.keys(metas).length === 0) throw new Error(`no bundle metafiles in ${dir}: run \`npm run build\` first`)
  return metas
}

/** `node_modules/a/b.js` → `a`, `node_modules/@s/p/x.js` → `@s/p` (the innermost package), else undefined. */
export function packageOf(file: string): string | undefined {
  const index = file.lastIndexOf('node_modules/')
  if (index === -1) return undefined
  const parts = file.slice(index + 'node_modules/'.length).split('/')
  return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]
}

/**
 * What a process loaded, from the module URLs it resolved: the npm packages (loaded from
 * node_modules, or bundled into a bundle file it loaded) and the source files bundled into them
 * (relative to the repository).
 */
export function contentsOf(urls: string[]): {packages: Set<string>; sources: Set<string>} {
  const metas = Object.values(readBundleMetas())
  const byFile = new Map<string, MetaOutput & {packageDir: string}>()
  for (const meta of metas) {
    for (const [output, data] of Object.entries(meta.outputs)) byFile.set(path.join(repoRoot, meta.packageDir, output), {...data, packageDir: meta.packageDir})
  }

  const packages = new Set<string>()
  const sources = new Set<string>()
  for (const url of urls) {
    if (!url.startsWith('file:')) continue
    const file = fileURLToPath(url)
    const output = byFile.get(file)
    if (output) {
      for (const input of Object.keys(output.inputs)) {
        // A module the build made up (`builtin-required:fs`, a built-in behind require) is neither.
        if (/^[a-z-]+:/.test(input)) continue
        const name = packageOf(input)
        if (name) packages.add(name)
        else sources.add(path.join(output.packageDir, input))
      }

      continue
    }

    const name = packageOf(path.relative(repoRoot, file))
    if (name) packages.add(name)
  }

  return {packages, sources}
}

export interface BundleSizes {
  /** All the JavaScript files of the package's dist/, in KiB. */
  totalKiB: number
  /** The largest single file, in KiB. */
  largestFileKiB: number
  /** Per entry point (e.g. `commands/tenant/list.js`): the KiB loaded when it is imported (its static imports, transitively; not its dynamic imports). */
  entries: Record<string, number>
}

const kib = (bytes: number) => Math.round(bytes / 1024 * 10) / 10

/** The sizes the budgets of scripts/bundle-budgets.json limit, per package. */
export function bundleSizes(): Record<string, BundleSizes> {
  const sizes: Record<string, BundleSizes> = {}
  for (const [name, meta] of Object.entries(readBundleMetas())) {
    const js = Object.entries(meta.outputs).filter(([file]) => file.endsWith('.js'))
    const closure = (file: string, seen: Set<string>): number => {
      if (seen.has(file)) return 0
      seen.add(file)
      const output = meta.outputs[file]
      if (!output) return 0
      return output.bytes + output.imports.filter(item => item.kind === 'import-statement' && !item.external).reduce((sum, item) => sum + closure(item.path, seen), 0)
    }

    const entries: Record<string, number> = {}
    // Entry points only: a dynamically imported chunk is loaded with the entry that imports it.
    for (const [file, output] of js) if (output.entryPoint && !file.startsWith('dist/chunks/')) entries[file.replace(/^dist\//, '')] = kib(closure(file, new Set()))
    sizes[name] = {
      entries,
      largestFileKiB: kib(Math.max(...js.map(([, output]) => output.bytes))),
      totalKiB: kib(js.reduce((sum, [, output]) => sum + output.bytes, 0)),
    }
  }

  return sizes
}
