import type {ThemeDocument} from '../api/themes.js'
import type {JsonObject} from '../flows/format.js'
import type {ResourceItem, ResourceKind} from './types.js'

import {exportTheme, importTheme, normaliseTheme} from '../api/themes.js'
import {CliError, ExitCode} from '../errors.js'
import {configFileError, readConfiguredTheme} from '../flows/config-files.js'

/** The project's one theme: key `theme`, fields = the normalised v2 theme. */
export const THEME_KEY = 'theme'

export function themeItem(theme: ThemeDocument): ResourceItem {
  return {fields: {...normaliseTheme(theme as unknown as JsonObject)}, key: THEME_KEY, kind: 'theme'}
}

export function themeOfItem(item: Pick<ResourceItem, 'fields'>): ThemeDocument {
  return normaliseTheme(item.fields)
}

export const themeKind: ResourceKind = {
  async create(client, desired) {
    await importTheme(client, themeOfItem(desired))
  },
  defaults: {},
  async delete() {
    throw new CliError('A Descope project always has a theme: it can be replaced, not deleted.', {code: 'theme_not_deletable', exitCode: ExitCode.InvalidInput})
  },
  dependsOn() {
    return []
  },
  singleton: true,
  // `theme: {file}`, read relative to the configuration file.
  desired(config, context) {
    if (!config.theme) return []
    try {
      return [themeItem(readConfiguredTheme(context?.configDir, config.theme.file))]
    } catch (error) {
      throw configFileError(`theme: ${(error as Error).message}`)
    }
  },
  name: 'theme',
  // Last: nothing depends on the theme.
  phase: 4,
  plural: 'theme',
  async readLive(client) {
    return [themeItem(await exportTheme(client))]
  },
  async update(client, desired) {
    await importTheme(client, themeOfItem(desired))
  },
}
