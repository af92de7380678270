import {expect} from 'chai'

import {
  apiErrorDetails,
  isAlreadyExists,
  isAuthError,
  isNotFound,
  parseErrorBody,
  parseRetryAfter,
  retryCountOf,
  toDescopeApiError,
} from '../../../src/lib/api/errors.js'
import {CliError, DescopeApiError, ExitCode} from '../../../src/lib/errors.js'

const base = {
  baseUrl: 'https://api.descope.test', method: 'POST', path: '/v1/mgmt/tenant/create', projectId: 'P2abc',
}

describe('api errors', () => {
  it('keeps status, codes, request, retry count and request id', () => {
    const err = toDescopeApiError({
      ...base,
      body: JSON.stringify({errorCode: 'E011003', errorDescription: 'Invalid request', errorMessage: 'name too long'}),
      headers: {'cf-ray': 'abc123-AMS'},
      retryCount: 2,
      status: 400,
    })
    expect(err).to.be.instanceOf(DescopeApiError).and.instanceOf(CliError)
    expect(err.details).to.deep.equal({
      errorCode: 'E011003',
      errorDescription: 'Invalid request',
      errorMessage: 'name too long',
      method: 'POST',
      path: '/v1/mgmt/tenant/create',
      requestId: 'abc123-AMS',
      retryCount: 2,
      status: 400,
    })
    expect(err.code).to.equal('E011003')
    expect(err.exitCode).to.equal(ExitCode.Api)
    expect(err.message).to.include('POST /v1/mgmt/tenant/create').and.include('name too long').and.include('E011003')
    expect(err.toJSON()).to.include({request: 'POST /v1/mgmt/tenant/create', status: 400})
  })

  it('prefers x-request-id over cf-ray', () => {
    const err = toDescopeApiError({...base, headers: {'cf-ray': 'ray', 'x-request-id': 'req-1'}, status: 500})
    expect(err.details.requestId).to.equal('req-1')
  })

  it('401 and 403 exit with 4 and say what to check', () => {
    const unauthorized = toDescopeApiError({...base, body: '{"errorCode":"E011001","errorDescription":"Unauthorized"}', status: 401})
    expect(unauthorized.exitCode).to.equal(ExitCode.Auth)
    expect(unauthorized.hint).to.match(/check the management key and the project id \(P2abc/i).and.match(/must belong to the project/)
    const forbidden = toDescopeApiError({...base, status: 403})
    expect(forbidden.exitCode).to.equal(ExitCode.Auth)
    expect(forbidden.message).to.match(/not allowed .* project P2abc/)
    expect(isAuthError(forbidden)).to.equal(true)
  })

  it('404 and 409 (the emulator) and 400 with a telling description are recognised', () => {
    const notFound = toDescopeApiError({...base, body: '{"errorCode":"E011404","errorDescription":"Tenant not found"}', status: 404})
    expect(isNotFound(notFound)).to.equal(true)
    expect(isAlreadyExists(notFound)).to.equal(false)
    expect(notFound.exitCode).to.equal(ExitCode.Api)
    const exists = toDescopeApiError({...base, body: '{"errorCode":"E011409","errorDescription":"Tenant already exists"}', status: 409})
    expect(isAlreadyExists(exists)).to.equal(true)
    expect(isNotFound(exists)).to.equal(false)
    expect(exists.hint).to.include('descope-mgmt tenant update').and.include('plan').and.include('apply')
    const exists400 = toDescopeApiError({...base, body: '{"errorCode":"E011003","errorDescription":"Duplicate tenant name"}', status: 400})
    expect(isAlreadyExists(exists400)).to.equal(true)
    const already400 = toDescopeApiError({...base, body: '{"errorMessage":"tenant id already exists"}', status: 400})
    expect(isAlreadyExists(already400)).to.equal(true)
    const missing400 = toDescopeApiError({...base, body: '{"errorCode":"E011003","errorDescription":"Tenant does not exist"}', status: 400})
    expect(isNotFound(missing400)).to.equal(true)
    const plain400 = toDescopeApiError({...base, body: '{"errorCode":"E011002","errorDescription":"Missing arguments"}', status: 400})
    expect(isNotFound(plain400)).to.equal(false)
    expect(isAlreadyExists(plain400)).to.equal(false)
    expect(isNotFound(new Error('not found'))).to.equal(false)
    expect(isAlreadyExists(null)).to.equal(false)
  })

  it('recognises errors from another copy of the module (plugins) by name and details', () => {
    const foreign = Object.assign(new Error('x'), {details: {method: 'GET', path: '/p', status: 404}, name: 'DescopeApiError'})
    expect(isNotFound(foreign)).to.equal(true)
    expect(apiErrorDetails({details: {status: 404}})).to.equal(undefined)
  })

  it('429 tells to lower rateLimit, and the too-long Retry-After case says how long', () => {
    const limited = toDescopeApiError({
      ...base, body: '{"errorCode":"E130429"}', headers: {'retry-after': '3'}, retryCount: 4, status: 429,
    })
    expect(limited.details).to.include({retryAfter: 3, retryCount: 4})
    expect(limited.message).to.include('after 4 retries')
    expect(limited.hint).to.include('lower `rateLimit` for this environment, or retry later'.replace('lower', 'Lower'))
    const tooLong = toDescopeApiError({
      ...base, headers: {'retry-after': '120'}, retryAfterTooLongMs: 60_000, status: 429,
    })
    expect(tooLong.message).to.include('wait 120 s').and.include('60 s')
    expect(tooLong.hint).to.include('Retry in 120 s')
  })

  it('5xx says Descope is having trouble; non-JSON and code-less bodies are fine', () => {
    const html = toDescopeApiError({...base, body: '<html><body>502 Bad Gateway</body></html>', status: 502})
    expect(html.message).to.match(/Descope is having trouble.*HTTP 502/)
    expect(html.details.errorCode).to.equal(undefined)
    expect(html.code).to.equal('http_502')
    const text = toDescopeApiError({...base, body: 'upstream connect error\nmore', status: 503})
    expect(text.details.errorDescription).to.equal('upstream connect error')
    const message = toDescopeApiError({...base, body: '{"message":"gateway timeout"}', status: 504})
    expect(message.details.errorDescription).to.equal('gateway timeout')
    expect(toDescopeApiError({...base, body: '', status: 500}).message).to.include('HTTP 500')
  })

  it('network failures exit 5 and point to the base URL', () => {
    const err = toDescopeApiError({...base, networkCode: 'ECONNREFUSED', retryCount: 1})
    expect(err.exitCode).to.equal(ExitCode.Api)
    expect(err.message).to.equal('Cannot reach https://api.descope.test (ECONNREFUSED) for POST /v1/mgmt/tenant/create after 1 retry.')
    expect(err.hint).to.include('`--base-url`/DESCOPE_BASE_URL and your network')
    expect(err.details).to.include({networkCode: 'ECONNREFUSED', retryCount: 1})
    expect(err.details.status).to.equal(undefined)
    const timeout = toDescopeApiError({...base, networkCode: 'ETIMEDOUT', timeoutMs: 30_000})
    expect(timeout.message).to.match(/No answer from https:\/\/api.descope.test within 30 s/)
    expect(retryCountOf(timeout)).to.equal(0)
  })

  it('redacts secrets that a server echoes back', () => {
    const err = toDescopeApiError({
      ...base, body: '{"errorDescription":"bad token P2abc:K2secretkey"}', secrets: ['K2secretkey'], status: 401,
    })
    expect(err.message).to.not.include('K2secretkey')
    expect(JSON.stringify(err)).to.not.include('K2secretkey')
  })

  it('parses Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('5')).to.equal(5)
    expect(parseRetryAfter('0.2')).to.equal(1)
    expect(parseRetryAfter()).to.equal(undefined)
    expect(parseRetryAfter('soon')).to.equal(undefined)
    const now = Date.parse('2026-01-01T00:00:00Z')
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).to.equal(30)
    expect(parseErrorBody('[1,2]')).to.deep.equal({errorDescription: '[1,2]'})
  })
})
