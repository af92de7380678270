import {expect} from 'chai'
import {
  readdir, readFile, stat, writeFile,
} from 'node:fs/promises'
import path from 'node:path'

import {startEmulator} from '../../plugins/plugin-emulator/src/index.js'
import {type CliResult, makeTempHome, runCli} from '../helpers/cli.js'

type Emulator = Awaited<ReturnType<typeof startEmulator>>

interface PlanJson {
  resources: string[]
  changes: Array<{action: string; id: string; fields: Array<{path: string; before?: unknown; after?: unknown; kind: string}>}>
  skipped: Array<{id: string; reason: string}>
  summary: Record<string, number>
}

interface RestoreJson {
  backup: {id: string; projectId: string}
  target: {projectId: string}
  warnings: string[]
  plan: PlanJson
  applied: boolean
}

function parseJson<T>(result: CliResult): T {
  try {
    return JSON.parse(result.stdout) as T
  } catch {
    throw new Error(`stdout is not JSON (exit ${result.code}):\n${result.stdout}\n${result.stderr}`)
  }
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, {recursive: true, withFileTypes: true})
  return entries.filter(entry => entry.isFile()).map(entry => path.join(entry.parentPath, entry.name))
}

// eslint-disable-next-line no-bitwise -- the permission bits of a mode
const permissions = async (file: string) => (await stat(file)).mode & 0o777

const SOURCE = {id: 'P2BackupSourceProject00000000001', managementKey: 'K2BackupSourceManagementKey0000000001'}
const TARGET = {id: 'P2BackupTargetProject00000000001', managementKey: 'K2BackupTargetManagementKey0000000001'}

