/* eslint-disable no-template-curly-in-string -- the workflow's own ${VAR} and ${{ expr }} syntax */
import {convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow} from '@actions/workflow-parser'
import {expect} from 'chai'
import {spawn} from 'node:child_process'
import * as fs from 'node:fs'
import {
  chmod, mkdir, readFile, stat, writeFile,
} from 'node:fs/promises'
import {createRequire} from 'node:module'
import path from 'node:path'
import {parse as parseYaml} from 'yaml'

import {startEmulator} from '../../plugins/plugin-emulator/src/index.js'
import {
  builtCli, makeTempHome, repoRoot, runCli,
} from '../helpers/cli.js'

const workflowFile = path.join(repoRoot, 'examples', 'ci', 'github-actions.yml')

interface Step {
  env?: Record<string, string>
  id?: string
  if?: string
  name?: string
  run?: string
  uses?: string
  with?: Record<string, string>
}

interface Job {
  concurrency?: {group: string; 'cancel-in-progress': boolean}
  env?: Record<string, string>
  environment?: string
  if?: string
  permissions?: Record<string, string>
  steps: Step[]
  strategy?: {matrix: {environment: string[]}}
}

interface Workflow {
  env: Record<string, string>
  jobs: Record<string, Job>
  on: Record<string, unknown>
  permissions: Record<string, string>
}

async function parseWithGitHub(name: string, content: string) {
  const result = parseWorkflow({content, name}, new NoOperationTraceWriter())
  // Converting checks more (expressions, job references) and adds to the same error list.
  const template = result.value ? await convertWorkflowTemplate(result.context, result.value) : undefined
  return {errors: result.context.errors.getErrors().map(error => error.message), template}
}

