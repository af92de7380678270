import {z} from 'zod'

import {ConfiguredFileError, readConfiguredTheme} from '../../flows/config-files.js'
import {isRecord} from '../path.js'
import {defineResource} from './types.js'

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

export const themeResource = defineResource({
  check(raw, context) {
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
  },
  count: raw => (isRecord(raw.theme) ? 1 : 0),
  key: 'theme',
  noun: 'theme',
  schema: themeSchema,
})