describe('backup commands against the emulator (built CLI)', function () {
  this.timeout(120_000)
  let emulator: Emulator
  let home: Awaited<ReturnType<typeof makeTempHome>>
  let env: Record<string, string>
  let backupRoot: string
  let baseline: string

  const cli = (...args: string[]) => runCli(args, {cwd: home.dir, env})
  /** A tenant write of the test's setup: the backup it takes first goes elsewhere, so the counts below are the test's own. */
  const setupWrite = (...args: string[]) => runCli(args, {cwd: home.dir, env: {...env, DESCOPE_MGMT_BACKUP_DIR: path.join(home.dir, 'setup-backups')}})
  const tenants = async (extraEnv: Record<string, string> = {}) => {
    const result = await runCli(['tenant', 'list', '--json'], {cwd: home.dir, env: {...env, ...extraEnv}})
    expect(result.code, result.stderr).to.equal(0)
    return parseJson<Array<{id: string; name: string; customAttributes?: Record<string, unknown>; selfProvisioningDomains?: string[]; parent?: string}>>(result)
  }

  before(async () => {
    emulator = await startEmulator({
      newProjects: 'empty', rateLimit: 'off', port: 0, projects: [SOURCE, TARGET],
    })
    home = await makeTempHome()
    env = {
      ...home.env,
      DESCOPE_BASE_URL: emulator.url,
      DESCOPE_MANAGEMENT_KEY: SOURCE.managementKey,
      DESCOPE_PROJECT_ID: SOURCE.id,
      // Every run of this suite shares one home, so one machine-wide rate budget: not what it tests.
      DESCOPE_MGMT_RATE_LIMIT: '1000/1s',
    }
    backupRoot = path.join(home.env.XDG_DATA_HOME, 'descope-mgmt', 'backups')
    // Many runs of this suite share one home, so one machine-wide rate budget: not what it tests.
    // The project, its key and the emulator's address still come from the environment variables.
    await writeFile(path.join(home.dir, 'descope.yaml'), [
      'version: 1',
      'environments:',
      '  e2e:',
      '    rateLimit: {requests: 1000, windowSeconds: 1}',
      '',
    ].join('\n'))
    for (const args of [
      ['--id', 'acme', '--name', 'Acme', '--domain', 'acme.com', '--attribute', 'plan=gold'],
      ['--id', 'acme-eu', '--name', 'Acme EU', '--parent', 'acme'],
      ['--id', 'beta', '--name', 'Beta'],
      ['--id', 'gamma', '--name', 'Gamma', '--domain', 'gamma.io'],
    ]) {
      const created = await setupWrite('tenant', 'create', ...args)
      expect(created.code, created.stderr).to.equal(0)
    }
  })

  after(async () => {
    await emulator?.stop()
    await home?.cleanup()
  })

  it('creates a backup in the data folder, private, with every tenant and no management key', async () => {
    const result = await cli('backup', 'create', '--label', 'baseline', '--json')
    expect(result.code, result.stderr).to.equal(0)
    const created = parseJson<{id: string; path: string; counts: Record<string, number>; projectId: string}>(result)
    baseline = created.id
    expect(created.id).to.match(/^\d{8}T\d{6}Z-baseline$/)
    expect(created.path).to.equal(path.join(backupRoot, SOURCE.id, created.id))
    expect(created.counts.tenants).to.equal(4)
    expect(created.projectId).to.equal(SOURCE.id)

    const tenantsFile = JSON.parse(await readFile(path.join(created.path, 'tenants.json'), 'utf8')) as Array<{key: string}>
    expect(tenantsFile.map(item => item.key)).to.deep.equal(['acme', 'acme-eu', 'beta', 'gamma'])
    expect(await permissions(created.path)).to.equal(0o700)
    for (const file of await filesUnder(created.path)) {
      expect(await permissions(file), file).to.equal(0o600)
    }

    const text = await cli('backup', 'create')
    expect(text.code, text.stderr).to.equal(0)
    expect(text.stderr).to.contain(`Backing up project ${SOURCE.id}`).and.match(/✓ tenants: 4/)
    expect(text.stdout).to.match(/✓ Backup \d{8}T\d{6}Z-manual(-[0-9a-f]{4})? created: .*tenants 4/)

    for (const file of await filesUnder(backupRoot)) {
      const content = await readFile(file, 'utf8')
      for (const key of [SOURCE.managementKey, TARGET.managementKey]) expect(content, file).to.not.contain(key)
    }
  })

  it('lists, shows and verifies backups', async () => {
    // Other resource kinds (roles, permissions) join backups as this build learns them: only the tenants are checked.
    const list = await cli('backup', 'list', '--json')
    expect(list.code, list.stderr).to.equal(0)
    const listed = parseJson<Array<{id: string; label?: string; operation: string; counts: Record<string, number>}>>(list)
    expect(listed).to.have.length(2)
    expect(listed[1]).to.deep.include({id: baseline, label: 'baseline', operation: 'manual'})
    expect(listed[1].counts.tenants).to.equal(4)

    const table = await cli('backup', 'list')
    const lines = table.stdout.trim().split('\n')
    expect(lines[0]).to.match(/^ID\s+TIME\s+ENV\s+OPERATION\s+LABEL\s+RESOURCES\s+SIZE$/)
    expect(lines[2]).to.match(new RegExp(`^${baseline}\\s+\\d{4}-\\d{2}-\\d{2} .*manual\\s+baseline\\s+.*\\btenants 4\\b`))

    const show = await cli('backup', 'show', baseline.slice(0, 25), '--json')
    expect(show.code, show.stderr).to.equal(0)
    const shown = parseJson<{counts: Record<string, number>}>(show)
    expect(shown).to.deep.include({
      formatVersion: 1, id: baseline, label: 'baseline', projectId: SOURCE.id,
    })
    expect(shown.counts.tenants).to.equal(4)
    const showText = await cli('backup', 'show', baseline)
    expect(showText.stdout).to.match(/Project:\s+P2BackupSourceProject/).and.match(/tenants\s+4/).and.contain('tenants.json')

    const verify = await cli('backup', 'verify', baseline)
    expect(verify.code, verify.stderr).to.equal(0)
    expect(verify.stdout).to.match(new RegExp(`✓ Backup ${baseline} is intact: \\d+ files match their checksums; .*\\btenants 4\\b`))
  })

  it('restore --dry-run lists exactly the differences with the backup, and exits 2', async () => {
    for (const args of [
      ['tenant', 'update', 'acme', '--name', 'Acme Corp', '--attribute', 'plan=silver'],
      ['tenant', 'delete', 'beta', '--yes'],
      ['tenant', 'create', '--id', 'delta', '--name', 'Delta'],
    ]) {
      const changed = await setupWrite(...args)
      expect(changed.code, changed.stderr).to.equal(0)
    }

    const before = await tenants()
    const dry = await cli('backup', 'restore', baseline, '--dry-run', '--json')
    expect(dry.code, dry.stderr).to.equal(2)
    const {plan, warnings} = parseJson<RestoreJson>(dry)
    expect(warnings).to.deep.equal([])
    expect(plan.changes.map(change => [change.action, change.id])).to.deep.equal([['update', 'tenant:acme'], ['create', 'tenant:beta']])
    expect(plan.changes[0].fields).to.deep.equal([
      {
        after: 'gold', before: 'silver', kind: 'changed', path: 'customAttributes.plan',
      },
      {
        after: 'Acme', before: 'Acme Corp', kind: 'changed', path: 'name',
      },
    ])
    expect(plan.skipped).to.deep.equal([{
      action: 'delete', id: 'tenant:delta', key: 'delta', kind: 'tenant', reason: 'unmanaged',
    }])

    const text = await cli('backup', 'restore', baseline)
    expect(text.code, text.stderr).to.equal(2)
    expect(text.stdout).to.contain(`Restore of backup ${baseline}`)
    expect(text.stdout).to.contain('~ tenant acme').and.contain('name: "Acme Corp" → "Acme"').and.contain('customAttributes.plan: "silver" → "gold"')
    expect(text.stdout).to.contain('+ tenant beta')
    expect(text.stdout).to.contain('1 tenant not in the backup, kept (use --prune to delete): delta')
    expect(text.stdout).to.contain('Plan: 1 to create, 1 to update, 0 to delete.')
    expect(text.stdout).to.contain('Dry run: nothing was changed.')

    const pruned = parseJson<RestoreJson>(await cli('backup', 'restore', baseline, '--prune', '--json'))
    expect(pruned.plan.changes.map(change => [change.action, change.id])).to.deep.equal([['update', 'tenant:acme'], ['create', 'tenant:beta'], ['delete', 'tenant:delta']])

    expect(await tenants(), 'a dry run changes nothing').to.deep.equal(before)
  })

  it('restores only the resources asked for (--resources tenants)', async () => {
    const partial = await cli('backup', 'create', '--resources', 'tenants', '--label', 'tenants-only', '--json')
    expect(partial.code, partial.stderr).to.equal(0)
    const {id} = parseJson<{id: string; resources: string[]}>(partial)

    const restore = await cli('backup', 'restore', baseline, '--resources', 'tenants', '--json')
    expect(restore.code, restore.stderr).to.equal(2)
    const {plan} = parseJson<RestoreJson>(restore)
    expect(plan.resources).to.deep.equal(['tenants'])
    expect(plan.changes.every(change => change.id.startsWith('tenant:'))).to.equal(true)
    expect(plan.changes).to.have.length(2)

    const none = await cli('backup', 'restore', id, '--resources', 'tenants', '--json')
    expect(none.code, 'the live project equals that backup').to.equal(0)
    expect(parseJson<RestoreJson>(none).plan.changes).to.deep.equal([])
    const noneText = await cli('backup', 'restore', id)
    expect(noneText.code).to.equal(0)
    expect(noneText.stdout).to.contain('No changes: the live project matches the backup.')

    const missing = await cli('backup', 'restore', id, '--resources', 'roles')
    expect(missing.code).to.equal(3)
    expect(missing.stderr).to.contain('The backup has no roles')
  })

  it('restores into another project only with a loud warning naming both', async () => {
    const result = await runCli(['backup', 'restore', baseline, '--json'], {
      cwd: home.dir,
      env: {...env, DESCOPE_MANAGEMENT_KEY: TARGET.managementKey, DESCOPE_PROJECT_ID: TARGET.id},
    })
    expect(result.code, result.stderr).to.equal(2)
    expect(result.stderr).to.contain('RESTORING INTO A DIFFERENT PROJECT')
    expect(result.stderr).to.contain(`taken from project ${SOURCE.id}`).and.contain(`targets project ${TARGET.id}`)
    const output = parseJson<RestoreJson>(result)
    expect(output.target.projectId).to.equal(TARGET.id)
    expect(output.plan.changes.map(change => [change.action, change.id])).to.deep.equal([
      ['create', 'tenant:acme'], ['create', 'tenant:beta'], ['create', 'tenant:gamma'], ['create', 'tenant:acme-eu'],
    ])
    expect(await tenants({DESCOPE_MANAGEMENT_KEY: TARGET.managementKey, DESCOPE_PROJECT_ID: TARGET.id})).to.deep.equal([])
  })

  it('restores with --apply after a fresh backup: live equals the backup, field by field', async () => {
    const result = await cli('backup', 'restore', baseline, '--apply', '--prune', '--yes')
    expect(result.code, result.stderr + result.stdout).to.equal(0)
    const safety = /Backup (\S+-restore(-[0-9a-f]{4})?) taken before the first write/.exec(result.stdout)
    expect(safety, result.stdout).to.not.equal(null)
    expect((await stat(path.join(backupRoot, SOURCE.id, safety![1]))).isDirectory()).to.equal(true)
    expect(result.stdout).to.match(/✓ Applied \d+ changes/)

    const after = parseJson<{path: string}>(await cli('backup', 'create', '--resources', 'tenants', '--label', 'after-restore', '--json'))
    const read = async (folder: string) => JSON.parse(await readFile(path.join(folder, 'tenants.json'), 'utf8')) as unknown
    expect(await read(after.path)).to.deep.equal(await read(path.join(backupRoot, SOURCE.id, baseline)))

    const again = await cli('backup', 'restore', baseline, '--prune')
    expect(again.code).to.equal(0)
    expect(again.stdout).to.contain('No changes: the live project matches the backup.')
  })

  it('refuses a DESCOPE_MGMT_RATE_LIMIT it cannot read, before any request (exit 3)', async () => {
    const before = (await emulator.stats()).totals.requests
    const result = await runCli(['backup', 'create'], {cwd: home.dir, env: {...env, DESCOPE_MGMT_RATE_LIMIT: 'fast'}})
    expect(result.code, result.stderr).to.equal(3)
    expect(result.stderr).to.contain('DESCOPE_MGMT_RATE_LIMIT="fast" is not a rate limit').and.contain('100/60s')
    expect((await emulator.stats()).totals.requests).to.equal(before)
  })

  it('refuses a damaged backup, naming the file, and changes nothing', async () => {
    const copy = await cli('backup', 'create', '--label', 'to-damage', '--json')
    const {id, path: folder} = parseJson<{id: string; path: string}>(copy)
    const file = path.join(folder, 'tenants.json')
    await writeFile(file, (await readFile(file, 'utf8')).replace('"Gamma"', '"Gamma!"'))

    const verify = await cli('backup', 'verify', id)
    expect(verify.code).to.equal(3)
    expect(verify.stderr).to.contain(`Backup ${id} is damaged`).and.contain('tenants.json: checksum mismatch')

    const before = await tenants()
    const restore = await cli('backup', 'restore', id, '--json')
    expect(restore.code).to.equal(3)
    const {error} = parseJson<{error: {code: string; problems: Array<{file: string}>}}>(restore)
    expect(error.code).to.equal('backup_damaged')
    expect(error.problems.map(problem => problem.file)).to.deep.equal(['tenants.json'])
    expect(await tenants()).to.deep.equal(before)

    await writeFile(path.join(folder, 'metadata.json'), '{"formatVersion": 7}')
    const unknown = await cli('backup', 'show', id)
    expect(unknown.code).to.equal(3)
    expect(unknown.stderr).to.contain('metadata.json: unknown format version 7')
    const listed = await cli('backup', 'list')
    expect(listed.stdout).to.match(new RegExp(`${id}.*DAMAGED.*metadata\\.json: unknown format version 7`))
  })

  it('keeps backups in --backup-dir or DESCOPE_MGMT_BACKUP_DIR, and prunes keeping the newest 5', async () => {
    const elsewhere = path.join(home.dir, 'elsewhere')
    const withEnv = await runCli(['backup', 'create', '--json'], {cwd: home.dir, env: {...env, DESCOPE_MGMT_BACKUP_DIR: elsewhere}})
    expect(withEnv.code, withEnv.stderr).to.equal(0)
    expect(parseJson<{path: string}>(withEnv).path.startsWith(path.join(elsewhere, SOURCE.id))).to.equal(true)
    const listed = await cli('backup', 'list', '--backup-dir', elsewhere, '--json')
    expect(parseJson<unknown[]>(listed)).to.have.length(1)

    const prune = await cli('backup', 'prune', '--older-than', '0d', '--yes', '--json')
    expect(prune.code, prune.stderr).to.equal(0)
    const result = parseJson<{removed: Array<{id: string}>; kept: number}>(prune)
    // The data folder holds 5 intact backups (3 made above, the safety backup of the restore and
    // the one after it): the newest 5 are always kept, whatever their age. The damaged one goes
    // for its age alone.
    expect(result.removed.map(removed => removed.id)).to.have.length(1)
    expect(result.removed[0].id).to.match(/-to-damage$/)
    expect(result.kept).to.equal(5)
    const after = parseJson<Array<{id: string}>>(await cli('backup', 'list', '--json'))
    expect(after).to.have.length(5)
    expect(after.map(backup => backup.id)).to.include(baseline)
  })
})
