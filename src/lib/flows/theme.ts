/**
 * Theme files and their diff. A theme is `{styles: {light, dark}, componentsVersion, references}`;
 * the diff lists each style variable that changes, by mode (light / dark) and path, e.g.
 * `dark components.button.--descope-button-border-radius: "8px" → "4px"`.
 */
import type {ThemeDocument} from '../api/themes.js'
import type {JsonObject} from './format.js'

import {normaliseTheme} from '../api/themes.js'
import {
  describeJson, JsonFileError, parseJsonText, problemAt,
} from '../config/json-text.js'
import {diffValues, type FieldChange} from '../plan/diff.js'
import {isObject} from './format.js'

export interface ThemeDiff {
  equal: boolean
  /** Style changes by mode (`light`, `dark`, and any other top-level member of `styles`). */
  styles: Record<string, FieldChange[]>
  /** `componentsVersion` and `references`. */
  other: FieldChange[]
}

export function diffThemes(before: ThemeDocument, after: ThemeDocument): ThemeDiff {
  const modes = [...new Set([...Object.keys(after.styles), ...Object.keys(before.styles)])].sort()
  const styles: Record<string, FieldChange[]> = {}
  for (const mode of modes) {
    const changes = diffValues(before.styles[mode], after.styles[mode])
    if (changes.length > 0) styles[mode] = changes
  }

  const other = diffValues(
    {componentsVersion: before.componentsVersion, references: before.references},
    {componentsVersion: after.componentsVersion ?? before.componentsVersion, references: after.references},
  )
  return {equal: Object.keys(styles).length === 0 && other.length === 0, other, styles}
}

const themeHint = 'Export the theme with `descope-mgmt theme export` to see the expected format.'

/** How theme files are read: the size limit and the error code of a file that is not a theme. */
export const themeFileReading = {
  code: 'theme_file_invalid', hint: themeHint, maxBytes: 20 * 1024 * 1024, sizeHint: 'a theme file is rarely more than a megabyte: check the path',
}

/** A theme file: v2 `{styles, …}`, or a v2 export answer `{theme: {styles, …}}`. */
export function parseThemeText(file: string, text: string): ThemeDocument {
  const content = parseJsonText(file, text, {code: 'theme_file_invalid', hint: themeHint})
  const wrapped = isObject(content) && isObject(content.theme)
  const theme = wrapped ? content.theme : content
  if (!isObject(theme) || !isObject(theme.styles)) {
    const stylesOfWrongType = isObject(theme) && theme.styles !== undefined
    const problem = stylesOfWrongType
      ? problemAt(file, text, [...(wrapped ? ['theme'] : []), 'styles'], `must be an object (light and dark style maps), not ${describeJson(theme.styles)}`)
      : problemAt(file, text, [], 'the file is not a Descope theme: expected an object with "styles" (light and dark style maps)')
    throw new JsonFileError([problem], {code: 'theme_format_unknown', hint: themeHint})
  }

  return normaliseTheme(theme as JsonObject)
}

export function serialiseTheme(theme: ThemeDocument): string {
  return `${JSON.stringify(normaliseTheme(theme as unknown as JsonObject), null, 2)}\n`
}
