
import {expect} from 'chai'
import {mkdir, writeFile} from 'node:fs/promises'
import path from 'node:path'

import {startEmulator} from '../../plugins/plugin-emulator/src/index.js'
import {type CliResult, makeTempHome, runCli} from '../helpers/cli.js'

type Emulator = Awaited<ReturnType<typeof startEmulator>>

/** A user-facing error: the message, a hint saying what to do, the exit code, no stack trace. */
function expectError(result: CliResult, code: number, message: RegExp, hint: RegExp): void {
  const output = `exit ${result.code}\n${result.stdout}${result.stderr}`
  expect(result.code, output).to.equal(code)
  expect(result.stderr, output).to.match(/^Error: /)
  expect(result.stderr, output).to.match(message)
  expect(result.stderr, output).to.match(/\nHint: /)
  expect(result.stderr, output).to.match(hint)
  expect(result.stderr, output).not.to.match(/\n\s+at .+[:(]\d+/)
}

describe('the ten most common mistakes (built CLI)', function () {
  this.timeout(60_000)
  let emulator: Emulator
  let limited: Emulator
  let home: Awaited<ReturnType<typeof makeTempHome>>
  let project: {id: string; managementKey: string}
  let counter = 0

  before(async () => {
    [emulator, limited, home] = await Promise.all([startEmulator({newProjects: 'empty', port: 0}), startEmulator({newProjects: 'empty', port: 0, rateLimit: '2/10m'}), makeTempHome()])
    project = emulator.projects[0]
  })

  after(async () => {
    await Promise.all([emulator?.stop(), limited?.stop()])
    await home?.cleanup()
  })

  /** Runs the CLI in a fresh folder holding `config` as descope.yaml (none when undefined). */
  async function inFolder(config: string | undefined, args: string[], env: Record<string, string> = {}): Promise<CliResult> {
    counter += 1
    const dir = path.join(home.dir, `case-${counter}`)
    await mkdir(dir)
    if (config !== undefined) await writeFile(path.join(dir, 'descope.yaml'), config)
    return runCli(args, {cwd: dir, env: {...home.env, ...env}})
  }

  const remote = (extra = '') => `version: 1
environments:
  staging:
    projectId: ${project.id}
    managementKey: \${STAGING_MANAGEMENT_KEY}
    baseUrl: ${emulator.url}${extra}
`

  it('1. no configuration found: plan in an empty folder says so and suggests init', async () => {
    expectError(await inFolder(undefined, ['plan']), 3, /No configuration file found in .+ or any parent folder/, /descope-mgmt init/)
  })

  it('2. unknown environment: names the file and line and suggests the closest one', async () => {
    expectError(
      await inFolder(remote(), ['plan', '-e', 'stagin']),
      3,
      /descope\.yaml:\d+:\d+: environments: environment "stagin" is not defined \(did you mean "staging"\?\)/,
      /config validate/,
    )
  })

  it('3. missing key: the project id is set, the management key is not', async () => {
    expectError(
      await inFolder(undefined, ['tenant', 'list'], {DESCOPE_BASE_URL: emulator.url, DESCOPE_PROJECT_ID: project.id}),
      4,
      /No Descope management key: looked for env var DESCOPE_MANAGEMENT_KEY/,
      /Export DESCOPE_MANAGEMENT_KEY/,
    )
    expectError(
      await inFolder(remote(), ['plan', '-e', 'staging']),
      3,
      /descope\.yaml:5:\d+: environments\.staging\.managementKey: environment variable STAGING_MANAGEMENT_KEY is not set/,
      /config validate/,
    )
  })

  it('4. wrong key: Descope answers 401 (exit 4), with the request path and what to check', async () => {
    expectError(
      await inFolder(remote(), ['tenant', 'list', '-e', 'staging'], {STAGING_MANAGEMENT_KEY: 'K2NotTheRightKey0000000000000001'}),
      4,
      /rejected the credentials for GET \/v1\/mgmt\/tenant\/all \(HTTP 401\)/,
      /Check the management key and the project id/,
    )
  })

  it('and --verbose adds the request behind an API error: status, Descope code, request id, retries, time', async () => {
    const env = {STAGING_MANAGEMENT_KEY: 'K2NotTheRightKey0000000000000001'}
    const verbose = await inFolder(remote(), ['tenant', 'list', '-e', 'staging', '--no-cache', '--verbose'], env)
    expect(verbose.code).to.equal(4)
    expect(verbose.stderr).to.match(/\nRequest: GET \/v1\/mgmt\/tenant\/all, HTTP 401 E\d+, request id none, 0 retries, \d+ ms\n/)
    const plain = await inFolder(remote(), ['tenant', 'list', '-e', 'staging', '--no-cache'], env)
    expect(plain.stderr).to.not.contain('Request:')
  })

  it('5. unknown tenant: tenant get nope (exit 3) suggests tenant list', async () => {
    expectError(
      await inFolder(remote(), ['tenant', 'get', 'nope', '-e', 'staging'], {STAGING_MANAGEMENT_KEY: project.managementKey}),
      3,
      /Tenant "nope" does not exist in (project|environment)/,
      /descope-mgmt tenant list/,
    )
  })

  it('6. duplicate tenant id in the configuration: file:line of both (exit 3)', async () => {
    const config = `${remote()}tenants:\n  - id: acme\n    name: Acme\n  - id: acme\n    name: Acme again\n`
    expectError(
      await inFolder(config, ['plan', '-e', 'staging'], {STAGING_MANAGEMENT_KEY: project.managementKey}),
      3,
      /descope\.yaml:10:\d+: tenants\[1\]\.id: duplicate tenant id "acme": already used by tenants\[0\]\.id, line 8/,
      /config validate/,
    )
  })

  it('7. YAML syntax error: file:line and a hint about indentation (exit 3)', async () => {
    const config = 'version: 1\nenvironments:\n  staging: {projectId: P2x\ntenants:\n  - id: a\n'
    expectError(await inFolder(config, ['plan', '-e', 'staging']), 3, /descope\.yaml:\d+:\d+: YAML syntax error: .+check the indentation/, /config validate/)
  })

  it('8. invalid domain: file:line:column of the domain and an example of a valid one (exit 3)', async () => {
    const config = `${remote()}tenants:\n  - id: acme\n    name: Acme\n    selfProvisioningDomains: [acme..com]\n`
    expectError(
      await inFolder(config, ['plan', '-e', 'staging'], {STAGING_MANAGEMENT_KEY: project.managementKey}),
      3,
      /descope\.yaml:10:\d+: tenants\[0\]\.selfProvisioningDomains\[0\]: "acme\.\.com" is not a valid domain name \(expected e\.g\. acme\.com\)/,
      /config validate/,
    )
  })

  it('9. unreachable base URL: "cannot reach" after a bounded retry (exit 5)', async () => {
    const started = Date.now()
    expectError(
      await inFolder(undefined, ['tenant', 'list', '--base-url', 'http://127.0.0.1:1'], {DESCOPE_MANAGEMENT_KEY: project.managementKey, DESCOPE_PROJECT_ID: project.id}),
      5,
      /Cannot reach http:\/\/127\.0\.0\.1:1 \(ECONNREFUSED\) for GET \/v1\/mgmt\/tenant\/all/i,
      /--base-url/,
    )
    expect(Date.now() - started).to.be.below(30_000)
  })

  it('10. rate limit exhausted: a Retry-After longer than the client waits (exit 5) suggests lowering rateLimit', async () => {
    const env = {DESCOPE_BASE_URL: limited.url, DESCOPE_MANAGEMENT_KEY: project.managementKey, DESCOPE_PROJECT_ID: project.id}
    // The first command's license handshake and list use the two requests of the window.
    expect((await inFolder(undefined, ['tenant', 'list', '--no-cache'], env)).code).to.equal(0)
    expectError(
      await inFolder(undefined, ['tenant', 'list', '--no-cache'], env),
      5,
      /rate limit was hit for GET \/v1\/mgmt\/tenant\/all and it asked to wait \d+ s/,
      /lower `rateLimit`/,
    )
  })

  it('and a mistyped flag suggests the closest flag of the command (exit 3)', async () => {
    expectError(await inFolder(undefined, ['plan', '--prun']), 3, /Nonexistent flag: --prun/, /Did you mean --prune\?/)
  })
})
