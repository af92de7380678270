// The esbuild build of the CLI and of its bundled workspace plugins (run in a package's folder:
// `node ../../scripts/bundle.mjs` or `node scripts/bundle.mjs`). tsc still runs first, for the type
// check and the declaration files; this script writes every JavaScript file of the package's dist/.
//
// Shape: ESM for Node 20, one entry point per command and hook (oclif finds them in dist/commands
// and package.json's hooks as before, so `oclif manifest` and `plugins install` work unchanged),
// code split into shared chunks, so that a command loads only the modules it imports. Pattern
// discovery is kept rather than oclif's `explicit` strategy: @oclif/core 4 imports the explicit
// target, which must hold every command class, before running any command, and our commands import
// their lib modules (zod schemas, the plan engine) at the top, so every command would load them all.
//
// External (left in node_modules, loaded from there):
// - @redis/client and @keyv/redis: large (1.5 MB), only loaded with a Redis coordination URL;
// - @oclif/plugin-not-found and the other oclif plugins: plugins with their own @oclif/core, loaded
//   by oclif as plugins;
// - typescript, ts-node, tsx, pnpapi: optional development loaders that @oclif/core and cosmiconfig
//   require only for TypeScript sources or Yarn PnP;
// - in the plugins, @oclif/core and the workspace packages: a plugin runs inside the host's oclif and
//   shares its node_modules, and bench must start the emulator package a user has.
// @oclif/core itself is bundled into the CLI: importing the package costs about as much as Node's own
// start-up (hundreds of small CommonJS files), and one bundled copy of it halves `--version`. Plugins
// (ours and users') keep their own copy from node_modules, which oclif supports: a user's plugin
// always has its own.
//
// Source maps are written beside each file (without the sources' text); bin/run.js turns them on
// only under --verbose or DEBUG, since they cost start-up time.
//
// The build's metafile (which source and package went into which output file) is written to
// .build/<package>.json for the start-up and size tests; it is not part of the package.
import {build} from 'esbuild'
import {createHash} from 'node:crypto'
import {
  mkdir, readdir, readFile, rm, writeFile,
} from 'node:fs/promises'
import {builtinModules} from 'node:module'
import path from 'node:path'

const packageDir = process.cwd()
const repoRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..')
const pjson = JSON.parse(await readFile(path.join(packageDir, 'package.json'), 'utf8'))

const devLoaders = ['typescript', 'ts-node', 'tsx', 'tsx/*', 'pnpapi']
const oclifPlugins = ['@oclif/plugin-*']
const packages = {
  '@descope-mgmt/plugin-bench': {
    // The scenarios are an entry of their own: they preload lib/rss.js, found beside them.
    entries: ['src/commands/**/*.ts', 'src/lib/rss.ts', 'src/lib/scenarios.ts'],
    external: ['@oclif/core', '@descope-mgmt/*'],
  },
  '@descope-mgmt/plugin-cache': {
    entries: ['src/commands/**/*.ts'],
    external: ['@oclif/core', '@descope-mgmt/*', ...devLoaders],
  },
  '@descope-mgmt/plugin-emulator': {
    entries: ['src/index.ts', 'src/commands/**/*.ts', 'src/hooks/**/*.ts'],
    external: ['@oclif/core', '@descope-mgmt/*'],
  },
  'descope-mgmt': {
    // The help class is loaded by oclif from package.json's `oclif.helpClass`, like a command.
    entries: ['src/index.ts', 'src/commands/**/*.ts', 'src/hooks/**/*.ts', 'src/lib/ui/help.ts'],
    // bin/run.js loads the fast start before anything else: one file, sharing no chunk, since on
    // Node 24 each module file more is a visible share of a `--version`.
    alone: ['src/lib/startup/fast-start.ts'],
    external: ['@redis/client', '@keyv/redis', ...oclifPlugins, ...devLoaders],
  },
}

const spec = packages[pjson.name]
if (!spec) throw new Error(`scripts/bundle.mjs: no bundle settings for the package ${pjson.name} (in ${packageDir}); add it to \`packages\` in this script.`)

