import {expect} from 'chai'

import {
  defaultErrorStyle, EmulatorError, errorSpec, parseErrorStyle, resetErrorCodes, setErrorCodes,
} from '../../../plugins/plugin-emulator/src/index.js'

describe('emulator error styles', () => {
  afterEach(() => resetErrorCodes())

  it('answers not found and already exists with 400 in the default descope style, 404 and 409 in the rest style', () => {
    expect(defaultErrorStyle).to.equal('descope')
    expect(errorSpec('notFound')).to.include({errorCode: 'E011404', status: 400})
    expect(errorSpec('alreadyExists')).to.include({errorCode: 'E011409', status: 400})
    expect(errorSpec('notFound', 'rest')).to.include({errorCode: 'E011404', status: 404})
    expect(errorSpec('alreadyExists', 'rest')).to.include({errorCode: 'E011409', status: 409})
    for (const style of ['descope', 'rest'] as const) {
      expect(errorSpec('routeNotFound', style).status, style).to.equal(404)
      expect(errorSpec('missingArgument', style).status, style).to.equal(400)
    }
  })

  it('names the kind of entity in the description and the entity in the message', () => {
    const missing = EmulatorError.notFound('Tenant', 'Tenant "acme" does not exist')
    expect(missing.toBody()).to.deep.equal({errorCode: 'E011404', errorDescription: 'Tenant not found', errorMessage: 'Tenant "acme" does not exist'})
    expect(missing.status).to.equal(400)
    expect(missing.statusIn('rest')).to.equal(404)
    const taken = EmulatorError.alreadyExists('Role', 'Role "viewer" already exists')
    expect(taken.toBody()).to.include({errorDescription: 'Role already exists'})
    expect(taken.statusIn('rest')).to.equal(409)
    expect(new EmulatorError('notFound', 'x').toBody().errorDescription, 'without a subject').to.equal('Not found')
  })

  it('keeps a code override in both styles; the rest style still answers 404', () => {
    setErrorCodes({notFound: {errorCode: 'E099999'}})
    expect(errorSpec('notFound')).to.include({errorCode: 'E099999', status: 400})
    expect(errorSpec('notFound', 'rest')).to.include({errorCode: 'E099999', status: 404})
  })

  it('refuses an unknown style with the allowed ones', () => {
    expect(parseErrorStyle('rest')).to.equal('rest')
    expect(() => parseErrorStyle('http', '--error-style')).to.throw(EmulatorError, '--error-style must be one of descope, rest, got "http"')
    expect(() => parseErrorStyle(42)).to.throw(/errorStyle must be one of/)
  })
})