describe('examples/ci/github-actions.yml', function () {
  this.timeout(180_000)
  let content: string
  let workflow: Workflow

  before(async () => {
    content = await readFile(workflowFile, 'utf8')
    workflow = parseYaml(content) as Workflow
  })

  describe('is a valid GitHub Actions workflow', () => {
    it('parses with GitHub\'s own workflow parser without errors, with the three triggers and three jobs', async () => {
      const {errors, template} = await parseWithGitHub('github-actions.yml', content)
      expect(errors).to.deep.equal([])
      if (!template) throw new Error('the parser returned no workflow')
      expect(Object.keys(template.events).sort()).to.deep.equal(['pull_request', 'push', 'schedule'])
      expect(template.events.push?.branches).to.deep.equal(['main'])
      expect(template.events.schedule).to.have.length(1)
      expect(template.jobs.map(job => job.id.value)).to.deep.equal(['plan', 'apply', 'drift'])
    })

    it('is checked for real: the parser reports a broken copy', async () => {
      const broken = content.replace('runs-on: ubuntu-latest', 'runs_on: ubuntu-latest').replace('cancel-in-progress: true', 'cancel-in-progress: sometimes')
      const {errors} = await parseWithGitHub('broken.yml', broken)
      expect(errors.join('\n')).to.contain('runs_on').and.contain('sometimes').and.contain('Required property is missing: runs-on')
    })

    it('runs each job on its event, with minimal permissions and one concurrency group per environment', () => {
      const {apply, drift, plan} = workflow.jobs
      expect(workflow.permissions).to.deep.equal({})
      expect(plan.if).to.match(/^github\.event_name == 'pull_request'/)
      expect(apply.if).to.equal('github.event_name == \'push\'')
      expect(drift.if).to.equal('github.event_name == \'schedule\'')
      expect(plan.permissions).to.deep.equal({contents: 'read', 'pull-requests': 'write'})
      expect(apply.permissions).to.deep.equal({contents: 'read'})
      expect(drift.permissions).to.deep.equal({contents: 'read', issues: 'write'})
      expect(apply.environment).to.equal('${{ matrix.environment }}')
      expect(apply.concurrency).to.deep.equal({'cancel-in-progress': false, group: 'descope-${{ matrix.environment }}'})
      expect(drift.concurrency).to.deep.equal(apply.concurrency)
      expect(plan.concurrency?.group).to.contain('${{ matrix.environment }}')
      for (const job of [apply, drift, plan]) {
        expect(job.steps.find(step => step.uses?.startsWith('actions/setup-node@'))?.with?.['node-version']).to.be.oneOf([20, 22, '20', '22'])
        expect(job.steps.map(step => step.run)).to.include('npm install -g "descope-mgmt@${DESCOPE_MGMT_VERSION}"')
        // The key reaches only the steps that run the tool, from a secret, never inline in a script.
        const keyed = job.steps.filter(step => step.env?.DESCOPE_MANAGEMENT_KEY)
        expect(keyed.map(step => step.env!.DESCOPE_MANAGEMENT_KEY)).to.deep.equal(['${{ secrets.DESCOPE_MANAGEMENT_KEY }}'])
        expect(keyed[0].run).to.match(/^descope-mgmt |\n\s*descope-mgmt /)
        for (const step of job.steps) expect(step.run ?? '', 'no expression inside a script (injection)').to.not.contain('${{')
      }
    })
  })

  describe('runs its descope-mgmt commands against the emulator (built CLI)', () => {
    const project = {id: 'P2WorkflowProject00000000001', managementKey: 'K2WorkflowKey00000000000000000001'}
    let emulator: Awaited<ReturnType<typeof startEmulator>>
    let home: Awaited<ReturnType<typeof makeTempHome>>
    let workspace: string
    let shims: string
    const fake = fakeGitHub()

    before(async () => {
      emulator = await startEmulator({
        newProjects: 'empty', port: 0, projects: [project], rateLimit: 'off',
      })
      home = await makeTempHome()
      workspace = path.join(home.dir, 'repo')
      shims = path.join(home.dir, 'bin')
      await mkdir(workspace)
      await mkdir(shims)
      // `npm install -g descope-mgmt` stands for this: the built CLI under the same name.
      await writeFile(path.join(shims, 'descope-mgmt'), `#!/bin/sh\nexec "${process.execPath}" "${builtCli}" "$@"\n`)
      await chmod(path.join(shims, 'descope-mgmt'), 0o755)
      // The repository's configuration, as the workflow's header describes it: no key in it.
      await writeFile(path.join(workspace, 'descope.yaml'), [
        'version: 1',
        'environments:',
        '  production:',
        `    projectId: ${project.id}`,
        `    baseUrl: ${emulator.url}`,
        'tenants:',
        '  - id: acme',
        '    name: Acme',
        '    selfProvisioningDomains: [acme.example.com]',
        '  - id: globex',
        '    name: Globex',
        '',
      ].join('\n'))
    })

    after(async () => {
      await emulator?.stop()
      await home?.cleanup()
    })

    /** Runs a job's steps as the runner would; the install step is replaced by the shim. */
    const runJob = async (name: string) => {
      const job = workflow.jobs[name]
      const expressions: Record<string, string> = {
        'matrix.environment': job.strategy!.matrix.environment[0],
        'secrets.DESCOPE_MANAGEMENT_KEY': project.managementKey,
      }
      const outputs: Record<string, Record<string, string>> = {}
      const logs: string[] = []
      for (const step of job.steps) {
        if (step.if && !stepCondition(step.if, outputs)) continue
        if (step.uses?.startsWith('actions/checkout@') || step.uses?.startsWith('actions/setup-node@')) continue
        if (step.run?.startsWith('npm install -g descope-mgmt') || step.run?.startsWith('npm install -g "descope-mgmt@')) continue
        const env = {...expand(workflow.env, expressions), ...expand(job.env, expressions), ...expand(step.env, expressions)}
        if (step.run) {
          const outputFile = path.join(home.dir, `output-${name}-${step.id ?? 'step'}`)
          await writeFile(outputFile, '')
          const result = await runShell(step.run, {
            cwd: workspace, env: {
              ...home.env, ...env, GITHUB_OUTPUT: outputFile, PATH: `${shims}${path.delimiter}${process.env.PATH}`,
            },
          })
          logs.push(result.stdout, result.stderr)
          expect(result.code, `step "${step.name}" of ${name}:\n${result.stdout}\n${result.stderr}`).to.equal(0)
          if (step.id) outputs[step.id] = parseOutputs(await readFile(outputFile, 'utf8'))
        } else if (step.uses?.startsWith('actions/github-script@')) {
          await runGitHubScript(step.with!.script, {env, github: fake.github, workspace})
        } else {
          throw new Error(`step "${step.name ?? step.uses}" of ${name}: the test does not know how to run it`)
        }
      }

      return {log: logs.join('\n'), outputs}
    }

    it('pull request: plan writes the markdown (exit 2), and the comment is posted, then updated', async () => {
      const first = await runJob('plan')
      expect(first.outputs.plan['exit-code']).to.equal('2')
      const file = path.join(workspace, 'plan.md')
      const markdown = await readFile(file, 'utf8')
      // eslint-disable-next-line no-bitwise -- the permission bits of a mode
      expect((await stat(file)).mode & 0o777).to.equal(0o600)
      expect(markdown.split('\n', 1)[0]).to.equal('<!-- descope-mgmt plan: production -->')
      expect(markdown).to.contain('**2 changes pending:** 2 to create').and.contain('| Tenants | 2 | 0 | 0 | 0 |')
      expect(first.log).to.contain('+ tenant acme')
      expect(markdown + first.log).to.not.contain(project.managementKey)
      expect(fake.comments).to.have.length(1)
      expect(fake.comments[0]).to.include({body: markdown, issue_number: 7})

      // A second push: the same comment is updated, not a new one added.
      await runJob('plan')
      expect(fake.comments).to.have.length(1)
      expect(fake.comments[0].updates).to.equal(1)
    })

    it('push to main: apply exits 0, and the nightly drift check finds nothing', async () => {
      const applied = await runJob('apply')
      expect(applied.log).to.not.contain(project.managementKey)
      const listed = await runCli(['tenant', 'list', '--json'], {
        cwd: workspace,
        env: {
          ...home.env, DESCOPE_BASE_URL: emulator.url, DESCOPE_MANAGEMENT_KEY: project.managementKey, DESCOPE_PROJECT_ID: project.id,
        },
      })
      expect(listed.code, listed.stderr).to.equal(0)
      expect(listed.stdout).to.contain('"acme"').and.contain('"globex"')

      const drift = await runJob('drift')
      expect(drift.outputs.drift['exit-code']).to.equal('0')
      expect(fake.issues).to.have.length(0)
    })

    it('schedule: a change made outside is drift (exit 2): an issue is opened, then commented on', async () => {
      const outside = await runCli(['tenant', 'update', 'globex', '--name', 'Globex Renamed'], {
        cwd: home.dir,
        env: {
          ...home.env, DESCOPE_BASE_URL: emulator.url, DESCOPE_MANAGEMENT_KEY: project.managementKey, DESCOPE_PROJECT_ID: project.id,
        },
      })
      expect(outside.code, outside.stderr).to.equal(0)

      const drift = await runJob('drift')
      expect(drift.outputs.drift['exit-code']).to.equal('2')
      expect(drift.log).to.contain('globex').and.not.contain(project.managementKey)
      expect(fake.issues).to.have.length(1)
      expect(fake.issues[0].title).to.equal('Descope drift in production')
      expect(fake.issues[0].body).to.contain('Drift found in `production`').and.contain('globex').and.contain('```text')
      expect(fake.issues[0].body).to.not.contain(project.managementKey)

      await runJob('drift')
      expect(fake.issues).to.have.length(1)
      expect(fake.comments.filter(comment => comment.issue_number === fake.issues[0].number)).to.have.length(1)
    })
  })
})

