/**
 * Bad input never reaches Descope: every bad configuration, flow file, saved plan and damaged
 * backup is refused with exit code 3, a message naming the file (and for configuration and flow
 * files the line and the field), no stack trace, and no request to the API.
 *
 * The configuration corpus runs in-process (`plan` through @oclif/test), with a probe on Node's
 * HTTP client channel that sees every request, the embedded emulator's included; a subset of it,
 * the flow files, the plans and the backups run as separate processes of the built CLI against
 * an emulator on a loopback port, whose request counters must stay at zero (plans whose problem
 * is the live state may read, never write).
 */
import {runCommand} from '@oclif/test'
import {expect} from 'chai'
import {createHash} from 'node:crypto'
import {subscribe, unsubscribe} from 'node:diagnostics_channel'
import {
  copyFile, mkdir, readdir, readFile, rm, stat, writeFile,
} from 'node:fs/promises'
import {request} from 'node:http'
import path from 'node:path'

import {startEmulator} from '../../plugins/plugin-emulator/src/index.js'
import {resetCircuitBreakers} from '../../src/lib/api/breaker.js'
import {resetRateLimiters} from '../../src/lib/api/rate-limiter.js'
import {MAX_CONFIG_BYTES} from '../../src/lib/config/source.js'
import {MAX_FLOW_FILE_BYTES} from '../../src/lib/flows/format.js'
import {
  type CliResult, makeTempHome, repoRoot, runCli,
} from '../helpers/cli.js'

type Emulator = Awaited<ReturnType<typeof startEmulator>>
type TempHome = Awaited<ReturnType<typeof makeTempHome>>

const PROJECT = {id: 'P2BadInputTestProject00000000001', managementKey: 'K2BadInputTestManagementKey00000000001'}
const OTHER = {id: 'P2SomeOtherProject00000000000001', managementKey: 'K2SomeOtherManagementKey000000000001'}
const fixtures = path.join(repoRoot, 'test', 'fixtures')

/** Parallel child processes: enough to overlap start-up on two cores, few enough for a shared machine. */
const PARALLEL = 3

/** A stack frame as Node prints it: `    at fn (file.js:10:5)`. */
const STACK_FRAME = /^\s+at .+:\d+:\d+\)?$/m

/**
 * Where each bad configuration's (first expected) problem is: line and field. `field` is absent
 * for problems of the whole file (syntax, encoding, emptiness). `environment` is the `-e` used.
 */
