/* eslint-disable no-template-curly-in-string -- these tests are about ${VAR} strings */
import {expect} from 'chai'
import path from 'node:path'

import {inspectConfig, loadConfig} from '../../../src/lib/config/load.js'
import {ConfigError} from '../../../src/lib/errors.js'
import {
  fixtures, rejection, repoRoot, tempDir,
} from './helpers.js'

const good = path.join(fixtures, 'good-configs')

const fullEnv = {TEST_STAGING_KEY: 'K2StagingKeyForTests0000000001', TEST_STAGING_PROJECT_ID: 'P2abcdefghijklmnopqrstuvwxyz1'}

describe('good configurations', () => {
  it('loads a YAML file with every field, normalised and interpolated', async () => {
    const loaded = await loadConfig({
      cwd: good, env: fullEnv, environment: 'staging', file: 'full.yaml',
    })
    expect(loaded.file).to.equal(path.join(good, 'full.yaml'))
    expect(loaded.dir).to.equal(good)
    expect(loaded.format).to.equal('yaml')
    expect(loaded.warnings).to.deep.equal([])
    const {config} = loaded
    expect(config.version).to.equal(1)
    expect(config.backupRetentionDays).to.equal(14)
    expect(config.environments.local).to.deep.equal({
      concurrency: 8, data: '.state/emulator', emulator: true, protect: ['root'],
    })
    expect(config.environments.staging).to.deep.equal({
      baseUrl: 'https://api.descope.com',
      concurrency: 4,
      managementKey: 'K2StagingKeyForTests0000000001',
      projectId: 'P2abcdefghijklmnopqrstuvwxyz1',
      protect: ['root', 'child'],
      rateLimit: {requests: 50, windowSeconds: 10},
    })
    expect(config.tenants).to.have.length(3)
    expect(config.tenants![0]).to.deep.equal({
      customAttributes: {
        active: true, notes: null, plan: 'gold', ratio: 0.5, regions: ['eu', 'us'], seats: 10,
      },
      disabled: false,
      enforceSSO: true,
      enforceSSOExclusions: ['admin@root.example.com', 'U2abc'],
      id: 'root',
      name: 'Root Inc',
      roleInheritance: '',
      selfProvisioningDomains: ['root.example.com', 'root.example.org'],
    })
    expect(config.tenants![1]).to.deep.include({name: 'Child Ltd', parent: 'root', roleInheritance: 'userOnly'})
    expect(config.tenants![2].customAttributes).to.deep.equal({price: '${NOT_A_VARIABLE}'})
  })

  it('loads the same file for another environment with the staging variables unset, with one warning', async () => {
    const loaded = await loadConfig({
      cwd: good, env: {}, environment: 'local', file: 'full.yaml',
    })
    expect(loaded.config.environments.staging).to.deep.equal({
      baseUrl: 'https://api.descope.com',
      concurrency: 4,
      protect: ['root', 'child'],
      rateLimit: {requests: 50, windowSeconds: 10},
    })
    expect(loaded.warnings).to.have.length(1)
    expect(loaded.warnings[0]).to.deep.include({
      line: 12,
      message: 'variables TEST_STAGING_PROJECT_ID, TEST_STAGING_KEY are not set (needed for -e staging)',
      path: 'environments.staging',
    })
  })

  it('loads JSON with line numbers', async () => {
    const loaded = await loadConfig({cwd: good, env: {}, file: 'full.json'})
    expect(loaded.format).to.equal('json')
    expect(loaded.config.environments.prod.projectId).to.equal('P2abcdefghijklmnopqrstuvwxyz1')
    expect(loaded.locate(['tenants', 0, 'customAttributes'])).to.deep.equal({column: 101, line: 9})
  })

  it('validates examples/descope.yaml with -e local and no variables set', async () => {
    const loaded = await loadConfig({
      cwd: repoRoot, env: {}, environment: 'local', file: 'examples/descope.yaml',
    })
    expect(Object.keys(loaded.config.environments)).to.deep.equal(['local', 'staging', 'production'])
    expect(loaded.config.environments.local).to.deep.equal({data: '.descope-emulator', emulator: true})
    expect(loaded.config.environments.production.protect).to.deep.equal(['acme'])
    expect(loaded.config.tenants!.map(tenant => tenant.id)).to.deep.equal(['acme', 'acme-eu', 'globex', 'initech'])
    expect(loaded.config.tenants!.find(tenant => tenant.parent)).to.deep.include({id: 'acme-eu', parent: 'acme'})
    expect(loaded.warnings.map(warning => warning.path)).to.deep.equal(['environments.staging', 'environments.production'])
  })

  it('validates examples/descope.yaml with no environment and no variables set', async () => {
    const inspection = await inspectConfig({cwd: repoRoot, env: {}, file: 'examples/descope.yaml'})
    expect(inspection.problems).to.deep.equal([])
    expect(inspection.counts).to.deep.equal({
      environments: 3, permissions: 3, roles: 2, tenants: 4,
    })
  })

  it('accepts a parent that exists only in the live project when told about it', async () => {
    const temp = await tempDir()
    try {
      await temp.write('descope.yaml', 'version: 1\nenvironments: {local: {emulator: true}}\ntenants:\n  - {id: child, name: Child, parent: live-parent}\n')
      const error = (await rejection(loadConfig({cwd: temp.dir}))) as unknown as ConfigError
      expect(error.problems[0].message).to.equal('parent "live-parent" is not a tenant declared in this configuration')
      const loaded = await loadConfig({cwd: temp.dir, existingTenantIds: ['live-parent']})
      expect(loaded.config.tenants![0].parent).to.equal('live-parent')
    } finally {
      await temp.cleanup()
    }
  })

  it('warns about protected tenants that are not declared, with a suggestion', async () => {
    const temp = await tempDir()
    try {
      await temp.write('descope.yaml', 'version: 1\nenvironments:\n  prod:\n    protect: [acmee]\ntenants:\n  - {id: acme, name: Acme}\n')
      const loaded = await loadConfig({cwd: temp.dir})
      expect(loaded.warnings).to.deep.equal([
        {
          column: 15,
          file: 'descope.yaml',
          hint: 'did you mean "acme"?',
          line: 4,
          message: 'protected tenant "acmee" is not declared in this configuration',
          path: 'environments.prod.protect[0]',
        },
      ])
    } finally {
      await temp.cleanup()
    }
  })

  it('warns about a management key written in the file, without echoing it', async () => {
    const temp = await tempDir()
    try {
      await temp.write('descope.yaml', 'version: 1\nenvironments:\n  eu-prod:\n    managementKey: K2LiteralKeyInTheFile000000001\n')
      const loaded = await loadConfig({cwd: temp.dir})
      expect(loaded.warnings).to.have.length(1)
      expect(loaded.warnings[0]).to.deep.include({line: 4, path: 'environments.eu-prod.managementKey'})
      expect(loaded.warnings[0].hint).to.contain('${EU_PROD_MANAGEMENT_KEY}')
      expect(JSON.stringify(loaded.warnings)).to.not.contain('K2LiteralKeyInTheFile')
    } finally {
      await temp.cleanup()
    }
  })

  it('warns about settings that have no effect', async () => {
    const temp = await tempDir()
    try {
      const yaml = [
        'version: 1',
        'environments:',
        '  local: {emulator: true, baseUrl: "http://localhost:4280"}',
        '  prod: {data: .state}',
        'tenants:',
        '  - {id: a, name: A, enforceSSOExclusions: [x@a.com], selfProvisioningDomains: [a.com, A.com]}',
        '',
      ].join('\n')
      await temp.write('descope.yaml', yaml)
      const loaded = await loadConfig({cwd: temp.dir})
      expect(loaded.warnings.map(warning => `${warning.line}:${warning.path}: ${warning.message}`)).to.deep.equal([
        '3:environments.local.baseUrl: baseUrl is ignored when emulator is true',
        '4:environments.prod.data: data is used only by the embedded emulator',
        '6:tenants[0].enforceSSOExclusions: enforceSSOExclusions has no effect unless enforceSSO is true',
        '6:tenants[0].selfProvisioningDomains[1]: domain "a.com" is listed twice for this tenant',
      ])
    } finally {
      await temp.cleanup()
    }
  })

  it('supports YAML merge keys and anchors', async () => {
    const temp = await tempDir()
    try {
      const yaml = [
        'version: 1',
        'environments:',
        '  staging: &defaults',
        '    rateLimit: {requests: 10, windowSeconds: 1}',
        '    concurrency: 2',
        '  prod:',
        '    <<: *defaults',
        '    concurrency: 1',
        '',
      ].join('\n')
      await temp.write('descope.yaml', yaml)
      const loaded = await loadConfig({cwd: temp.dir})
      expect(loaded.config.environments.prod).to.deep.equal({concurrency: 1, rateLimit: {requests: 10, windowSeconds: 1}})
    } finally {
      await temp.cleanup()
    }
  })
})
