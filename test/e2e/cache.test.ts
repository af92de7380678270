import {expect} from 'chai'
import {spawnSync} from 'node:child_process'
import {
  readdir, readFile, stat, writeFile,
} from 'node:fs/promises'
import {request as httpRequest} from 'node:http'
import path from 'node:path'

import {ROLE_SEARCH_TENANT_CHUNK as WARM_ROLE_CHUNK} from '../../plugins/plugin-cache/src/lib/warm.js'
import {startEmulator} from '../../plugins/plugin-emulator/src/index.js'
import {ROLE_SEARCH_TENANT_CHUNK} from '../../src/lib/api/roles.js'
import {contentsOf} from '../helpers/bundle.js'
import {
  builtCli, type CliResult, makeTempHome, repoRoot, runCli,
} from '../helpers/cli.js'

type Emulator = Awaited<ReturnType<typeof startEmulator>>

const PROJECT_A = {id: 'P2CacheE2eProjectA000000000001', managementKey: 'K2CacheE2eKeyOfProjectA0000001'}
const PROJECT_B = {id: 'P2CacheE2eProjectB000000000002', managementKey: 'K2CacheE2eKeyOfProjectB0000002'}

function parseJson<T>(result: CliResult): T {
  try {
    return JSON.parse(result.stdout) as T
  } catch {
    throw new Error(`stdout is not JSON (exit ${result.code}):\n${result.stdout}\n${result.stderr}`)
  }
}

/** The warnings on stderr (oclif prints " ›   Warning: …" and wraps long ones), joined and unwrapped. */
function warnings(result: CliResult): string[] {
  const text = result.stderr.replaceAll(/\n\s*›\s{2,}/g, ' ')
  return text.split('\n').filter(line => /Warning:/.test(line) && !/ModuleLoadError|MODULE_NOT_FOUND/.test(line)).map(line => line.replaceAll(/\s+/g, ' ').trim())
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = []
  for (const entry of await readdir(dir, {withFileTypes: true}).catch(() => [])) {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) out.push(...(await filesUnder(full)))
    else out.push(full)
  }

  return out
}