const configExpectations: Record<string, {line: number; field?: string; environment?: string}> = {
  'alias-bomb.yaml': {line: 4},
  'bad-backup-retention.yaml': {field: 'backupRetentionDays', line: 2},
  'bad-base-url.yaml': {field: 'environments.staging.baseUrl', line: 4},
  'cleartext-base-url.yaml': {field: 'environments.staging.baseUrl', line: 5},
  'bad-concurrency.yaml': {field: 'environments.staging.concurrency', line: 4},
  'bad-custom-attribute-key.yaml': {field: 'tenants[0].customAttributes.aVeryLongAttributeNameIndeed', line: 10},
  'bad-custom-attribute-value.yaml': {field: 'tenants[0].customAttributes.plan', line: 9},
  'bad-environment-name.yaml': {field: 'environments["prod eu"]', line: 5},
  'bad-management-key.yaml': {field: 'environments.staging.managementKey', line: 4},
  'bad-project-id.yaml': {field: 'environments.staging.projectId', line: 4},
  'bad-rate-limit.yaml': {field: 'environments.staging.rateLimit.requests', line: 5},
  'bad-role-inheritance.yaml': {field: 'tenants[0].roleInheritance', line: 8},
  'bad-tenant-id.yaml': {field: 'tenants[0].id', line: 6},
  'bad-version.yaml': {field: 'version', line: 2},
  'binary.yaml': {line: 3},
  'bom.yaml': {field: 'environments.local.emulator', line: 4},
  'built-in-permission-declared.yaml': {field: 'permissions[1].name', line: 7},
  'comments-only.yaml': {line: 1},
  'crlf-duplicate.yaml': {line: 9},
  'crlf-invalid-domain.yaml': {field: 'tenants[0].selfProvisioningDomains[1]', line: 8},
  'domain-claimed-twice.yaml': {field: 'tenants[1].selfProvisioningDomains[1]', line: 11},
  'duplicate-flow-id.yaml': {field: 'flows[1].id', line: 8},
  'duplicate-key.json': {line: 4},
  'duplicate-permission.yaml': {field: 'permissions[2].name', line: 9},
  'duplicate-project-role.yaml': {field: 'roles[2].name', line: 8},
  'duplicate-role-in-tenant.yaml': {field: 'roles[3].name', line: 18},
  'duplicate-tenant-id.yaml': {field: 'tenants[2].id', line: 10},
  'duplicate-tenant-name.yaml': {field: 'tenants[1].name', line: 9},
  'empty-name.yaml': {field: 'tenants[0].name', line: 7},
  'empty.yaml': {line: 1},
  'flow-file-binary.yaml': {field: 'flows[0].file', line: 7},
  'flow-file-invalid.yaml': {field: 'flows[0].file', line: 7},
  'flow-file-missing.yaml': {field: 'flows[0].file', line: 7},
  'flow-files-two-problems.yaml': {field: 'flows[1].file', line: 13},
  'invalid-domain.yaml': {field: 'tenants[0].selfProvisioningDomains[1]', line: 10},
  'invalid-utf8.yaml': {line: 4},
  'invalid-variable-name.yaml': {field: 'tenants[0].name', line: 7},
  'many-problems.yaml': {field: 'tenants[2].parent', line: 16},
  'missing-name.yaml': {field: 'tenants[1].name', line: 8},
  'missing-version.yaml': {field: 'version', line: 1},
  'multiple-documents.yaml': {line: 5},
  'name-too-long.yaml': {field: 'tenants[0].name', line: 7},
  'no-environments.yaml': {field: 'environments', line: 2},
  'not-a-mapping.yaml': {line: 1},
  'null-name.yaml': {field: 'tenants[0].name', line: 7},
  'parent-cycle.yaml': {field: 'tenants[0].parent', line: 8},
  'permission-name-too-long.yaml': {field: 'permissions[1].name', line: 7},
  'role-default-not-boolean.yaml': {field: 'roles[0].default', line: 7},
  'role-description-too-long.yaml': {field: 'roles[0].description', line: 7},
  'role-missing-name.yaml': {field: 'roles[1].name', line: 7},
  'role-name-like-tenant-role.yaml': {field: 'roles[1].name', line: 11},
  'role-permission-names-not-a-list.yaml': {field: 'roles[0].permissionNames', line: 9},
  'role-unknown-key.yaml': {field: 'roles[0].tenant', line: 10},
  'role-unknown-tenant.yaml': {field: 'roles[0].tenantId', line: 10},
  'scalar-tenants.json': {field: 'tenants[1].disabled', line: 6},
  'self-parent.yaml': {field: 'tenants[0].parent', line: 8},
  'string-for-list.yaml': {field: 'tenants[0].selfProvisioningDomains', line: 8},
  'syntax-error.yaml': {line: 8},
  'tabs.yaml': {line: 3},
  'theme-file-invalid.yaml': {field: 'theme.file', line: 6},
  'undefined-variable-in-selected-environment.yaml': {environment: 'staging', field: 'environments.staging.projectId', line: 6},
  'undefined-variable.yaml': {field: 'tenants[0].customAttributes.plan', line: 9},
  'unknown-environment-key.yaml': {field: 'environments.staging.projectID', line: 4},
  'unknown-key-typo.yaml': {field: 'tenants[0].selfProvisioningDomain', line: 8},
  'unknown-parent.yaml': {field: 'tenants[1].parent', line: 10},
  'unknown-permission-in-role.yaml': {field: 'roles[0].permissionNames[1]', line: 12},
  'unknown-top-level-key.yaml': {field: 'tenant', line: 5},
  'unterminated-variable.yaml': {field: 'tenants[0].name', line: 7},
  'utf16.yaml': {line: 1},
  'wrong-type-enforce-sso.yaml': {field: 'tenants[0].enforceSSO', line: 8},
}

/** The configurations that also run as separate processes: one of each family of problem. */
const configSubset = [
  'syntax-error.yaml', 'alias-bomb.yaml', 'binary.yaml', 'bom.yaml', 'crlf-duplicate.yaml', 'empty.yaml', 'parent-cycle.yaml', 'flow-file-invalid.yaml',
]

