import {expect} from 'chai'

import {EmulatorError} from '../../../plugins/plugin-emulator/src/lib/errors.js'
import {
  optionalBoolean,
  optionalEnum,
  optionalNumber,
  optionalObject,
  optionalObjectArray,
  optionalString,
  optionalStringArray,
  requiredQuery,
  requiredString,
} from '../../../plugins/plugin-emulator/src/lib/validate.js'

function errorOf(run: () => unknown): {code: string; message: string; status: number} {
  try {
    run()
  } catch (error) {
    if (error instanceof EmulatorError) return {code: error.toBody().errorCode, message: error.message, status: error.status}
    throw error
  }

  throw new Error('nothing was thrown')
}

describe('emulator request validators', () => {
  it('requiredString: absent, "" and null are missing (E011002), other types invalid (E011003)', () => {
    expect(requiredString({name: 'x'}, 'name')).to.equal('x')
    for (const body of [{}, {name: ''}, {name: null}]) expect(errorOf(() => requiredString(body, 'name'))).to.deep.equal({code: 'E011002', message: '"name" is required', status: 400})
    expect(errorOf(() => requiredString({name: 4}, 'name'))).to.deep.equal({code: 'E011003', message: '"name" must be a string', status: 400})
  })

  it('optional fields: "" and null are not provided, false and 0 are values', () => {
    for (const value of [undefined, null, '']) {
      const body = {field: value}
      expect([optionalString(body, 'field'), optionalBoolean(body, 'field'), optionalNumber(body, 'field'), optionalStringArray(body, 'field'), optionalObject(body, 'field')]).to.deep.equal([
        undefined,
        undefined,
        undefined,
        undefined,
        undefined,
      ])
    }

    expect(optionalBoolean({field: false}, 'field')).to.equal(false)
    expect(optionalNumber({field: 0}, 'field')).to.equal(0)
    expect(optionalStringArray({field: []}, 'field')).to.deep.equal([])
  })

  it('optional fields of the wrong type are invalid (E011003), naming the field', () => {
    const wrong: Array<[() => unknown, RegExp]> = [
      [() => optionalString({f: 1}, 'f'), /"f" must be a string/],
      [() => optionalBoolean({f: 'true'}, 'f'), /"f" must be true or false/],
      [() => optionalNumber({f: '3'}, 'f'), /"f" must be a number/],
      [() => optionalNumber({f: Number.NaN}, 'f'), /"f" must be a number/],
      [() => optionalStringArray({f: ['a', 1]}, 'f'), /"f" must be an array of strings/],
      [() => optionalObject({f: []}, 'f'), /"f" must be an object/],
      [() => optionalObjectArray({f: [1]}, 'f'), /"f" must be an array of objects/],
      [() => optionalEnum({f: 'c'}, 'f', ['a', 'b']), /"f" must be one of "a", "b"/],
    ]
    for (const [run, message] of wrong) {
      const error = errorOf(run)
      expect(error.code).to.equal('E011003')
      expect(error.message).to.match(message)
    }
  })

  it('optionalEnum accepts its values and treats "" as not provided', () => {
    expect(optionalEnum({f: 'b'}, 'f', ['a', 'b'])).to.equal('b')
    expect(optionalEnum({f: ''}, 'f', ['a', 'b'])).to.equal(undefined)
  })

  it('requiredQuery: a missing or empty parameter is missing (E011002)', () => {
    expect(requiredQuery(new URLSearchParams('id=acme'), 'id')).to.equal('acme')
    expect(errorOf(() => requiredQuery(new URLSearchParams('id='), 'id')).code).to.equal('E011002')
  })
})