/** `${{ secrets.X }}` and the like, from a fixed table: an expression the test does not know fails it. */
function expand(values: Record<string, string> | undefined, expressions: Record<string, string>): Record<string, string> {
  const entries = Object.entries(values ?? {}).map(([name, value]) => [name, String(value).replaceAll(/\$\{\{\s*(.+?)\s*\}\}/g, (_, expression: string) => {
    if (!(expression in expressions)) throw new Error(`unknown expression in env.${name}: ${expression}`)
    return expressions[expression]
  })])
  return Object.fromEntries(entries)
}

/** The `if:` forms the example uses: `steps.ID.outputs.NAME == 'VALUE'`. */
function stepCondition(condition: string, outputs: Record<string, Record<string, string>>): boolean {
  const match = /^steps\.([\w-]+)\.outputs\.([\w-]+) == '([^']*)'$/.exec(condition.trim())
  if (!match) throw new Error(`unknown step condition: ${condition}`)
  return outputs[match[1]]?.[match[2]] === match[3]
}

function parseOutputs(text: string): Record<string, string> {
  return Object.fromEntries(text.split('\n').filter(line => line.includes('=')).map(line => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]))
}

/** A `run:` script under the runner's default shell for Linux: `bash --noprofile --norc -eo pipefail`. */
function runShell(script: string, options: {cwd: string; env: Record<string, string>}): Promise<{code: null | number; stderr: string; stdout: string}> {
  // Only what the workflow sets: none of the developer's own DESCOPE_* variables.
  const inherited = Object.entries(process.env).filter(([name]) => !name.startsWith('DESCOPE_'))
  const env = {...Object.fromEntries(inherited), CI: 'true', ...options.env}
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], {cwd: options.cwd, env, stdio: ['ignore', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString()
    })
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
    })
    child.on('error', reject)
    child.on('close', code => resolve({code, stderr, stdout}))
  })
}

