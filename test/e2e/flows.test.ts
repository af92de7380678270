import {expect} from 'chai'
import {
  mkdir, readdir, readFile, writeFile,
} from 'node:fs/promises'
import path from 'node:path'

import {startEmulator} from '../../plugins/plugin-emulator/src/index.js'
import {
  type CliResult, makeTempHome, repoRoot, runCli,
} from '../helpers/cli.js'
import {signIn} from '../helpers/flows.js'

type Emulator = Awaited<ReturnType<typeof startEmulator>>
type Json = Record<string, unknown>

const fixture = async (name: string) => JSON.parse(await readFile(path.join(repoRoot, 'test/fixtures/flows', name), 'utf8')) as Json

function parseJson<T>(result: CliResult): T {
  try {
    return JSON.parse(result.stdout) as T
  } catch {
    throw new Error(`stdout is not JSON (exit ${result.code}):\n${result.stdout}\n${result.stderr}`)
  }
}

const SOURCE = {id: 'P2FlowSourceProject0000000000001', managementKey: 'K2FlowSourceManagementKey00000001'}
const EMPTY = {id: 'P2FlowEmptyProject00000000000001', managementKey: 'K2FlowEmptyManagementKey000000001'}

describe('flow commands against the emulator (built CLI)', function () {
  this.timeout(120_000)
  let emulator: Emulator
  let home: Awaited<ReturnType<typeof makeTempHome>>
  let env: Record<string, string>
  let emptyEnv: Record<string, string>
  let original: Json

  const cli = (...args: string[]) => runCli(args, {cwd: home.dir, env})
  const inEmpty = (...args: string[]) => runCli(args, {cwd: home.dir, env: emptyEnv})
  const liveFlow = async (id: string, extraEnv = env) => {
    const out = path.join(home.dir, `live-${id}-${Date.now()}.json`)
    const result = await runCli(['flow', 'export', id, '--out', out], {cwd: home.dir, env: extraEnv})
    expect(result.code, result.stderr).to.equal(0)
    return readFile(out, 'utf8')
  }

  before(async () => {
    original = await fixture('sign-up-or-in.v2.json')
    emulator = await startEmulator({
      newProjects: 'empty', rateLimit: 'off', port: 0, projects: [{...SOURCE, flows: [original, signIn()]}, EMPTY],
    })
    home = await makeTempHome()
    env = {
      ...home.env, DESCOPE_BASE_URL: emulator.url, DESCOPE_MANAGEMENT_KEY: SOURCE.managementKey, DESCOPE_PROJECT_ID: SOURCE.id,
    }
    emptyEnv = {...env, DESCOPE_MANAGEMENT_KEY: EMPTY.managementKey, DESCOPE_PROJECT_ID: EMPTY.id}
  })

  after(async () => {
    await emulator?.stop()
    await home?.cleanup()
  })

  it('lists the flows as a table and as JSON', async () => {
    const json = await cli('flow', 'list', '--json')
    expect(json.code, json.stderr).to.equal(0)
    const flows = parseJson<Array<{id: string; name: string; disabled: boolean; modifiedTime: string}>>(json)
    expect(flows.map(flow => flow.id)).to.deep.equal(['sign-in', 'sign-up-or-in'])
    expect(flows[1]).to.include({disabled: false, name: 'Sign Up or In'})
    expect(flows[1].modifiedTime).to.match(/^\d{4}-\d{2}-\d{2}T/)
    const table = await cli('flow', 'list')
    expect(table.stdout).to.match(/ID\s+NAME\s+DESCRIPTION\s+DISABLED\s+MODIFIED/).and.contain('sign-up-or-in')
  })

  it('round trip: export all, import into an empty project, export again: identical bytes', async () => {
    const first = path.join(home.dir, 'first')
    const second = path.join(home.dir, 'second')
    const exported = await cli('flow', 'export', '--all', '--out', first, '--json')
    expect(exported.code, exported.stderr).to.equal(0)
    expect((await readdir(first)).sort()).to.deep.equal(['sign-in.json', 'sign-up-or-in.json'])
    const text = await readFile(path.join(first, 'sign-up-or-in.json'), 'utf8')
    expect(text.startsWith('{\n  "flowId": "sign-up-or-in",\n  "metadata": {')).to.equal(true)
    expect(JSON.parse(text)).to.deep.equal(original)

    const imported = await inEmpty('flow', 'import', path.join(first, 'sign-in.json'), path.join(first, 'sign-up-or-in.json'), '--apply', '--yes')
    expect(imported.code, imported.stderr + imported.stdout).to.equal(0)
    expect(imported.stdout).to.contain('+ flow sign-up-or-in (new)')
    const again = await inEmpty('flow', 'export', '--all', '--out', second)
    expect(again.code, again.stderr).to.equal(0)
    for (const file of ['sign-in.json', 'sign-up-or-in.json']) {
      expect(await readFile(path.join(second, file), 'utf8'), file).to.equal(await readFile(path.join(first, file), 'utf8'))
    }
  })

  it('exports v1 and imports a v1 file', async () => {
    const file = path.join(home.dir, 'sign-in.v1.json')
    const result = await cli('flow', 'export', 'sign-in', '--format', 'v1', '--out', file)
    expect(result.code, result.stderr).to.equal(0)
    const v1 = JSON.parse(await readFile(file, 'utf8')) as {flow: {id: string; dsl: unknown}; screens: Array<{id: string}>}
    expect(v1.flow.id).to.equal('sign-in')
    expect(v1.screens.map(screen => screen.id)).to.deep.equal(['login'])
    const dry = await cli('flow', 'import', file)
    expect(dry.code, dry.stderr).to.equal(0)
    expect(dry.stdout).to.contain('= flow sign-in: no changes')
  })

  it('the file-name trap: a renamed export imports into its own flow, which is backed up first', async () => {
    const renamed = path.join(home.dir, 'renamed.json')
    expect((await cli('flow', 'export', 'sign-up-or-in', '-o', renamed)).code).to.equal(0)
    const flow = JSON.parse(await readFile(renamed, 'utf8')) as {metadata: Json}
    flow.metadata.description = 'Changed in the renamed file'
    await writeFile(renamed, JSON.stringify(flow, null, 2))

    const result = await cli('flow', 'import', renamed, '--apply', '--yes', '--json')
    expect(result.code, result.stderr).to.equal(0)
    const json = parseJson<{applied: boolean; backupId: string; flows: Array<{flowId: string; idFrom: string}>}>(result)
    expect(json.flows).to.deep.equal([{...json.flows[0], flowId: 'sign-up-or-in', idFrom: 'content'}])
    expect(json.applied).to.equal(true)
    const list = parseJson<Array<{id: string}>>(await cli('flow', 'list', '--json'))
    expect(list.map(item => item.id)).to.not.include('renamed')
    expect(JSON.parse(await liveFlow('sign-up-or-in'))).to.have.nested.property('metadata.description', 'Changed in the renamed file')

    const backupDir = path.join(home.env.XDG_DATA_HOME, 'descope-mgmt', 'backups', SOURCE.id, json.backupId)
    const metadata = JSON.parse(await readFile(path.join(backupDir, 'metadata.json'), 'utf8')) as {operation: string; resources: string[]; counts: Json}
    expect(metadata).to.deep.include({counts: {flows: 1}, operation: 'import', resources: ['flows']})
    const backedUp = JSON.parse(await readFile(path.join(backupDir, 'flows', 'sign-up-or-in.json'), 'utf8')) as Json
    expect(backedUp).to.deep.equal(original)
  })

  it('diff and --dry-run show a structural diff and change nothing', async () => {
    const changed = structuredClone(original) as {metadata: Json; contents: {tasks: Record<string, Json>}; screens: Array<{screenId: string; interactions?: Json[]}>; references: {roles: Json}}
    changed.metadata.name = 'Sign Up or In (v2)'
    changed.contents.tasks['3'].action = 'otp-sign-up-or-in-sms'
    delete changed.contents.tasks['8']
    changed.contents.tasks['9'] = {
      id: '9', name: 'Audit', type: 'action', view: {x: 1, y: 1},
    }
    changed.screens[1].interactions = []
    changed.references.roles = {}
    const file = path.join(home.dir, 'changed.json')
    await writeFile(file, JSON.stringify(changed))
    const before = await liveFlow('sign-up-or-in')

    const diff = await cli('flow', 'diff', file)
    expect(diff.code, diff.stderr).to.equal(2)
    expect(diff.stdout).to.contain('~ flow sign-up-or-in')
    expect(diff.stdout).to.match(/Metadata:\n(\s+.*\n)*\s+name: "Sign Up or In" → "Sign Up or In \(v2\)"/)
    expect(diff.stdout).to.match(/Tasks \(1 added, 1 removed, 1 changed\):/)
    expect(diff.stdout).to.match(/\+ 9 Audit \(action\)/)
    expect(diff.stdout).to.match(/- 8 /)
    expect(diff.stdout).to.match(/~ 3 .*\n\s+action: "otp-sign-up-or-in-email" → "otp-sign-up-or-in-sms"/)
    expect(diff.stdout).to.match(/Screens \(0 added, 0 removed, 1 changed\):\n\s+~ SC2sUd8pQ1hK0oWZrtcXc3GxUv2Lm/)
    expect(diff.stdout).to.match(/References:\n\s+roles.Member: "ROL2kytoq1RRvE147xvkGxu6xXEJxY" → \(unset\)/)

    const dry = await cli('flow', 'import', file, '--dry-run')
    expect(dry.code, dry.stderr).to.equal(0)
    expect(dry.stdout).to.contain('Dry run: nothing was changed')
    expect(await liveFlow('sign-up-or-in')).to.equal(before)

    const same = await cli('flow', 'diff', path.join(home.dir, 'first', 'sign-in.json'))
    expect(same.code, same.stderr).to.equal(0)
    expect(same.stdout).to.contain('no changes')
  })

  it('refuses bad files with clear errors and changes nothing', async () => {
    const before = await liveFlow('sign-up-or-in')
    const malformed = path.join(home.dir, 'malformed.json')
    await writeFile(malformed, '{"flowId": "sign-up-or-in", ')
    const bad = await cli('flow', 'import', malformed, '--apply', '--yes')
    expect(bad.code).to.not.equal(0)
    expect(bad.stderr).to.contain('malformed.json:1:29: not valid JSON: the file ends before the JSON is complete')

    const unknown = path.join(home.dir, 'unknown.json')
    await writeFile(unknown, JSON.stringify({hello: 'world'}))
    const format = await cli('flow', 'import', unknown, '--apply', '--yes')
    expect(format.code).to.not.equal(0)
    expect(format.stderr).to.contain('not a Descope flow in a known format')

    await mkdir(path.join(home.dir, 'odd'), {recursive: true})
    const nameless = path.join(home.dir, 'odd', 'my flow!.json')
    const withoutId = structuredClone(original)
    delete withoutId.flowId
    await writeFile(nameless, JSON.stringify(withoutId))
    const noId = await cli('flow', 'import', nameless, '--apply', '--yes')
    expect(noId.code).to.not.equal(0)
    expect(noId.stderr).to.contain('names no flow id').and.contain('--flow-id')

    const byName = path.join(home.dir, 'odd', 'from-name.json')
    await writeFile(byName, JSON.stringify(withoutId))
    const warned = await cli('flow', 'import', byName)
    expect(warned.code, warned.stderr).to.equal(0)
    expect(warned.stderr).to.contain('importing it as "from-name", taken from the file name')
    expect(await liveFlow('sign-up-or-in')).to.equal(before)
  })

  it('an import the emulator rejects: clear error, nothing changed, backup kept', async () => {
    const before = await liveFlow('sign-up-or-in')
    const rejected = structuredClone(original) as {metadata: Json}
    rejected.metadata.name = 42
    const file = path.join(home.dir, 'rejected.json')
    await writeFile(file, JSON.stringify(rejected))
    // A member of the wrong type is refused before anything is sent, naming the field.
    const refused = await cli('flow', 'import', file, '--apply', '--yes')
    expect(refused.code).to.equal(3)
    expect(refused.stderr).to.contain('rejected.json:1:').and.contain('metadata.name: must be text, not the number 42')

    // A valid file the API refuses: the import fails after the backup, which is kept.
    rejected.metadata.name = 'Renamed'
    await writeFile(file, JSON.stringify(rejected))
    await emulator.admin.setFaults([{count: 1, route: 'POST /v2/mgmt/flow/import', status: 400}])
    const result = await cli('flow', 'import', file, '--apply', '--yes')
    await emulator.admin.clearFaults()
    expect(result.code).to.equal(5)
    expect(result.stdout).to.match(/✗ update flow:sign-up-or-in: .*Injected fault/)
    const backup = /Backup (\S+) taken before the first write/.exec(result.stdout)?.[1]
    expect(backup, result.stdout).to.be.a('string')
    expect(await liveFlow('sign-up-or-in')).to.equal(before)
    const show = await cli('backup', 'show', backup!, '--json')
    expect(show.code, show.stderr).to.equal(0)
  })

  it('deletes flows after confirmation and refuses unknown ids', async () => {
    const unknown = await inEmpty('flow', 'delete', 'nope', '--yes')
    expect(unknown.code).to.not.equal(0)
    expect(unknown.stderr).to.contain('No flow "nope"')
    const refused = await inEmpty('flow', 'delete', 'sign-in')
    expect(refused.code).to.not.equal(0)
    const before = await liveFlow('sign-in', emptyEnv)
    const deleted = await inEmpty('flow', 'delete', 'sign-in', '--yes')
    expect(deleted.code, deleted.stderr).to.equal(0)
    expect(deleted.stdout).to.match(/Backup \S+-delete taken before the first write/)
    const list = parseJson<Array<{id: string}>>(await inEmpty('flow', 'list', '--json'))
    expect(list.map(item => item.id)).to.deep.equal(['sign-up-or-in'])

    const back = await inEmpty('flow', 'rollback', 'sign-in', '--yes')
    expect(back.code, back.stderr + back.stdout).to.equal(0)
    expect(await liveFlow('sign-in', emptyEnv)).to.equal(before)
  })

  it('rollback: import a changed flow, roll back, the live flow equals the original', async () => {
    const original = await liveFlow('sign-in')
    const changed = JSON.parse(original) as {contents: {tasks: Record<string, Json>}}
    changed.contents.tasks['2'].action = 'otp-sign-in-sms'
    const file = path.join(home.dir, 'sign-in-changed.json')
    await writeFile(file, JSON.stringify(changed))
    const imported = await cli('flow', 'import', file, '--apply', '--yes', '--json')
    expect(imported.code, imported.stderr).to.equal(0)
    const {backupId} = parseJson<{backupId: string}>(imported)
    expect(await liveFlow('sign-in')).to.not.equal(original)

    const list = await cli('flow', 'rollback', 'sign-in', '--list', '--json')
    expect(list.code, list.stderr).to.equal(0)
    const {backups} = parseJson<{backups: Array<{id: string; operation: string}>}>(list)
    expect(backups[0]).to.deep.include({id: backupId, operation: 'import'})

    const dry = await cli('flow', 'rollback', 'sign-in', '--dry-run')
    expect(dry.code, dry.stderr).to.equal(0)
    expect(dry.stdout).to.match(/action: "otp-sign-in-sms" → "otp-sign-in-email"/)
    const rolled = await cli('flow', 'rollback', 'sign-in', '--yes', '--json')
    expect(rolled.code, rolled.stderr).to.equal(0)
    expect(parseJson<{from: string; applied: boolean}>(rolled)).to.deep.include({applied: true, from: backupId})
    expect(await liveFlow('sign-in')).to.equal(original)

    const unknown = await cli('flow', 'rollback', 'sign-in', '--to', '19990101T000000Z-nope')
    expect(unknown.code).to.not.equal(0)
    expect(unknown.stderr).to.contain('does not hold flow "sign-in"')
  })

  it('config: flows and the theme from files are planned with the structural diff, applied, then in sync; a missing file is a config error', async () => {
    const dir = path.join(home.dir, 'managed')
    await mkdir(path.join(dir, 'flows'), {recursive: true})
    const flow = structuredClone(original) as {metadata: Json; contents: {tasks: Record<string, Json>}}
    flow.contents.tasks['3'].action = 'otp-sign-up-or-in-sms'
    await writeFile(path.join(dir, 'flows', 'sign-up-or-in.json'), JSON.stringify(flow))
    await writeFile(path.join(dir, 'flows', 'brand-new.json'), JSON.stringify({...signIn(), flowId: 'ignored-id'}))
    const theme = JSON.parse(await readFile(path.join(repoRoot, 'test/fixtures/themes/brand.v2.json'), 'utf8')) as Json
    await writeFile(path.join(dir, 'theme.json'), JSON.stringify(theme))
    const config = path.join(dir, 'descope.yaml')
    // eslint-disable-next-line no-template-curly-in-string -- a variable of the configuration file
    const environment = ['version: 1', 'environments:', '  local:', `    projectId: ${SOURCE.id}`, '    managementKey: ${SOURCE_KEY}', `    baseUrl: ${emulator.url}`].join('\n')
    await writeFile(config, `${environment}\nflows:\n  - id: sign-up-or-in\n    file: flows/sign-up-or-in.json\n  - id: brand-new\n    file: flows/brand-new.json\ntheme:\n  file: theme.json\n`)
    const withConfig = (...args: string[]) => runCli([...args, '-c', config, '-e', 'local'], {cwd: home.dir, env: {...home.env, SOURCE_KEY: SOURCE.managementKey}})

    const plan = await withConfig('plan')
    expect(plan.code, plan.stderr).to.equal(2)
    expect(plan.stdout).to.contain('+ flow brand-new').and.contain('~ flow sign-up-or-in').and.contain('~ theme theme')
    expect(plan.stdout).to.match(/Tasks \(0 added, 0 removed, 1 changed\):\n\s+~ 3 .*\n\s+action: .* → "otp-sign-up-or-in-sms"/)
    expect(plan.stdout).to.not.contain('+ flow sign-in').and.to.not.contain('- flow sign-in')

    const applied = await withConfig('apply', '--yes')
    expect(applied.code, applied.stderr + applied.stdout).to.equal(0)
    expect(JSON.parse(await liveFlow('brand-new'))).to.have.property('flowId', 'brand-new')
    // In sync: nothing missing or changed; the undeclared "sign-in" is one of Descope's default flows, so not unmanaged drift.
    const drift = parseJson<{environments: Array<{missing: string[]; changed: unknown[]; unmanaged: string[]}>}>(await withConfig('drift', '--json'))
    expect(drift.environments[0]).to.deep.include({changed: [], missing: [], unmanaged: []})

    await writeFile(config, `${environment}\nflows:\n  - id: sign-up-or-in\n    file: flows/missing.json\n  - id: bad id\n    file: x.json\n`)
    const broken = await withConfig('plan')
    expect(broken.code).to.equal(3)
    expect(broken.stderr).to.contain(path.join(dir, 'flows', 'missing.json')).and.contain('no such file')
    expect(broken.stderr).to.contain('flows[1].id')
  })
})
