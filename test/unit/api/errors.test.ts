import {expect} from 'chai'

import {
  apiErrorDetails,
  isAlreadyExists,
  isAuthError,
  isNotFound,
  isUnknownEndpoint,
  parseErrorBody,
  parseRetryAfter,
  retryCountOf,
  toDescopeApiError,
} from '../../../src/lib/api/errors.js'
import {classifyFailure, KNOWN_ERROR_CODES} from '../../../src/lib/api/failure-kind.js'
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

  describe('not found, already exists and unknown endpoints', () => {
    const failure = (status: number, body?: string) => toDescopeApiError({...base, body, status})
    const json = (body: Record<string, string>) => JSON.stringify(body)

    it('reads Descope\'s conservative shape: 400 with a code and a text', () => {
      const notFound = failure(400, json({errorCode: 'E011404', errorDescription: 'Tenant not found', errorMessage: 'Tenant "acme" does not exist'}))
      expect(isNotFound(notFound)).to.equal(true)
      expect(isAlreadyExists(notFound)).to.equal(false)
      expect(isUnknownEndpoint(notFound)).to.equal(false)
      expect(notFound.message).to.match(/^Not found: POST \/v1\/mgmt\/tenant\/create \(HTTP 400\)/)
      expect(notFound.exitCode).to.equal(ExitCode.Api)
      const exists = failure(400, json({errorCode: 'E011409', errorDescription: 'Tenant already exists'}))
      expect(isAlreadyExists(exists)).to.equal(true)
      expect(isNotFound(exists)).to.equal(false)
      expect(exists.hint).to.include('descope-mgmt tenant update').and.include('plan').and.include('apply')
      expect(isAlreadyExists(failure(400, json({errorCode: 'E011003', errorDescription: 'Duplicate tenant name'})))).to.equal(true)
      expect(isAlreadyExists(failure(400, json({errorCode: 'E011003', errorMessage: 'tenant id already exists'})))).to.equal(true)
      expect(isNotFound(failure(400, json({errorCode: 'E011003', errorDescription: 'Tenant does not exist'})))).to.equal(true)
      expect(isNotFound(failure(400, json({errorCode: 'E011003', errorMessage: 'no such role'})))).to.equal(true)
    })

    it('reads the REST shape: 404 and 409 with a Descope body that says so', () => {
      const notFound = failure(404, json({errorCode: 'E011404', errorDescription: 'Tenant not found'}))
      expect(isNotFound(notFound)).to.equal(true)
      expect(isUnknownEndpoint(notFound)).to.equal(false)
      expect(notFound.code).to.equal('E011404')
      const exists = failure(409, json({errorCode: 'E011409', errorDescription: 'Already exists'}))
      expect(isAlreadyExists(exists)).to.equal(true)
      expect(exists.message).to.match(/^Already exists: .*\(HTTP 409\)/)
    })

    it('knows each code of the table by its code alone, with the statuses that fit', () => {
      for (const [code, known] of Object.entries(KNOWN_ERROR_CODES)) {
        expect(known.source, code).to.be.a('string').and.not.equal('')
        const body = json({errorCode: code})
        if (known.kind === 'not_found') {
          expect(isNotFound(failure(400, body)), `${code} 400`).to.equal(true)
          expect(isNotFound(failure(404, body)), `${code} 404`).to.equal(true)
          expect(isNotFound(failure(409, body)), `${code} 409`).to.equal(false)
          expect(isAlreadyExists(failure(400, body)), `${code} is not "exists"`).to.equal(false)
        } else {
          expect(isAlreadyExists(failure(400, body)), `${code} 400`).to.equal(true)
          expect(isAlreadyExists(failure(409, body)), `${code} 409`).to.equal(true)
          expect(isAlreadyExists(failure(404, body)), `${code} 404`).to.equal(false)
          expect(isNotFound(failure(400, body)), `${code} is not "not found"`).to.equal(false)
        }
      }

      expect(classifyFailure({errorCode: 'E112102', errorDescription: 'User not found', status: 404})).to.equal('not_found')
      expect(classifyFailure({errorCode: 'E062107', status: 400})).to.equal('already_exists')
      expect(classifyFailure({errorCode: 'E062107', status: 500})).to.equal(undefined)
    })

    it('never reads a 404 of an unknown route as "not found": exit 5, says the endpoint is unknown', () => {
      const shapes: Array<[string, string | undefined]> = [
        ['no body', undefined],
        ['an empty body', ''],
        ['an HTML page', '<!DOCTYPE html><html><body><h1>404 Not Found</h1></body></html>'],
        ['plain text', '404 page not found'],
        ['JSON without errorCode', json({error: 'Not Found', message: 'Tenant not found'})],
        ['a Descope body about the route', json({errorCode: 'E011405', errorDescription: 'Route not found', errorMessage: 'No route POST /v1/mgmt/tenant/create'})],
        ['a Descope body about the path', json({errorCode: 'E000404', errorDescription: 'Path does not exist'})],
      ]
      for (const [shape, body] of shapes) {
        const err = failure(404, body)
        expect(isNotFound(err), shape).to.equal(false)
        expect(isAlreadyExists(err), shape).to.equal(false)
        expect(isUnknownEndpoint(err), shape).to.equal(true)
        expect(err.exitCode, shape).to.equal(ExitCode.Api)
        expect(err.code, shape).to.equal('unknown_endpoint')
        expect(err.message, shape).to.include('does not know the endpoint POST /v1/mgmt/tenant/create (HTTP 404)')
        expect(err.hint, shape).to.include('--base-url').and.include('version')
      }

      expect(failure(404, '<html>Not Found</html>').message, 'HTML is never shown').not.to.include('<')
      expect(isUnknownEndpoint(failure(405, json({errorCode: 'E011406', errorDescription: 'Method not allowed'})))).to.equal(true)
    })

    it('needs a Descope body: a 409 or 400 without errorCode is not "already exists", nor a 400 "not found"', () => {
      expect(isAlreadyExists(failure(409, '{}'))).to.equal(false)
      expect(isAlreadyExists(failure(409, json({message: 'Tenant already exists'})))).to.equal(false)
      expect(isAlreadyExists(failure(400, json({errorMessage: 'tenant id already exists'})))).to.equal(false)
      expect(isNotFound(failure(400, 'Tenant not found'))).to.equal(false)
      expect(isNotFound(failure(400))).to.equal(false)
    })

    it('leaves 400s unrelated to existence, and existence texts with other statuses, alone', () => {
      const missingArgument = failure(400, json({errorCode: 'E011002', errorDescription: 'Missing arguments'}))
      expect(classifyFailure(missingArgument.details)).to.equal(undefined)
      expect(missingArgument.message).to.match(/^Descope refused POST .* \(HTTP 400\)/)
      expect(isNotFound(failure(400, json({errorCode: 'E011003', errorDescription: 'Request is invalid', errorMessage: 'name: expected a string'})))).to.equal(false)
      expect(isNotFound(failure(409, json({errorCode: 'E011404', errorDescription: 'Tenant not found'})))).to.equal(false)
      expect(isAlreadyExists(failure(404, json({errorCode: 'E011409', errorDescription: 'Tenant already exists'})))).to.equal(false)
      expect(isNotFound(failure(500, json({errorCode: 'E011500', errorDescription: 'Tenant not found'})))).to.equal(false)
      expect(classifyFailure({errorCode: 'E011404', errorDescription: 'Something else', status: 404})).to.equal(undefined)
      expect(isNotFound(new Error('not found'))).to.equal(false)
      expect(isAlreadyExists(null)).to.equal(false)
    })

    it('decides on the words of the text, not on the names it quotes', () => {
      const named = (name: string) => failure(400, json({errorCode: 'E011404', errorDescription: 'Tenant not found', errorMessage: `Tenant "${name}" does not exist`}))
      expect(isNotFound(named('route-66'))).to.equal(true)
      expect(isNotFound(named('api path'))).to.equal(true)
      expect(isAlreadyExists(failure(400, json({errorCode: 'E011003', errorMessage: 'Name "duplicate" is too long'})))).to.equal(false)
    })
  })

  it('recognises errors from another copy of the module (plugins) by name and details', () => {
    const foreign = Object.assign(new Error('x'), {
      details: {
        errorCode: 'E011404', errorDescription: 'Tenant not found', method: 'GET', path: '/p', status: 400,
      },
      name: 'DescopeApiError',
    })
    expect(isNotFound(foreign)).to.equal(true)
    const foreignRoute = Object.assign(new Error('x'), {details: {method: 'GET', path: '/p', status: 404}, name: 'DescopeApiError'})
    expect(isNotFound(foreignRoute)).to.equal(false)
    expect(isUnknownEndpoint(foreignRoute)).to.equal(true)
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

  it('a refused certificate says so, names the reason and the way to trust a proxy, and exits 5', () => {
    const altName = toDescopeApiError({...base, networkCode: 'ERR_TLS_CERT_ALTNAME_INVALID'})
    expect(altName.exitCode).to.equal(ExitCode.Api)
    expect(altName.code).to.equal('certificate')
    expect(altName.message).to.equal('The certificate of https://api.descope.test was refused (ERR_TLS_CERT_ALTNAME_INVALID) for POST /v1/mgmt/tenant/create: nothing was sent.')
    expect(altName.hint).to.include('for another host name').and.to.include('NODE_EXTRA_CA_CERTS')
    expect(toDescopeApiError({...base, networkCode: 'SELF_SIGNED_CERT_IN_CHAIN'}).hint).to.include('does not trust')
    expect(toDescopeApiError({...base, networkCode: 'CERT_HAS_EXPIRED'}).hint).to.include('has expired')
    // Any other failure to connect is not about the certificate.
    expect(toDescopeApiError({...base, networkCode: 'ECONNRESET'}).code).to.equal('network')
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
