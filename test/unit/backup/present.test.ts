import {expect} from 'chai'

import {
  backupId, formatTimestamp, isBackupFolderName, isSafeRelativePath, slugifyLabel, timestampOfId,
} from '../../../src/lib/backup/format.js'
import {resolveBackupRoot} from '../../../src/lib/backup/location.js'
import {formatCounts, formatSize, parseAge} from '../../../src/lib/backup/present.js'

describe('backup names and presentation', () => {
  it('names backups <timestamp>-<label or operation>', () => {
    const date = new Date('2025-05-12T10:30:15.123Z')
    expect(formatTimestamp(date)).to.equal('20250512T103015Z')
    expect(backupId(date, 'apply')).to.equal('20250512T103015Z-apply')
    expect(backupId(date, 'Before Q3 migration!')).to.equal('20250512T103015Z-before-q3-migration')
    expect(backupId(date, '!!!')).to.equal('20250512T103015Z-backup')
    expect(backupId(date, 'apply', true)).to.match(/^20250512T103015Z-apply-[0-9a-f]{4}$/)
    expect(timestampOfId('20250512T103015Z-apply')?.toISOString()).to.equal('2025-05-12T10:30:15.000Z')
    expect(slugifyLabel('../../etc')).to.equal('etc')
    expect(slugifyLabel('x'.repeat(80))).to.have.length(40)
  })

  it('tells backup folders from temporary and other folders', () => {
    expect(isBackupFolderName('20250512T103015Z-apply')).to.equal(true)
    expect(isBackupFolderName('.tmp-20250512T103015Z-1-ab')).to.equal(false)
    expect(isBackupFolderName('notes')).to.equal(false)
  })

  it('accepts only file paths inside the backup folder', () => {
    expect(isSafeRelativePath('tenants.json')).to.equal(true)
    expect(isSafeRelativePath('flows/sign-up.json')).to.equal(true)
    for (const bad of ['', '/etc/passwd', '../x', 'flows/../../x', 'a//b', String.raw`a\b`, './x']) expect(isSafeRelativePath(bad), bad).to.equal(false)
  })

  it('finds the backup root: flag, then DESCOPE_MGMT_BACKUP_DIR, then <dataDir>/backups', () => {
    expect(resolveBackupRoot({dataDir: '/data', env: {}})).to.equal('/data/backups')
    expect(resolveBackupRoot({dataDir: '/data', env: {DESCOPE_MGMT_BACKUP_DIR: '/env'}})).to.equal('/env')
    expect(resolveBackupRoot({dataDir: '/data', env: {DESCOPE_MGMT_BACKUP_DIR: '/env'}, flag: '/flag'})).to.equal('/flag')
  })

  it('parses ages and formats sizes and counts', () => {
    expect(parseAge('30d')).to.equal(30)
    expect(parseAge('30')).to.equal(30)
    expect(parseAge('2w')).to.equal(14)
    expect(parseAge('12h')).to.equal(0.5)
    expect(() => parseAge('soon')).to.throw('"soon" is not an age.')
    expect(formatSize(512)).to.equal('512 B')
    expect(formatSize(3277)).to.equal('3.2 KiB')
    expect(formatSize(5 * 1024 * 1024)).to.equal('5.0 MiB')
    expect(formatCounts(['tenants', 'roles'], {roles: 3, tenants: 12})).to.equal('tenants 12, roles 3')
  })
})
