/** Typed theme endpoints (reference §2.3, v2): one theme per project, export and import (replace). */
import type {DescopeClient} from './types.js'

import {isObject, type JsonObject, sortKeys} from '../flows/format.js'
import {invalidResponse} from './errors.js'

export const THEME_PATHS = Object.freeze({
  export: '/v2/mgmt/theme/export',
  import: '/v2/mgmt/theme/import',
})

/** The v2 theme: `styles` (light/dark style maps), `componentsVersion`, `references`. */
export interface ThemeDocument {
  styles: JsonObject
  componentsVersion?: string
  references?: JsonObject
}

/** The theme with its keys sorted (styles first): equal themes serialise equally. */
export function normaliseTheme(theme: JsonObject): ThemeDocument {
  const result: ThemeDocument = {styles: sortKeys(isObject(theme.styles) ? theme.styles : {}) as JsonObject}
  if (typeof theme.componentsVersion === 'string' && theme.componentsVersion) result.componentsVersion = theme.componentsVersion
  result.references = sortKeys(isObject(theme.references) ? theme.references : {}) as JsonObject
  return result
}

export async function exportTheme(client: DescopeClient): Promise<ThemeDocument> {
  const body = await client.request<unknown>('POST', THEME_PATHS.export, {json: {}})
  const theme = isObject(body) ? body.theme : undefined
  if (!isObject(theme)) throw invalidResponse({baseUrl: client.baseUrl, method: 'POST', path: THEME_PATHS.export}, 'no "theme" object')
  return normaliseTheme(theme)
}

export async function importTheme(client: DescopeClient, theme: ThemeDocument): Promise<void> {
  await client.request<unknown>('POST', THEME_PATHS.import, {json: {theme}})
}