async function listFiles(dir) {
  const entries = await readdir(dir, {recursive: true, withFileTypes: true}).catch(error => {
    if (error.code === 'ENOENT') return []
    throw error
  })
  return entries.filter(entry => entry.isFile()).map(entry => path.join(entry.parentPath ?? entry.path, entry.name))
}

/** `src/commands/**\/*.ts` and plain file names, relative to the package. */
async function expand(pattern) {
  if (!pattern.includes('*')) return [pattern]
  const base = pattern.slice(0, pattern.indexOf('/**'))
  const files = await listFiles(path.join(packageDir, base))
  return files.filter(file => file.endsWith('.ts') && !file.endsWith('.d.ts')).map(file => path.relative(packageDir, file)).sort()
}

const entryPoints = (await Promise.all(spec.entries.map(pattern => expand(pattern)))).flat()

// Old JavaScript output (tsc's, or a previous build's chunks) goes; tsc's declarations stay.
const dist = path.join(packageDir, 'dist')
for (const file of await listFiles(dist)) {
  if (/\.(m?js)(\.map)?$/.test(file)) await rm(file)
}

/**
 * The package @sindresorhus/is (got's) builds two Intl.ListFormat at module load, for messages of failed type
 * assertions: the locale data they fault in cost every run that loads got about 6 MB of RSS
 * (measured on Node 20 and 24). Built on first use instead; the messages are the same.
 */
const lazyListFormat = {
  name: 'lazy-list-format',
  setup(esbuild) {
    esbuild.onLoad({filter: /[\\/]@sindresorhus[\\/]is[\\/]distribution[\\/]index\.js$/}, async args => {
      const source = await readFile(args.path, 'utf8')
      const eager = /const (\w+) = new Intl\.ListFormat\(([^;]*)\);/g
      if (!eager.test(source)) {
        return {errors: [{text: `lazy-list-format: ${args.path} no longer builds Intl.ListFormat at load as expected; update scripts/bundle.mjs`}]}
      }

      return {contents: source.replaceAll(eager, 'const $1 = {format: values => new Intl.ListFormat($2).format(values)};'), loader: 'js'}
    })
  },
}

/**
 * Start-up work of bundled packages that this CLI seldom or never needs, deferred or skipped: mostly
 * modules every run loads but few use, required on first use instead of at load. Each entry
 * replaces one exact line of a package's file (the build fails when the line is gone, so an upgrade
 * cannot silently undo it). A deferred module is either bundled, as a CommonJS closure that runs on
 * the first `require`, or, when it is large and seldom used, left out of the bundle and required
 * from @oclif/core's folder on first use (`fromOclifCore`): bundled code is compiled in every start.
 * - got imports http2-wrapper (and with it Node's http2) for its `http2` option, which the client
 *   never sets: about 10 ms of every request-sending start on Node 20. It imports node:https and
 *   node:tls for https URLs only: 7 to 15 ms of a start against a plain-http emulator.
 * - zod lists its 60-odd locales as `z.locales`, which nothing here uses: only English (its default)
 *   is kept, about 280 KiB less JavaScript in the bundle (and 0.2 to 0.6 MB of RSS on Node 24).
 * - @oclif/core's performance markers load node:perf_hooks, which they use only when performance
 *   tracking is on: 3 to 7 ms of every start.
 * - @oclif/core loads tinyglobby (with fdir and picomatch) to find commands without a manifest, and
 *   minimatch for plugin names given as patterns; every plugin here has a manifest and is named.
 *   It matches every dependency against every plugin name with minimatch (about 180 patterns
 *   compiled, 11 ms of every start): a name without a glob character is compared as a string,
 *   which is what minimatch would answer.
 * - @oclif/core sorts every plugin's commands with `localeCompare`, whose first call builds an ICU
 *   collator: 2 to 3 MB of RSS in every run, for ids of lowercase letters, `:` and `-`, which the
 *   root collation orders as their code points do. Such ids are compared as strings; any other id
 *   still goes through `localeCompare`.
 * - @oclif/core checks that Node satisfies its own `engines` (which ours imply) against a package.json
 *   it looks for beside its modules: in the bundle there is none, so the check only loaded semver.
 * - @oclif/core loads ejs at start for the templates of help and of its update URLs (`s3Key`), and
 *   cli-spinners for a spinner no command here starts: both come from its own folder on first use,
 *   like tinyglobby and minimatch, which only finding commands without a manifest and plugin names
 *   given as patterns need.
 * - write-file-atomic loads node:worker_threads (2 ms on Node 20, in every run that writes the cache)
 *   for the thread's id, which it hashes into its temporary files' names so that two threads of one
 *   process never pick the same name: a random number drawn when the module loads (each thread loads
 *   its own copy) tells threads apart as well.
 * - @oclif/core finds each plugin's folder with `require.resolve` from the CLI's root, then walks up
 *   to the package (3 to 4 ms for the six plugins of every start): a plugin in the root's own
 *   node_modules, where npm installs them, is taken from there, by its real path as `require.resolve`
 *   gives it; any other plugin still goes through the search.
 * - @oclif/core loads node:child_process to name the shell on Windows, and node:readline for
 *   arguments read from stdin: 2 to 3 ms each. It asks wsl-utils (which loads child_process and
 *   PowerShell helpers) whether it runs in WSL; the answer is wsl-utils' re-export of is-wsl,
 *   required rather than imported so that it is bundled into oclif's chunk, not two files of its own.
 */
