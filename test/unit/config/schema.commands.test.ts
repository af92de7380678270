import {runCommand} from '@oclif/test'
import {expect} from 'chai'
import {readFile} from 'node:fs/promises'
import path from 'node:path'

import {renderJsonSchema} from '../../../src/lib/config/schema.js'
import {fixtures, repoRoot, tempDir} from './helpers.js'

const bad = path.join(fixtures, 'bad-configs')

describe('config commands', function () {
  this.timeout(60_000)
  const savedEnvironment = process.env.DESCOPE_MGMT_ENVIRONMENT

  beforeEach(() => {
    delete process.env.DESCOPE_MGMT_ENVIRONMENT
  })

  afterEach(() => {
    if (savedEnvironment !== undefined) process.env.DESCOPE_MGMT_ENVIRONMENT = savedEnvironment
  })

  describe('config validate', () => {
    it('says a valid file is valid, with counts, and prints warnings on stderr', async () => {
      const {error, stderr, stdout} = await runCommand(['config', 'validate', '-c', path.join(repoRoot, 'examples/descope.yaml'), '-e', 'local'])
      expect(error).to.equal(undefined)
      expect(stdout).to.match(/^✓ \S*examples\/descope\.yaml is valid for environment local: 4 tenants, 3 permissions, 2 roles, 3 environments\n$/)
      expect(stderr).to.contain('warning: ').and.contain('environments.staging: variables STAGING_PROJECT_ID, STAGING_MANAGEMENT_KEY are not set')
    })

    it('lists every problem, one per line as file:line:col: path: message (hint), and exits 3', async () => {
      const {error, stderr, stdout} = await runCommand(['config', 'validate', '-c', path.join(bad, 'many-problems.yaml')])
      expect(error?.oclif?.exit).to.equal(3)
      expect(stdout).to.equal('')
      const lines = stderr.trim().split('\n')
      expect(lines).to.have.length(7)
      expect(lines[0]).to.match(/many-problems\.yaml:5:5: environments\.local\.concurency: unknown field "concurency" \(did you mean "concurrency"\?\)$/)
      expect(lines[1]).to.match(/many-problems\.yaml:10:9: tenants\[1\]\.id: duplicate tenant id "acme"/)
      expect(lines[6]).to.match(/^✗ \S*many-problems\.yaml is invalid: 6 problems$/)
    })

    it('reports as JSON with --json: {valid, file, problems, warnings, counts}', async () => {
      const {error, stdout} = await runCommand(['config', 'validate', '-c', path.join(bad, 'duplicate-tenant-id.yaml'), '--json'])
      expect(error?.oclif?.exit).to.equal(3)
      const body = JSON.parse(stdout)
      expect(body).to.include({file: path.join(bad, 'duplicate-tenant-id.yaml'), valid: false})
      expect(body.counts).to.deep.equal({environments: 1, tenants: 3})
      expect(body.warnings).to.deep.equal([])
      expect(body.problems).to.have.length(1)
      expect(body.problems[0]).to.include({column: 9, line: 10, path: 'tenants[2].id'})
    })

    it('reports a valid file as JSON', async () => {
      const {error, stdout} = await runCommand(['config', 'validate', '-c', path.join(repoRoot, 'examples/descope.yaml'), '--json'])
      expect(error).to.equal(undefined)
      const body = JSON.parse(stdout)
      expect(body).to.include({valid: true})
      expect(body.problems).to.deep.equal([])
      expect(body.warnings).to.have.length(2)
    })

    it('takes the environment from DESCOPE_MGMT_ENVIRONMENT', async () => {
      process.env.DESCOPE_MGMT_ENVIRONMENT = 'staging'
      const {error, stderr} = await runCommand(['config', 'validate', '-c', path.join(repoRoot, 'examples/descope.yaml')])
      expect(error?.oclif?.exit).to.equal(3)
      expect(stderr).to.contain('environments.staging.projectId: environment variable STAGING_PROJECT_ID is not set')
    })

    it('explains a missing --config file with exit code 3', async () => {
      const {error, stderr} = await runCommand(['config', 'validate', '-c', 'definitely-missing.yaml'])
      expect(error?.oclif?.exit).to.equal(3)
      expect(stderr).to.contain('Error: The configuration file definitely-missing.yaml does not exist.').and.contain('Hint: ')
    })

    it('explains a missing --config file as JSON with --json', async () => {
      const {error, stdout} = await runCommand(['config', 'validate', '-c', 'definitely-missing.yaml', '--json'])
      expect(error?.oclif?.exit).to.equal(3)
      expect(JSON.parse(stdout).error).to.include({code: 'config_not_found', exitCode: 3})
    })
  })

  describe('config schema', () => {
    it('prints the JSON Schema', async () => {
      const {stdout} = await runCommand(['config', 'schema'])
      expect(stdout).to.equal(renderJsonSchema())
    })

    it('writes it to --out, creating folders', async () => {
      const temp = await tempDir()
      try {
        const out = path.join(temp.dir, 'nested', 'schema.json')
        const {stdout} = await runCommand(['config', 'schema', '--out', out])
        expect(stdout).to.contain('Wrote the JSON Schema to')
        expect(await readFile(out, 'utf8')).to.equal(renderJsonSchema())
      } finally {
        await temp.cleanup()
      }
    })
  })
})