/** Where each bad flow file's problem is (`line:column` or `line`), and the field when there is one. */
const flowExpectations: Record<string, {at: string; field?: string; message: string}> = {
  'binary.json': {at: '1', message: 'looks like a binary file'},
  'bom-screens-not-a-list.json': {at: '15:14', field: 'screens', message: 'must be a list, not an object'},
  'duplicate-screen-id.json': {at: '22:19', field: 'screens[1].screenId', message: 'duplicate screen id "welcome"'},
  'empty.json': {at: '1', message: 'the file is empty'},
  'flow-id-invalid.json': {at: '2:13', field: 'flowId', message: 'flow id "sign in" is not valid'},
  'flow-id-not-text.json': {at: '2:13', field: 'flowId', message: 'must be text, not the number 42'},
  'invalid-utf8.json': {at: '5', message: 'not valid UTF-8'},
  'line-break-in-text.json': {at: '5:30', message: 'a line break inside text'},
  'metadata-wrong-type.json': {at: '7:17', field: 'metadata.disabled', message: 'must be true or false, not the text "yes"'},
  'missing-comma.json': {at: '4:22', message: 'expected "," or "}" after the value of "name"'},
  'not-an-object.json': {at: '1:1', message: 'not a Descope flow in a known format'},
  'references-not-an-object.json': {at: '26:17', field: 'references', message: 'must be an object, not a list'},
  'screen-missing-id.json': {at: '21:5', field: 'screens[1].screenId', message: 'missing required field "screenId"'},
  'task-not-an-object.json': {at: '12:12', field: 'contents.tasks["2"]', message: 'must be an object, not the text "welcome"'},
  'trailing-comma.json': {at: '25:3', message: 'a comma before "]" is not allowed'},
  'truncated.json': {at: '17:7', message: 'may have been cut short'},
  'unknown-format.json': {at: '1:1', message: 'not a Descope flow in a known format'},
  'utf16.json': {at: '1', message: 'encoded as UTF-16'},
  'v1-missing-dsl.json': {at: '2:11', field: 'flow.dsl', message: 'missing required field "dsl"'},
}

/** What each bad plan's message says, besides naming the file; `reads` when the refusal needs the live state. */
const planExpectations: Record<string, {message: string; reads?: boolean}> = {
  'binary.json': {message: 'looks like a binary file'},
  'changes-not-a-list.json': {message: 'changes: not a plan: "changes" is missing or not a list'},
  'duplicate-change.json': {message: 'changes[1].id: repeats the change tenant:acme of changes[0]'},
  'empty.json': {message: 'the file is empty'},
  'format-version-2.json': {message: 'unknown plan format version 2'},
  'id-mismatch.json': {message: 'changes[0].id: "tenant:globex" does not match the kind and key of the change ("tenant:acme")'},
  'missing-desired.json': {message: 'changes[0].desired: a create needs the "desired" object'},
  'not-a-plan.json': {message: '"formatVersion" is missing'},
  'stale.json': {message: 'The live project changed since', reads: true},
  'truncated.json': {message: 'may have been cut short'},
  'unknown-kind.json': {message: 'changes[0].kind: "widget" is not a resource kind the plan covers'},
  'unknown-resource.json': {message: 'resources[1]: "widgets" is not a resource kind'},
  'wrong-project.json': {message: `was made for project ${OTHER.id}, not ${PROJECT.id}`, reads: true},
}

const escape = (text: string) => text.replaceAll(/[$()*+.?[\\\]^{|}]/g, String.raw`\$&`)

/** Runs `task` over `items`, at most `size` at a time, keeping the order of the results. */
async function inParallel<T, R>(items: T[], size: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = []
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const index = next++
      results[index] = await task(items[index])
    }
  }

  await Promise.all(Array.from({length: Math.min(size, items.length)}, () => worker()))
  return results
}

/** The problems of one refusal: exit code, expected text, no stack trace. Empty when all is well. */
function refusalProblems(label: string, result: {code: null | number | undefined; stderr: string; stdout: string}, expected: Array<RegExp | string>): string[] {
  const problems: string[] = []
  const output = `${result.stderr}${result.stdout}`
  if (result.code !== 3) problems.push(`${label}: exit code ${result.code}, expected 3\n${output}`)
  for (const text of expected) {
    const found = typeof text === 'string' ? result.stderr.includes(text) : text.test(result.stderr)
    if (!found) problems.push(`${label}: stderr does not contain ${String(text)}:\n${result.stderr}`)
  }

  if (STACK_FRAME.test(output)) problems.push(`${label}: the output holds a stack trace:\n${output}`)
  if (output.includes('Unexpected error')) problems.push(`${label}: reported as an unexpected error:\n${output}`)
  return problems
}

/** The regular expression of `file:line[:column]: field:` (or `file:line[:column]: ` / `file: `) in a message. */
function locationPattern(file: string, line?: number, field?: string): RegExp {
  const where = line === undefined ? escape(file) : `${escape(file)}:${line}(:\\d+)?`
  return new RegExp(`${where}: ${field ? `${escape(field)}: ` : ''}`)
}