/**
 * A require of one of @oclif/core's own dependencies, resolved from its folder at run time and not
 * bundled: for packages that only help or a rare path needs, so that their code is not compiled in
 * every start.
 */
function fromOclifCore(name) {
  return `require("node:module").createRequire(require.resolve("@oclif/core/package.json"))(${JSON.stringify(name)})`
}

const startupEdits = [
  {
    file: /[\\/]got[\\/]dist[\\/]source[\\/]core[\\/]options\.js$/,
    line: "import { checkServerIdentity } from 'node:tls';",
    lazy: "const checkServerIdentity = (...args) => require('node:tls').checkServerIdentity(...args);",
  },
  {
    // got reads https.request at each request (for nock, it says), which the getter keeps.
    file: /[\\/]got[\\/]dist[\\/]source[\\/]core[\\/]options\.js$/,
    line: "import https from 'node:https';",
    lazy: "const https = {get request() { return require('node:https').request }};",
  },
  {
    file: /[\\/]got[\\/]dist[\\/]source[\\/]core[\\/]options\.js$/,
    line: "import http2wrapper from 'http2-wrapper';",
    lazy: "const http2wrapper = {get auto() { return require('http2-wrapper').auto }, get globalAgent() { return require('http2-wrapper').globalAgent }};",
  },
  {
    file: /[\\/]zod[\\/]v4[\\/]classic[\\/]external\.js$/,
    line: 'export * as locales from "../locales/index.js";',
    lazy: 'import __enLocale from "../locales/en.js"; export const locales = {en: __enLocale};',
  },
  {
    file: /[\\/]zod[\\/]v4[\\/]core[\\/]index\.js$/,
    line: 'export * as locales from "../locales/index.js";',
    lazy: 'import __enLocale from "../locales/en.js"; export const locales = {en: __enLocale};',
  },
  {
    file: /[\\/]@oclif[\\/]core[\\/]lib[\\/]performance\.js$/,
    line: 'const node_perf_hooks_1 = require("node:perf_hooks");',
    lazy: 'const node_perf_hooks_1 = {get performance() { return require("node:perf_hooks").performance }, get PerformanceObserver() { return require("node:perf_hooks").PerformanceObserver }};',
  },
  {
    file: /[\\/]@oclif[\\/]core[\\/]lib[\\/]config[\\/]plugin\.js$/,
    line: 'const tinyglobby_1 = require("tinyglobby");',
    lazy: `const tinyglobby_1 = {get glob() { return ${fromOclifCore('tinyglobby')}.glob }};`,
  },
  {
    file: /[\\/]@oclif[\\/]core[\\/]lib[\\/]config[\\/]plugin\.js$/,
    line: '.sort((a, b) => a.id.localeCompare(b.id));',
    lazy: String.raw`.sort((a, b) => (/^[a-z:-]*$/.test(a.id) && /^[a-z:-]*$/.test(b.id) ? (a.id < b.id ? -1 : (a.id > b.id ? 1 : 0)) : a.id.localeCompare(b.id)));`,
  },
  {
    file: /[\\/]@oclif[\\/]core[\\/]lib[\\/]config[\\/]plugin-loader\.js$/,
    line: 'const minimatch_1 = require("minimatch");',
    lazy: `const minimatch_1 = {get minimatch() { return ${fromOclifCore('minimatch')}.minimatch }};`,
  },
  {
    file: /[\\/]@oclif[\\/]core[\\/]lib[\\/]config[\\/]plugin-loader\.js$/,
    line: 'return Object.keys(dependencies).filter((p) => patterns.some((w) => (0, minimatch_1.minimatch)(p, w)));',
    lazy: String.raw`return Object.keys(dependencies).filter((p) => patterns.some((w) => (/[*?[\]{}()!#]/.test(w) ? (0, minimatch_1.minimatch)(p, w) : p === w)));`,
  },
  {
    file: /[\\/]@oclif[\\/]core[\\/]lib[\\/]util[\\/]os\.js$/,
    line: 'const node_child_process_1 = require("node:child_process");',
    lazy: 'const node_child_process_1 = {get execSync() { return require("node:child_process").execSync }};',
  },
  {
    file: /[\\/]@oclif[\\/]core[\\/]lib[\\/]util[\\/]os\.js$/,
    line: "return (await import('wsl-utils')).isWsl ? 'wsl' : (0, node_os_1.platform)();",
    lazy: "return require('is-wsl').default ? 'wsl' : (0, node_os_1.platform)();",
  },
  {
    file: /[\\/]@oclif[\\/]core[\\/]lib[\\/]parser[\\/]parse\.js$/,
    line: 'const node_readline_1 = require("node:readline");',
    lazy: 'const node_readline_1 = {get createInterface() { return require("node:readline").createInterface }};',
  },
  {
    file: /[\\/]@oclif[\\/]core[\\/]lib[\\/]util[\\/]find-root\.js$/,
    line: '        let pkgPath;',
    lazy: [
      "        const installed = (0, node_path_1.join)(root, 'node_modules', name);",
      "        if (require('node:fs').existsSync((0, node_path_1.join)(installed, 'package.json'))) return require('node:fs').realpathSync(installed);",
      '        let pkgPath;',
    ].join('\n'),
  },
  {
    file: /[\\/]write-file-atomic[\\/]lib[\\/]index\.js$/,
    line: "    const workerThreads = require('worker_threads')",
    lazy: '    const workerThreads = {threadId: Math.random()}',
  },
  {
    file: /[\\/]@oclif[\\/]core[\\/]lib[\\/]index\.js$/,
    line: 'checkNodeVersion();',
    lazy: '',
  },
  {
    file: /[\\/]@oclif[\\/]core[\\/]lib[\\/]config[\\/]config\.js$/,
    line: 'const ejs_1 = __importDefault(require("ejs"));',
    lazy: `const ejs_1 = {get default() { return ${fromOclifCore('ejs')} }};`,
  },
  {
    file: /[\\/]@oclif[\\/]core[\\/]lib[\\/]help[\\/]util\.js$/,
    line: 'const ejs_1 = __importDefault(require("ejs"));',
    lazy: `const ejs_1 = {get default() { return ${fromOclifCore('ejs')} }};`,
  },
  {
    file: /[\\/]@oclif[\\/]core[\\/]lib[\\/]ux[\\/]action[\\/]spinner\.js$/,
    line: 'const cli_spinners_1 = __importDefault(require("cli-spinners"));',
    lazy: `const cli_spinners_1 = {get default() { return ${fromOclifCore('cli-spinners')} }};`,
  },
]

