import {expect} from 'chai'
import {spawn} from 'node:child_process'
import {createRequire} from 'node:module'
import path from 'node:path'

import {repoRoot} from '../helpers/cli.js'

const mochaBin = createRequire(import.meta.url).resolve('mocha/bin/mocha.js')
const fixture = path.join('test', 'fixtures', 'suite-traffic', 'one-exchange.fixture.ts')

/** Runs mocha as `npm test` runs its parallel pass, on the fixture alone, with a traffic folder of its own. */
function runMocha(extraField?: string): Promise<{code: null | number; stderr: string}> {
  const env: Record<string, string | undefined> = {...process.env, SUITE_TRAFFIC_EXTRA_FIELD: extraField}
  delete env.DESCOPE_EMULATOR_TRAFFIC_LOG
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [mochaBin, '--parallel', '--jobs', '2', fixture], {cwd: repoRoot, env, stdio: ['ignore', 'ignore', 'pipe']})
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
    })
    child.on('error', reject)
    child.on('close', code => resolve({code, stderr}))
  })
}

describe('contract: the whole-run check of test/helpers/setup.ts, with parallel workers', function () {
  this.timeout(60_000)

  it('checks the traffic a worker recorded once, after the run, and says so', async () => {
    const {code, stderr} = await runMocha()
    expect(stderr).to.contain('contract: 1 sampled exchanges')
    expect(code).to.equal(0)
  })

  it('fails the run when that traffic breaks the OpenAPI, though every test passed', async () => {
    const {code, stderr} = await runMocha('nickname')
    expect(stderr).to.contain('does not match the OpenAPI contract').and.contain('unknown field "nickname"')
    expect(code).to.not.equal(0)
  })
})