/** A YAML configuration of `bytes` bytes: valid up to its size, so only the size limit can refuse it. */
function hugeConfig(bytes: number): string {
  const head = 'version: 1\nenvironments:\n  local:\n    emulator: true\ntenants:\n'
  const line = (index: number) => `  - {id: tenant-${String(index).padStart(7, '0')}, name: Tenant ${index}}\n`
  const lineBytes = line(0).length
  const count = Math.ceil((bytes - head.length) / lineBytes)
  const text = head + Array.from({length: count}, (_, index) => line(index)).join('')
  return text.slice(0, bytes - 1) + '\n'
}

/** Copies a folder and everything in it, leaving out the entries `skip` names. */
async function copyFolder(from: string, to: string, skip: (name: string) => boolean = () => false): Promise<void> {
  await mkdir(to, {recursive: true})
  for (const entry of await readdir(from, {withFileTypes: true})) {
    if (skip(entry.name)) continue
    const source = path.join(from, entry.name)
    const target = path.join(to, entry.name)
    await (entry.isDirectory() ? copyFolder(source, target, skip) : copyFile(source, target))
  }
}

/** POSTs JSON to the emulator's API; the status code. */
function post(url: string, body: unknown, authorization: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const sent = request(url, {headers: {authorization, 'content-type': 'application/json'}, method: 'POST'}, response => {
      response.resume()
      response.on('end', () => resolve(response.statusCode ?? 0))
    })
    sent.on('error', reject)
    sent.end(JSON.stringify(body))
  })
}

interface Outcome {
  code: null | number | undefined
  stderr: string
  stdout: string
}

interface BackupCase {
  name: string
  /** The file the refusal must name, and what it must say about it. */
  file: string
  message: string
  /** The project folder the damaged copy is put in (default: the backup's own). */
  projectId?: string
  damage(folder: string): Promise<void>
}

const editJson = async (file: string, edit: (value: Record<string, unknown>) => unknown) => {
  const value = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>
  await writeFile(file, `${JSON.stringify(edit(value) ?? value, null, 2)}\n`)
}

/** Rewrites a file of a backup and records its new checksum in metadata.json, as a careful tamperer would. */
async function rewriteWithChecksum(folder: string, file: string, content: string): Promise<void> {
  await writeFile(path.join(folder, file), content)
  await editJson(path.join(folder, 'metadata.json'), metadata => {
    const entry = (metadata.files as Record<string, {sha256: string; size: number}>)[file]
    entry.sha256 = createHash('sha256').update(content).digest('hex')
    entry.size = Buffer.byteLength(content)
  })
}

/** Every way a backup is damaged here, each applied to its own copy of a real backup. */
function backupCases(flowFile: string, tenants: number): BackupCase[] {
  const cut = async (file: string, length: (text: string) => number) => {
    const text = await readFile(file, 'utf8')
    await writeFile(file, text.slice(0, length(text)))
  }

  return [
    {
      damage: folder => rm(path.join(folder, 'tenants.json')), file: 'tenants.json', message: 'missing (listed in metadata.json)', name: 'missing-file',
    },
    {
      async damage(folder) {
        const file = path.join(folder, 'tenants.json')
        const text = await readFile(file, 'utf8')
        expect(text).to.contain('"Acme EU"')
        await writeFile(file, text.replace('"Acme EU"', '"Acme Europe"'))
      },
      file: 'tenants.json',
      message: 'checksum mismatch',
      name: 'checksum-mismatch',
    },
    {
      damage: folder => editJson(path.join(folder, 'metadata.json'), metadata => ({...metadata, formatVersion: 2})),
      file: 'metadata.json',
      message: 'unknown format version 2',
      name: 'format-version',
    },
    {
      damage: folder => cut(path.join(folder, 'tenants.json'), text => Math.floor(text.length / 2)), file: 'tenants.json', message: 'not valid JSON at line', name: 'truncated-json',
    },
    {
      damage: folder => rm(path.join(folder, 'metadata.json')), file: 'metadata.json', message: 'missing', name: 'metadata-missing',
    },
    {
      damage: folder => cut(path.join(folder, 'metadata.json'), () => 100), file: 'metadata.json', message: 'may have been cut short', name: 'metadata-truncated',
    },
    {
      damage: folder => writeFile(path.join(folder, 'roles.json'), Buffer.from(Array.from({length: 512}, (_, index) => (index * 37) % 256))),
      file: 'roles.json',
      message: 'looks like a binary file',
      name: 'binary-garbage',
    },
    {
      async damage() {},
      file: 'metadata.json',
      message: `records project ${PROJECT.id}, but the backup is in the folder of project ${OTHER.id}`,
      name: 'other-project',
      projectId: OTHER.id,
    },
    {
      damage: folder => editJson(path.join(folder, 'metadata.json'), metadata => {
        const counts = metadata.counts as Record<string, number>
        counts.tenants += 1
      }),
      file: 'tenants.json',
      message: `holds ${tenants} tenants, metadata.json records ${tenants + 1}`,
      name: 'count-mismatch',
    },
    {
      damage: folder => editJson(path.join(folder, 'metadata.json'), metadata => {
        (metadata.files as Record<string, unknown>)['../../escape.json'] = {kind: 'tenants', sha256: '0'.repeat(64), size: 2}
      }),
      file: '../../escape.json',
      message: 'outside the backup folder',
      name: 'path-outside',
    },
    {
      async damage(folder) {
        const file = `flows/${flowFile}`
        const content = JSON.parse(await readFile(path.join(folder, file), 'utf8')) as Record<string, unknown>
        delete content.contents
        await rewriteWithChecksum(folder, file, `${JSON.stringify(content, null, 2)}\n`)
      },
      file: `flows/${flowFile}`,
      message: 'not an exported flow',
      name: 'flow-tampered',
    },
    {
      async damage(folder) {
        const tenants = JSON.parse(await readFile(path.join(folder, 'tenants.json'), 'utf8')) as Array<Record<string, unknown>>
        delete tenants[0].key
        await rewriteWithChecksum(folder, 'tenants.json', `${JSON.stringify(tenants, null, 2)}\n`)
      },
      file: 'tenants.json',
      message: 'element 0 has no "key"',
      name: 'items-tampered',
    },
    {
      damage: folder => writeFile(path.join(folder, 'metadata.json'), '[]\n'), file: 'metadata.json', message: 'not a backup metadata object', name: 'metadata-not-an-object',
    },
  ]
}

