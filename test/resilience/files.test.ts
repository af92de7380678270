import {expect} from 'chai'
import {readdir, readFile} from 'node:fs/promises'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

import type {CliResult} from '../helpers/cli.js'

import {
  type Declared, fileInfo, MUTATION, tenants, walk, type Workspace, workspace,
} from './helpers.js'

const PRELOAD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'enospc.mjs')

const FIRST: Declared = {
  permissions: [{description: 'Read', name: 'read'}],
  roles: [{description: 'Reads', name: 'viewer', permissionNames: ['read']}],
  tenants: tenants(12),
}
// The next configuration: two more tenants and a renamed one, so an apply has work to do.
const NEXT: Declared = {
  ...FIRST,
  tenants: tenants(14).map(tenant => (tenant.id === 't0003' ? {...tenant, name: 'Renamed 3'} : tenant)),
}

function output(result: CliResult): string {
  return `exit ${result.code}\n${result.stdout.slice(-2000)}\n${result.stderr}`
}

/** Successful writes the emulator has served so far. */
async function writesServed(ws: Workspace): Promise<number> {
  return (await ws.emulator.admin.requests({method: 'POST'})).filter(entry => entry.status === 200 && MUTATION.test(entry.path)).length
}

/** Every file under `dir` with its content, to compare before and after a failed command. */
async function snapshot(dir: string): Promise<Map<string, string>> {
  const files = (await walk(dir)).filter(file => !file.isDirectory)
  return new Map(await Promise.all(files.map(async file => [path.relative(dir, file.path), await readFile(file.path, 'utf8')] as [string, string])))
}

