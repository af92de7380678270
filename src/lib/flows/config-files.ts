import path from 'node:path'

/**
 * Flow and theme files named by the configuration (`flows: [{id, file}]`, `theme: {file}`), read
 * synchronously (config checks and `ResourceKind.desired` are synchronous), relative to the
 * configuration file's folder.
 */
import type {ThemeDocument} from '../api/themes.js'

import {JsonFileError, type ReadJsonOptions, readJsonTextSync} from '../config/json-text.js'
import {CliError, ExitCode} from '../errors.js'
import {type FlowDocument, flowFileReading, parseFlowText} from './format.js'
import {parseThemeText, themeFileReading} from './theme.js'

/** A problem with a file the configuration names, in a one-line message naming the file (and its line); `missing` when there is no such file. */
export class ConfiguredFileError extends Error {
  constructor(message: string, readonly missing = false) {
    super(message)
    this.name = 'ConfiguredFileError'
  }
}

function readText(file: string, options: ReadJsonOptions): string {
  try {
    return readJsonTextSync(file, options)
  } catch (error) {
    if (error instanceof JsonFileError) throw new ConfiguredFileError(error.oneLine())
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT'
    throw new ConfiguredFileError(missing ? `${options.display}: no such file` : `${options.display}: ${(error as Error).message}`, missing)
  }
}

/** Runs a parser, turning its JsonFileError into a ConfiguredFileError. */
function oneLine<T>(parse: () => T): T {
  try {
    return parse()
  } catch (error) {
    throw error instanceof JsonFileError ? new ConfiguredFileError(error.oneLine()) : error
  }
}

/** The flow of a configured file, as flow `id` (the configuration's id wins over the file's). Throws a ConfiguredFileError naming the path. */
export function readConfiguredFlow(configDir: string | undefined, file: string, id: string): {flow: FlowDocument; contentId?: string} {
  const absolute = path.resolve(configDir ?? process.cwd(), file)
  const text = readText(absolute, {...flowFileReading, display: absolute})
  const parsed = oneLine(() => parseFlowText(absolute, text))
  return {contentId: parsed.contentId, flow: {...parsed.flow, flowId: id}}
}

export function readConfiguredTheme(configDir: string | undefined, file: string): ThemeDocument {
  const absolute = path.resolve(configDir ?? process.cwd(), file)
  const text = readText(absolute, {...themeFileReading, display: absolute})
  return oneLine(() => parseThemeText(absolute, text))
}

/** A file problem found when the plan reads the configuration (the loader reports them first). */
export function configFileError(message: string): CliError {
  return new CliError(`Configuration: ${message}`, {code: 'config_invalid', exitCode: ExitCode.InvalidInput, hint: 'Fix the file, or its path in the configuration (relative to the configuration file).'})
}