const startupEditsPlugin = {
  name: 'startup-edits',
  setup(esbuild) {
    const byFile = new Map()
    for (const entry of startupEdits) byFile.set(entry.file.source, [...byFile.get(entry.file.source) ?? [], entry])
    for (const replacements of byFile.values()) {
      esbuild.onLoad({filter: replacements[0].file}, async args => {
        let source = await readFile(args.path, 'utf8')
        for (const {lazy, line} of replacements) {
          if (!source.includes(line)) {
            return {errors: [{text: `startup-edits: ${args.path} no longer has the line \`${line}\`; update scripts/bundle.mjs`}]}
          }

          source = source.replace(line, lazy)
        }

        return {contents: source, loader: 'js'}
      })
    }
  },
}

/**
 * Node's built-in modules are required, not imported. An ES import of a built-in builds a namespace
 * of all its exports, reading each: on Node 24 reading those of node:http loads undici, http2, tls
 * and worker_threads, so `import http from 'node:http'` costs about 40 ms there against 4 ms for
 * `require('node:http')` (node:fs and node:process load perf_hooks and streams the same way).
 * Each import of a built-in becomes a tiny CommonJS module that requires it (through the bundle's
 * `require`, see the banner), so the values and their names are the same.
 */
const builtinsRequired = {
  name: 'builtins-required',
  setup(esbuild) {
    const names = new Set(builtinModules.flatMap(name => [name, `node:${name}`]))
    esbuild.onResolve({filter: /^[\w:/]+$/}, args => {
      if (args.kind !== 'import-statement' || !names.has(args.path)) return
      // One module per importer, so that it lands in the importer's chunk: one module shared by
      // importers of different entry points is a chunk of its own, a file more for each start to
      // load (twelve in a warm `tenant list`).
      const importer = createHash('sha256').update(path.relative(packageDir, args.importer)).digest('hex').slice(0, 8)
      return {namespace: 'builtin-required', path: `${args.path.replace(/^node:/, '')}?${importer}`}
    })
    esbuild.onLoad({filter: /.*/, namespace: 'builtin-required'}, args => ({
      contents: `module.exports = require(${JSON.stringify(`node:${args.path.replace(/\?.*$/, '')}`)})`, loader: 'js',
    }))
  },
}

