/**
 * Finding and loading the configuration: cosmiconfig finds the file, `yaml` parses it keeping
 * positions, variables are interpolated, and the result is validated. Every problem found is
 * reported at once, each with file, line, column and field path.
 */
import {cosmiconfig, type Loader} from 'cosmiconfig'
import {readFileSync} from 'node:fs'
import path from 'node:path'
import {visit} from 'yaml'

import {
  CliError, ConfigError, type ConfigProblem, ExitCode,
} from '../errors.js'
import {interpolatePlain, interpolateSource} from './interpolate.js'
import {documentLocator, type Locator, noPosition} from './locate.js'
import {parsePlain} from './plain.js'
import {type DescopeConfig} from './schema.js'
import {searchFolders, searchPlaces} from './search.js'
import {
  type ConfigFormat, type ConfigSource, MAX_ALIAS_COUNT, parseDeferred, readConfigSource,
} from './source.js'
import {decodeText} from './text.js'
import {countConfig, sortProblems, validateConfig} from './validate.js'

export const MODULE_NAME = 'descope'

export {searchFolders, searchPlaces} from './search.js'

export interface LoadOptions {
  /** Configuration file (`--config`); when absent, it is searched for from `cwd` up. */
  file?: string
  /** Where relative paths start and the search begins. Default: process.cwd(). */
  cwd?: string
  /** The environment in use (`-e`): must be defined; unset variables elsewhere are warnings. */
  environment?: string
  /** Variables for `${VAR}`. Default: process.env. */
  env?: NodeJS.ProcessEnv
  /** Tenant ids that exist in the live project (a `parent` may refer to them). */
  existingTenantIds?: Iterable<string>
  /** Permission names that exist in the live project (roles may refer to them). */
  existingPermissionNames?: Iterable<string>
}

export interface LoadedConfig {
  config: DescopeConfig
  /** Absolute path of the file. */
  file: string
  /** Folder of the file: relative paths in the configuration start here. */
  dir: string
  format: ConfigFormat
  warnings: ConfigProblem[]
  /** Finds the line and column of a field, for later messages about it. */
  locate: Locator
}

/** Everything known about a configuration file, valid or not (what `config validate` reports). */
export interface ConfigInspection {
  file: string
  displayFile: string
  dir: string
  format: ConfigFormat
  config?: DescopeConfig
  problems: ConfigProblem[]
  warnings: ConfigProblem[]
  /** Entries per section: {environments: 2, tenants: 4}. */
  counts: Record<string, number>
  locate: Locator
  /** Read without positions (a large file without problems); `locate` parses on first use. */
  light?: boolean
}

/** A found configuration: its path and the parsed source (problems included, not thrown). */
export interface FoundConfig {
  file: string
  source?: ConfigSource
}

function sourceLoader(cwd: string): Loader {
  return async filepath => {
    const source = await readConfigSource(filepath, {cwd, deferLarge: true})
    // cosmiconfig takes the `descope` property of package.json itself: hand it the source there.
    if (source.format === 'package.json') return source.packagePropertyMissing ? {} : {[MODULE_NAME]: source}
    return source
  }
}

function explorer(cwd: string) {
  const loader = sourceLoader(cwd)
  return cosmiconfig(MODULE_NAME, {
    cache: false,
    ignoreEmptySearchPlaces: false,
    loaders: {
      '.js': loader, '.json': loader, '.mjs': loader, '.yaml': loader, '.yml': loader, noExt: loader,
    },
    packageProp: MODULE_NAME,
    searchPlaces: [...searchPlaces],
    searchStrategy: 'none',
  })
}

/**
 * Finds the configuration from `cwd` up to the filesystem root; the first folder with one of
 * `searchPlaces` wins (package.json only when it has a `descope` property).
 */
export async function findConfig(cwd = process.cwd()): Promise<FoundConfig | undefined> {
  const search = explorer(cwd)
  for (const folder of searchFolders(cwd)) {
    const result = await search.search(folder)
    if (result) {
      const source = result.config as ConfigSource | undefined
      return {file: result.filepath, source: source?.problems ? source : undefined}
    }
  }

  return undefined
}

/** The path of the configuration found from `cwd` up, or undefined. */
export async function findConfigFile(cwd = process.cwd()): Promise<string | undefined> {
  return (await findConfig(cwd))?.file
}

function notFound(cwd: string): CliError {
  const places = searchPlaces.map(place => (place === 'package.json' ? 'package.json ("descope" property)' : place)).join(', ')
  return new CliError(`No descope-mgmt configuration found in ${path.resolve(cwd)} or any parent folder (looked for ${places}).`, {
    code: 'config_not_found',
    exitCode: ExitCode.InvalidInput,
    hint: 'Run `descope-mgmt init` to write one, or point to a file with --config FILE.',
  })
}

/** Where the first alias (`*name`) of the document is. */
function firstAlias(source: ConfigSource): undefined | {line: number; column: number} {
  let offset: number | undefined
  if (source.doc) {
    visit(source.doc, {
      Alias(_key, node) {
        offset = node.range?.[0]
        return visit.BREAK
      },
    })
  }

  const position = offset === undefined ? undefined : source.lineCounter?.linePos(offset)
  return position && {column: position.col, line: position.line}
}

/** Turns the parsed of a source into a plain value, guarding against alias bombs. */
function toValue(source: ConfigSource, locate: Locator): {value?: unknown; problem?: ConfigProblem} {
  try {
    const {root} = source
    const value = root && source.doc ? root.toJS(source.doc, {maxAliasCount: MAX_ALIAS_COUNT}) : undefined
    return {value}
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    const aliases = /alias/i.test(message)
    return {
      problem: {
        ...(aliases ? firstAlias(source) : undefined) ?? locate([]),
        file: source.displayFile,
        hint: aliases ? `YAML aliases (*name) may expand to at most ${MAX_ALIAS_COUNT} nodes: write the values out` : undefined,
        message: aliases ? 'too many alias expansions: this looks like a YAML "billion laughs" document' : `cannot read the document: ${message}`,
      },
    }
  }
}