describe('files: private modes, and atomic writes on a full disk', function () {
  this.timeout(120_000)

  describe('modes', () => {
    let ws: Workspace
    let umask: number

    before(async () => {
      ws = await workspace('Modes')
      await ws.configure(FIRST)
      // With a permissive umask, only modes the CLI sets itself make the files private.
      umask = process.umask(0)
    })

    after(async () => {
      process.umask(umask)
      await ws?.emulator.stop()
    })

    it('backups, journals, locks, the audit log and the cache are 0600 files in 0700 folders, even with umask 000', async () => {
      for (const args of [['apply', '-e', 'e', '--yes'], ['tenant', 'list', '-e', 'e'], ['backup', 'create', '-e', 'e']]) {
        const result = await ws.cli(args)
        expect(result.code, `${args.join(' ')}\n${output(result)}`).to.equal(0)
      }

      const entries = [...await walk(ws.dataDir), ...await walk(ws.cacheDir)]
      const files = entries.filter(entry => !entry.isDirectory).map(entry => entry.path)
      const has = (pattern: RegExp) => files.some(file => pattern.test(file))
      expect(has(/\/backups\/P\w+\/[^/]+-apply\/metadata\.json$/), 'an apply backup').to.equal(true)
      expect(has(/\/backups\/P\w+\/[^/]+-manual\/tenants\.json$/), 'a manual backup').to.equal(true)
      expect(has(/\/journals\/P\w+\/[^/]+\.jsonl$/), 'a journal').to.equal(true)
      expect(has(/\/audit\.jsonl$/), 'the audit log').to.equal(true)
      expect(has(/\/cache\/descope-mgmt\/[^/]+\.json$/), 'the cache file').to.equal(true)
      expect(entries.some(entry => entry.isDirectory && entry.path.endsWith(`${path.sep}locks`)), 'the locks folder').to.equal(true)

      const modes = [...await Promise.all([ws.dataDir, ws.cacheDir].map(dir => fileInfo(dir))), ...entries]
      const bad = modes.filter(entry => entry.mode !== (entry.isDirectory ? 0o700 : 0o600)).map(entry => `${entry.mode.toString(8)} ${entry.path}`)
      console.log(`      modes: ${modes.filter(entry => !entry.isDirectory).length} files and ${modes.filter(entry => entry.isDirectory).length} folders checked`)
      expect(bad, 'files not 0600 or folders not 0700').to.deep.equal([])
    })
  })

  describe('a full disk (writes fail with ENOSPC half-way)', () => {
    let ws: Workspace
    let vault: string
    const full = (dir: string) => ({ENOSPC_DIR: dir, NODE_OPTIONS: `--import ${PRELOAD}`})

    before(async () => {
      ws = await workspace('FullDisk')
      await ws.configure(FIRST)
      // Backups in a folder of their own (--backup-dir), as a separate volume would be.
      vault = path.join(ws.home.dir, 'vault')
      const first = await ws.cli(['apply', '-e', 'e', '--yes', '--backup-dir', vault])
      expect(first.code, output(first)).to.equal(0)
      await ws.configure(NEXT)
    })

    after(async () => {
      await ws?.emulator.stop()
    })

    it('backup folder full: clear error, exit 1, nothing sent, no partial backup, the earlier backup still verifies', async () => {
      const before = await snapshot(vault)
      const writes = await writesServed(ws)
      const apply = await ws.cli(['apply', '-e', 'e', '--yes', '--backup-dir', vault], {env: full(vault)})
      expect(apply.code, output(apply)).to.equal(1)
      expect(apply.stderr).to.contain(`Could not write the backup in ${vault}: ENOSPC: no space left on device`)
      expect(apply.stderr).to.contain('Nothing was changed in the project.').and.contain('Free disk space')
      expect(apply.stdout + apply.stderr).to.not.match(/Applied \d+ change/)
      expect(await writesServed(ws), 'writes sent').to.equal(writes)
      // Not a byte changed in the backup folder: the half-written temporary folder is gone.
      expect(await snapshot(vault)).to.deep.equal(before)
      const [id] = (await readdir(path.join(vault, ws.projectId)))
      const verify = await ws.cli(['backup', 'verify', id, '-e', 'e', '--backup-dir', vault])
      expect(verify.code, output(verify)).to.equal(0)
      expect(await readdir(path.join(ws.dataDir, 'locks'))).to.deep.equal([])
    })

    it('journal folder full: clear error, exit 1, nothing sent, no half-written journal, the earlier journal intact', async () => {
      const journals = path.join(ws.dataDir, 'journals')
      const before = await snapshot(journals)
      const writes = await writesServed(ws)
      const apply = await ws.cli(['apply', '-e', 'e', '--yes', '--backup-dir', vault], {env: full(journals)})
      expect(apply.code, output(apply)).to.equal(1)
      expect(apply.stderr).to.contain('Could not write the journal in').and.contain('ENOSPC: no space left on device')
      expect(apply.stderr).to.contain('Nothing was changed in the project.')
      expect(await writesServed(ws), 'writes sent').to.equal(writes)
      expect(await snapshot(journals)).to.deep.equal(before)
      for (const text of before.values()) for (const line of text.trim().split('\n')) JSON.parse(line)
      expect(await readdir(path.join(ws.dataDir, 'locks'))).to.deep.equal([])
    })

    it('locks folder full: clear error, exit 1, no half-written lock left to block the next apply', async () => {
      const locks = path.join(ws.dataDir, 'locks')
      const writes = await writesServed(ws)
      const apply = await ws.cli(['apply', '-e', 'e', '--yes', '--backup-dir', vault], {env: full(locks)})
      expect(apply.code, output(apply)).to.equal(1)
      expect(apply.stderr).to.contain('Could not write the lock of the project: ENOSPC').and.contain('Nothing was changed in the project.')
      expect(await writesServed(ws)).to.equal(writes)
      expect(await readdir(locks)).to.deep.equal([])
    })

    it('audit log full: the apply succeeds but says so; the log keeps whole records only, and later records are intact', async () => {
      const auditFile = path.join(ws.dataDir, 'audit.jsonl')
      const before = await readFile(auditFile, 'utf8')
      const apply = await ws.cli(['apply', '-e', 'e', '--yes', '--backup-dir', vault], {env: full(auditFile)})
      expect(apply.code, output(apply)).to.equal(0)
      expect(apply.stdout).to.contain('✓ Applied 3 changes.')
      expect(apply.stdout).to.contain(`warning: The audit log could not be written: ENOSPC: no space left on device, write '${auditFile}'`)
      // The half-written record was taken back.
      expect(await readFile(auditFile, 'utf8')).to.equal(before)

      // Space again: the next writes are recorded, and every line of the log parses.
      await ws.configure({...NEXT, tenants: [...NEXT.tenants, ...tenants(15).slice(14)]})
      const next = await ws.cli(['apply', '-e', 'e', '--yes', '--backup-dir', vault])
      expect(next.code, output(next)).to.equal(0)
      const lines = (await readFile(auditFile, 'utf8')).trim().split('\n').map(line => JSON.parse(line) as {resource: string})
      expect(lines.at(-1)!.resource).to.equal('tenant:t0014')
      const list = await ws.cli(['audit', 'list', '--json', '--limit', '1000'])
      expect(list.code, output(list)).to.equal(0)
      expect(JSON.parse(list.stdout)).to.have.length(lines.length)
    })

    it('cache folder full: a write still works (with a warning); the cache file is removed rather than left stale, no temporary or lock file', async () => {
      // The read cache's files; the machine's rate budget lives beside them, in coordination/.
      const cacheFiles = async () => [...(await snapshot(ws.cacheDir)).keys()].filter(file => !file.startsWith(`coordination${path.sep}`))
      const warm = await ws.cli(['tenant', 'list', '-e', 'e'])
      expect(warm.code, output(warm)).to.equal(0)
      expect(await cacheFiles()).to.have.length(1)
      const create = await ws.cli(['tenant', 'create', '--id', 'extra', '--name', 'Extra', '-e', 'e'], {env: full(ws.cacheDir)})
      expect(create.code, output(create)).to.equal(0)
      // oclif wraps warnings: join the lines it cut.
      const warning = create.stderr.replaceAll('\n ›   ', '')
      expect(warning).to.contain('is not usable: ENOSPC: no space left on device').and.contain('Continuing without it.')
      // The cached list predates the create: it is gone, not kept to be served as fresh.
      expect(await cacheFiles()).to.deep.equal([])
      const after = await ws.cli(['tenant', 'list', '-e', 'e'])
      expect(after.code, output(after)).to.equal(0)
      expect(after.stdout).to.match(/^extra\s+Extra\s/m)
    })
  })
})
