import {expect} from 'chai'
import {type ChildProcessWithoutNullStreams, spawn} from 'node:child_process'
import {once} from 'node:events'
import {readFile} from 'node:fs/promises'
import path from 'node:path'

import {defaultProject, type RunningEmulator, startEmulator} from '../../../plugins/plugin-emulator/src/index.js'
import {repoRoot} from '../../helpers/cli.js'
import {admin, Api, makeTempDir} from './helpers.js'

interface Finished {
  code: null | number
  stdout: string
  stderr: string
}

/** `descope-mgmt emulator start …` from the sources, as a child process. */
function spawnStart(args: string[]): {child: ChildProcessWithoutNullStreams; finished: Promise<Finished>; output: {stderr: string; stdout: string}} {
  const env: NodeJS.ProcessEnv = {...process.env, FORCE_COLOR: '0', NO_COLOR: '1'}
  for (const name of ['DESCOPE_PROJECT_ID', 'DESCOPE_MANAGEMENT_KEY', 'DESCOPE_BASE_URL', 'NODE_ENV']) delete env[name]
  const child = spawn(process.execPath, ['--import', 'tsx/esm', 'bin/dev.js', 'emulator', 'start', ...args], {cwd: repoRoot, env})
  const output = {stderr: '', stdout: ''}
  child.stdout.on('data', (chunk: Buffer) => {
    output.stdout += chunk.toString()
  })
  child.stderr.on('data', (chunk: Buffer) => {
    output.stderr += chunk.toString()
  })
  const finished = once(child, 'close').then(([code]) => ({code: code as null | number, ...output}))
  return {child, finished, output}
}

/** Waits until stdout holds the three export lines, and parses them. */
async function exportsOf(output: {stderr: string; stdout: string}, finished: Promise<Finished>): Promise<Record<string, string>> {
  let exited = false
  finished.then(() => {
    exited = true
  }, () => {})
  const deadline = Date.now() + 30_000
  while ((output.stdout.match(/^export /gm) ?? []).length < 3) {
    if (exited || Date.now() > deadline) throw new Error(`no export lines; stdout:\n${output.stdout}\nstderr:\n${output.stderr}`)
    await new Promise(resolve => {
      setTimeout(resolve, 50)
    })
  }

  return Object.fromEntries([...output.stdout.matchAll(/^export (\w+)=(.*)$/gm)].map(([, name, value]) => [name, value]))
}

