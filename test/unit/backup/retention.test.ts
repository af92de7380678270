import {expect} from 'chai'
import {
  mkdir, readdir, utimes, writeFile,
} from 'node:fs/promises'
import path from 'node:path'

import {METADATA_FILE} from '../../../src/lib/backup/format.js'
import {pruneAfterApply} from '../../../src/lib/backup/retention.js'
import {listBackups, pruneBackups} from '../../../src/lib/backup/store.js'
import {
  backup, daysAgo, NOW, OTHER_PROJECT, PROJECT, tempDir,
} from './helpers.js'

/** A pid no process can have: above Linux's largest pid_max. */
const DEAD_PID = 4_194_304 + 12_345

describe('backup prune and retention', () => {
  let dir: string
  let cleanup: () => Promise<void>

  beforeEach(async () => {
    ({cleanup, dir} = await tempDir())
  })

  afterEach(async () => cleanup())

  /** Backups `days` days old, one per entry, in the given project. */
  async function backupsAged(days: number[], projectId = PROJECT): Promise<string[]> {
    const ids: string[] = []
    for (const age of days) ids.push((await backup(dir, {now: () => daysAgo(age), projectId})).id)
    return ids
  }

  const ids = async (projectId = PROJECT) => (await listBackups(dir, projectId)).map(item => item.id)

  it('deletes backups older than the limit but always keeps the newest 5 of the project', async () => {
    const created = await backupsAged([40, 41, 42, 43, 44, 45, 46, 47])
    const result = await pruneBackups({dir, now: NOW, olderThanDays: 30})
    expect(result.removed.map(item => item.id)).to.deep.equal(created.slice(5))
    expect(await ids()).to.deep.equal(created.slice(0, 5))
  })

  it('counts recent backups among the newest 5', async () => {
    const created = await backupsAged([1, 2, 3, 31, 32, 33, 34])
    await pruneBackups({dir, now: NOW, olderThanDays: 30})
    expect(await ids()).to.deep.equal(created.slice(0, 5))
  })

  it('never deletes a backup younger than the limit, whatever their number', async () => {
    const created = await backupsAged([1, 2, 3, 4, 5, 6, 7, 8])
    const result = await pruneBackups({dir, now: NOW, olderThanDays: 30})
    expect(result.removed).to.deep.equal([])
    expect(await ids()).to.deep.equal(created)
  })

  it('keeps the newest --keep when it is more than 5', async () => {
    const created = await backupsAged([40, 41, 42, 43, 44, 45, 46, 47])
    await pruneBackups({
      dir, keep: 7, now: NOW, olderThanDays: 30,
    })
    expect(await ids()).to.deep.equal(created.slice(0, 7))
  })

  it('never keeps fewer than 5, even when asked to', async () => {
    const created = await backupsAged([40, 41, 42, 43, 44, 45, 46, 47])
    await pruneBackups({
      dir, keep: 1, now: NOW, olderThanDays: 30,
    })
    expect(await ids()).to.deep.equal(created.slice(0, 5))
  })

  it('with --keep alone, keeps the newest N whatever their age', async () => {
    const created = await backupsAged([1, 2, 3, 4, 5, 6, 7, 8])
    await pruneBackups({dir, keep: 6, now: NOW})
    expect(await ids()).to.deep.equal(created.slice(0, 6))
  })

  it('applies the rule per project', async () => {
    const mine = await backupsAged([40, 41, 42, 43, 44, 45])
    const theirs = await backupsAged([50, 51, 52, 53, 54, 55, 56], OTHER_PROJECT)
    await pruneBackups({dir, now: NOW, olderThanDays: 30})
    expect(await ids()).to.deep.equal(mine.slice(0, 5))
    expect(await ids(OTHER_PROJECT)).to.deep.equal(theirs.slice(0, 5))
  })

  it('touches only the given project', async () => {
    const mine = await backupsAged([40, 41, 42, 43, 44, 45])
    const theirs = await backupsAged([50, 51, 52, 53, 54, 55], OTHER_PROJECT)
    await pruneBackups({
      dir, now: NOW, olderThanDays: 30, projectId: OTHER_PROJECT,
    })
    expect(await ids()).to.deep.equal(mine)
    expect(await ids(OTHER_PROJECT)).to.deep.equal(theirs.slice(0, 5))
  })

  it('deletes nothing in a dry run, but reports what it would delete', async () => {
    const created = await backupsAged([40, 41, 42, 43, 44, 45, 46])
    const result = await pruneBackups({
      dir, dryRun: true, now: NOW, olderThanDays: 30,
    })
    expect(result.removed.map(item => item.id)).to.deep.equal(created.slice(5))
    expect(result.kept).to.have.length(5)
    expect(await ids()).to.deep.equal(created)
  })

  it('deletes a damaged backup only for its age, and does not let it take a place among the newest 5', async () => {
    const created = await backupsAged([1, 40, 41, 42, 43, 44, 45])
    await writeFile(path.join(dir, PROJECT, created[0], METADATA_FILE), '{')
    const [recentDamaged] = created
    await pruneBackups({dir, now: NOW, olderThanDays: 30})
    expect(await ids(), 'the damaged recent one stays; 5 intact ones stay').to.deep.equal([recentDamaged, ...created.slice(1, 6)])

    await writeFile(path.join(dir, PROJECT, created[5], METADATA_FILE), '{')
    await pruneBackups({dir, now: NOW, olderThanDays: 30})
    expect(await ids(), 'an old damaged one goes').to.deep.equal([recentDamaged, ...created.slice(1, 5)])
  })

  it('removes the temporary folders of dead processes and stale ones, never those being written', async () => {
    await backupsAged([1])
    const projectDir = path.join(dir, PROJECT)
    const dead = `.tmp-20250601T000000Z-${DEAD_PID}-abcd1234`
    const live = `.tmp-20250601T000000Z-${process.pid}-abcd1234`
    const stale = `.tmp-20250501T000000Z-${process.pid}-ef012345`
    for (const name of [dead, live, stale]) {
      await mkdir(path.join(projectDir, name))
      await writeFile(path.join(projectDir, name, 'tenants.json'), '[')
    }

    const old = daysAgo(2, new Date())
    await utimes(path.join(projectDir, stale), old, old)
    const result = await pruneBackups({dir, olderThanDays: 30})
    expect(result.tempRemoved.map(folder => path.basename(folder)).sort()).to.deep.equal([dead, stale].sort())
    expect((await readdir(projectDir)).filter(name => name.startsWith('.tmp-'))).to.deep.equal([live])
  })

  it('refuses to prune without an age or a count', async () => {
    let error: Error | undefined
    await pruneBackups({dir}).catch((error_: Error) => {
      error = error_
    })
    expect(error?.message).to.contain('--older-than')
  })

  describe('pruneAfterApply', () => {
    it('prunes the project with backupRetentionDays, 30 by default, keeping the newest 5', async () => {
      const created = await backupsAged([10, 20, 25, 29, 31, 35, 40, 50])
      await backupsAged([40, 41, 42, 43, 44, 45, 46], OTHER_PROJECT)
      let result = await pruneAfterApply({dir, now: NOW, projectId: PROJECT})
      expect(result.warning).to.equal(undefined)
      expect(await ids()).to.deep.equal(created.slice(0, 5))
      expect(await ids(OTHER_PROJECT), 'other projects are not touched').to.have.length(7)

      const more = await backupsAged([8, 9])
      result = await pruneAfterApply({
        dir, now: NOW, projectId: PROJECT, retentionDays: 15,
      })
      // Newest 5: 8, 9, 10, 20 and 25 days; of the others, 29 and 31 days are older than 15.
      expect(result.removed?.map(item => item.id)).to.deep.equal([created[3], created[4]])
      expect(await ids()).to.deep.equal([...more, ...created.slice(0, 3)])
    })

    it('never throws: a failure is a warning for the caller to print', async () => {
      const result = await pruneAfterApply({dir, projectId: '../escape'})
      expect(result.warning).to.match(/^Old backups were not pruned: /)
    })
  })
})