/**
 * Positions for a source parsed lightly: the positioned parse runs on the first question, on the
 * file read again. A large file's text is not kept for the whole run for questions that seldom
 * come (none once it has loaded without a problem); a file that cannot be read again has none.
 */
function deferredLocator({displayFile, file, format}: ConfigSource): Locator {
  let locate: Locator | undefined
  return (path, target) => {
    if (!locate) {
      let decoded: ReturnType<typeof decodeText> | undefined
      try {
        decoded = decodeText(readFileSync(file))
      } catch {}

      const source: ConfigSource = {
        deferred: true, displayFile, file, format, problems: [], text: decoded && 'text' in decoded ? decoded.text : undefined, warnings: [],
      }
      parseDeferred(source)
      locate = source.doc ? documentLocator(source.doc, source.root, source.lineCounter) : noPosition
    }

    return locate(path, target)
  }
}

/**
 * A large file read without positions: plain values, variables and validation. Undefined when
 * anything needs a message (messages need lines) or the text needs the positioned parser.
 */
function inspectLight(source: ConfigSource, options: LoadOptions): ConfigInspection | undefined {
  const parsed = source.text === undefined ? undefined : parsePlain(source.text)
  const interpolated = parsed && interpolatePlain(parsed.value, {env: options.env ?? process.env, environment: options.environment})
  if (!interpolated) return undefined
  const validation = validateConfig(interpolated.value, {
    configDir: path.dirname(source.file),
    environment: options.environment,
    existingPermissionNames: options.existingPermissionNames,
    existingTenantIds: options.existingTenantIds,
    file: source.displayFile,
  })
  if (!validation.config || validation.problems.length > 0 || validation.warnings.length > 0) return undefined
  return {
    config: validation.config,
    counts: countConfig(interpolated.value),
    dir: path.dirname(source.file),
    displayFile: source.displayFile,
    file: source.file,
    format: source.format,
    light: true,
    locate: deferredLocator(source),
    problems: [],
    warnings: [],
  }
}

/**
 * Reads, interpolates and validates a configuration, collecting every problem instead of
 * throwing. Throws only a CliError when no configuration file can be found or read.
 */
export async function inspectConfig(options: LoadOptions = {}): Promise<ConfigInspection> {
  const cwd = options.cwd ?? process.cwd()
  let source: ConfigSource
  if (options.file === undefined) {
    const found = await findConfig(cwd)
    if (!found) throw notFound(cwd)
    source = found.source ?? (await readConfigSource(found.file, {cwd, deferLarge: true}))
  } else {
    source = await readConfigSource(options.file, {cwd, deferLarge: true})
  }

  if (source.deferred) {
    const light = inspectLight(source, options)
    if (light) return light
    parseDeferred(source)
  }

  const base = {
    counts: {},
    dir: path.dirname(source.file),
    displayFile: source.displayFile,
    file: source.file,
    format: source.format,
    warnings: [...source.warnings],
  }
  const locate = source.doc ? documentLocator(source.doc, source.root, source.lineCounter) : noPosition
  // A duplicate key leaves a complete document; other syntax errors do not.
  const fatal = source.problems.filter(problem => !problem.message.startsWith('duplicate key'))
  if (fatal.length > 0 || !source.doc) return {...base, locate, problems: sortProblems(source.problems)}

  const interpolation = interpolateSource(source, {env: options.env ?? process.env, environment: options.environment, locate})
  const {problem, value} = toValue(source, locate)
  if (problem) return {...base, locate, problems: sortProblems([...source.problems, ...interpolation.problems, problem])}

  const validation = validateConfig(value, {
    configDir: path.dirname(source.file),
    environment: options.environment,
    existingPermissionNames: options.existingPermissionNames,
    existingTenantIds: options.existingTenantIds,
    file: source.displayFile,
    locate,
  })
  // A value whose variable could not be replaced was already reported: do not judge what is left.
  const unresolved = [...interpolation.unresolved]
  const judged = (problem: ConfigProblem) =>
    !unresolved.some(prefix => problem.path === prefix || problem.path?.startsWith(`${prefix}.`) || problem.path?.startsWith(`${prefix}[`))
  const problems = sortProblems([...source.problems, ...interpolation.problems, ...validation.problems.filter(problem => judged(problem))])
  return {
    ...base,
    config: problems.length === 0 ? validation.config : undefined,
    counts: countConfig(value),
    locate,
    problems,
    warnings: sortProblems([...base.warnings, ...interpolation.warnings, ...validation.warnings.filter(warning => judged(warning))]),
  }
}

/**
 * Loads the configuration for a command: the file given, or the one found from `cwd` up.
 * Throws a ConfigError with every problem when it is invalid, and a CliError when none is found.
 */
export async function loadConfig(options: LoadOptions = {}): Promise<LoadedConfig> {
  const inspection = await inspectConfig(options)
  if (inspection.problems.length > 0 || !inspection.config) {
    throw new ConfigError(inspection.problems.length > 0 ? inspection.problems : [{file: inspection.displayFile, message: 'invalid configuration'}])
  }

  return {
    config: inspection.config,
    dir: inspection.dir,
    file: inspection.file,
    format: inspection.format,
    locate: inspection.locate,
    warnings: inspection.warnings,
  }
}
