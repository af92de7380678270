import {expect} from 'chai'
import {createHash} from 'node:crypto'
import {
  mkdir, readdir, readFile, rm, stat, writeFile,
} from 'node:fs/promises'
import path from 'node:path'

import type {BackupMetadata} from '../../../src/lib/backup/format.js'

import {BACKUP_FORMAT_VERSION, BackupDamagedError, METADATA_FILE} from '../../../src/lib/backup/format.js'
import {
  listBackups, loadBackup, readBackupMetadata, resolveBackup, verifyBackup,
} from '../../../src/lib/backup/store.js'
import {CliError} from '../../../src/lib/errors.js'
import {repoRoot} from '../../helpers/cli.js'
import {
  backup, editJson, fakeKind, NOW, OTHER_PROJECT, PROJECT, role, rolesKind, tempDir, tenant, tenantsKind,
} from './helpers.js'

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex')
// eslint-disable-next-line no-bitwise -- the permission bits of a mode
const mode = async (file: string) => (await stat(file)).mode & 0o777

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise
  } catch (error) {
    return error as Error
  }

  throw new Error('expected a rejection')
}

describe('backup store', () => {
  let dir: string
  let cleanup: () => Promise<void>

  beforeEach(async () => {
    ({cleanup, dir} = await tempDir())
    dir = path.join(dir, 'backups')
  })

  afterEach(async () => cleanup())

  describe('createBackup', () => {
    it('writes <root>/<projectId>/<timestamp>-<operation>/ with metadata.json and one file per kind', async () => {
      const created = await backup(dir, {now: () => NOW})
      expect(created.id).to.equal('20250601T120000Z-manual')
      expect(created.path).to.equal(path.join(dir, PROJECT, created.id))
      expect((await readdir(created.path)).sort()).to.deep.equal(['metadata.json', 'roles.json', 'tenants.json'])

      const tenants = JSON.parse(await readFile(path.join(created.path, 'tenants.json'), 'utf8'))
      expect(tenants.map((item: {key: string}) => item.key), 'sorted by key').to.deep.equal(['acme', 'beta'])
      expect(tenants[0]).to.deep.equal(tenant('acme', {selfProvisioningDomains: ['acme.com']}))

      const metadata = JSON.parse(await readFile(path.join(created.path, METADATA_FILE), 'utf8')) as BackupMetadata
      expect(metadata).to.deep.include({
        counts: {roles: 1, tenants: 2},
        createdAt: '2025-06-01T12:00:00.000Z',
        environment: 'staging',
        formatVersion: BACKUP_FORMAT_VERSION,
        operation: 'manual',
        projectId: PROJECT,
        resources: ['roles', 'tenants'],
        tool: 'descope-mgmt',
        toolVersion: '9.9.9',
      })
      expect(metadata.user).to.be.a('string').and.not.equal('')
      expect(metadata).to.not.have.property('gitCommit')
      expect(metadata).to.not.have.property('label')
      expect(Object.keys(metadata.files).sort()).to.deep.equal(['roles.json', 'tenants.json'])
      let total = 0
      for (const [file, entry] of Object.entries(metadata.files)) {
        const data = await readFile(path.join(created.path, file))
        expect(entry.sha256, file).to.equal(sha256(data))
        expect(entry.size, file).to.equal(data.length)
        total += data.length
      }

      expect(metadata.size).to.equal(total)
      expect(created.metadata).to.deep.equal(metadata)
    })

    it('records the git commit when the working folder is in a repository, and the label as typed', async () => {
      const created = await backup(dir, {gitCwd: repoRoot, label: 'Before Q3 migration!', now: () => NOW})
      expect(created.id).to.equal('20250601T120000Z-before-q3-migration')
      expect(created.metadata.label).to.equal('Before Q3 migration!')
      expect(created.metadata.gitCommit).to.match(/^[0-9a-f]{40}$/)
    })

    it('records no git commit outside a repository', async () => {
      const created = await backup(dir, {gitCwd: path.dirname(dir)})
      expect(created.metadata).to.not.have.property('gitCommit')
    })

    it('records a kind with no items, so a restore knows it was empty', async () => {
      const created = await backup(dir, {kinds: [tenantsKind([])]})
      expect(created.metadata.counts).to.deep.equal({tenants: 0})
      expect(JSON.parse(await readFile(path.join(created.path, 'tenants.json'), 'utf8'))).to.deep.equal([])
      const loaded = await loadBackup(dir, created.id)
      expect(loaded.items).to.deep.equal({tenants: []})
    })

    it('makes files 0600 and folders 0700', async () => {
      const created = await backup(dir)
      expect(await mode(dir), 'root').to.equal(0o700)
      expect(await mode(path.join(dir, PROJECT)), 'project').to.equal(0o700)
      expect(await mode(created.path), 'backup').to.equal(0o700)
      for (const file of await readdir(created.path)) expect(await mode(path.join(created.path, file)), file).to.equal(0o600)
    })

    it('gives two backups of the same second different ids, both listed', async () => {
      const first = await backup(dir, {now: () => NOW})
      const second = await backup(dir, {now: () => NOW})
      expect(first.id).to.equal('20250601T120000Z-manual')
      expect(second.id).to.match(/^20250601T120000Z-manual-[0-9a-f]{4}$/)
      expect((await listBackups(dir)).map(item => item.id).sort()).to.deep.equal([first.id, second.id].sort())
    })

    it('leaves nothing that looks like a backup when it fails between two files', async () => {
      const written: string[] = []
      const error = await rejection(backup(dir, {
        afterFile(file) {
          written.push(file)
          throw new Error('disk full (injected)')
        },
      }))
      expect(error.message).to.equal('disk full (injected)')
      expect(written).to.deep.equal(['roles.json'])
      expect(await readdir(path.join(dir, PROJECT)), 'the temporary folder is removed').to.deep.equal([])
      expect(await listBackups(dir)).to.deep.equal([])
    })

    it('leaves nothing when reading a kind fails', async () => {
      const failing = fakeKind('tenant', 'tenants', async () => {
        throw new Error('503 from Descope')
      })
      await rejection(backup(dir, {kinds: [rolesKind(), failing]}))
      expect(await readdir(path.join(dir, PROJECT))).to.deep.equal([])
    })

    it('refuses a project id that could leave the backup folder', async () => {
      const error = await rejection(backup(dir, {projectId: '../escape'}))
      expect(error).to.be.instanceOf(CliError)
      expect((error as CliError).exitCode).to.equal(3)
    })
  })

  describe('listBackups', () => {
    it('lists complete backups newest first, of one project or all, ignoring temporary and foreign folders', async () => {
      const old = await backup(dir, {label: 'old', now: () => new Date('2025-05-01T00:00:00Z')})
      const recent = await backup(dir, {now: () => new Date('2025-05-20T00:00:00Z'), operation: 'apply'})
      const other = await backup(dir, {environment: 'production', now: () => new Date('2025-05-10T00:00:00Z'), projectId: OTHER_PROJECT})
      await mkdir(path.join(dir, PROJECT, '.tmp-20250601T000000Z-1-abcd'))
      await writeFile(path.join(dir, PROJECT, '.tmp-20250601T000000Z-1-abcd', 'tenants.json'), '[]')
      await mkdir(path.join(dir, PROJECT, 'notes'))

      const mine = await listBackups(dir, PROJECT)
      expect(mine.map(item => item.id)).to.deep.equal([recent.id, old.id])
      expect(mine[0]).to.deep.include({
        counts: {roles: 1, tenants: 2}, environment: 'staging', operation: 'apply', projectId: PROJECT, resources: ['roles', 'tenants'],
      })
      expect(mine[1]).to.deep.include({label: 'old', operation: 'manual'})
      expect(mine[0].size).to.be.greaterThan(0)

      expect((await listBackups(dir)).map(item => item.id)).to.deep.equal([recent.id, other.id, old.id])
    })

    it('returns an empty list when the folder does not exist', async () => {
      expect(await listBackups(path.join(dir, 'nowhere'))).to.deep.equal([])
    })

    it('shows a backup whose metadata.json is broken as damaged, naming the file', async () => {
      const created = await backup(dir)
      await writeFile(path.join(created.path, METADATA_FILE), '{"formatVersion": 1, "proj')
      const [listed] = await listBackups(dir)
      expect(listed.id).to.equal(created.id)
      expect(listed.damaged).to.match(/^metadata\.json: not valid JSON/)
    })
  })

  describe('resolveBackup', () => {
    it('accepts a full id, an unambiguous prefix, and <projectId>/<id>', async () => {
      const a = await backup(dir, {label: 'alpha', now: () => new Date('2025-05-01T10:00:00Z')})
      const b = await backup(dir, {label: 'beta', now: () => new Date('2025-05-02T10:00:00Z')})
      const c = await backup(dir, {label: 'beta', now: () => new Date('2025-05-02T10:00:00Z'), projectId: OTHER_PROJECT})
      expect((await resolveBackup(dir, a.id)).path).to.equal(a.path)
      expect((await resolveBackup(dir, '20250501')).id).to.equal(a.id)
      expect((await resolveBackup(dir, `${OTHER_PROJECT}/${c.id}`)).path).to.equal(c.path)
      expect((await resolveBackup(dir, `${PROJECT}/20250502`)).path).to.equal(b.path)
    })

    it('refuses an ambiguous prefix, naming the candidates', async () => {
      const a = await backup(dir, {now: () => new Date('2025-05-01T10:00:00Z')})
      const b = await backup(dir, {now: () => new Date('2025-05-01T11:00:00Z'), projectId: OTHER_PROJECT})
      const error = (await rejection(resolveBackup(dir, '20250501T1'))) as CliError
      expect(error.exitCode).to.equal(3)
      expect(error.message).to.contain(`${PROJECT}/${a.id}`).and.contain(`${OTHER_PROJECT}/${b.id}`)
    })

    it('prefers an exact id over longer ids it is a prefix of', async () => {
      const first = await backup(dir, {now: () => NOW})
      await backup(dir, {now: () => NOW})
      expect((await resolveBackup(dir, first.id)).id).to.equal(first.id)
    })

    it('says when no backup matches, and never matches a temporary folder', async () => {
      await mkdir(path.join(dir, PROJECT, '.tmp-20250601T000000Z-1-abcd'), {recursive: true})
      for (const id of ['20990101', '.tmp-2025', `${PROJECT}/.tmp-2025`]) {
        const error = (await rejection(resolveBackup(dir, id))) as CliError
        expect(error.exitCode, id).to.equal(3)
        expect(error.code, id).to.equal('backup_not_found')
      }
    })
  })

  describe('verifyBackup and loadBackup', () => {
    let created: Awaited<ReturnType<typeof backup>>

    beforeEach(async () => {
      created = await backup(dir)
    })

    async function refusal(): Promise<BackupDamagedError> {
      const error = await rejection(loadBackup(dir, created.id))
      expect(error).to.be.instanceOf(BackupDamagedError)
      const damaged = error as BackupDamagedError
      expect(damaged.exitCode).to.equal(3)
      expect(damaged.message).to.contain(`Backup ${created.id} is damaged`)
      return damaged
    }

    it('loads an intact backup with its items', async () => {
      const verified = await verifyBackup(await resolveBackup(dir, created.id))
      expect(verified).to.deep.include({checked: 3, ok: true, problems: []})
      const loaded = await loadBackup(dir, created.id)
      expect(loaded.items.tenants.map(item => item.key)).to.deep.equal(['acme', 'beta'])
      expect(loaded.items.roles).to.deep.equal([role('admin')])
      expect(loaded.metadata.projectId).to.equal(PROJECT)
    })

    it('refuses a backup with a missing file, naming it', async () => {
      await rm(path.join(created.path, 'tenants.json'))
      const error = await refusal()
      expect(error.problems).to.deep.equal([{file: 'tenants.json', problem: 'missing (listed in metadata.json)'}])
      expect(error.message).to.contain('tenants.json: missing')
    })

    it('refuses a file whose checksum does not match, naming it', async () => {
      const file = path.join(created.path, 'tenants.json')
      const items = JSON.parse(await readFile(file, 'utf8'))
      items[0].fields.name = 'Tampered'
      await writeFile(file, `${JSON.stringify(items, null, 2)}\n`)
      const error = await refusal()
      expect(error.problems).to.have.length(1)
      expect(error.problems[0].file).to.equal('tenants.json')
      expect(error.problems[0].problem).to.match(/^checksum mismatch/)
      expect(error.message).to.contain('tenants.json: checksum mismatch')
    })

    it('refuses an unknown format version, naming metadata.json', async () => {
      await editJson(path.join(created.path, METADATA_FILE), metadata => {
        metadata.formatVersion = 2
      })
      const error = await refusal()
      expect(error.problems).to.have.length(1)
      expect(error.problems[0].file).to.equal('metadata.json')
      expect(error.problems[0].problem).to.contain('unknown format version 2')
      expect(error.message).to.contain('metadata.json: unknown format version 2')
    })

    it('refuses a truncated JSON file, naming it (even when its checksum was recorded after the damage)', async () => {
      const file = path.join(created.path, 'tenants.json')
      const truncated = (await readFile(file, 'utf8')).slice(0, 40)
      await writeFile(file, truncated)
      await editJson(path.join(created.path, METADATA_FILE), metadata => {
        (metadata.files as Record<string, {sha256: string; size: number}>)['tenants.json'] = {kind: 'tenants', sha256: sha256(truncated), size: truncated.length} as never
      })
      const error = await refusal()
      expect(error.problems).to.have.length(1)
      expect(error.problems[0].file).to.equal('tenants.json')
      expect(error.problems[0].problem).to.match(/^not valid JSON/)
      expect(error.message).to.contain('tenants.json: not valid JSON')
    })

    it('reports both the checksum and the JSON problem of a file cut short', async () => {
      const file = path.join(created.path, 'roles.json')
      await writeFile(file, (await readFile(file, 'utf8')).slice(0, 10))
      const error = await refusal()
      expect(error.problems.map(problem => problem.file)).to.deep.equal(['roles.json', 'roles.json'])
      expect(error.problems[0].problem).to.match(/^checksum mismatch/)
      expect(error.problems[1].problem).to.match(/^not valid JSON/)
    })

    it('refuses a truncated or missing metadata.json, naming it', async () => {
      const file = path.join(created.path, METADATA_FILE)
      await writeFile(file, (await readFile(file, 'utf8')).slice(0, 30))
      let error = await refusal()
      expect(error.problems).to.have.length(1)
      expect(error.problems[0]).to.deep.include({file: 'metadata.json'})
      expect(error.problems[0].problem).to.match(/^not valid JSON/)

      await rm(file)
      error = await refusal()
      expect(error.problems).to.deep.equal([{file: 'metadata.json', problem: 'missing'}])
      expect((await rejection(readBackupMetadata(await resolveBackup(dir, created.id)))).message).to.contain('metadata.json: missing')
    })

    it('refuses a file that holds another number of items than recorded, or is not a list of items', async () => {
      await editJson(path.join(created.path, METADATA_FILE), metadata => {
        (metadata.counts as Record<string, number>).tenants = 3
      })
      let error = await refusal()
      expect(error.problems).to.deep.equal([{file: 'tenants.json', problem: 'holds 2 tenants, metadata.json records 3'}])

      const file = path.join(created.path, 'roles.json')
      const content = '{"not": "a list"}\n'
      await writeFile(file, content)
      await editJson(path.join(created.path, METADATA_FILE), metadata => {
        (metadata.counts as Record<string, number>).tenants = 2;
        (metadata.files as Record<string, unknown>)['roles.json'] = {kind: 'roles', sha256: sha256(content), size: content.length}
      })
      error = await refusal()
      expect(error.problems).to.deep.equal([{file: 'roles.json', problem: 'not a list of roles: expected a JSON list of resources'}])
    })

    it('refuses a metadata.json that lists a path outside the backup folder', async () => {
      await editJson(path.join(created.path, METADATA_FILE), metadata => {
        (metadata.files as Record<string, unknown>)['../../../etc/passwd'] = {kind: 'tenants', sha256: 'x', size: 1}
      })
      const error = await refusal()
      expect(error.problems[0]).to.deep.include({file: '../../../etc/passwd'})
      expect(error.problems[0].problem).to.contain('outside the backup folder')
    })

    it('reports every damaged file at once', async () => {
      await rm(path.join(created.path, 'roles.json'))
      await writeFile(path.join(created.path, 'tenants.json'), '[')
      const error = await refusal()
      expect([...new Set(error.problems.map(problem => problem.file))]).to.deep.equal(['roles.json', 'tenants.json'])
      expect(error.toJSON()).to.deep.include({code: 'backup_damaged', exitCode: 3, path: created.path})
    })
  })
})
