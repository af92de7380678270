import {readFileSync} from 'node:fs'
import path from 'node:path'

/**
 * Flow and theme files named by the configuration (`flows: [{id, file}]`, `theme: {file}`), read
 * synchronously (config checks and `ResourceKind.desired` are synchronous), relative to the
 * configuration file's folder.
 */
import type {ThemeDocument} from '../api/themes.js'

import {CliError, ExitCode} from '../errors.js'
import {type FlowDocument, parseFlowText} from './format.js'
import {parseThemeText} from './theme.js'

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8')
  } catch (error) {
    throw new Error((error as NodeJS.ErrnoException).code === 'ENOENT' ? `${file}: no such file` : `${file}: ${(error as Error).message}`)
  }
}

/** The flow of a configured file, as flow `id` (the configuration's id wins over the file's). Throws a plain Error naming the path. */
export function readConfiguredFlow(configDir: string | undefined, file: string, id: string): {flow: FlowDocument; contentId?: string} {
  const absolute = path.resolve(configDir ?? process.cwd(), file)
  try {
    const parsed = parseFlowText(absolute, readText(absolute))
    return {contentId: parsed.contentId, flow: {...parsed.flow, flowId: id}}
  } catch (error) {
    throw new Error((error as Error).message)
  }
}

export function readConfiguredTheme(configDir: string | undefined, file: string): ThemeDocument {
  const absolute = path.resolve(configDir ?? process.cwd(), file)
  return parseThemeText(absolute, readText(absolute))
}

/** A file problem found when the plan reads the configuration (the loader reports them first). */
export function configFileError(message: string): CliError {
  return new CliError(`Configuration: ${message}`, {code: 'config_invalid', exitCode: ExitCode.InvalidInput, hint: 'Fix the file, or its path in the configuration (relative to the configuration file).'})
}
