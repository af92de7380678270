import {expect} from 'chai'
import {
  mkdir, mkdtemp, readdir, readFile, rm,
} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {EmulatorError} from '../../../plugins/plugin-emulator/src/lib/errors.js'
import {keyDigest, randomId, redactKey} from '../../../plugins/plugin-emulator/src/lib/secrets.js'
import {isLoopback} from '../../../plugins/plugin-emulator/src/lib/server.js'
import {
  createProjectState, Persistence, ProjectStore, restoreProject, snapshotProject,
} from '../../../plugins/plugin-emulator/src/lib/store.js'

function kindOf(run: () => unknown): string {
  try {
    run()
  } catch (error) {
    if (error instanceof EmulatorError) return error.kind
    throw error
  }

  return 'none'
}

describe('emulator store', () => {
  describe('secrets', () => {
    it('makes ids of the Descope shape, digests keys and redacts them', () => {
      expect(randomId('T')).to.match(/^T[A-Za-z\d]{27}$/)
      expect(keyDigest('K2abc')).to.match(/^sha256:[\da-f]{64}$/).and.not.contain('K2abc')
      expect(redactKey('K2LocalEmulatorManagementKey0001')).to.equal('K2…0001')
      expect(redactKey('short')).to.equal('…')
    })
  })

  describe('ProjectStore', () => {
    const changed: string[] = []
    const store = new ProjectStore(id => changed.push(id))
    store.create({id: 'P2A', managementKeys: ['K2KeyOfProjectA000001'], name: 'a'})
    store.create({id: 'P2B', managementKeys: ['K2KeyOfProjectB000001'], name: 'b'})

    it('authenticates a project by its own key and tells the failures apart', () => {
      expect(store.authenticate('P2A', 'K2KeyOfProjectA000001').id).to.equal('P2A')
      expect(kindOf(() => store.authenticate('P2A', 'K2KeyOfProjectB000001'))).to.equal('forbidden')
      expect(kindOf(() => store.authenticate('P2A', 'K2Wrong'))).to.equal('unauthorized')
      expect(kindOf(() => store.authenticate('P2Nope', 'K2KeyOfProjectA000001'))).to.equal('unauthorized')
      expect(store.authenticate(undefined, 'K2KeyOfProjectB000001').id).to.equal('P2B')
      expect(kindOf(() => store.authenticate(undefined, 'K2Wrong'))).to.equal('unauthorized')
    })

    it('accepts an added key and reports every change', () => {
      changed.length = 0
      const project = store.get('P2B')!
      store.addManagementKey(project, 'K2SecondKeyOfB000001')
      store.addManagementKey(project, 'K2SecondKeyOfB000001')
      expect(store.authenticate('P2B', 'K2SecondKeyOfB000001').id).to.equal('P2B')
      expect(project.managementKeyDigests).to.have.length(2)
      store.delete('P2B')
      expect(changed).to.deep.equal(['P2B', 'P2B'])
    })

    it('refuses a taken project id and an id that cannot be a file name', () => {
      expect(kindOf(() => store.create({id: 'P2A', name: 'again'}))).to.equal('alreadyExists')
      expect(kindOf(() => createProjectState({id: '../escape', name: 'x'}))).to.equal('invalidArgument')
    })
  })

  describe('snapshots', () => {
    it('round-trips a project through JSON, Maps included, keeping only key digests', () => {
      const project = createProjectState({
        id: 'P2Snap', managementKeys: ['K2SnapshotKey0000001'], name: 'snap', tags: ['x'],
      })
      project.permissions.set('PE1', {
        description: '', id: 'PE1', name: 'read', systemDefault: false,
      })
      project.settings = {cookiePolicy: 1}
      const json = JSON.stringify(snapshotProject(project))
      expect(json).to.not.contain('K2SnapshotKey0000001')
      const restored = restoreProject(JSON.parse(json))
      expect(restored).to.deep.equal({...project, managementKeys: []})
      expect(restored.permissions.get('PE1')?.name).to.equal('read')
    })

    for (const [what, snapshot, message] of [
      ['a non-object', 3, /not a JSON object/],
      ['another format version', {formatVersion: 2}, /formatVersion 2/],
      ['a missing name', {formatVersion: 1, id: 'P'}, /"name"/],
      ['a Map that is not entries', {...snapshotProject(createProjectState({id: 'P', name: 'p'})), tenants: {a: 1}}, /"tenants"/],
    ] as const) {
      it(`refuses ${what}`, () => {
        expect(() => restoreProject(snapshot)).to.throw(message)
      })
    }
  })

  describe('Persistence', () => {
    let dir: string

    beforeEach(async () => {
      dir = await mkdtemp(path.join(tmpdir(), 'descope-emulator-store-'))
    })

    afterEach(() => rm(dir, {force: true, recursive: true}))

    it('writes pending projects on flush, deletes the files of deleted ones, and reads them back', async () => {
      const store = new ProjectStore()
      const persistence = new Persistence(dir, id => store.get(id))
      store.put(createProjectState({id: 'P2One', name: 'one'}))
      store.put(createProjectState({id: 'P2Two', name: 'two'}))
      persistence.markDirty('P2One')
      persistence.markDirty('P2Two')
      await persistence.flush()
      expect((await readdir(dir)).sort()).to.deep.equal(['P2One.json', 'P2Two.json'])

      store.delete('P2Two')
      persistence.markDirty('P2Two')
      await persistence.flush()
      expect(await readdir(dir)).to.deep.equal(['P2One.json'])
      expect((await persistence.load()).map(project => project.name)).to.deep.equal(['one'])
    })

    it('writes the state of the moment it flushes, once for many changes', async () => {
      const store = new ProjectStore()
      const persistence = new Persistence(dir, id => store.get(id))
      const project = store.put(createProjectState({id: 'P2Busy', name: 'v0'}))
      for (let version = 1; version <= 50; version++) {
        project.name = `v${version}`
        persistence.markDirty(project.id)
      }

      await persistence.flush()
      expect(JSON.parse(await readFile(path.join(dir, 'P2Busy.json'), 'utf8')).name).to.equal('v50')
    })

    it('reports a failed write on the next flush', async () => {
      const store = new ProjectStore()
      const persistence = new Persistence(dir, id => store.get(id))
      // A folder where the file should go makes the rename fail, whoever runs the test.
      await mkdir(path.join(dir, 'P2Blocked.json'))
      store.put(createProjectState({id: 'P2Blocked', name: 'b'}))
      persistence.markDirty('P2Blocked')
      let error: unknown
      try {
        await persistence.flush()
      } catch (error_) {
        error = error_
      }

      expect((error as NodeJS.ErrnoException)?.code).to.equal('EISDIR')
      await persistence.flush()
    })
  })

  it('recognises loopback peers only', () => {
    expect(['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1'].map(address => isLoopback(address))).to.deep.equal([true, true, true, true])
    expect(['192.0.2.2', '::ffff:192.0.2.2', 'fd00::2', undefined].map(address => isLoopback(address))).to.deep.equal([false, false, false, false])
  })
})