describe('response cache (built CLI against the emulator)', function () {
  this.timeout(120_000)
  let emulator: Emulator
  let home: Awaited<ReturnType<typeof makeTempHome>>

  beforeEach(async () => {
    emulator = await startEmulator({
      newProjects: 'empty', rateLimit: 'off',
      port: 0,
      projects: [
        {...PROJECT_A, tenants: [{id: 'acme', name: 'Acme'}]},
        {...PROJECT_B, tenants: [{id: 'globex', name: 'Globex'}]},
      ],
    })
    home = await makeTempHome()
  })

  afterEach(async () => {
    await emulator.stop()
    await home.cleanup()
  })

  const envOf = (project: typeof PROJECT_A, extra: Record<string, string> = {}) => ({
    ...home.env,
    DESCOPE_BASE_URL: emulator.url,
    DESCOPE_MANAGEMENT_KEY: project.managementKey,
    DESCOPE_PROJECT_ID: project.id,
    ...extra,
  })
  const cli = (args: string[], project = PROJECT_A, extra: Record<string, string> = {}) => runCli(args, {cwd: home.dir, env: envOf(project, extra)})
  /** API requests the emulator received for a route and project (from its request log). */
  const calls = async (route: string, projectId = PROJECT_A.id) => {
    const [method, routePath] = route.split(' ')
    return (await emulator.admin.requests({method, path: routePath})).filter(entry => entry.projectId === projectId).length
  }

  /** A request straight to the emulator's API (another tool), bypassing this CLI; resolves to the status. */
  const postToApi = (apiPath: string, body: unknown) => new Promise<number>((resolve, reject) => {
    const request = httpRequest(`${emulator.url}${apiPath}`, {
      headers: {authorization: `Bearer ${PROJECT_A.id}:${PROJECT_A.managementKey}`, 'content-type': 'application/json'},
      method: 'POST',
    }, response => {
      response.resume()
      response.on('end', () => resolve(response.statusCode ?? 0))
    })
    request.on('error', reject)
    request.end(JSON.stringify(body))
  })

  const ids = async (args: string[] = [], project = PROJECT_A, extra: Record<string, string> = {}) => {
    const result = await cli(['tenant', 'list', '--json', ...args], project, extra)
    expect(result.code, result.stderr).to.equal(0)
    return parseJson<Array<{id: string}>>(result).map(tenant => tenant.id)
  }

  it('ten `tenant list` runs within the TTL make one API call, with the same output, and rewrite the store once', async () => {
    const store = path.join(home.env.XDG_CACHE_HOME, 'descope-mgmt', 'read-cache.json')
    const identity = async () => {
      const info = await stat(store)
      return `${info.ino}:${info.mtimeMs}:${info.size}`
    }

    const outputs: string[] = []
    let written = ''
    for (let run = 0; run < 10; run++) {
      const result = await cli(['tenant', 'list'])
      expect(result.code, result.stderr).to.equal(0)
      expect(warnings(result)).to.deep.equal([])
      outputs.push(result.stdout)
      if (run === 0) written = await identity()
    }

    // The warm runs append their hits and access times to the journal beside the store.
    expect(await identity(), 'the store after the first run').to.equal(written)
    expect((await readFile(`${store}.journal`, 'utf8')).trim().split('\n')).to.have.length(9)
    expect(await calls('GET /v1/mgmt/tenant/all')).to.equal(1)
    expect(new Set(outputs).size).to.equal(1)
    expect(outputs[0]).to.match(/^acme\s+Acme/m)

    const stats = parseJson<{hits: number; misses: number; entries: number; projects: Array<{projectId: string; hits: number}>}>(await cli(['cache', 'stats', '--json']))
    expect(stats).to.deep.include({hits: 9, misses: 1})
    expect(stats.projects.map(project => project.projectId)).to.deep.equal([PROJECT_A.id])
  })

  it('create, update and delete through the CLI invalidate the cached list', async () => {
    expect(await ids()).to.deep.equal(['acme'])
    expect((await cli(['tenant', 'create', '--id', 'initech', '--name', 'Initech'])).code).to.equal(0)
    expect(await ids()).to.deep.equal(['acme', 'initech'])
    expect((await cli(['tenant', 'update', 'initech', '--name', 'Initech Corp'])).code).to.equal(0)
    const renamed = parseJson<Array<{id: string; name: string}>>(await cli(['tenant', 'list', '--json']))
    expect(renamed.find(tenant => tenant.id === 'initech')?.name).to.equal('Initech Corp')
    expect((await cli(['tenant', 'delete', 'initech', '--yes'])).code).to.equal(0)
    expect(await ids()).to.deep.equal(['acme'])
    expect(await ids()).to.deep.equal(['acme'])
    // One list per state (4 states), the last one answered from the cache.
    expect(await calls('GET /v1/mgmt/tenant/all')).to.equal(4)
  })

  it('--no-cache and DESCOPE_MGMT_NO_CACHE=1 read live state and store nothing', async () => {
    await ids()
    // Another tool changes the project: straight to the API, not through this CLI.
    expect(await postToApi('/v1/mgmt/tenant/create', {id: 'outside', name: 'Made elsewhere'})).to.equal(200)
    // Changed behind the CLI's back: the cache still answers within the TTL…
    expect(await ids()).to.deep.equal(['acme'])
    // …but not with --no-cache, nor with the variable.
    expect(await ids(['--no-cache'])).to.deep.equal(['acme', 'outside'])
    expect(await ids([], PROJECT_A, {DESCOPE_MGMT_NO_CACHE: '1'})).to.deep.equal(['acme', 'outside'])
    expect(await calls('GET /v1/mgmt/tenant/all')).to.equal(3)
    const stats = parseJson<{entries: number; hits: number; misses: number}>(await cli(['cache', 'stats', '--json']))
    expect(stats).to.deep.include({entries: 1, hits: 1, misses: 1})
  })

  it('an answer older than --cache-ttl is fetched again', async () => {
    await ids()
    await ids(['--cache-ttl', '10m'])
    await ids([], PROJECT_A, {DESCOPE_MGMT_CACHE_TTL: '1h'})
    expect(await calls('GET /v1/mgmt/tenant/all')).to.equal(1)
    await new Promise(resolve => {
      setTimeout(resolve, 1200)
    })
    // The cached answer is now more than 1 s old.
    await ids(['--cache-ttl', '1s'])
    expect(await calls('GET /v1/mgmt/tenant/all')).to.equal(2)
    const bad = await cli(['tenant', 'list', '--cache-ttl', 'soon'])
    expect(bad.code).to.equal(3)
    expect(bad.stderr).to.contain('is not a duration')
  })

  it('keeps projects and keys apart', async () => {
    expect(await ids()).to.deep.equal(['acme'])
    expect(await ids([], PROJECT_B)).to.deep.equal(['globex'])
    expect(await ids()).to.deep.equal(['acme'])
    expect(await ids([], PROJECT_B)).to.deep.equal(['globex'])
    expect(await calls('GET /v1/mgmt/tenant/all', PROJECT_A.id)).to.equal(1)
    expect(await calls('GET /v1/mgmt/tenant/all', PROJECT_B.id)).to.equal(1)
  })

  it('a corrupt store: one warning, a working command, a rebuilt file, and silence afterwards', async () => {
    await ids()
    const file = path.join(home.env.XDG_CACHE_HOME, 'descope-mgmt', 'read-cache.json')
    await writeFile(file, 'garbage{{{\u0000')
    const first = await cli(['tenant', 'list'])
    expect(first.code, first.stderr).to.equal(0)
    expect(first.stdout).to.match(/^acme\s+Acme/m)
    expect(warnings(first)).to.have.length(1)
    expect(warnings(first)[0]).to.match(/response cache .*read-cache\.json was unreadable .*reset/)
    expect(JSON.parse(await readFile(file, 'utf8'))).to.deep.include({format: 'descope-mgmt-read-cache'})
    const second = await cli(['tenant', 'list'])
    expect(second.code).to.equal(0)
    expect(warnings(second)).to.deep.equal([])
    expect(await calls('GET /v1/mgmt/tenant/all')).to.equal(2)
  })

  it('never writes a management key into the cache folder; files are 0600', async () => {
    await ids()
    await ids([], PROJECT_B)
    await cli(['tenant', 'create', '--id', 'initech', '--name', 'Initech'])
    await cli(['cache', 'warm'])
    // A warm read: its hit goes to the journal.
    await ids([], PROJECT_B)
    const files = await filesUnder(home.env.XDG_CACHE_HOME)
    const stores = files.filter(file => /read-cache\.json(\.journal)?$/.test(file))
    expect(stores.map(file => path.basename(file)).sort()).to.deep.equal(['read-cache.json', 'read-cache.json.journal'])
    for (const file of files) {
      const text = await readFile(file, 'utf8')
      for (const key of [PROJECT_A.managementKey, PROJECT_B.managementKey]) expect(text, file).not.to.contain(key)
    }

    for (const file of stores) expect((await stat(file)).mode % 0o1000, file).to.equal(0o600)
  })

  it('`cache stats --help` and `tenant list --help` load neither keyv nor @keyv/redis', async () => {
    for (const args of [['cache', 'stats', '--help'], ['tenant', 'list', '--help']]) {
      const file = path.join(home.dir, `imports-${args[0]}.txt`)
      const result = spawnSync(process.execPath, ['--import', path.join(repoRoot, 'test', 'helpers', 'record-imports.mjs'), builtCli, ...args], {
        cwd: home.dir, encoding: 'utf8', env: {...process.env, ...home.env, RECORD_IMPORTS_FILE: file},
      })
      expect(result.status, result.stderr).to.equal(0)
      // Packages loaded from node_modules or bundled into a loaded file.
      const {packages} = contentsOf((await readFile(file, 'utf8')).split('\n'))
      // Help comes from the manifests: the recorder only has to have seen oclif at work.
      expect(packages.has('@oclif/core'), 'the recorder saw oclif').to.equal(true)
      expect([...packages].filter(name => /^(keyv|@keyv\/|@redis\/)/.test(name))).to.deep.equal([])
    }
  })

  it('cache warm asks role/search about as many tenants at once as the tool does (else its answers would never be found)', () => {
    expect(WARM_ROLE_CHUNK).to.equal(ROLE_SEARCH_TENANT_CHUNK)
  })

  it('cache warm prefetches, cache stats reports, cache clear empties', async () => {
    const warm = await cli(['cache', 'warm', '--json'])
    expect(warm.code, warm.stderr).to.equal(0)
    const warmed = parseJson<{projectId: string; results: Array<{name: string; ok: boolean}>}>(warm)
    expect(warmed.projectId).to.equal(PROJECT_A.id)
    expect(warmed.results.map(result => [result.name, result.ok])).to.deep.equal([['tenants', true], ['roles', true], ['permissions', true], ['flows', true], ['theme', true]])
    const tenantReads = await calls('GET /v1/mgmt/tenant/all')
    const roleSearches = await calls('POST /v1/mgmt/role/search')
    expect(roleSearches, 'roles are warmed the way the tool reads them').to.equal(1)
    expect(await ids()).to.deep.equal(['acme'])
    const roles = await cli(['role', 'list', '--json'])
    expect(roles.code, roles.stderr).to.equal(0)
    expect(await calls('GET /v1/mgmt/tenant/all'), 'tenant list and role list answered from the cache').to.equal(tenantReads)
    expect(await calls('POST /v1/mgmt/role/search')).to.equal(roleSearches)

    const stats = parseJson<{entries: number; hits: number; store: {kind: string}}>(await cli(['cache', 'stats', '--json']))
    expect(stats).to.deep.include({entries: 5})
    expect(stats.hits).to.be.at.least(3)
    expect(stats.store.kind).to.equal('file')
    const text = await cli(['cache', 'stats'])
    expect(text.stdout).to.match(/Hit ratio:\s+100%/)
    expect(text.stdout).to.contain(PROJECT_A.id)

    const cleared = await cli(['cache', 'clear', '--json'])
    expect(parseJson(cleared)).to.deep.include({projectId: PROJECT_A.id, removed: 5, scope: 'project'})
    await ids()
    expect(await calls('GET /v1/mgmt/tenant/all')).to.equal(tenantReads + 1)

    await ids([], PROJECT_B)
    const all = await cli(['cache', 'clear', '--all'])
    expect(all.stdout).to.contain('Removed 2 cached answers (every project)')
    expect(parseJson<{entries: number}>(await cli(['cache', 'stats', '--json'])).entries).to.equal(0)
  })
})