const started = Date.now()
const common = {
  absWorkingDir: packageDir,
  bundle: true,
  format: 'esm',
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
  minifySyntax: true,
  minifyWhitespace: true,
  outbase: 'src',
  outdir: 'dist',
  platform: 'node',
  sourcemap: 'linked',
  sourcesContent: false,
  target: 'node20',
}
const split = await build({
  ...common,
  // Bundled CommonJS (oclif, cosmiconfig, write-file-atomic) uses require(), __filename and __dirname.
  banner: {
    js: [
      "import {createRequire as __bundleCreateRequire} from 'node:module';",
      "import {fileURLToPath as __bundleFileURLToPath} from 'node:url';",
      'const require = __bundleCreateRequire(import.meta.url);',
      'const __filename = __bundleFileURLToPath(import.meta.url);',
      "const __dirname = __bundleFileURLToPath(new URL('.', import.meta.url));",
    ].join('\n'),
  },
  chunkNames: 'chunks/[name]-[hash]',
  entryPoints,
  external: spec.external,
  plugins: [builtinsRequired, lazyListFormat, startupEditsPlugin],
  splitting: true,
})
// Entries built alone hold ES modules only: their banner gives the built-ins' require alone. The
// workspace packages they import on a rarer path stay imports.
const alone = spec.alone
  ? await build({
    ...common,
    banner: {js: "import {createRequire as __bundleCreateRequire} from 'node:module';\nconst require = __bundleCreateRequire(import.meta.url);"},
    entryPoints: spec.alone,
    external: [...spec.external, '@descope-mgmt/*'],
    plugins: [builtinsRequired],
    splitting: false,
  })
  : {metafile: {inputs: {}, outputs: {}}}
const result = {
  metafile: {inputs: {...split.metafile.inputs, ...alone.metafile.inputs}, outputs: {...split.metafile.outputs, ...alone.metafile.outputs}},
}

const metaDir = path.join(repoRoot, '.build')
await mkdir(metaDir, {recursive: true})
const metaFile = path.join(metaDir, `${pjson.name.replace('@', '').replace('/', '+')}.json`)
await writeFile(metaFile, JSON.stringify({name: pjson.name, packageDir: path.relative(repoRoot, packageDir) || '.', ...result.metafile}))
const outputs = Object.entries(result.metafile.outputs).filter(([file]) => file.endsWith('.js'))
const bytes = outputs.reduce((sum, [, output]) => sum + output.bytes, 0)
console.log(`bundled ${pjson.name}: ${entryPoints.length + (spec.alone?.length ?? 0)} entries, ${outputs.length} files, ${(bytes / 1024).toFixed(0)} KiB of JavaScript in ${Date.now() - started} ms`)
