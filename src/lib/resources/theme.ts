/**
 * The theme kind: `theme: {file}` in the configuration, `theme:theme` in plans; the project's one
 * theme, replaced, never deleted.
 */
import {z} from 'zod'

import type {ThemeDocument} from '../api/themes.js'
import type {CheckContext} from '../config/resources/types.js'
import type {JsonObject} from '../flows/format.js'
import type {ConfigSections, ResourceItem} from './types.js'

import {exportTheme, importTheme, normaliseTheme} from '../api/themes.js'
import {isRecord} from '../config/path.js'
import {CliError, ExitCode} from '../errors.js'
import {configFileError, ConfiguredFileError, readConfiguredTheme} from '../flows/config-files.js'
import {serialiseTheme} from '../flows/theme.js'
import {defineKind} from './define.js'

export const themeSchema = z
.strictObject({
  file: z.string().trim().min(1, {error: 'must not be empty'}).meta({
    title: 'File',
    description: 'The theme file, as `theme export` writes it, relative to this configuration file.',
    examples: ['theme.json'],
  }),
})
.meta({title: 'Theme', description: 'The project theme (light and dark styles), managed from a file.'})
.optional()

function checkTheme(raw: Record<string, unknown>, context: CheckContext): void {
  const {theme} = raw
  if (!isRecord(theme) || typeof theme.file !== 'string' || theme.file.trim() === '') return
  try {
    readConfiguredTheme(context.configDir, theme.file.trim())
  } catch (error) {
    const hint = error instanceof ConfiguredFileError && !error.missing
      ? 'fix the file, or write it again with `descope-mgmt theme export --out FILE`'
      : 'the path is relative to the configuration file; write the file with `descope-mgmt theme export --out FILE`'
    context.error(['theme', 'file'], (error as Error).message.replace(/\.$/, ''), hint)
  }
}

/** The project's one theme: key `theme`, fields = the normalised v2 theme. */
export const THEME_KEY = 'theme'

export function themeItem(theme: ThemeDocument): ResourceItem {
  return {fields: {...normaliseTheme(theme as unknown as JsonObject)}, key: THEME_KEY, kind: 'theme'}
}

export function themeOfItem(item: Pick<ResourceItem, 'fields'>): ThemeDocument {
  return normaliseTheme(item.fields)
}

declare module './types.js' {
  interface ResourceKindNames {
    theme: true
  }
}

export const themeKind = defineKind({
  config: {
    check: checkTheme,
    count: raw => (isRecord(raw.theme) ? 1 : 0),
    key: 'theme',
    schema: themeSchema,
  },
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
  desired(config: ConfigSections, context) {
    const theme = config.theme as undefined | {file: string}
    if (!theme) return []
    try {
      return [themeItem(readConfiguredTheme(context?.configDir, theme.file))]
    } catch (error) {
      throw configFileError(`theme: ${(error as Error).message}`)
    }
  },
  labels: {plural: 'the theme', singular: 'theme', title: 'Theme'},
  // The whole exported theme is managed: an import replaces it.
  managedFields: [],
  name: 'theme',
  // Last: nothing depends on the theme.
  phase: 4,
  plural: 'theme',
  async readLive(client) {
    return [themeItem(await exportTheme(client))]
  },
  toConfig(items, config) {
    if (items.length === 0) return []
    config.theme = {file: 'theme.json'}
    return [{path: 'theme.json', text: serialiseTheme(themeOfItem(items[0]))}]
  },
  async update(client, desired) {
    await importTheme(client, themeOfItem(desired))
  },
})
