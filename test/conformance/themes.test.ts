import {expect} from 'chai'
import {readFileSync} from 'node:fs'

import {Conformance, dataOf, expectFailure} from './sdk.js'

type Json = Record<string, unknown>

const fixture = <T>(path: string): T => JSON.parse(readFileSync(new URL(`../fixtures/${path}`, import.meta.url), 'utf8')) as T
const brandStyles = () => fixture<{styles: Json}>('themes/brand.v2.json').styles

// node-sdk 2.13.0 only has the v1 theme endpoints; v2 is covered by the emulator's unit tests.
describe('conformance: themes through @descope/node-sdk', () => {
  const sdk = new Conformance()

  before(() => sdk.start())

  beforeEach(() => sdk.reset())

  after(() => sdk.stop())

  it('a new project exports a default theme', async () => {
    const {theme} = dataOf(await sdk.management.theme.export())
    expect(theme.id).to.equal('default')
    const css = theme.cssTemplate as {dark: {components: Json}; light: {components: Json}}
    expect(Object.keys(css).sort()).to.deep.equal(['dark', 'light'])
    expect(Object.keys(css.light.components.button as Json).some(key => key.startsWith('--descope-button-'))).to.equal(true)
    expect((theme as Json).version).to.equal(1)
  })

  it('import answers the stored theme, export returns it', async () => {
    const imported = dataOf(await sdk.management.theme.import({cssTemplate: brandStyles(), id: 'whatever'}))
    expect(imported.theme.cssTemplate).to.deep.equal(brandStyles())
    expect(imported.theme.id).to.equal('default')
    expect((imported.theme as Json).version).to.equal(2)
    expect(dataOf(await sdk.management.theme.export())).to.deep.equal(imported)
  })

  it('import without a cssTemplate is refused', async () => {
    expectFailure(await sdk.management.theme.import({id: 'x'}), 400, 'E011002', /cssTemplate/)
    expectFailure(await sdk.management.theme.import({cssTemplate: 'body {}', id: 'x'}), 400, 'E011003', /cssTemplate/)
  })
})
