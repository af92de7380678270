import {expect} from 'chai'
import {
  appendFile, mkdtemp, readFile, rm, stat,
} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {
  auditCsvColumns, auditFile, AuditLog, type AuditRecord, globToRegExp, parseSince, readAudit, resourceMatcher,
} from '../../../src/lib/audit/log.js'
import {DescopeApiError, InputError} from '../../../src/lib/errors.js'
import {redactText} from '../../../src/lib/redact.js'
import {formatCsv} from '../../../src/lib/ui/output.js'

const KEY = 'K2SeCrEtMgmtKey0123456789abcdefXYZ'

describe('audit', () => {
  describe('audit log', () => {
    let dir: string
    let clock: number
    let log: AuditLog

    beforeEach(async () => {
      dir = await mkdtemp(path.join(tmpdir(), 'descope-mgmt-audit-'))
      clock = Date.parse('2024-05-01T12:00:00.000Z')
      log = AuditLog.forDataDir(path.join(dir, 'data'), {
        environment: 'staging',
        now: () => new Date(clock),
        projectId: 'P2Test',
        redact: text => redactText(text, [KEY]),
        toolVersion: '0.1.0',
        user: 'alice',
      })
    })

    afterEach(async () => {
      await rm(dir, {force: true, recursive: true})
    })

    const write = async (minutesLater: number, entry: Parameters<AuditLog['record']>[0]) => {
      clock = Date.parse('2024-05-01T12:00:00.000Z') + (minutesLater * 60_000)
      return log.record(entry)
    }

    async function seed(): Promise<void> {
      await write(0, {durationMs: 120.4, operation: 'create', resource: 'tenant:acme'})
      await write(10, {durationMs: 80, operation: 'update', resource: 'tenant:acme-eu'})
      const failure = new DescopeApiError(`Tenant exists (key ${KEY})`, {
        errorCode: 'E062', method: 'POST', path: '/v1/mgmt/tenant/create', requestId: 'req-9', status: 409,
      })
      await write(20, {
        durationMs: 40, error: failure, operation: 'create', resource: 'tenant:globex',
      })
      await write(30, {durationMs: 55, operation: 'delete', resource: 'role:admin'})
      await write(40, {durationMs: 10, operation: 'import', resource: 'flow:sign-up'})
    }

    it('appends one private JSON line per write, with who, where, what, the outcome and never the key', async () => {
      await seed()
      const file = auditFile(path.join(dir, 'data'))
      expect(file).to.equal(path.join(dir, 'data', 'audit.jsonl'))
      expect((await stat(file)).mode.toString(8).slice(-3)).to.equal('600')
      const text = await readFile(file, 'utf8')
      expect(text).to.not.contain(KEY)
      const lines = text.trimEnd().split('\n').map(line => JSON.parse(line) as AuditRecord)
      expect(lines).to.have.length(5)
      expect(lines[0]).to.deep.equal({
        durationMs: 120, environment: 'staging', operation: 'create', projectId: 'P2Test', resource: 'tenant:acme',
        result: 'ok', time: '2024-05-01T12:00:00.000Z', toolVersion: '0.1.0', user: 'alice',
      })
      expect(lines[2]).to.deep.include({errorCode: 'E062', requestId: 'req-9', result: 'failed'})
      expect(lines[2].error).to.match(/^Tenant exists \(key K2…fXYZ\)$/)
    })

    it('reads newest first, with filters on time, operation, resource (prefix or glob), failures and a limit', async () => {
      await seed()
      const file = auditFile(path.join(dir, 'data'))
      const now = new Date('2024-05-01T12:45:00.000Z')
      const resources = (records: AuditRecord[]) => records.map(record => record.resource)

      expect(resources(await readAudit(file))).to.deep.equal(['flow:sign-up', 'role:admin', 'tenant:globex', 'tenant:acme-eu', 'tenant:acme'])
      expect(resources(await readAudit(file, {now, since: '30m'}))).to.deep.equal(['flow:sign-up', 'role:admin', 'tenant:globex'])
      expect(resources(await readAudit(file, {since: '2024-05-01T12:25:00Z'}))).to.deep.equal(['flow:sign-up', 'role:admin'])
      expect(resources(await readAudit(file, {operation: ['create,delete']}))).to.deep.equal(['role:admin', 'tenant:globex', 'tenant:acme'])
      expect(resources(await readAudit(file, {operation: 'IMPORT'}))).to.deep.equal(['flow:sign-up'])
      expect(resources(await readAudit(file, {resource: 'tenant:'}))).to.deep.equal(['tenant:globex', 'tenant:acme-eu', 'tenant:acme'])
      expect(resources(await readAudit(file, {resource: 'tenant:acme-*'}))).to.deep.equal(['tenant:acme-eu'])
      expect(resources(await readAudit(file, {resource: '*:a?m*'}))).to.deep.equal(['role:admin', 'tenant:acme-eu', 'tenant:acme'])
      expect(resources(await readAudit(file, {failed: true}))).to.deep.equal(['tenant:globex'])
      expect(resources(await readAudit(file, {limit: 2}))).to.deep.equal(['flow:sign-up', 'role:admin'])
      expect(resources(await readAudit(file, {environment: 'prod'}))).to.deep.equal([])
    })

    it('has no records without a file, and skips lines that do not parse', async () => {
      const file = auditFile(path.join(dir, 'data'))
      expect(await readAudit(file)).to.deep.equal([])
      await seed()
      await appendFile(file, '{"time":"2024-05-01T13:00:00.000Z","resou\n[1,2]\n\n')
      expect(await readAudit(file)).to.have.length(5)
    })

    it('keeps lines whole when many writes are recorded at once', async () => {
      await Promise.all(Array.from({length: 40}, (_, index) => log.record({durationMs: index, operation: 'create', resource: `tenant:t${index}`})))
      expect(await readAudit(auditFile(path.join(dir, 'data')))).to.have.length(40)
    })

    it('exports CSV with one column per field, quoting where needed', async () => {
      await seed()
      const records = (await readAudit(auditFile(path.join(dir, 'data')), {failed: true}))
      const csv = formatCsv(records, auditCsvColumns).split('\n')
      expect(csv[0]).to.equal('time,user,environment,projectId,operation,resource,result,errorCode,error,requestId,durationMs,toolVersion,runId')
      expect(csv[1]).to.equal('2024-05-01T12:20:00.000Z,alice,staging,P2Test,create,tenant:globex,failed,E062,Tenant exists (key K2…fXYZ),req-9,40,0.1.0,')
    })
  })

  describe('parseSince', () => {
    const now = new Date('2024-05-10T12:00:00.000Z')

    it('reads durations back from now', () => {
      expect(parseSince('30s', now).toISOString()).to.equal('2024-05-10T11:59:30.000Z')
      expect(parseSince('15m', now).toISOString()).to.equal('2024-05-10T11:45:00.000Z')
      expect(parseSince('2h', now).toISOString()).to.equal('2024-05-10T10:00:00.000Z')
      expect(parseSince('7d', now).toISOString()).to.equal('2024-05-03T12:00:00.000Z')
      expect(parseSince('1w', now).toISOString()).to.equal('2024-05-03T12:00:00.000Z')
      expect(parseSince(' 1.5H ', now).toISOString()).to.equal('2024-05-10T10:30:00.000Z')
    })

    it('reads ISO dates (midnight UTC) and times', () => {
      expect(parseSince('2024-05-01', now).toISOString()).to.equal('2024-05-01T00:00:00.000Z')
      expect(parseSince('2024-05-01T08:30:00Z', now).toISOString()).to.equal('2024-05-01T08:30:00.000Z')
      expect(parseSince('2024-05-01T08:30:00+02:00', now).toISOString()).to.equal('2024-05-01T06:30:00.000Z')
    })

    it('refuses anything else as invalid input with a hint', () => {
      for (const text of ['yesterday', '2h ago', '5y', '', '2024-13-45', 'May 1']) {
        expect(() => parseSince(text, now), text).to.throw(InputError).with.property('hint').that.contains('7d')
      }
    })
  })

  describe('resource patterns', () => {
    it('treats * and ? as wildcards and everything else literally', () => {
      expect(globToRegExp('tenant:a.c*').test('tenant:a.cme')).to.equal(true)
      expect(globToRegExp('tenant:a.c*').test('tenant:abcme')).to.equal(false)
      expect(resourceMatcher('role:(x)?')('role:(x)1')).to.equal(true)
      expect(resourceMatcher('tenant:ac')('tenant:acme')).to.equal(true)
      expect(resourceMatcher('tenant:ac')('role:tenant:ac')).to.equal(false)
    })
  })
})
