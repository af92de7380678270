import {deepStrictEqual, equal, ok} from 'node:assert/strict'

import type {JsonObject} from '../../../../plugins/plugin-emulator/src/lib/types.js'

import {defaultTheme} from '../../../../plugins/plugin-emulator/src/lib/flow-format.js'
import {themeRoutes} from '../../../../plugins/plugin-emulator/src/lib/routes/themes.js'
import {expectEmulatorError, fixture, RouteCaller} from '../route-context.js'

type ThemeBody = {theme: JsonObject}

const brand = () => fixture<JsonObject & {styles: JsonObject}>('themes/brand.v2.json')

describe('emulator theme routes', () => {
  let caller: RouteCaller

  beforeEach(() => {
    caller = new RouteCaller(themeRoutes)
  })

  it('marks the imports as mutations', () => {
    deepStrictEqual(
      themeRoutes.filter(route => route.mutation).map(route => route.path).sort(),
      ['/v1/mgmt/theme/import', '/v2/mgmt/theme/import'],
    )
  })

  it('exports the default theme of a new project in both generations', () => {
    const {styles, componentsVersion} = defaultTheme()
    deepStrictEqual(caller.call('/v2/mgmt/theme/export'), {theme: {styles, componentsVersion, references: {}}})
    deepStrictEqual(caller.call('/v1/mgmt/theme/export', {}), {
      theme: {
        id: 'default', version: 1, cssTemplate: styles, componentsVersion,
      },
    })
    const light = (styles.light as JsonObject).components as JsonObject
    ok(Object.keys(light.button as JsonObject).some(key => key.startsWith('--descope-button-')))
    equal(caller.project.theme, undefined, 'exporting does not store anything')
  })

  it('imports a v2 theme and exports it in v2 and as a v1 cssTemplate', () => {
    deepStrictEqual(caller.call('/v2/mgmt/theme/import', {theme: brand()}), {})
    deepStrictEqual(caller.call('/v2/mgmt/theme/export'), {theme: brand()})
    deepStrictEqual(caller.call('/v1/mgmt/theme/export'), {
      theme: {
        id: 'default', version: 2, cssTemplate: brand().styles, componentsVersion: '2.0.295',
      },
    })
    deepStrictEqual(caller.audits, [{action: 'theme.import', data: {version: 2}, tenants: undefined}])
  })

  it('imports a v1 theme, answers it and exports it as v2 styles', () => {
    const response = caller.call('/v1/mgmt/theme/import', {theme: {id: 'ignored', cssTemplate: brand().styles, componentsVersion: '2.0.300'}}) as ThemeBody
    deepStrictEqual(response, {
      theme: {
        id: 'default', version: 2, cssTemplate: brand().styles, componentsVersion: '2.0.300',
      },
    })
    deepStrictEqual(caller.call('/v1/mgmt/theme/export'), response)
    deepStrictEqual(caller.call('/v2/mgmt/theme/export'), {theme: {styles: brand().styles, componentsVersion: '2.0.300', references: {}}})
  })

  it('bumps the version on every import and keeps componentsVersion when left out', () => {
    caller.call('/v2/mgmt/theme/import', {theme: brand()})
    caller.call('/v1/mgmt/theme/import', {theme: {cssTemplate: {light: {}, dark: {}}}})
    const {theme} = caller.call('/v1/mgmt/theme/export') as ThemeBody
    equal(theme.version, 3)
    equal(theme.componentsVersion, '2.0.295')
    deepStrictEqual(theme.cssTemplate, {light: {}, dark: {}})
  })

  it('does not share the stored styles with the request', () => {
    const theme = brand()
    caller.call('/v2/mgmt/theme/import', {theme});
    (theme.styles.light as JsonObject).components = {}
    deepStrictEqual((caller.call('/v2/mgmt/theme/export') as ThemeBody).theme.styles, brand().styles)
  })

  it('validates imports and stores nothing on failure', () => {
    expectEmulatorError(() => caller.call('/v2/mgmt/theme/import', {}), 'missingArgument', /"theme" is required/)
    expectEmulatorError(() => caller.call('/v2/mgmt/theme/import', {theme: []}), 'invalidArgument', /"theme" must be an object/)
    expectEmulatorError(() => caller.call('/v2/mgmt/theme/import', {theme: {componentsVersion: '1'}}), 'missingArgument', /"theme\.styles" is required/)
    expectEmulatorError(() => caller.call('/v2/mgmt/theme/import', {theme: {styles: 'css'}}), 'invalidArgument', /"theme\.styles" must be an object/)
    expectEmulatorError(() => caller.call('/v2/mgmt/theme/import', {theme: {styles: {}, references: 1}}), 'invalidArgument', /"theme\.references" must be an object/)
    expectEmulatorError(() => caller.call('/v1/mgmt/theme/import', {theme: {id: 'x'}}), 'missingArgument', /"theme\.cssTemplate" is required/)
    expectEmulatorError(() => caller.call('/v1/mgmt/theme/import', {theme: {cssTemplate: {}, componentsVersion: 2}}), 'invalidArgument', /"theme\.componentsVersion" must be a string/)
    equal(caller.project.theme, undefined)
    equal(caller.audits.length, 0)
  })
})
