import {expect} from 'chai'
import {createHash} from 'node:crypto'
import {
  mkdir, readFile, rename, writeFile,
} from 'node:fs/promises'
import path from 'node:path'

import {BackupDamagedError, METADATA_FILE} from '../../../src/lib/backup/format.js'
import {
  listBackups, loadBackup, readBackupMetadata, resolveBackup, verifyBackup,
} from '../../../src/lib/backup/store.js'
import {flowItem} from '../../../src/lib/resources/flows.js'
import {rejection} from '../config/helpers.js'
import {
  backup, editJson, fakeKind, OTHER_PROJECT, PROJECT, tempDir, tenantsKind,
} from './helpers.js'

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex')

const flow = (flowId: string) => flowItem({
  contents: {startTask: 'start', tasks: {start: {id: 'start'}}}, flowId, metadata: {name: flowId}, references: {}, screens: [],
})

describe('backup verification of damaged files', () => {
  let dir: string
  let cleanup: () => Promise<void>

  beforeEach(async () => {
    ({cleanup, dir} = await tempDir())
  })

  afterEach(async () => {
    await cleanup()
  })

  it('refuses a backup moved into the folder of another project, naming metadata.json, in verify, load, show and list', async () => {
    const created = await backup(dir)
    const moved = path.join(dir, OTHER_PROJECT, created.id)
    await mkdir(path.dirname(moved), {recursive: true})
    await rename(created.path, moved)

    const ref = await resolveBackup(dir, `${OTHER_PROJECT}/${created.id}`)
    const verified = await verifyBackup(ref)
    expect(verified.ok).to.equal(false)
    expect(verified.problems).to.deep.equal([{
      file: METADATA_FILE,
      problem: `records project ${PROJECT}, but the backup is in the folder of project ${OTHER_PROJECT}: it was moved or copied there, and is refused`,
    }])
    const error = await loadBackup(dir, `${OTHER_PROJECT}/${created.id}`).catch((error_: unknown) => error_)
    expect(error).to.be.instanceOf(BackupDamagedError)
    expect((error as BackupDamagedError).exitCode).to.equal(3)
    expect((await rejection(readBackupMetadata(ref))).message).to.contain(`metadata.json: records project ${PROJECT}`)
    const [listed] = await listBackups(dir, OTHER_PROJECT)
    expect(listed.damaged).to.match(/^metadata\.json: records project/)
  })

  it('says a binary file is binary, without echoing its bytes', async () => {
    const created = await backup(dir)
    await writeFile(path.join(created.path, 'tenants.json'), Buffer.from([0x1F, 0x8B, 0x08, 0x00, 0xFF, 0x01, 0x02]))
    const verified = await verifyBackup(await resolveBackup(dir, created.id))
    expect(verified.problems.map(problem => problem.file)).to.deep.equal(['tenants.json', 'tenants.json'])
    expect(verified.problems[0].problem).to.match(/^checksum mismatch/)
    expect(verified.problems[1].problem).to.equal('not valid JSON: the file contains NUL bytes: it looks like a binary file, not a text file')
    // eslint-disable-next-line no-control-regex -- the point: no control character of the file in the message
    for (const problem of verified.problems) expect(problem.problem).to.not.match(/[\u0000-\u0008\u007F-\u009F\uFFFD]/)
  })

  it('gives the line and column of a JSON syntax error', async () => {
    const created = await backup(dir)
    const file = path.join(created.path, 'tenants.json')
    const text = await readFile(file, 'utf8')
    const cut = text.slice(0, text.indexOf('"key"') + 3)
    await writeFile(file, cut)
    await editJson(path.join(created.path, METADATA_FILE), metadata => {
      (metadata.files as Record<string, {sha256: string; size: number}>)['tenants.json'].sha256 = sha256(cut)
    })
    const verified = await verifyBackup(await resolveBackup(dir, created.id))
    const lines = cut.split('\n')
    expect(verified.problems).to.deep.equal([{
      file: 'tenants.json',
      problem: `not valid JSON at line ${lines.length}, column ${lines.at(-1)!.indexOf('"') + 1}: text in double quotes is not closed before the end of the file (it may have been cut short)`,
    }])
  })

  it('names the flow file whose content is wrong, not the index of the flows', async () => {
    const created = await backup(dir, {kinds: [tenantsKind(), fakeKind('flow', 'flows', [flow('sign-in'), flow('sign-up')], 3)]})
    const file = path.join(created.path, 'flows', 'sign-up.json')
    const content = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>
    delete content.contents
    const text = `${JSON.stringify(content, null, 2)}\n`
    await writeFile(file, text)
    await editJson(path.join(created.path, METADATA_FILE), metadata => {
      (metadata.files as Record<string, {sha256: string; size: number}>)['flows/sign-up.json'].sha256 = sha256(text)
    })
    const verified = await verifyBackup(await resolveBackup(dir, created.id))
    expect(verified.problems).to.deep.equal([{file: 'flows/sign-up.json', problem: 'not a list of flows: not an exported flow (no "flowId" or "contents")'}])
  })
})