interface FakeComment {
  body: string
  id: number
  issue_number: number
  updates: number
  user: {type: string}
}

interface FakeIssue {
  body: string
  number: number
  state: string
  title: string
}

/** The part of the GitHub REST client the example's scripts call, kept in memory. */
function fakeGitHub() {
  const comments: FakeComment[] = []
  const issues: FakeIssue[] = []
  const rest = {
    issues: {
      async create({body, title}: {body: string; title: string}) {
        issues.push({
          body, number: 100 + issues.length, state: 'open', title,
        })
      },
      async createComment({body, issue_number}: {body: string; issue_number: number}) {
        comments.push({
          body, id: 1000 + comments.length, issue_number, updates: 0, user: {type: 'Bot'},
        })
      },
      async listComments({issue_number}: {issue_number: number}) {
        return {data: comments.filter(comment => comment.issue_number === issue_number)}
      },
      async listForRepo({state}: {state: string}) {
        return {data: issues.filter(issue => issue.state === state)}
      },
      async updateComment({body, comment_id}: {body: string; comment_id: number}) {
        const comment = comments.find(candidate => candidate.id === comment_id)!
        comment.body = body
        comment.updates++
      },
    },
  }
  const paginate = async <P>(method: (parameters: P) => Promise<{data: unknown[]}>, parameters: P) => (await method(parameters)).data
  return {comments, github: {paginate, rest}, issues}
}

/**
 * An actions/github-script script, as the action runs it: an async function body given `require`,
 * `github` and `context`, in the workspace, with the step's environment in `process.env`.
 */
async function runGitHubScript(script: string, options: {env: Record<string, string>; github: unknown; workspace: string}): Promise<void> {
  const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (...parameters: string[]) => (...values: unknown[]) => Promise<unknown>
  const nodeRequire = createRequire(import.meta.url)
  const inWorkspace = {...fs, readFileSync: (file: string, encoding: NodeJS.BufferEncoding) => fs.readFileSync(path.resolve(options.workspace, file), encoding)}
  const scriptRequire = (id: string) => (id === 'node:fs' || id === 'fs' ? inWorkspace : nodeRequire(id))
  const context = {
    issue: {number: 7, owner: 'example', repo: 'descope-config'}, repo: {owner: 'example', repo: 'descope-config'}, runId: 42, serverUrl: 'https://github.com',
  }
  const run = new AsyncFunction('require', 'github', 'context', 'process', script)
  await run(scriptRequire, options.github, context, {...process, env: {...options.env}})
}
