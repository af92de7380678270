/**
 * `--version` and the root help without starting oclif, for a CLI that runs only its own plugins.
 *
 * oclif reads every plugin's manifest and runs the init hooks before it looks at argv, which costs
 * more than Node's own start. Neither answer needs that: `--version` is the package's user agent,
 * and the root help is the same text for the same build, plugins and terminal. So the version is
 * printed from package.json, and the root help oclif printed last time is kept (in the cache
 * folder, beside what it depends on) and printed again while none of that changed. oclif has no
 * such path, hence the hand-written code; whenever a condition is not plainly met (a user's plugin,
 * DEBUG, Windows), oclif runs as always.
 *
 * This module imports no oclif and nothing heavy: bin/run.js loads it before anything else.
 */
import isWsl from 'is-wsl'
import {readFileSync, statSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

/** What bin/run.js does next: nothing (answered here), or run oclif and then `after`. */
export interface FastStart {
  answered: boolean
  /** Runs once oclif is done: keeps the root help it printed, when it printed one. */
  after?: () => Promise<void>
}

interface PackageJson {
  name: string
  version: string
  oclif: {
    additionalHelpFlags?: string[]
    additionalVersionFlags?: string[]
    dirname?: string
    plugins?: string[]
  }
}

/** Environment variables that change what the help looks like (width, colours, theme). */
const HELP_ENVIRONMENT = [
  'CI', 'COLORTERM', 'COLUMNS', 'FORCE_COLOR', 'NODE_DISABLE_COLORS', 'NO_COLOR', 'OCLIF_COLUMNS', 'TERM', 'TERM_PROGRAM',
]

export async function fastStart(root: string, argv: string[]): Promise<FastStart> {
  const pjson = readPackage(root)
  const scope = scopedPrefix(pjson)
  if (!pjson || process.platform === 'win32' || process.env.DEBUG || process.env[`${scope}_DEBUG`]) return {answered: false}
  const dirs = directories(pjson, scope)
  if (hasUserPlugins(dirs.data)) return {answered: false}

  const versionFlags = new Set(['--version', ...(pjson.oclif.additionalVersionFlags ?? [])])
  if (argv.length === 1 && versionFlags.has(argv[0])) {
    process.stdout.write(`${userAgent(pjson)}\n`)
    return {answered: true}
  }

  const helpFlags = new Set(['--help', ...(pjson.oclif.additionalHelpFlags ?? [])])
  if (argv.length > 1 || (argv.length === 1 && !helpFlags.has(argv[0]))) return {answered: false}
  const file = path.join(dirs.cache, 'help', 'root.json')
  const key = helpKey(root, pjson, dirs.config)
  const kept = readKeptHelp(file)
  if (kept?.key === key) {
    process.stdout.write(kept.text)
    return {answered: true}
  }

  return {after: recordHelp(file, key), answered: false}
}

/** oclif's `config.userAgent`: `name/version platform-arch node-version`. */
function userAgent(pjson: PackageJson): string {
  const platform = isWsl ? 'wsl' : os.platform()
  const arch = os.arch() === 'ia32' ? 'x86' : os.arch()
  return `${pjson.name}/${pjson.version} ${platform}-${arch} node-${process.version}`
}

function readPackage(root: string): PackageJson | undefined {
  try {
    const pjson = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as PackageJson
    return pjson.oclif ? pjson : undefined
  } catch {
    return undefined
  }
}

/** oclif's prefix of scoped variables: DESCOPE_MGMT for the bin descope-mgmt. */
function scopedPrefix(pjson: PackageJson | undefined): string {
  return (pjson?.oclif.dirname ?? pjson?.name ?? '').replaceAll('-', '_').toUpperCase()
}

/** oclif's cache, config and data folders (config.cacheDir, configDir, dataDir). */
function directories(pjson: PackageJson, scope: string): {cache: string; config: string; data: string} {
  const dirname = pjson.oclif.dirname ?? pjson.name
  const home = process.env.HOME || os.homedir() || os.tmpdir()
  const xdg = (category: 'cache' | 'config' | 'data') => path.join(
    process.env[`XDG_${category.toUpperCase()}_HOME`] || path.join(home, category === 'data' ? '.local/share' : `.${category}`),
    dirname,
  )
  return {
    cache: process.env[`${scope}_CACHE_DIR`] || (process.platform === 'darwin' ? path.join(home, 'Library', 'Caches', dirname) : xdg('cache')),
    config: process.env[`${scope}_CONFIG_DIR`] || xdg('config'),
    data: process.env[`${scope}_DATA_DIR`] || xdg('data'),
  }
}

/** Whether `plugins install` or `plugins link` added a plugin: its code may hook any start. */
function hasUserPlugins(dataDir: string): boolean {
  let text: string
  try {
    text = readFileSync(path.join(dataDir, 'package.json'), 'utf8')
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ENOENT'
  }

  try {
    const plugins = (JSON.parse(text) as Partial<PackageJson>).oclif?.plugins
    return !Array.isArray(plugins) || plugins.length > 0
  } catch {
    return true
  }
}

/** A file's identity for the key: a rebuild or reinstall changes it. */
function stamp(file: string): string {
  try {
    const stats = statSync(file)
    return `${stats.size}:${stats.mtimeMs}`
  } catch {
    return '-'
  }
}

/**
 * Everything the root help depends on: this build and its plugins' (manifests, package.json),
 * Node's version (the VERSION line), the terminal's width and colours, and the user's theme.
 */
function helpKey(root: string, pjson: PackageJson, configDir: string): string {
  const files = [
    path.join(root, 'package.json'),
    path.join(root, 'oclif.manifest.json'),
    ...(pjson.oclif.plugins ?? []).flatMap(plugin => [
      path.join(root, 'node_modules', plugin, 'package.json'),
      path.join(root, 'node_modules', plugin, 'oclif.manifest.json'),
    ]),
    path.join(configDir, 'theme.json'),
  ]
  return JSON.stringify({
    environment: HELP_ENVIRONMENT.map(name => process.env[name] ?? null),
    files: files.map(file => stamp(file)),
    terminal: [process.stdout.isTTY ?? false, process.stdout.columns ?? null],
    userAgent: userAgent(pjson),
  })
}

function readKeptHelp(file: string): undefined | {key: string; text: string} {
  try {
    const kept = JSON.parse(readFileSync(file, 'utf8')) as {key?: unknown; text?: unknown}
    return typeof kept.key === 'string' && typeof kept.text === 'string' ? {key: kept.key, text: kept.text} : undefined
  } catch {
    return undefined
  }
}

/**
 * Records what oclif writes while it prints the root help, and keeps it when the run ended well
 * with nothing on stderr (a warning there means this start is not the usual one).
 */
function recordHelp(file: string, key: string): () => Promise<void> {
  const chunks: string[] = []
  let clean = true
  const {stderr, stdout} = process
  const writeOut = stdout.write.bind(stdout)
  const writeErr = stderr.write.bind(stderr)
  stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'))
    return writeOut(chunk, ...rest)
  }) as typeof stdout.write
  stderr.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
    clean = false
    return writeErr(chunk, ...rest)
  }) as typeof stderr.write

  return async () => {
    stdout.write = writeOut
    stderr.write = writeErr
    const text = chunks.join('')
    if (!clean || !text || (process.exitCode !== undefined && process.exitCode !== 0)) return
    try {
      const {writeFileAtomically} = await import('@descope-mgmt/shared/atomic-file')
      await writeFileAtomically(file, JSON.stringify({key, text}))
    } catch {
      // Keeping the help only spares the next start some time; a read-only cache folder is fine.
    }
  }
}