describe('emulator start command', function () {
  // Each case starts the CLI from its TypeScript sources.
  this.timeout(60_000)

  it('prints the export lines, serves requests, and on SIGINT writes its state and exits 0', async () => {
    const temporary = await makeTempDir()
    const dataDir = path.join(temporary.dir, 'state')
    const {child, finished, output} = spawnStart(['--port', '0', '--data', dataDir, '--latency', '1ms'])
    try {
      const exported = await exportsOf(output, finished)
      expect(Object.keys(exported)).to.deep.equal(['DESCOPE_BASE_URL', 'DESCOPE_PROJECT_ID', 'DESCOPE_MANAGEMENT_KEY'])
      expect(exported.DESCOPE_BASE_URL).to.match(/^http:\/\/127\.0\.0\.1:\d+$/)
      expect(exported).to.deep.include({DESCOPE_MANAGEMENT_KEY: defaultProject.managementKey, DESCOPE_PROJECT_ID: defaultProject.id})
      expect(output.stdout.trim().split('\n')).to.have.length(3)

      const api = new Api({url: exported.DESCOPE_BASE_URL}, exported.DESCOPE_PROJECT_ID, exported.DESCOPE_MANAGEMENT_KEY)
      expect((await api.post('/v1/mgmt/tenant/create', {id: 'acme', name: 'Acme'})).status).to.equal(200)
      expect(output.stderr).to.contain('Press Ctrl-C to stop').and.contain('latency 1ms').and.contain('/emulator/')
      expect(output.stderr, 'the summary shows the key redacted only').to.not.contain(defaultProject.managementKey)

      child.kill('SIGINT')
      const result = await finished
      expect(result.code, result.stderr).to.equal(0)
      expect(await readFile(path.join(dataDir, `${defaultProject.id}.json`), 'utf8')).to.contain('"acme"')
    } finally {
      child.kill('SIGKILL')
      await temporary.cleanup()
    }
  })

  it('--tenant-update-keeps-auth-type sets the behaviour the admin API shows', async () => {
    const {child, finished, output} = spawnStart(['--port', '0', '--tenant-update-keeps-auth-type'])
    try {
      const exported = await exportsOf(output, finished)
      const response = await admin({url: exported.DESCOPE_BASE_URL} as RunningEmulator, 'GET', '/emulator/behaviour')
      expect(response.body).to.deep.equal({roleAllIncludesTenantRoles: false, tenantUpdateKeepsAuthType: true})
      child.kill('SIGTERM')
      expect((await finished).code).to.equal(0)
    } finally {
      child.kill('SIGKILL')
    }
  })

  it('stops on SIGTERM too', async () => {
    const {child, finished, output} = spawnStart(['--port', '0'])
    await exportsOf(output, finished)
    child.kill('SIGTERM')
    expect((await finished).code).to.equal(0)
  })

  it('answers a missing tenant with 400 by default, and with 404 under --error-style rest, and says which in the summary', async () => {
    for (const [args, status, summary] of [[[], 400, 'error style descope'], [['--error-style', 'rest'], 404, 'error style rest']] as const) {
      const {child, finished, output} = spawnStart(['--port', '0', ...args])
      try {
        const exported = await exportsOf(output, finished)
        const api = new Api({url: exported.DESCOPE_BASE_URL}, exported.DESCOPE_PROJECT_ID, exported.DESCOPE_MANAGEMENT_KEY)
        const missing = await api.get<{errorCode: string; errorDescription: string}>('/v1/mgmt/tenant?id=nope')
        expect(missing.status, summary).to.equal(status)
        expect(missing.body, summary).to.include({errorCode: 'E011404', errorDescription: 'Tenant not found'})
        expect(output.stderr).to.contain(summary)
      } finally {
        child.kill('SIGKILL')
        await finished
      }
    }
  })

  const invalid: Array<[string, string[], RegExp]> = [
    ['a bad latency', ['--latency', 'soon'], /latency "soon"/],
    ['a bad rate limit', ['--rate-limit', '200 a minute'], /rate limit "200 a minute"/],
    ['a bad fault', ['--fault', '503:tenant/create'], /fault route "tenant\/create"/],
    ['an unknown error style', ['--error-style', 'http'], /descope, rest/],
    ['a non-loopback host', ['--host', '0.0.0.0'], /Refusing to listen on 0\.0\.0\.0.*--allow-remote/s],
    ['a port that is not a number', ['--port', 'eighty'], /eighty/],
    ['a seed file that does not exist', ['--seed', '/nonexistent/seed.yaml'], /seed\.yaml/],
  ]
  for (const [what, args, message] of invalid) {
    it(`exits 3 with a clear message for ${what}`, async () => {
      const {finished} = spawnStart(args)
      const result = await finished
      expect(result.code, result.stderr).to.equal(3)
      expect(result.stderr).to.match(message)
      expect(result.stdout).to.equal('')
    })
  }

  it('exits 3 for a port in use, naming it and suggesting --port 0', async () => {
    const occupant = await startEmulator({newProjects: 'empty', rateLimit: 'off', port: 0})
    try {
      const result = await spawnStart(['--port', String(occupant.port)]).finished
      expect(result.code, result.stderr).to.equal(3)
      expect(result.stderr).to.contain(`Port ${occupant.port} is already in use`).and.contain('--port 0')
    } finally {
      await occupant.stop()
    }
  })
})