describe('bad input: refused with exit code 3, naming the file, line and field, before any request', function () {
  this.timeout(180_000)
  let emulator: Emulator
  let home: TempHome
  let work: string
  let env: Record<string, string>
  const saved = {...process.env}
  let httpRequests = 0
  const probe = () => {
    httpRequests++
  }

  const checked = {
    backups: 0, configs: 0, flows: 0, plans: 0, processes: 0,
  }

  /** Runs a command in this process (through @oclif/test), with fresh rate limiters and breakers. */
  async function inProcess(args: string[]): Promise<Outcome> {
    resetCircuitBreakers()
    resetRateLimiters()
    const {error, stderr, stdout} = await runCommand(args)
    return {code: error ? (error.oclif?.exit ?? 1) : 0, stderr, stdout}
  }

  /** Runs the built CLI as a separate process, against the emulator. */
  function subprocess(args: string[], cwd = home.dir, extraEnv: Record<string, string> = {}): Promise<CliResult> {
    checked.processes++
    return runCli(args, {cwd, env: {...env, ...extraEnv}, timeoutMs: 60_000})
  }

  /** Runs `body`, then expects that no HTTP request left this process and none reached the emulator. */
  async function withoutRequests<T>(label: string, body: () => Promise<T>): Promise<T> {
    await emulator.admin.resetStats()
    const before = httpRequests
    const result = await body()
    expect(httpRequests - before, `${label}: HTTP requests made by the commands in this process`).to.equal(0)
    expect((await emulator.stats()).totals.requests, `${label}: requests the emulator received`).to.equal(0)
    return result
  }

  const expectNoProblems = (problems: string[]) => expect(problems, problems.join('\n\n')).to.deep.equal([])

  before(async () => {
    const flow = JSON.parse(await readFile(path.join(fixtures, 'flows', 'sign-up-or-in.v2.json'), 'utf8')) as Record<string, unknown>
    emulator = await startEmulator({
      newProjects: 'empty', rateLimit: 'off',
      port: 0,
      projects: [
        {
          ...PROJECT,
          flows: [flow],
          permissions: [{description: 'Read users', name: 'users.read'}],
          roles: [{description: 'Reads users', name: 'Reader', permissionNames: ['users.read']}],
          tenants: [
            {id: 'acme', name: 'Acme', selfProvisioningDomains: ['acme.com']},
            {id: 'acme-eu', name: 'Acme EU', parent: 'acme'},
            {id: 'beta', name: 'Beta'},
          ],
        },
        OTHER,
      ],
    })
    home = await makeTempHome()
    env = {
      ...home.env, DESCOPE_BASE_URL: emulator.url, DESCOPE_MANAGEMENT_KEY: PROJECT.managementKey, DESCOPE_MGMT_NO_CACHE: '1', DESCOPE_PROJECT_ID: PROJECT.id,
    }
    Object.assign(process.env, env)
    for (const name of ['DESCOPE_MGMT_ENVIRONMENT', 'DESCOPE_MGMT_TEST_PLAN', 'DESCOPE_MGMT_TEST_STAGING_PROJECT_ID']) delete process.env[name]
    subscribe('http.client.request.start', probe)

    // The fixtures are copied, so that nothing a command might write lands in the repository.
    work = path.join(home.dir, 'work')
    for (const folder of ['bad-configs', 'bad-flows', 'bad-plans', 'flows']) {
      await copyFolder(path.join(fixtures, folder), path.join(work, folder), name => name === '.descope-emulator')
    }

    // The oversized inputs are made here, never committed: valid content, so only the size limit refuses them.
    await mkdir(path.join(work, 'generated'))
    await writeFile(path.join(work, 'generated', 'huge-50mb.yaml'), hugeConfig(50 * 1024 * 1024))
    const hugeFlow = flow as {metadata: Record<string, unknown>}
    await writeFile(path.join(work, 'generated', 'huge-flow.json'), JSON.stringify({...hugeFlow, metadata: {...hugeFlow.metadata, description: 'x'.repeat(MAX_FLOW_FILE_BYTES)}}))
  })

  after(async () => {
    unsubscribe('http.client.request.start', probe)
    for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name]
    Object.assign(process.env, saved)
    const inputs = `${checked.configs} configuration files, ${checked.flows} flow files, ${checked.plans} saved plans, ${checked.backups} damaged backups (verify and restore each)`
    console.log(`      bad input checked: ${inputs}; ${checked.processes} runs as a separate process`)
    await emulator?.stop()
    await home?.cleanup()
  })

  it('control: the request probe sees an in-process command reach the emulator', async () => {
    await emulator.admin.resetStats()
    const before = httpRequests
    const result = await inProcess(['tenant', 'list', '--json'])
    expect(result.code, result.stderr).to.equal(0)
    expect(JSON.parse(result.stdout)).to.have.length(3)
    expect(httpRequests).to.be.greaterThan(before)
    expect((await emulator.stats()).totals.requests).to.be.greaterThan(0)
  })

  describe('configuration files (`plan -c FILE`)', () => {
    it('every file of bad-configs and a generated 50 MB file, in-process: exit 3, file:line and field, no request', async () => {
      const dir = path.join(work, 'bad-configs')
      const files = (await readdir(dir)).filter(file => /\.(ya?ml|json)$/.test(file)).sort()
      expect(files.length, 'the corpus').to.be.at.least(40)
      expect(files, 'every fixture has its expectation, and every expectation its fixture').to.deep.equal(Object.keys(configExpectations).sort())
      const huge = path.join(work, 'generated', 'huge-50mb.yaml')
      expect((await stat(huge)).size).to.equal(50 * 1024 * 1024).and.be.greaterThan(MAX_CONFIG_BYTES)

      const problems = await withoutRequests('configurations', async () => {
        const found: string[] = []
        for (const file of files) {
          const {environment, field, line} = configExpectations[file]
          const absolute = path.join(dir, file)
          const result = await inProcess(['plan', '-c', absolute, ...(environment ? ['-e', environment] : [])])
          found.push(...refusalProblems(file, result, [locationPattern(absolute, line, field)]))
          if (result.stderr.includes('\r')) found.push(`${file}: a carriage return of the file leaked into the message`)
        }

        const result = await inProcess(['plan', '-c', huge])
        found.push(...refusalProblems('huge-50mb.yaml', result, [locationPattern(huge), `the file is too large (${50 * 1024 * 1024} bytes; the limit is 10 MB)`]))
        return found
      })
      checked.configs = files.length + 1
      expectNoProblems(problems)
      expect(await readdir(dir), 'no embedded emulator started beside the configurations').to.not.include('.descope-emulator')
    })

    it('a representative subset and the 50 MB file, as separate processes of the built CLI', async () => {
      const dir = path.join(work, 'bad-configs')
      // Outside the working folder, the file is shown by its absolute path.
      const cases = [...configSubset, path.join(work, 'generated', 'huge-50mb.yaml')]
      const results = await withoutRequests('configurations', () => inParallel(cases, PARALLEL, file => subprocess(['plan', '-c', file], dir)))
      expectNoProblems(results.flatMap((result, index) => {
        const file = cases[index]
        const expected = configExpectations[file]
        return refusalProblems(file, result, expected ? [locationPattern(file, expected.line, expected.field)] : [locationPattern(file), 'the file is too large'])
      }))
      expect(await readdir(dir), 'no embedded emulator started beside the configurations').to.not.include('.descope-emulator')
    })
  })

  describe('flow files (`flow import FILE --apply --yes`)', () => {
    const expected = (file: string, shown: string): Array<RegExp | string> => {
      if (file === 'huge-flow.json') return [`${shown}: the file is too large`]
      const {at, field, message} = flowExpectations[file]
      return [`Error: ${shown}:${at}: ${field ? `${field}: ` : ''}`, message]
    }

    it('every file of bad-flows and a generated file over the size limit, in-process: exit 3, file:line and field, no request', async () => {
      const dir = path.join(work, 'bad-flows')
      const files = (await readdir(dir)).sort()
      expect(files.length, 'the corpus').to.be.at.least(10)
      expect(files, 'every fixture has its expectation, and every expectation its fixture').to.deep.equal(Object.keys(flowExpectations).sort())
      const cases = [...files.map(file => path.join(dir, file)), path.join(work, 'generated', 'huge-flow.json')]
      const problems = await withoutRequests('flow files', async () => {
        const found: string[] = []
        for (const file of cases) {
          const result = await inProcess(['flow', 'import', file, '--apply', '--yes'])
          found.push(...refusalProblems(path.basename(file), result, expected(path.basename(file), file)))
        }

        return found
      })
      checked.flows = cases.length
      expectNoProblems(problems)
    })

    it('every file again, as separate processes of the built CLI', async () => {
      const dir = path.join(work, 'bad-flows')
      const cases = [...Object.keys(flowExpectations), '../generated/huge-flow.json']
      const results = await withoutRequests('flow files', () => inParallel(cases, PARALLEL, file => subprocess(['flow', 'import', file, '--apply', '--yes'], dir)))
      expectNoProblems(results.flatMap((result, index) => refusalProblems(cases[index], result, expected(path.basename(cases[index]), cases[index]))))
    })

    it('control: real exports (v2 and v1) pass the same checks', async () => {
      for (const file of ['sign-up-or-in.v2.json', 'sign-up-or-in.v1.json']) {
        const result = await inProcess(['flow', 'import', path.join(work, 'flows', file)])
        expect(result.code, `${file}: ${result.stderr}`).to.equal(0)
      }
    })
  })

  describe('saved plans (`apply PLAN --yes`)', () => {
    const dir = () => path.join(work, 'bad-plans')
    const check = (file: string, shown: string, result: Outcome) => refusalProblems(file, result, [shown, planExpectations[file].message])

    it('every file of bad-plans, in-process: exit 3 naming the file; a plan refused for its content sends nothing, one refused for the live state only reads', async () => {
      const files = (await readdir(dir())).sort()
      expect(files.length, 'the corpus').to.be.at.least(8)
      expect(files, 'every fixture has its expectation, and every expectation its fixture').to.deep.equal(Object.keys(planExpectations).sort())
      const offline = files.filter(file => !planExpectations[file].reads)
      const problems = await withoutRequests('plans refused for their content', async () => {
        const found: string[] = []
        for (const file of offline) found.push(...check(file, path.join(dir(), file), await inProcess(['apply', path.join(dir(), file), '--yes'])))
        return found
      })

      await emulator.admin.resetStats()
      for (const file of files.filter(name => planExpectations[name].reads)) {
        problems.push(...check(file, path.join(dir(), file), await inProcess(['apply', path.join(dir(), file), '--yes'])))
      }

      checked.plans = files.length
      expectNoProblems(problems)
      const stats = await emulator.stats()
      expect(stats.totals.requests, 'the live state was read').to.be.greaterThan(0)
      expect(stats.totals.mutations, 'writes').to.equal(0)
      expect(Object.keys(stats.routes).filter(route => !route.startsWith('GET ')), 'routes other than reads').to.deep.equal([])
    })

    it('every file again, as separate processes of the built CLI', async () => {
      const files = Object.keys(planExpectations)
      const offline = files.filter(file => !planExpectations[file].reads)
      const offlineResults = await withoutRequests('plans refused for their content', () => inParallel(offline, PARALLEL, file => subprocess(['apply', file, '--yes'], dir())))
      await emulator.admin.resetStats()
      const online = files.filter(file => planExpectations[file].reads)
      const onlineResults = await inParallel(online, PARALLEL, file => subprocess(['apply', file, '--yes'], dir()))
      expectNoProblems([
        ...offlineResults.flatMap((result, index) => check(offline[index], offline[index], result)),
        ...onlineResults.flatMap((result, index) => check(online[index], online[index], result)),
      ])
      expect((await emulator.stats()).totals.mutations, 'writes').to.equal(0)
    })

    it('a real plan made stale by a change to the live project is refused, and nothing is written', async () => {
      const folder = path.join(work, 'generated', 'stale')
      await mkdir(folder)
      const config = path.join(folder, 'descope.yaml')
      const lines = [
        'version: 1',
        'environments:',
        '  test:',
        `    projectId: ${PROJECT.id}`,
        // eslint-disable-next-line no-template-curly-in-string -- a variable of the configuration
        '    managementKey: ${KEY}',
        `    baseUrl: ${emulator.url}`,
        'tenants:',
        '  - id: globex',
        '    name: Globex',
      ]
      await writeFile(config, `${lines.join('\n')}\n`)
      const withConfig = (...args: string[]) => subprocess([...args, '-c', config, '-e', 'test'], folder, {KEY: PROJECT.managementKey})
      const made = await withConfig('plan', '--out', 'plan.json')
      expect(made.code, made.stderr).to.equal(2)
      expect(await post(`${emulator.url}/v1/mgmt/tenant/create`, {id: 'initech', name: 'Initech'}, `Bearer ${PROJECT.id}:${PROJECT.managementKey}`)).to.equal(200)

      await emulator.admin.resetStats()
      const result = await withConfig('apply', 'plan.json', '--yes')
      checked.plans++
      expectNoProblems(refusalProblems('stale plan.json', result, ['The live project changed since plan.json was made', 'Nothing was changed']))
      expect((await emulator.stats()).totals.mutations, 'writes').to.equal(0)
    })
  })

  describe('damaged backups (`backup verify ID`, `backup restore ID --apply --yes`)', () => {
    let backupRoot: string
    let original: string
    let cases: BackupCase[]
    let ids: string[]

    before(async () => {
      const created = await subprocess(['backup', 'create', '--json'])
      expect(created.code, created.stderr).to.equal(0)
      original = (JSON.parse(created.stdout) as {path: string}).path
      backupRoot = path.join(home.env.XDG_DATA_HOME, 'descope-mgmt', 'backups')
      expect(path.dirname(path.dirname(original))).to.equal(backupRoot)
      const {counts} = JSON.parse(await readFile(path.join(original, 'metadata.json'), 'utf8')) as {counts: Record<string, number>}
      cases = backupCases((await readdir(path.join(original, 'flows')))[0], counts.tenants)
      // Each damage gets its own copy, under an id of its own (in another project's folder for one).
      ids = await Promise.all(cases.map(async (testCase, index) => {
        const projectId = testCase.projectId ?? PROJECT.id
        const id = `20240101T0000${String(index).padStart(2, '0')}Z-${testCase.name}`
        const folder = path.join(backupRoot, projectId, id)
        await copyFolder(original, folder)
        await testCase.damage(folder)
        return projectId === PROJECT.id ? id : `${projectId}/${id}`
      }))
    })

    const check = (testCase: BackupCase, id: string, command: string, result: Outcome) =>
      refusalProblems(`${testCase.name} (${command})`, result, [`Backup ${path.basename(id)} is damaged`, `${testCase.file}: `, testCase.message])

    it('control: the backup they are copied from is intact', async () => {
      const result = await inProcess(['backup', 'verify', path.basename(original)])
      expect(result.code, result.stderr).to.equal(0)
    })

    it('every damage, in-process: refused by verify and by restore, naming the file, with no request', async () => {
      expect(cases.length, 'the corpus').to.be.at.least(8)
      const problems = await withoutRequests('damaged backups', async () => {
        const found: string[] = []
        for (const [index, testCase] of cases.entries()) {
          const verify = await inProcess(['backup', 'verify', ids[index]])
          const restore = await inProcess(['backup', 'restore', ids[index], '--apply', '--yes'])
          found.push(...check(testCase, ids[index], 'verify', verify), ...check(testCase, ids[index], 'restore', restore))
        }

        return found
      })
      checked.backups = cases.length
      expectNoProblems(problems)
    })

    it('every damage again as separate processes: verify each, and restore one of each family', async () => {
      const restored = new Set(['checksum-mismatch', 'flow-tampered', 'metadata-missing', 'other-project', 'truncated-json'])
      const runs = cases.flatMap((testCase, index) => [
        {command: 'verify', flags: [] as string[], index},
        ...(restored.has(testCase.name) ? [{command: 'restore', flags: ['--apply', '--yes'], index}] : []),
      ])
      const results = await withoutRequests('damaged backups', () => inParallel(runs, PARALLEL, run => subprocess(['backup', run.command, ids[run.index], ...run.flags])))
      expectNoProblems(results.flatMap((result, index) => check(cases[runs[index].index], ids[runs[index].index], runs[index].command, result)))
    })
  })
})
