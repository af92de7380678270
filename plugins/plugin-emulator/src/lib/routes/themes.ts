import type {
  JsonObject, ProjectState, RouteContext, RouteDefinition, ThemeRecord,
} from '../types.js'

/**
 * Theme routes, both API generations. The theme is stored in the v2 shape (`ThemeRecord`); v1
 * `cssTemplate` is v2 `styles`.
 *
 * Where the reference is silent:
 * - A project that never imported a theme exports a default one (light and dark style maps with a
 *   few `--descope-*` variables, version 1), as a new Descope project has one.
 * - The v1 theme `id` is always `"default"` (one theme per project); an `id` sent on import is
 *   ignored, and so is `codeMode`.
 * - Import replaces the theme and bumps `version`; `componentsVersion` left out keeps the current
 *   one; v2 `references` left out become `{}`. `cssTemplate`/`styles` are required objects.
 */
import {Checker} from '../content-checks.js'
import {
  cloneJson, defaultTheme, themeV1FromRecord, themeV2FromRecord,
} from '../flow-format.js'

/** The project's theme, or the default theme of a new project. */
export function currentTheme(project: ProjectState): ThemeRecord {
  return project.theme ?? defaultTheme()
}

function storeTheme(context: RouteContext, styles: JsonObject, componentsVersion: string | undefined, references: JsonObject): ThemeRecord {
  const current = currentTheme(context.project)
  const theme: ThemeRecord = {
    styles: cloneJson(styles),
    componentsVersion: componentsVersion ?? current.componentsVersion,
    references: cloneJson(references),
    version: current.version + 1,
  }
  context.project.theme = theme
  context.audit('theme.import', {version: theme.version})
  return theme
}

function importV1(context: RouteContext): unknown {
  const check = new Checker()
  const theme = check.object(context.body, 'theme', 'theme', true)
  let styles: JsonObject | undefined
  let componentsVersion: string | undefined
  if (theme) {
    check.string(theme, 'id', 'theme.id')
    check.number(theme, 'version', 'theme.version')
    check.boolean(theme, 'codeMode', 'theme.codeMode')
    styles = check.object(theme, 'cssTemplate', 'theme.cssTemplate', true)
    componentsVersion = check.string(theme, 'componentsVersion', 'theme.componentsVersion')
  }

  check.throwIfAny()
  return {theme: themeV1FromRecord(storeTheme(context, styles as JsonObject, componentsVersion, {}))}
}

function importV2(context: RouteContext): unknown {
  const check = new Checker()
  const theme = check.object(context.body, 'theme', 'theme', true)
  let styles: JsonObject | undefined
  let componentsVersion: string | undefined
  let references: JsonObject | undefined
  if (theme) {
    styles = check.object(theme, 'styles', 'theme.styles', true)
    componentsVersion = check.string(theme, 'componentsVersion', 'theme.componentsVersion')
    references = check.object(theme, 'references', 'theme.references')
  }

  check.throwIfAny()
  storeTheme(context, styles as JsonObject, componentsVersion, references ?? {})
  return {}
}

export const themeRoutes: RouteDefinition[] = [
  {method: 'POST', path: '/v1/mgmt/theme/export', handler: context => ({theme: themeV1FromRecord(currentTheme(context.project))})},
  {
    method: 'POST', path: '/v1/mgmt/theme/import', mutation: true, handler: importV1,
  },
  {method: 'POST', path: '/v2/mgmt/theme/export', handler: context => ({theme: themeV2FromRecord(currentTheme(context.project))})},
  {
    method: 'POST', path: '/v2/mgmt/theme/import', mutation: true, handler: importV2,
  },
]
