/* eslint-disable no-template-curly-in-string -- these tests are about ${VAR} strings */
import {expect} from 'chai'
import {truncate} from 'node:fs/promises'
import path from 'node:path'

import {loadConfig} from '../../../src/lib/config/load.js'
import {MAX_CONFIG_BYTES} from '../../../src/lib/config/source.js'
import {ConfigError, type ConfigProblem, ExitCode} from '../../../src/lib/errors.js'
import {fixtures, rejection, tempDir} from './helpers.js'

const dir = path.join(fixtures, 'bad-configs')

interface BadCase {
  file: string
  line: number
  /** Dotted path of the field; undefined for problems of the whole file. */
  path?: string
  message: string
  hint?: string
  column?: number
  environment?: string
}

const cases: BadCase[] = [
  {
    file: 'duplicate-tenant-id.yaml', line: 10, column: 9, path: 'tenants[2].id', message: 'duplicate tenant id "acme": already used by tenants[0].id, line 6',
  },
  {
    file: 'duplicate-tenant-name.yaml', line: 9, path: 'tenants[1].name', message: 'duplicate tenant name "ACME inc"', hint: 'ignoring case',
  },
  {
    file: 'unknown-key-typo.yaml', line: 8, column: 5, path: 'tenants[0].selfProvisioningDomain', message: 'unknown field "selfProvisioningDomain"', hint: 'did you mean "selfProvisioningDomains"?',
  },
  {
    file: 'unknown-top-level-key.yaml', line: 5, column: 1, path: 'tenant', message: 'unknown field "tenant"', hint: 'did you mean "tenants"?',
  },
  {
    file: 'unknown-environment-key.yaml', line: 4, path: 'environments.staging.projectID', message: 'unknown field "projectID"', hint: 'did you mean "projectId"?',
  },
  {
    file: 'invalid-domain.yaml', line: 10, column: 9, path: 'tenants[0].selfProvisioningDomains[1]', message: '"acme" is not a valid domain name',
  },
  {
    file: 'domain-claimed-twice.yaml', line: 11, column: 40, path: 'tenants[1].selfProvisioningDomains[1]', message: 'domain "acme.com" is already claimed by tenant "acme"',
  },
  {
    file: 'parent-cycle.yaml', line: 8, path: 'tenants[0].parent', message: 'parent cycle: a → c → b → a',
  },
  {
    file: 'self-parent.yaml', line: 8, path: 'tenants[0].parent', message: 'tenant "acme" cannot be its own parent',
  },
  {
    file: 'unknown-parent.yaml', line: 10, path: 'tenants[1].parent', message: 'parent "acmee" is not a tenant declared in this configuration', hint: 'did you mean "acme"?',
  },
  {
    file: 'undefined-variable.yaml', line: 9, column: 13, path: 'tenants[0].customAttributes.plan', message: 'environment variable DESCOPE_MGMT_TEST_PLAN is not set',
  },
  {
    file: 'undefined-variable-in-selected-environment.yaml',
    environment: 'staging',
    line: 6,
    column: 16,
    path: 'environments.staging.projectId',
    message: 'environment variable DESCOPE_MGMT_TEST_STAGING_PROJECT_ID is not set',
  },
  {
    file: 'unterminated-variable.yaml', line: 7, column: 17, path: 'tenants[0].name', message: 'unterminated "${"',
  },
  {
    file: 'invalid-variable-name.yaml', line: 7, column: 16, path: 'tenants[0].name', message: 'invalid variable reference "${1NAME}"',
  },
  {file: 'alias-bomb.yaml', line: 4, message: 'too many alias expansions'},
  {
    file: 'bom.yaml', line: 4, column: 15, path: 'environments.local.emulator', message: 'must be true or false, not the text "yes"',
  },
  {
    file: 'crlf-duplicate.yaml', line: 9, column: 5, message: 'duplicate key "name"',
  },
  {file: 'empty.yaml', line: 1, message: 'the file is empty'},
  {file: 'comments-only.yaml', line: 1, message: 'no content, only comments'},
  {file: 'binary.yaml', line: 3, message: 'NUL bytes'},
  {
    file: 'utf16.yaml', line: 1, message: 'UTF-16', hint: 'save it as UTF-8',
  },
  {file: 'invalid-utf8.yaml', line: 4, message: 'not valid UTF-8'},
  {
    file: 'wrong-type-enforce-sso.yaml', line: 8, column: 17, path: 'tenants[0].enforceSSO', message: 'must be true or false', hint: 'without quotes',
  },
  {
    file: 'bad-version.yaml', line: 2, column: 10, path: 'version', message: 'must be 1', hint: 'newer descope-mgmt',
  },
  {
    file: 'missing-version.yaml', line: 1, path: 'version', message: 'missing required field "version"',
  },
  {
    file: 'bad-environment-name.yaml', line: 5, column: 3, path: 'environments["prod eu"]', message: 'invalid environment name "prod eu"',
  },
  {
    file: 'bad-project-id.yaml', line: 4, path: 'environments.staging.projectId', message: 'a Descope project id starts with "P"',
  },
  {
    file: 'bad-rate-limit.yaml', line: 5, path: 'environments.staging.rateLimit.requests', message: 'must be at least 1',
  },
  {
    file: 'bad-concurrency.yaml', line: 4, path: 'environments.staging.concurrency', message: 'must be between 1 and 32',
  },
  {
    file: 'bad-base-url.yaml', line: 4, path: 'environments.staging.baseUrl', message: 'must be an http:// or https:// URL',
  },
  {
    file: 'cleartext-base-url.yaml',
    line: 5,
    path: 'environments.staging.baseUrl',
    message: 'sends the management key in clear text to descope-proxy.internal.example',
    hint: 'http:// only to a loopback address',
  },
  {
    file: 'bad-management-key.yaml', line: 4, path: 'environments.staging.managementKey', message: 'management keys start with "K"',
  },
  {
    file: 'no-environments.yaml', line: 2, path: 'environments', message: 'at least one environment is required',
  },
  {
    file: 'missing-name.yaml', line: 8, column: 5, path: 'tenants[1].name', message: 'missing required field "name"',
  },
  {
    file: 'empty-name.yaml', line: 7, path: 'tenants[0].name', message: 'must not be empty',
  },
  {
    file: 'null-name.yaml', line: 7, path: 'tenants[0].name', message: 'must be text, not an empty value',
  },
  {
    file: 'name-too-long.yaml', line: 7, path: 'tenants[0].name', message: 'at most 254 characters',
  },
  {
    file: 'bad-tenant-id.yaml', line: 6, path: 'tenants[0].id', message: 'invalid tenant id "acme corp"',
  },
  {
    file: 'bad-custom-attribute-key.yaml', line: 10, column: 7, path: 'tenants[0].customAttributes.aVeryLongAttributeNameIndeed', message: 'invalid custom attribute name',
  },
  {
    file: 'bad-custom-attribute-value.yaml', line: 9, path: 'tenants[0].customAttributes.plan', message: 'must be a string, number, boolean, list of strings or null',
  },
  {
    file: 'bad-role-inheritance.yaml', line: 8, path: 'tenants[0].roleInheritance', message: 'must be one of "", "none", "userOnly"', hint: 'did you mean "userOnly"?',
  },
  {
    file: 'string-for-list.yaml', line: 8, path: 'tenants[0].selfProvisioningDomains', message: 'must be a list', hint: 'write a list: [acme.com]',
  },
  {
    file: 'bad-backup-retention.yaml', line: 2, path: 'backupRetentionDays', message: 'must be a whole number, not the number 1.5',
  },
  {file: 'syntax-error.yaml', line: 8, message: 'YAML syntax error'},
  {
    file: 'tabs.yaml', line: 3, column: 1, message: 'Tabs are not allowed as indentation', hint: 'indent with spaces',
  },
  {file: 'not-a-mapping.yaml', line: 1, message: 'the configuration must be a mapping'},
  {file: 'multiple-documents.yaml', line: 5, message: 'more than one YAML document'},
  {
    file: 'scalar-tenants.json', line: 6, column: 52, path: 'tenants[1].disabled', message: 'must be true or false, not the text "no"',
  },
  {
    file: 'duplicate-key.json', line: 4, column: 3, message: 'duplicate key "version"',
  },
  {
    environment: 'prod', file: 'unknown-parent.yaml', line: 2, path: 'environments', message: 'environment "prod" is not defined', hint: 'defined: local',
  },
  {
    file: 'duplicate-permission.yaml', line: 9, column: 11, path: 'permissions[2].name', message: 'duplicate permission "users.read": already declared at permissions[0].name, line 6', hint: 'unique',
  },
  {
    file: 'duplicate-role-in-tenant.yaml',
    line: 18,
    path: 'roles[3].name',
    message: 'duplicate role "Admin" in tenant "acme": already declared at roles[1].name, line 13',
    hint: 'unique within a tenant',
  },
  {
    file: 'duplicate-project-role.yaml',
    line: 8,
    path: 'roles[2].name',
    message: 'duplicate role "Viewer" in the project: already declared at roles[0].name, line 6',
    hint: 'give a tenant role its tenantId',
  },
  {
    file: 'unknown-permission-in-role.yaml',
    line: 12,
    column: 9,
    path: 'roles[0].permissionNames[1]',
    message: 'permission "users.raed" is not declared in this configuration',
    hint: 'did you mean "users.read"?',
  },
  {
    file: 'role-unknown-tenant.yaml', line: 10, column: 15, path: 'roles[0].tenantId', message: 'tenant "acmee" is not declared in this configuration', hint: 'did you mean "acme"?',
  },
  {
    file: 'permission-name-too-long.yaml', line: 7, path: 'permissions[1].name', message: 'must be at most 100 characters',
  },
  {
    file: 'role-description-too-long.yaml', line: 7, path: 'roles[0].description', message: 'must be at most 254 characters',
  },
  {
    file: 'role-permission-names-not-a-list.yaml', line: 9, path: 'roles[0].permissionNames', message: 'must be a list, not the text "users.read"', hint: 'write a list: [users.read]',
  },
  {
    file: 'role-unknown-key.yaml', line: 10, column: 5, path: 'roles[0].tenant', message: 'unknown field "tenant"', hint: 'did you mean "tenantId"?',
  },
  {
    file: 'role-missing-name.yaml', line: 7, path: 'roles[1].name', message: 'missing required field "name"', hint: 'every role needs a name',
  },
  {
    file: 'role-default-not-boolean.yaml', line: 7, path: 'roles[0].default', message: 'must be true or false, not the text "yes"', hint: 'without quotes',
  },
  {
    file: 'built-in-permission-declared.yaml', line: 7, path: 'permissions[1].name', message: '"user admin" is a built-in Descope permission', hint: 'every project has "User Admin"',
  },
  {
    file: 'role-name-like-tenant-role.yaml', line: 11, path: 'roles[1].name', message: 'project role "acme/Admin" cannot be told apart from role "Admin" of tenant "acme"',
  },
]

