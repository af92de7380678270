import type {AddressInfo} from 'node:net'

import {expect} from 'chai'
import {readFileSync} from 'node:fs'
import {createServer, type Server} from 'node:https'
import path from 'node:path'

import {makeTempHome, repoRoot, runCli} from '../helpers/cli.js'

// A certificate for the address 127.0.0.1 only (test/fixtures, made for these tests, valid for a
// century), trusted by the CLI through NODE_EXTRA_CA_CERTS: the built CLI loads node:https and
// node:tls on first use, and must still verify what it talks to.
const certificate = path.join(repoRoot, 'test', 'fixtures', 'tls-127.0.0.1.crt')
const project = 'P2TlsCheck000000000000000000001'

describe('https (the built CLI against a TLS server)', function () {
  this.timeout(30_000)
  let server: Server
  let port: number
  const paths: string[] = []

  before(async () => {
    server = createServer({cert: readFileSync(certificate), key: readFileSync(path.join(repoRoot, 'test', 'fixtures', 'tls-127.0.0.1.key'))}, (request, response) => {
      paths.push(request.url ?? '')
      response.setHeader('content-type', 'application/json')
      response.end(JSON.stringify(request.url?.includes('license') ? {} : {tenants: [{id: 'over-tls', name: 'Over TLS'}]}))
    })
    await new Promise<void>(resolve => {
      server.listen(0, '127.0.0.1', resolve)
    })
    port = (server.address() as AddressInfo).port
  })

  after(async () => {
    await new Promise(resolve => {
      server.close(resolve)
    })
  })

  async function list(host: string) {
    const home = await makeTempHome()
    try {
      return await runCli(['tenant', 'list', '--no-cache', '--allow-host', host], {
        env: {
          ...home.env, DESCOPE_BASE_URL: `https://${host}:${port}`, DESCOPE_MANAGEMENT_KEY: 'K2TlsCheckKey', DESCOPE_PROJECT_ID: project, NODE_EXTRA_CA_CERTS: certificate,
        },
      })
    } finally {
      await home.cleanup()
    }
  }

  it('lists the tenants of a server whose certificate names its address', async () => {
    const result = await list('127.0.0.1')
    expect(result.code, result.stderr).to.equal(0)
    expect(result.stdout).to.contain('over-tls')
    expect(paths).to.include('/v1/mgmt/tenant/all')
  })

  it('refuses a server whose certificate names another host, and sends it nothing', async () => {
    paths.length = 0
    const result = await list('localhost')
    expect(result.code).to.not.equal(0)
    expect(result.stderr).to.contain('The certificate of https://localhost:').and.to.contain('was refused (ERR_TLS_CERT_ALTNAME_INVALID)')
    expect(result.stderr).to.contain('for another host name')
    expect(paths).to.deep.equal([])
  })
})
