import {Config} from '@oclif/core'
import {expect} from 'chai'
import {
  readdir, readFile, stat, writeFile,
} from 'node:fs/promises'
import path from 'node:path'

import {defaultProject, startEmulator} from '../../../plugins/plugin-emulator/src/index.js'
import {repoRoot} from '../../helpers/cli.js'
import {
  Api, apiFor, makeTempDir, permissionBits,
} from './helpers.js'

const projectFile = (dir: string, id = defaultProject.id) => path.join(dir, `${id}.json`)

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await new Promise(resolve => {
      setTimeout(resolve, 20)
    })
  }
}

describe('emulator persistence', () => {
  let temporary: Awaited<ReturnType<typeof makeTempDir>>
  let dataDir: string

  beforeEach(async () => {
    temporary = await makeTempDir()
    dataDir = path.join(temporary.dir, 'state')
  })

  afterEach(() => temporary.cleanup())

  it('keeps the projects across a restart, in a 0700 folder of 0600 files without the key', async () => {
    const first = await startEmulator({
      newProjects: 'empty', rateLimit: 'off', dataDir, port: 0,
    })
    await apiFor(first).post('/v1/mgmt/tenant/create', {id: 'acme', name: 'Acme'})
    await apiFor(first).post('/v1/mgmt/permission/create', {name: 'read'})
    await first.stop()

    expect(permissionBits((await stat(dataDir)).mode)).to.equal('700')
    expect(await readdir(dataDir)).to.deep.equal([`${defaultProject.id}.json`])
    expect(permissionBits((await stat(projectFile(dataDir))).mode)).to.equal('600')
    const content = await readFile(projectFile(dataDir), 'utf8')
    expect(content).to.contain('"acme"')
    expect(content).to.not.contain(defaultProject.managementKey)

    const second = await startEmulator({
      newProjects: 'empty', rateLimit: 'off', dataDir, port: 0,
    })
    try {
      const api = apiFor(second)
      expect((await api.get('/v1/mgmt/tenant?id=acme')).body).to.deep.include({id: 'acme', name: 'Acme'})
      expect((await api.get<{permissions: Array<{name: string}>}>('/v1/mgmt/permission/all')).body.permissions.map(permission => permission.name)).to.deep.equal(['read'])
      expect(second.projects).to.deep.equal([{id: defaultProject.id, managementKey: defaultProject.managementKey}])
    } finally {
      await second.stop()
    }
  })

  it('writes changes in the background soon after they happen, leaving no temporary files', async () => {
    const emulator = await startEmulator({
      newProjects: 'empty', rateLimit: 'off', dataDir, port: 0,
    })
    try {
      const api = apiFor(emulator)
      await Promise.all(Array.from({length: 20}, (_, index) => api.post('/v1/mgmt/tenant/create', {id: `t${index}`, name: `T${index}`})))
      await waitFor(async () => {
        const content = await readFile(projectFile(dataDir), 'utf8').catch(() => '')
        return content.includes('"t19"') && content.includes('"t0"')
      })
      expect(await readdir(dataDir)).to.deep.equal([`${defaultProject.id}.json`])
    } finally {
      await emulator.stop()
    }
  })

  it('accepts the keys of a persisted project after a restart, without knowing them in plain text', async () => {
    const custom = {id: 'P2Persisted', managementKey: 'K2PersistedManagementKey00000001'}
    const first = await startEmulator({
      newProjects: 'empty', rateLimit: 'off', dataDir, port: 0, seed: {projects: [{...custom, tenants: [{id: 'acme', name: 'Acme'}]}]},
    })
    await first.stop()

    const second = await startEmulator({rateLimit: 'off', dataDir, port: 0})
    try {
      expect(second.projects).to.deep.equal([{id: custom.id, managementKey: ''}])
      const api = new Api(second, custom.id, custom.managementKey)
      expect((await api.get('/v1/mgmt/tenant?id=acme')).status).to.equal(200)
      expect((await new Api(second, custom.id, 'K2WrongKey').get('/v1/mgmt/tenant/all')).status).to.equal(401)
    } finally {
      await second.stop()
    }
  })

  it('keeps the data of a project the baseline names again, and creates the ones it lacks', async () => {
    const first = await startEmulator({
      newProjects: 'empty', rateLimit: 'off', dataDir, port: 0,
    })
    await apiFor(first).post('/v1/mgmt/tenant/create', {id: 'kept', name: 'Kept'})
    await first.stop()

    const extra = {id: 'P2Added', managementKey: 'K2AddedManagementKey000000000001'}
    const second = await startEmulator({
      newProjects: 'empty', rateLimit: 'off', dataDir, port: 0, projects: [{id: defaultProject.id, managementKey: defaultProject.managementKey}, extra],
    })
    try {
      expect((await apiFor(second).get('/v1/mgmt/tenant?id=kept')).status).to.equal(200)
      expect((await new Api(second, extra.id, extra.managementKey).get('/v1/mgmt/tenant/all')).status).to.equal(200)
    } finally {
      await second.stop()
    }

    expect((await readdir(dataDir)).sort()).to.deep.equal([`${extra.id}.json`, `${defaultProject.id}.json`])
  })

  it('removes the files of projects that a reset drops', async () => {
    const emulator = await startEmulator({
      newProjects: 'empty', rateLimit: 'off', dataDir, port: 0,
    })
    await emulator.admin.seed({projects: [{id: 'P2Temporary', managementKey: 'K2TemporaryManagementKey00000001'}]})
    await waitFor(async () => (await readdir(dataDir)).includes('P2Temporary.json'))
    await emulator.admin.reset()
    await emulator.stop()
    expect(await readdir(dataDir)).to.deep.equal([`${defaultProject.id}.json`])
  })

  it('refuses to start on a corrupt file, naming it', async () => {
    const first = await startEmulator({
      newProjects: 'empty', rateLimit: 'off', dataDir, port: 0,
    })
    await first.stop()
    await writeFile(projectFile(dataDir), '{"formatVersion": 1, "id": ')
    let error: unknown
    try {
      await startEmulator({
        newProjects: 'empty', rateLimit: 'off', dataDir, port: 0,
      })
    } catch (error_) {
      error = error_
    }

    expect((error as Error)?.message).to.contain(projectFile(dataDir)).and.contain('corrupt')
  })

  it('refuses a file whose content belongs to another project', async () => {
    const first = await startEmulator({
      newProjects: 'empty', rateLimit: 'off', dataDir, port: 0,
    })
    await first.stop()
    const content = await readFile(projectFile(dataDir), 'utf8')
    await writeFile(path.join(dataDir, 'P2Renamed.json'), content)
    let error: unknown
    try {
      await startEmulator({
        newProjects: 'empty', rateLimit: 'off', dataDir, port: 0,
      })
    } catch (error_) {
      error = error_
    }

    expect((error as Error)?.message).to.contain('P2Renamed.json').and.contain(defaultProject.id)
  })

  describe('descope:emulator hook', function () {
    // Loading the oclif configuration of the whole CLI takes a few seconds on a busy machine.
    this.timeout(60_000)
    let previousNodeEnv: string | undefined

    // NODE_ENV=test lets oclif load the plugin's TypeScript sources instead of dist/.
    before(() => {
      previousNodeEnv = process.env.NODE_ENV
      process.env.NODE_ENV = 'test'
    })

    after(() => {
      if (previousNodeEnv === undefined) delete process.env.NODE_ENV
      else process.env.NODE_ENV = previousNodeEnv
    })

    const runHook = async (options: Record<string, string>) => {
      const config = await Config.load({root: repoRoot})
      const result = await config.runHook('descope:emulator', options as never)
      expect(result.failures.map(failure => failure.error.message)).to.deep.equal([])
      return result.successes[0].result as unknown as {managementKey: string; projectId: string; stop(): Promise<void>; url: string}
    }

    it('starts a persisted emulator with the default project, reachable at the URL it answers', async () => {
      const embedded = await runHook({dataDir})
      try {
        expect(embedded).to.deep.include({managementKey: defaultProject.managementKey, projectId: defaultProject.id})
        expect(embedded.url).to.match(/^http:\/\/127\.0\.0\.1:\d+$/)
        expect((await new Api(embedded, embedded.projectId, embedded.managementKey).get('/v1/mgmt/tenant/all')).status).to.equal(200)
      } finally {
        await embedded.stop()
      }

      expect(permissionBits((await stat(dataDir)).mode)).to.equal('700')
      expect(await readdir(dataDir)).to.deep.equal([`${defaultProject.id}.json`])
    })

    it('creates the requested project and key, and finds its data on the next run', async () => {
      const options = {dataDir, managementKey: 'K2HookManagementKey0000000000001', projectId: 'P2HookProject'}
      const first = await runHook(options)
      await new Api(first, options.projectId, options.managementKey).post('/v1/mgmt/tenant/create', {id: 'acme', name: 'Acme'})
      await first.stop()

      const second = await runHook(options)
      try {
        expect(second).to.deep.include({managementKey: options.managementKey, projectId: options.projectId})
        const api = new Api(second, options.projectId, options.managementKey)
        expect((await api.get('/v1/mgmt/tenant?id=acme')).status).to.equal(200)
      } finally {
        await second.stop()
      }
    })
  })
})