describe('bad configurations (test/fixtures/bad-configs)', () => {
  it('has at least 30 fixture cases', () => {
    expect(cases.length).to.be.at.least(30)
  })

  for (const testCase of cases) {
    const label = `${testCase.file}${testCase.environment ? ` (-e ${testCase.environment})` : ''}`
    it(`${label}: line ${testCase.line}${testCase.path ? `, ${testCase.path}` : ''}`, async () => {
      const error = await rejection(loadConfig({
        cwd: dir, env: {}, environment: testCase.environment, file: testCase.file,
      }))
      expect(error).to.be.instanceOf(ConfigError)
      const configError = error as unknown as ConfigError
      expect(configError.exitCode).to.equal(ExitCode.InvalidInput)
      expect(configError.exitCode).to.equal(3)
      const problem = configError.problems.find((candidate: ConfigProblem) => candidate.message.includes(testCase.message))
      expect(problem, `no problem with "${testCase.message}" in:\n${configError.message}`).to.not.equal(undefined)
      expect(problem!.file).to.equal(testCase.file)
      expect(problem!.line).to.equal(testCase.line)
      expect(problem!.path).to.equal(testCase.path)
      if (testCase.column !== undefined) expect(problem!.column).to.equal(testCase.column)
      if (testCase.hint !== undefined) expect(problem!.hint).to.contain(testCase.hint)
      expect(configError.message).to.contain(`${testCase.file}:${testCase.line}`)
    })
  }

  it('reports every problem of a file at once, in file order', async () => {
    const error = (await rejection(loadConfig({cwd: dir, env: {}, file: 'many-problems.yaml'}))) as unknown as ConfigError
    expect(error.problems.map(problem => [problem.line, problem.path])).to.deep.equal([
      [5, 'environments.local.concurency'],
      [10, 'tenants[1].id'],
      [11, 'tenants[1].name'],
      [12, 'tenants[1].selfProvisioningDomains[0]'],
      [13, 'tenants[1].enforceSSO'],
      [16, 'tenants[2].parent'],
    ])
    expect(error.message).to.contain('The configuration has 6 problems')
    expect(error.problems[0].hint).to.equal('did you mean "concurrency"?')
  })

  it('never echoes a management key in a problem', async () => {
    const error = (await rejection(loadConfig({cwd: dir, env: {}, file: 'bad-management-key.yaml'}))) as unknown as ConfigError
    expect(JSON.stringify(error.toJSON())).to.not.contain('not-a-key-secret-123')
  })

  it('refuses a file over the size limit before reading it, naming the file', async () => {
    const temp = await tempDir()
    try {
      const file = await temp.write('huge.yaml', 'version: 1\n')
      await truncate(file, MAX_CONFIG_BYTES + 1)
      const error = (await rejection(loadConfig({cwd: temp.dir, file: 'huge.yaml'}))) as unknown as ConfigError
      expect(error).to.be.instanceOf(ConfigError)
      expect(error.exitCode).to.equal(3)
      expect(error.problems).to.have.length(1)
      expect(error.problems[0]).to.include({file: 'huge.yaml'})
      expect(error.problems[0].message).to.equal(`the file is too large (${MAX_CONFIG_BYTES + 1} bytes; the limit is 10 MB)`)
      expect(error.message).to.contain('huge.yaml')
    } finally {
      await temp.cleanup()
    }
  })

  it('explains a --config path that does not exist (exit code 3, not a ConfigError)', async () => {
    const error = await rejection(loadConfig({cwd: dir, file: 'no-such-file.yaml'}))
    expect(error).to.not.be.instanceOf(ConfigError)
    expect(error).to.include({code: 'config_not_found', exitCode: 3})
    expect(error.message).to.equal('The configuration file no-such-file.yaml does not exist.')
    expect(error.hint).to.contain('--config')
  })

  it('explains a --config path that is a folder', async () => {
    const error = await rejection(loadConfig({cwd: fixtures, file: 'bad-configs'}))
    expect(error).to.include({code: 'config_not_found', exitCode: 3})
    expect(error.message).to.contain('is a folder')
  })
})
