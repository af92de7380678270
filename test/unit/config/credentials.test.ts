/* eslint-disable no-template-curly-in-string -- these tests are about ${VAR} strings */
import {expect} from 'chai'

import {
  DEFAULT_BASE_URL,
  describeSource,
  regionalBaseUrl,
  resolveConnection,
  type ResolveOptions,
} from '../../../src/lib/config/credentials.js'
import {
  AuthError, CliError, ExitCode, InputError,
} from '../../../src/lib/errors.js'

const PROJECT_FLAG = 'P2FlagProjectId000000000000001'
const PROJECT_CONFIG = 'P2ConfigProjectId00000000000001'
const PROJECT_ENV = 'P2EnvProjectId0000000000000001'
const KEY_CONFIG = 'K2ConfigManagementKey0000000000001abcd'
const KEY_ENV = 'K2EnvManagementKey00000000000000001wxyz'
const REGIONAL = 'Puse12aAc4T2V93bddihGEx2Ryhc8e5Z'

function resolve(options: Partial<ResolveOptions>) {
  return resolveConnection({env: {}, flags: {}, ...options})
}

function thrown(fn: () => unknown): CliError {
  try {
    fn()
  } catch (error) {
    return error as CliError
  }

  throw new Error('expected an error')
}

describe('resolveConnection', () => {
  const staging = {managementKey: KEY_CONFIG, projectId: PROJECT_CONFIG}

  describe('precedence: flag > environment entry > env var', () => {
    const cases: Array<{
      name: string
      flags?: {projectId?: string; baseUrl?: string}
      environment?: {projectId?: string; managementKey?: string; baseUrl?: string}
      env?: Record<string, string>
      projectId: [string, string]
      managementKey: [string, string]
      baseUrl: [string, string]
    }> = [
      {
        baseUrl: [DEFAULT_BASE_URL, 'default'],
        env: {DESCOPE_MANAGEMENT_KEY: KEY_ENV, DESCOPE_PROJECT_ID: PROJECT_ENV},
        managementKey: [KEY_ENV, 'env var DESCOPE_MANAGEMENT_KEY'],
        name: 'env vars only',
        projectId: [PROJECT_ENV, 'env var DESCOPE_PROJECT_ID'],
      },
      {
        baseUrl: [DEFAULT_BASE_URL, 'default'],
        env: {DESCOPE_MANAGEMENT_KEY: KEY_ENV, DESCOPE_PROJECT_ID: PROJECT_ENV},
        environment: staging,
        managementKey: [KEY_CONFIG, 'environments.staging.managementKey in descope.yaml'],
        name: 'environment entry over env vars',
        projectId: [PROJECT_CONFIG, 'environments.staging.projectId in descope.yaml'],
      },
      {
        baseUrl: ['http://localhost:4280', 'flag --base-url'],
        env: {DESCOPE_BASE_URL: 'https://env.example', DESCOPE_MANAGEMENT_KEY: KEY_ENV, DESCOPE_PROJECT_ID: PROJECT_ENV},
        environment: {...staging, baseUrl: 'https://config.example'},
        flags: {baseUrl: 'http://localhost:4280/', projectId: PROJECT_FLAG},
        managementKey: [KEY_CONFIG, 'environments.staging.managementKey in descope.yaml'],
        name: 'flags over everything',
        projectId: [PROJECT_FLAG, 'flag --project-id'],
      },
      {
        baseUrl: ['https://config.example', 'environments.staging.baseUrl in descope.yaml'],
        env: {DESCOPE_BASE_URL: 'https://env.example', DESCOPE_MANAGEMENT_KEY: KEY_ENV},
        environment: {baseUrl: 'https://config.example', projectId: PROJECT_CONFIG},
        managementKey: [KEY_ENV, 'env var DESCOPE_MANAGEMENT_KEY'],
        name: 'mixed: project id and URL from the entry, key from the env var',
        projectId: [PROJECT_CONFIG, 'environments.staging.projectId in descope.yaml'],
      },
      {
        baseUrl: ['https://env.example', 'env var DESCOPE_BASE_URL'],
        env: {DESCOPE_BASE_URL: 'https://env.example', DESCOPE_MANAGEMENT_KEY: KEY_ENV},
        environment: {},
        flags: {projectId: PROJECT_FLAG},
        managementKey: [KEY_ENV, 'env var DESCOPE_MANAGEMENT_KEY'],
        name: 'empty environment entry: flag and env vars',
        projectId: [PROJECT_FLAG, 'flag --project-id'],
      },
      {
        baseUrl: ['https://api.use1.descope.com', 'default (region of the project id)'],
        env: {DESCOPE_MANAGEMENT_KEY: KEY_ENV, DESCOPE_PROJECT_ID: REGIONAL},
        managementKey: [KEY_ENV, 'env var DESCOPE_MANAGEMENT_KEY'],
        name: 'regional project id: regional URL by default',
        projectId: [REGIONAL, 'env var DESCOPE_PROJECT_ID'],
      },
      {
        baseUrl: ['https://env.example', 'env var DESCOPE_BASE_URL'],
        env: {DESCOPE_BASE_URL: 'https://env.example', DESCOPE_MANAGEMENT_KEY: KEY_ENV, DESCOPE_PROJECT_ID: REGIONAL},
        managementKey: [KEY_ENV, 'env var DESCOPE_MANAGEMENT_KEY'],
        name: 'regional project id: an explicit URL still wins',
        projectId: [REGIONAL, 'env var DESCOPE_PROJECT_ID'],
      },
      {
        baseUrl: [DEFAULT_BASE_URL, 'default'],
        env: {DESCOPE_MANAGEMENT_KEY: `  ${KEY_ENV}\n`, DESCOPE_PROJECT_ID: ''},
        environment: {projectId: ` ${PROJECT_CONFIG} `},
        managementKey: [KEY_ENV, 'env var DESCOPE_MANAGEMENT_KEY'],
        name: 'surrounding whitespace is ignored; empty values count as unset',
        projectId: [PROJECT_CONFIG, 'environments.staging.projectId in descope.yaml'],
      },
    ]

    for (const testCase of cases) {
      it(testCase.name, () => {
        const resolved = resolve({
          // The hosts of these cases are allowed from outside the file, as a custom domain would be.
          env: {DESCOPE_MGMT_ALLOWED_HOSTS: 'config.example,env.example', ...testCase.env},
          environment: testCase.environment,
          environmentName: testCase.environment ? 'staging' : undefined,
          file: 'descope.yaml',
          flags: testCase.flags ?? {},
        })
        if (resolved.emulator) throw new Error('expected a remote connection')
        expect([resolved.projectId, describeSource(resolved.sources.projectId)]).to.deep.equal(testCase.projectId)
        expect([resolved.managementKey, describeSource(resolved.sources.managementKey)]).to.deep.equal(testCase.managementKey)
        expect([resolved.baseUrl, describeSource(resolved.sources.baseUrl)]).to.deep.equal(testCase.baseUrl)
      })
    }
  })

  describe('the embedded emulator', () => {
    it('uses the data folder of the environment, or .descope-emulator', () => {
      expect(resolve({environment: {emulator: true}, environmentName: 'local'})).to.deep.equal({
        dataDir: '.descope-emulator',
        emulator: true,
        managementKey: undefined,
        projectId: undefined,
        sources: {dataDir: {kind: 'default'}, managementKey: undefined, projectId: undefined},
      })
      const resolved = resolve({environment: {data: 'state', emulator: true}, environmentName: 'local', file: 'descope.yaml'})
      if (!resolved.emulator) throw new Error('expected the emulator')
      expect(resolved).to.include({dataDir: 'state', emulator: true})
      expect(describeSource(resolved.sources.dataDir)).to.equal('environments.local.data in descope.yaml')
    })

    it('seeds the project id and key from the flag and the entry, never from DESCOPE_* env vars', () => {
      const env = {DESCOPE_BASE_URL: 'https://env.example', DESCOPE_MANAGEMENT_KEY: KEY_ENV, DESCOPE_PROJECT_ID: PROJECT_ENV}
      expect(resolve({env, environment: {emulator: true}, environmentName: 'local'})).to.include({managementKey: undefined, projectId: undefined})
      expect(resolve({env, environment: {emulator: true, managementKey: KEY_CONFIG, projectId: PROJECT_CONFIG}, environmentName: 'local'})).to.include({
        managementKey: KEY_CONFIG,
        projectId: PROJECT_CONFIG,
      })
      expect(resolve({
        env, environment: {emulator: true, projectId: PROJECT_CONFIG}, environmentName: 'local', flags: {projectId: PROJECT_FLAG},
      })).to.include({
        projectId: PROJECT_FLAG,
      })
    })
  })

  describe('missing and malformed values', () => {
    it('says where a missing project id was looked for (exit code 4)', () => {
      const error = thrown(() => resolve({
        env: {DESCOPE_MANAGEMENT_KEY: KEY_ENV}, environment: {}, environmentName: 'staging', file: 'descope.yaml',
      }))
      expect(error).to.be.instanceOf(AuthError)
      expect(error.exitCode).to.equal(ExitCode.Auth)
      expect(error.code).to.equal('missing_project_id')
      expect(error.message).to.equal('No Descope project id: looked for flag --project-id, environments.staging.projectId in descope.yaml and env var DESCOPE_PROJECT_ID.')
      expect(error.hint).to.contain('${STAGING_PROJECT_ID}')
    })

    it('without a configuration, names only the flag and the env var', () => {
      const error = thrown(() => resolve({}))
      expect(error.message).to.equal('No Descope project id: looked for flag --project-id and env var DESCOPE_PROJECT_ID.')
      expect(error.hint).to.equal('Pass --project-id, or export DESCOPE_PROJECT_ID.')
    })

    it('says where a missing management key was looked for (exit code 4)', () => {
      const error = thrown(() => resolve({environment: {projectId: PROJECT_CONFIG}, environmentName: 'eu-prod', file: '/x/descope.yaml'}))
      expect(error).to.be.instanceOf(AuthError)
      expect(error.exitCode).to.equal(4)
      expect(error.message).to.equal('No Descope management key: looked for environments.eu-prod.managementKey in /x/descope.yaml and env var DESCOPE_MANAGEMENT_KEY.')
      expect(error.hint).to.contain('${EU_PROD_MANAGEMENT_KEY}')
      expect(thrown(() => resolve({flags: {projectId: PROJECT_FLAG}})).message).to.equal('No Descope management key: looked for env var DESCOPE_MANAGEMENT_KEY.')
    })

    it('rejects a project id that does not start with P', () => {
      const error = thrown(() => resolve({env: {DESCOPE_MANAGEMENT_KEY: KEY_ENV}, flags: {projectId: 'X2abc'}}))
      expect(error).to.be.instanceOf(AuthError)
      expect(error.code).to.equal('invalid_project_id')
      expect(error.message).to.contain('flag --project-id').and.contain('start with "P"')
    })

    it('rejects a key that does not start with K, without echoing it', () => {
      const secret = 'secret-value-that-must-not-leak-0001'
      const error = thrown(() => resolve({env: {DESCOPE_MANAGEMENT_KEY: secret, DESCOPE_PROJECT_ID: PROJECT_ENV}}))
      expect(error).to.be.instanceOf(AuthError)
      expect(error.code).to.equal('invalid_management_key')
      expect(error.message).to.contain('env var DESCOPE_MANAGEMENT_KEY').and.contain('start with "K"')
      expect(JSON.stringify(error.toJSON())).to.not.contain(secret)
      const spaced = thrown(() => resolve({env: {DESCOPE_MANAGEMENT_KEY: 'K2with space', DESCOPE_PROJECT_ID: PROJECT_ENV}}))
      expect(spaced.message).to.not.contain('K2with space')
    })

    it('rejects a base URL that is not http(s) as invalid input (exit code 3)', () => {
      const error = thrown(() => resolve({env: {DESCOPE_BASE_URL: 'ftp://x', DESCOPE_MANAGEMENT_KEY: KEY_ENV, DESCOPE_PROJECT_ID: PROJECT_ENV}}))
      expect(error).to.be.instanceOf(InputError)
      expect(error.exitCode).to.equal(3)
      expect(error.message).to.contain('env var DESCOPE_BASE_URL')
      expect(thrown(() => resolve({env: {DESCOPE_MANAGEMENT_KEY: KEY_ENV}, flags: {baseUrl: 'not a url', projectId: PROJECT_FLAG}})).message).to.contain('flag --base-url')
    })

    it('refuses http:// to a host other than loopback, wherever the URL came from (exit code 3)', () => {
      const env = {DESCOPE_MANAGEMENT_KEY: KEY_ENV, DESCOPE_PROJECT_ID: PROJECT_ENV}
      const fromEnv = thrown(() => resolve({env: {...env, DESCOPE_BASE_URL: 'http://api.descope.com'}}))
      expect(fromEnv.exitCode).to.equal(3)
      expect(fromEnv.code).to.equal('insecure_base_url')
      expect(fromEnv.message).to.contain('env var DESCOPE_BASE_URL').and.contain('clear text').and.not.contain(KEY_ENV)
      const fromFile = thrown(() => resolve({
        env, environment: {baseUrl: 'http://10.0.0.5:8080'}, environmentName: 'staging', file: 'descope.yaml',
      }))
      expect(fromFile.message).to.contain('environments.staging.baseUrl in descope.yaml')
      // Allowing the host does not allow clear text.
      expect(thrown(() => resolve({env: {...env, DESCOPE_MGMT_ALLOWED_HOSTS: 'proxy.acme.com'}, flags: {baseUrl: 'http://proxy.acme.com'}})).code).to.equal('insecure_base_url')
      expect(resolve({env, flags: {baseUrl: 'http://127.0.0.1:4280'}})).to.include({baseUrl: 'http://127.0.0.1:4280'})
    })

    it('refuses a host that is neither Descope nor loopback unless it is allowed from outside the file', () => {
      const env = {DESCOPE_MANAGEMENT_KEY: KEY_ENV, DESCOPE_PROJECT_ID: PROJECT_ENV}
      const refused = thrown(() => resolve({
        env, environment: {baseUrl: 'https://auth.acme.com'}, environmentName: 'prod', file: 'descope.yaml',
      }))
      expect(refused.exitCode).to.equal(3)
      expect(refused.code).to.equal('base_url_host_not_allowed')
      expect(refused.message).to.contain('auth.acme.com').and.contain("neither Descope's API")
      expect(refused.hint).to.contain('DESCOPE_MGMT_ALLOWED_HOSTS=auth.acme.com').and.contain('--allow-host auth.acme.com')
      expect(resolve({env: {...env, DESCOPE_MGMT_ALLOWED_HOSTS: 'auth.acme.com'}, environment: {baseUrl: 'https://auth.acme.com'}, environmentName: 'prod'})).to.include({baseUrl: 'https://auth.acme.com'})
      expect(resolve({
        env, environment: {baseUrl: 'https://auth.acme.com'}, environmentName: 'prod', flags: {allowHost: ['auth.acme.com']},
      })).to.include({baseUrl: 'https://auth.acme.com'})
      expect(resolve({env, flags: {baseUrl: 'https://api.euc1.descope.com'}})).to.include({baseUrl: 'https://api.euc1.descope.com'})
    })
  })

  it('derives the regional URL from long project ids only', () => {
    expect(regionalBaseUrl('P2Z1234567890123456789012345')).to.equal(DEFAULT_BASE_URL)
    expect(regionalBaseUrl(REGIONAL)).to.equal('https://api.use1.descope.com')
  })
})
