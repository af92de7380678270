/**
 * Runs last (mocha loads files in name order; `npm test` runs it in its serial pass, after the
 * parallel one): every CLI run of the resilience suite went through `run`/`spawnCli` of
 * helpers.ts, which recorded its output and the temporary folders it used.
 * This file adds the commands that export files, then looks for the management key — whole,
 * encoded, or any fragment longer than its redacted form shows — in all of it.
 */
import {expect} from 'chai'
import {mkdir, readFile} from 'node:fs/promises'
import path from 'node:path'

import type {CliResult} from '../helpers/cli.js'

import {
  allRecorded, MANAGEMENT_KEY, removeRecordedDirs, tenants, walk, type Workspace, workspace,
} from './helpers.js'

/** What must never appear: the key, its usual encodings, and every 8-character piece of it. */
function needles(): Map<string, string> {
  const found = new Map<string, string>([
    ['the key', MANAGEMENT_KEY],
    ['the key in base64', Buffer.from(MANAGEMENT_KEY).toString('base64')],
    ['the key in base64url', Buffer.from(MANAGEMENT_KEY).toString('base64url')],
    ['the key in hex', Buffer.from(MANAGEMENT_KEY).toString('hex')],
  ])
  // The redacted form shows the first 2 and last 4 characters (`K2…8vGe`); any 8 in a row are a leak.
  for (let start = 0; start + 8 <= MANAGEMENT_KEY.length; start++) found.set(`key characters ${start}–${start + 7}`, MANAGEMENT_KEY.slice(start, start + 8))
  return found
}

function leaks(text: string): string[] {
  return [...needles()].filter(([, needle]) => text.includes(needle)).map(([what]) => what)
}

function output(result: CliResult): string {
  return `exit ${result.code}\n${result.stdout.slice(-1500)}\n${result.stderr}`
}

describe('secrets scan: the management key appears in no output and no file of the suite', function () {
  this.timeout(120_000)
  let ws: Workspace

  before(async () => {
    // Commands that write files a user keeps (exports), and error paths with stack traces on.
    ws = await workspace('Secrets')
    await ws.configure({
      permissions: [{description: 'Read', name: 'read'}],
      roles: [{description: 'Reads', name: 'viewer', permissionNames: ['read']}],
      tenants: tenants(5),
    })
    const exports = path.join(ws.home.dir, 'exports')
    await mkdir(exports)
    const steps: Array<[string[], number, Record<string, string>?]> = [
      [['apply', '-e', 'e', '--yes'], 0],
      [['tenant', 'list', '-e', 'e', '--json'], 0],
      [['backup', 'create', '-e', 'e', '--json'], 0],
      [['audit', 'export', '--format', 'csv', '--out', path.join(exports, 'audit.csv')], 0],
      [['audit', 'export', '--format', 'json', '--out', path.join(exports, 'audit.json')], 0],
      [['theme', 'export', '-e', 'e', '--out', path.join(exports, 'theme.json')], 0],
      [['flow', 'export', '--all', '-e', 'e', '--out', path.join(exports, 'flows')], 0],
      [['init', '--from-live', '-e', 'e', '--out', path.join(exports, 'live', 'descope.yaml')], 0],
      [['plan', '-e', 'e', '--json', '--out', path.join(exports, 'plan.json')], 0],
      [['plan', '-e', 'e', '--output', 'markdown', '--out', path.join(exports, 'plan.md')], 0],
      // Failures, with stack traces: unreachable API, then a wrong key.
      [['tenant', 'list', '-e', 'e', '--base-url', 'http://127.0.0.1:9', '--no-cache'], 5, {DEBUG: 'descope-mgmt*'}],
      [['apply', '-e', 'e', '--yes', '--project-id', 'P2ResUnknownProject000000001'], 4, {DEBUG: 'descope-mgmt*'}],
    ]
    for (const [args, code, env] of steps) {
      const result = await ws.cli(args, {env})
      expect(result.code, `${args.join(' ')}\n${output(result)}`).to.equal(code)
    }
  })

  after(async () => {
    await ws?.emulator.stop()
    await removeRecordedDirs()
  })

  it('no stdout or stderr of any CLI run of the suite holds the key or a piece of it', async () => {
    const recorded = await allRecorded()
    console.log(`      secrets scan: ${recorded.runs.length} CLI runs, ${recorded.dirs.size} temporary folders`)
    expect(recorded.runs.length).to.be.greaterThan(10)
    const found = recorded.runs.flatMap(run => leaks(run.stdout + run.stderr).map(what => `${what} in the output of \`${run.args.join(' ')}\``))
    expect(found).to.deep.equal([])
  })

  it('no file under the temporary homes (audit log, journals, backups, cache, locks, exports) holds it', async () => {
    const recorded = await allRecorded()
    const files = (await Promise.all([...recorded.dirs].map(dir => walk(dir)))).flat().filter(entry => !entry.isDirectory).map(entry => entry.path)
    const count = (pattern: RegExp) => files.filter(file => pattern.test(file)).length
    const kinds = {
      'audit logs': count(/\/audit\.jsonl$/),
      backups: count(/\/backups\/|\/vault\//),
      'cache files': count(/\/cache\/descope-mgmt\//),
      exports: count(/\/exports\//),
      journals: count(/\/journals\/.+\.jsonl$/),
    }
    console.log(`      secrets scan: ${files.length} files: ${Object.entries(kinds).map(([kind, n]) => `${n} ${kind}`).join(', ')}`)
    for (const [kind, n] of Object.entries(kinds)) expect(n, kind).to.be.greaterThan(0)

    const found: string[] = []
    for (const file of files) {
      const text = await readFile(file, 'latin1')
      for (const what of leaks(text)) found.push(`${what} in ${file}`)
    }

    expect(found).to.deep.equal([])
  })
})
