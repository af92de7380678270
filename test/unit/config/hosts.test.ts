import {expect} from 'chai'

import {
  allowedHosts, isDescopeApiHost, isLoopbackHost, refuseApiUrl,
} from '../../../src/lib/config/hosts.js'

describe('where the management key may be sent (config/hosts)', () => {
  it('knows loopback: 127.0.0.0/8, localhost and ::1, nothing else', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', 'LOCALHOST', 'api.localhost', '[::1]', '::1']) expect(isLoopbackHost(host), host).to.equal(true)
    for (const host of ['128.0.0.1', '10.0.0.1', '0.0.0.0', 'localhost.example.com', '127.0.0.1.nip.io', '[::2]', 'api.descope.com']) expect(isLoopbackHost(host), host).to.equal(false)
  })

  it("knows Descope's API hosts: api.descope.com and api.<region>.descope.com", () => {
    for (const host of ['api.descope.com', 'api.euc1.descope.com', 'API.USE1.DESCOPE.COM', 'api.descope.com.']) {
      expect(isDescopeApiHost(host), host).to.equal(true)
    }

    for (const host of ['descope.com', 'api.descope.com.evil.io', 'evil-api.descope.com', 'api.a.b.descope.com', 'api.descope.co', 'auth.example.com']) {
      expect(isDescopeApiHost(host), host).to.equal(false)
    }
  })

  it('refuses http:// to anything but loopback, even an allowed host', () => {
    expect(refuseApiUrl(new URL('http://127.0.0.1:4280'))).to.equal(undefined)
    expect(refuseApiUrl(new URL('http://localhost:4280'))).to.equal(undefined)
    expect(refuseApiUrl(new URL('http://api.descope.com'))).to.deep.equal({host: 'api.descope.com', reason: 'cleartext'})
    expect(refuseApiUrl(new URL('http://auth.acme.com'), ['auth.acme.com'])).to.deep.equal({host: 'auth.acme.com', reason: 'cleartext'})
    expect(refuseApiUrl(new URL('http://10.1.2.3:8080'))).to.deep.equal({host: '10.1.2.3', reason: 'cleartext'})
  })

  it('refuses https:// to a host that is neither Descope nor allowed', () => {
    expect(refuseApiUrl(new URL('https://api.descope.com'))).to.equal(undefined)
    expect(refuseApiUrl(new URL('https://api.euc1.descope.com/'))).to.equal(undefined)
    expect(refuseApiUrl(new URL('https://auth.acme.com'))).to.deep.equal({host: 'auth.acme.com', reason: 'unknown_host'})
    expect(refuseApiUrl(new URL('https://auth.acme.com'), ['auth.acme.com'])).to.equal(undefined)
  })

  it('reads the allowed hosts from the flag and DESCOPE_MGMT_ALLOWED_HOSTS, comma-separated, case-insensitive', () => {
    expect(allowedHosts(['Auth.Acme.com', 'a.io,b.io'], {DESCOPE_MGMT_ALLOWED_HOSTS: ' c.io , ,D.io'})).to.deep.equal(['auth.acme.com', 'a.io', 'b.io', 'c.io', 'd.io'])
    expect(allowedHosts(undefined, {})).to.deep.equal([])
  })
})
