import {runCommand} from '@oclif/test'
import {expect} from 'chai'
import nock from 'nock'
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {resetCircuitBreakers} from '../../src/lib/api/breaker.js'
import {resetRateLimiters} from '../../src/lib/api/rate-limiter.js'

const PROJECT = 'P2HostPolicyProject000000001'
const KEY = 'K2HostPolicyManagementKey000000000001'

/**
 * The key goes only over https (or to loopback), and only to Descope's hosts unless another host
 * is allowed from outside the file. Every refusal happens before any request: the interceptors
 * below would answer any request, and must still be pending afterwards.
 */
describe('where the management key may be sent (commands, nock)', function () {
  this.timeout(30_000)
  const saved = {...process.env}
  let home: string

  before(async () => {
    home = await mkdtemp(path.join(tmpdir(), 'descope-mgmt-hosts-'))
  })

  beforeEach(() => {
    Object.assign(process.env, {
      DESCOPE_MANAGEMENT_KEY: KEY,
      DESCOPE_MGMT_NO_CACHE: '1',
      DESCOPE_PROJECT_ID: PROJECT,
      XDG_CACHE_HOME: path.join(home, 'cache'),
      XDG_DATA_HOME: path.join(home, 'data'),
    })
    resetCircuitBreakers()
    resetRateLimiters()
  })

  afterEach(() => {
    nock.cleanAll()
    for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name]
    Object.assign(process.env, saved)
  })

  after(async () => {
    await rm(home, {force: true, recursive: true})
  })

  const trap = (origin: string) => nock(origin).persist().get(/.*/).reply(200, {tenants: []}).post(/.*/).reply(200, {})

  /** The JSON error of a refused command (exit code 3); the key appears nowhere. */
  async function refused(args: string[], code: string): Promise<{message: string; hint?: string}> {
    const {error, stderr, stdout} = await runCommand([...args, '--json'])
    expect(error?.oclif?.exit, stderr).to.equal(3)
    expect(`${stdout}${stderr}`).to.not.contain(KEY)
    const body = JSON.parse(stdout).error
    expect(body.code).to.equal(code)
    return body
  }

  it('refuses http:// to a host that is not loopback, before any request', async () => {
    const scope = trap('http://api.descope.com')
    const error = await refused(['tenant', 'list', '--base-url', 'http://api.descope.com'], 'insecure_base_url')
    expect(error.message).to.contain('clear text')
    expect(scope.isDone()).to.equal(false)
  })

  it('refuses an unknown https host named by DESCOPE_BASE_URL, and says how to allow it', async () => {
    process.env.DESCOPE_BASE_URL = 'https://collector.evil.example'
    const scope = trap('https://collector.evil.example')
    const error = await refused(['tenant', 'list'], 'base_url_host_not_allowed')
    expect(error.message).to.contain('collector.evil.example').and.contain('env var DESCOPE_BASE_URL')
    expect(scope.isDone()).to.equal(false)
  })

  it('refuses a configuration file that points an environment elsewhere; --allow-host and DESCOPE_MGMT_ALLOWED_HOSTS allow a custom domain', async () => {
    const file = path.join(home, 'descope.yaml')
    await writeFile(file, `version: 1\nenvironments:\n  prod:\n    projectId: ${PROJECT}\n    baseUrl: https://auth.acme.example\n`)
    const scope = nock('https://auth.acme.example').get('/v1/mgmt/tenant/all').times(2).reply(200, {tenants: [{id: 'acme', name: 'Acme'}]})
    const error = await refused(['tenant', 'list', '-c', file, '-e', 'prod'], 'base_url_host_not_allowed')
    expect(error.message).to.contain('environments.prod.baseUrl')
    expect(scope.isDone()).to.equal(false)

    const allowed = await runCommand(['tenant', 'list', '-c', file, '-e', 'prod', '--allow-host', 'auth.acme.example', '--json'])
    expect(allowed.error).to.equal(undefined)
    expect(JSON.parse(allowed.stdout)).to.deep.equal([{id: 'acme', name: 'Acme'}])
    process.env.DESCOPE_MGMT_ALLOWED_HOSTS = 'auth.acme.example'
    const fromEnv = await runCommand(['tenant', 'list', '-c', file, '-e', 'prod', '--json'])
    expect(fromEnv.error).to.equal(undefined)
    expect(scope.isDone()).to.equal(true)
  })

  it('refuses a cleartext URL in the file as a configuration error with its line', async () => {
    const file = path.join(home, 'cleartext.yaml')
    await writeFile(file, `version: 1\nenvironments:\n  prod:\n    projectId: ${PROJECT}\n    baseUrl: http://10.20.30.40:8080\n`)
    const scope = trap('http://10.20.30.40:8080')
    const {error, stderr} = await runCommand(['tenant', 'list', '-c', file, '-e', 'prod'])
    expect(error?.oclif?.exit).to.equal(3)
    expect(stderr).to.contain('cleartext.yaml:5').and.contain('clear text')
    expect(scope.isDone()).to.equal(false)
  })
})
