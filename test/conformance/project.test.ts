import type {Flow, Screen} from '@descope/node-sdk'

import {expect} from 'chai'
import {readFileSync} from 'node:fs'

import {
  Conformance, dataOf, expectFailure, managementKey, projectId,
} from './sdk.js'

type Json = Record<string, unknown>

const fixture = <T>(path: string): T => JSON.parse(readFileSync(new URL(`../fixtures/${path}`, import.meta.url), 'utf8')) as T
const v1 = () => fixture<{flow: Flow; screens: Screen[]}>('flows/sign-up-or-in.v1.json')

describe('conformance: project through @descope/node-sdk', () => {
  const sdk = new Conformance()

  before(() => sdk.start())

  beforeEach(() => sdk.reset())

  after(() => sdk.stop())

  /** A configured project: two permissions, a role, a flow, a theme, and a tenant (not exported). */
  async function configure(): Promise<void> {
    const {management} = sdk
    dataOf(await management.permission.createBatch([{description: 'Read users', name: 'users.read', systemDefault: false}, {name: 'users.write', systemDefault: false}]))
    dataOf(await management.role.create('Editor', 'Edits users', ['users.read', 'users.write'], undefined, true))
    dataOf(await management.tenant.createWithId('acme', 'Acme'))
    dataOf(await management.role.create('Tenant Admin', '', ['users.write'], 'acme'))
    const {flow, screens} = v1()
    dataOf(await management.flow.import('sign-up-or-in', flow, screens))
    dataOf(await management.theme.import({cssTemplate: {dark: {components: {}}, light: {components: {}}}, id: 'x'}))
  }

  it('exportSnapshot returns the configuration files, without tenants', async () => {
    await configure()
    const {files} = dataOf(await sdk.management.project.exportSnapshot())
    const screenIds = v1().screens.map(screen => screen.id).sort()
    expect(Object.keys(files)).to.deep.equal([
      'authorization/permissions.json',
      'authorization/roles.json',
      'flows/sign-up-or-in/contents.json',
      'flows/sign-up-or-in/metadata.json',
      ...screenIds.map(id => `flows/sign-up-or-in/screen-${id}.json`),
      'project.json',
      'styles/themes.json',
    ])
    expect(files['project.json']).to.deep.equal({name: 'Conformance'})
    expect(files['flows/sign-up-or-in/metadata.json'].name).to.equal('Sign Up or In')
    expect(files['flows/sign-up-or-in/metadata.json'].screens).to.deep.equal(screenIds)
    expect(files['flows/sign-up-or-in/contents.json']).to.deep.equal(v1().flow.dsl)
    expect(files['authorization/roles.json']).to.deep.equal({
      roles: [{
        default: true, description: 'Edits users', name: 'Editor', permissionNames: ['users.read', 'users.write'],
      }],
    })
    expect(files['authorization/permissions.json']).to.deep.equal({permissions: [{description: 'Read users', name: 'users.read'}, {description: '', name: 'users.write'}]})
    expect(files['styles/themes.json'].styles).to.deep.equal({dark: {components: {}}, light: {components: {}}})

    // The deprecated export is the same call, answering the files only.
    expect(dataOf(await sdk.management.project.export())).to.deep.equal(files)
  })

  it('validateSnapshot: ok for an export, failures with paths otherwise', async () => {
    await configure()
    const {files} = dataOf(await sdk.management.project.exportSnapshot())
    expect(dataOf(await sdk.management.project.validateSnapshot({files}))).to.deep.equal({ok: true})
    expect(dataOf(await sdk.management.project.validateSnapshot({files, inputSecrets: {connectors: [], oauthProviders: []}}))).to.deep.equal({ok: true})

    const broken = {...files, 'flows/sign-up-or-in/contents.json': 'not json', 'authorization/roles.json': {roles: [{name: 'Editor', permissionNames: ['nope']}]}}
    const result = dataOf(await sdk.management.project.validateSnapshot({files: broken}))
    expect(result.ok).to.equal(false)
    expect(result.missingSecrets).to.equal(undefined)
    expect(result.failures).to.have.length(2)
    expect(result.failures?.[0]).to.match(/^flows\/sign-up-or-in\/contents\.json: not valid JSON/)
    expect(result.failures?.[1]).to.equal('authorization/roles.json: roles[0].permissionNames names unknown permission nope')

    expectFailure(await sdk.management.project.validateSnapshot({} as {files: Json}), 400, 'E011002', /files/)
  })

  it('importSnapshot replaces the configuration; an invalid snapshot changes nothing', async () => {
    await configure()
    const {files} = dataOf(await sdk.management.project.exportSnapshot())

    files['authorization/roles.json'] = {roles: [{description: 'Reads', name: 'Viewer', permissionNames: ['users.read']}]}
    files['flows/sign-up-or-in/metadata.json'] = {...files['flows/sign-up-or-in/metadata.json'], name: 'Sign Up or In v2'}
    dataOf(await sdk.management.project.importSnapshot({files}))

    const roles = dataOf(await sdk.management.role.loadAll())
    expect(roles.map(role => `${role.tenantId}/${role.name}`).sort()).to.deep.equal(['/Viewer', 'acme/Tenant Admin'])
    const flows = dataOf(await sdk.management.flow.list())
    expect(flows.flows.map(flow => flow.name)).to.deep.equal(['Sign Up or In v2'])
    const exported = dataOf(await sdk.management.flow.export('sign-up-or-in'))
    expect((exported.flow as Json).version).to.equal(2)
    expect(exported.screens.map(screen => screen.htmlTemplate)).to.deep.equal(v1().screens.map(screen => screen.htmlTemplate))
    expect(dataOf(await sdk.management.tenant.loadAll()).map(tenant => tenant.id)).to.deep.equal(['acme'], 'tenants are untouched')

    const before = dataOf(await sdk.management.project.exportSnapshot()).files
    const invalid = {...files, 'authorization/roles.json': {roles: [{name: 'Ghost', permissionNames: ['no.such.permission']}]}}
    expectFailure(await sdk.management.project.importSnapshot({files: invalid}), 400, 'E011003', /no\.such\.permission/)
    expect(dataOf(await sdk.management.project.exportSnapshot()).files).to.deep.equal(before)
  })

  it('the deprecated import is importSnapshot with files only', async () => {
    await configure()
    const {files} = dataOf(await sdk.management.project.exportSnapshot())
    delete files['flows/sign-up-or-in/metadata.json']
    files['flows/sign-up-or-in/contents.json'] = {startTask: 'start', tasks: {}}
    expectFailure(await sdk.management.project.import(files), 400, 'E011003', /metadata\.json: missing/)
    files['flows/sign-up-or-in/metadata.json'] = {name: 'Minimal', screens: []}
    dataOf(await sdk.management.project.import(files))
    expect(dataOf(await sdk.management.flow.list()).flows.map(flow => flow.name)).to.deep.equal(['Minimal'])
  })

  it('updateName, updateTags and listProjects', async () => {
    dataOf(await sdk.management.project.updateName('Conformance EU'))
    dataOf(await sdk.management.project.updateTags(['eu', 'staging']))
    const projects = dataOf(await sdk.management.project.listProjects())
    expect(projects).to.deep.equal([{
      environment: '', id: projectId, name: 'Conformance EU', tags: ['eu', 'staging'],
    }])

    expectFailure(await sdk.management.project.updateName(''), 400, 'E011002', /name/)
    expectFailure(await sdk.management.project.updateTags(['x'.repeat(51)]), 400, 'E011003', /tags/)
  })

  it('clone copies the configuration into a new project the same key can use; delete removes it', async () => {
    await configure()
    const clone = dataOf(await sdk.management.project.clone('Conformance copy', 'production', ['copy']))
    expect(clone.projectId).to.match(/^P[A-Za-z0-9]{27}$/)
    expect(clone).to.deep.equal({
      environment: 'production', projectId: clone.projectId, projectName: 'Conformance copy', tags: ['copy'],
    })

    const cloneClient = sdk.clientFor(clone.projectId, managementKey)
    const cloneFiles = dataOf(await cloneClient.management.project.exportSnapshot()).files
    const sourceFiles = dataOf(await sdk.management.project.exportSnapshot()).files
    expect(cloneFiles).to.deep.equal({...sourceFiles, 'project.json': {name: 'Conformance copy'}})
    expect(dataOf(await cloneClient.management.tenant.loadAll())).to.deep.equal([], 'tenants are not cloned')

    const listed = dataOf(await sdk.management.project.listProjects())
    expect(listed.map(project => project.id).sort()).to.deep.equal([clone.projectId, projectId].sort())

    dataOf(await cloneClient.management.project.delete())
    expectFailure(await cloneClient.management.tenant.loadAll(), 401, 'E011101')
    expect(dataOf(await sdk.management.project.listProjects()).map(project => project.id)).to.deep.equal([projectId])
    expectFailure(await sdk.management.project.clone('Bad', 'staging' as 'production'), 400, 'E011003', /environment/)
  })
})
