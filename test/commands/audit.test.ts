import {runCommand} from '@oclif/test'
import {expect} from 'chai'
import {
  mkdtemp, readFile, rm, stat,
} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {AuditLog} from '../../src/lib/audit/log.js'
import {DescopeApiError} from '../../src/lib/errors.js'
import {repoRoot} from '../helpers/cli.js'

describe('audit list and audit export', () => {
  let home: string
  let dataDir: string
  const saved = {DESCOPE_MGMT_DATA_DIR: process.env.DESCOPE_MGMT_DATA_DIR, XDG_DATA_HOME: process.env.XDG_DATA_HOME}
  // oclif reads XDG_DATA_HOME when it loads its config, which runCommand does on every call.
  const run = (args: string[]) => runCommand(args, {root: repoRoot})

  before(async () => {
    home = await mkdtemp(path.join(tmpdir(), 'descope-mgmt-audit-cmd-'))
    process.env.XDG_DATA_HOME = path.join(home, 'data')
    delete process.env.DESCOPE_MGMT_DATA_DIR
    dataDir = path.join(home, 'data', 'descope-mgmt')
    let clock = Date.parse('2024-05-01T12:00:00.000Z')
    const log = AuditLog.forDataDir(dataDir, {
      environment: 'staging', now: () => new Date(clock), projectId: 'P2Test', toolVersion: '0.1.0', user: 'alice',
    })
    const at = async (minutes: number, entry: Parameters<AuditLog['record']>[0]) => {
      clock = Date.parse('2024-05-01T12:00:00.000Z') + (minutes * 60_000)
      await log.record(entry)
    }

    await at(0, {durationMs: 120, operation: 'create', resource: 'tenant:acme'})
    await at(5, {durationMs: 80, operation: 'update', resource: 'tenant:acme-eu'})
    await at(10, {
      durationMs: 40, error: new DescopeApiError('Tenant name "Globex, Inc" is taken', {
        errorCode: 'E062', method: 'POST', path: '/x', requestId: 'req-9', status: 409,
      }), operation: 'create', resource: 'tenant:globex',
    })
    await at(15, {durationMs: 55, operation: 'delete', resource: 'role:admin'})
  })

  after(async () => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name]
      else process.env[name] = value
    }

    await rm(home, {force: true, recursive: true})
  })

  it('lists the newest records first as a table', async () => {
    const {error, stdout} = await run(['audit', 'list'])
    expect(error).to.equal(undefined)
    const lines = stdout.trimEnd().split('\n')
    expect(lines[0]).to.match(/^TIME\s+USER\s+ENVIRONMENT\s+OPERATION\s+RESOURCE\s+RESULT\s+DURATION\s+ERROR$/)
    expect(lines.slice(1).map(line => line.split(/\s+/)[4])).to.deep.equal(['role:admin', 'tenant:globex', 'tenant:acme-eu', 'tenant:acme'])
    expect(lines[2]).to.contain('failed').and.contain('E062: Tenant name "Globex, Inc" is taken')
  })

  it('filters by resource, operation, failure and limit, and returns JSON', async () => {
    const {result, stdout} = await run(['audit', 'list', '--resource', 'tenant:acme*', '--operation', 'create,update', '--limit', '1', '--json'])
    const records = JSON.parse(stdout)
    expect(records).to.have.length(1)
    expect(records[0]).to.deep.include({
      operation: 'update', resource: 'tenant:acme-eu', result: 'ok', user: 'alice',
    })
    expect(result).to.deep.equal(records)
    const failed = JSON.parse((await run(['audit', 'list', '--failed', '--json'])).stdout)
    expect(failed.map((record: {resource: string}) => record.resource)).to.deep.equal(['tenant:globex'])
  })

  it('says so when nothing matches, and refuses a bad --since with exit 3', async () => {
    const {stdout} = await run(['audit', 'list', '--since', '2030-01-01'])
    expect(stdout).to.contain('No audit records found that match the filters in').and.contain(path.join(dataDir, 'audit.jsonl'))
    const bad = await run(['audit', 'list', '--since', 'yesterday'])
    expect(bad.error?.oclif?.exit).to.equal(3)
    expect(bad.stderr).to.contain('Invalid --since "yesterday"')
  })

  it('exports everything oldest first as JSON on standard output', async () => {
    const {stdout} = await run(['audit', 'export'])
    const records = JSON.parse(stdout)
    expect(records.map((record: {resource: string}) => record.resource)).to.deep.equal(['tenant:acme', 'tenant:acme-eu', 'tenant:globex', 'role:admin'])
  })

  it('exports CSV to a private file', async () => {
    // A folder that does not exist yet is created.
    const out = path.join(home, 'exports', 'audit.csv')
    const {stderr, stdout} = await run(['audit', 'export', '--format', 'csv', '--out', out, '--since', '2024-05-01T12:05:00Z'])
    expect(stdout).to.equal('')
    expect(stderr).to.contain(`Exported 3 audit records to ${out}.`)
    expect((await stat(out)).mode.toString(8).slice(-3)).to.equal('600')
    const lines = (await readFile(out, 'utf8')).trimEnd().split('\n')
    expect(lines[0]).to.equal('time,user,environment,projectId,operation,resource,result,errorCode,error,requestId,durationMs,toolVersion,runId')
    expect(lines[2]).to.equal('2024-05-01T12:10:00.000Z,alice,staging,P2Test,create,tenant:globex,failed,E062,"Tenant name ""Globex, Inc"" is taken",req-9,40,0.1.0,')
    expect(lines).to.have.length(4)
  })

  it('has help with a summary and examples', async () => {
    const {stdout} = await run(['audit', 'export', '--help'])
    expect(stdout).to.contain('Export the audit log as JSON or CSV.').and.contain('--format csv --out audit.csv')
  })
})
