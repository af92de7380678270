import {
  deepStrictEqual, equal, match, notEqual, ok,
} from 'node:assert/strict'

import type {
  JsonObject, PermissionRecord, ProjectState, RoleRecord, TenantRecord,
} from '../../../../plugins/plugin-emulator/src/lib/types.js'

import {flowRecordFromV2} from '../../../../plugins/plugin-emulator/src/lib/flow-format.js'
import {projectRoutes} from '../../../../plugins/plugin-emulator/src/lib/routes/project.js'
import {
  emptyProject, expectEmulatorError, fixture, RouteCaller,
} from '../route-context.js'

type Files = Record<string, JsonObject>
type Validation = {failures?: string[]; missingSecrets?: unknown; ok: boolean}

const v2 = () => fixture<JsonObject & {metadata: JsonObject; screens: JsonObject[]}>('flows/sign-up-or-in.v2.json')
const brand = () => fixture<JsonObject & {styles: JsonObject}>('themes/brand.v2.json')
const [welcomeId, verifyId] = v2().screens.map(screen => screen.screenId as string)

function permission(id: string, name: string, description = '', systemDefault = false): PermissionRecord {
  return {
    description, id, name, systemDefault,
  }
}

function role(id: string, name: string, permissionNames: string[], tenantId = ''): RoleRecord {
  return {
    createdTime: 1_700_000_000, default: false, description: `${name} role`, id, name, permissionNames, private: false, tenantId,
  }
}

function tenant(id: string, defaultRoles: string[]): TenantRecord {
  return {
    authType: 'none',
    createdTime: 1_700_000_000,
    customAttributes: {},
    defaultRoles,
    disabled: false,
    domains: [],
    enforceSSO: false,
    enforceSSOExclusions: [],
    federatedAppIds: [],
    id,
    name: id,
    parent: '',
    roleInheritance: '',
    selfProvisioningDomains: [],
    settings: {},
  }
}

/** A project with two flows, a theme, permissions (one system default), project and tenant roles. */
function populatedProject(): ProjectState {
  const project = emptyProject({name: 'Staging', settings: {cookiePolicy: 2, domain: 'auth.example.com', trustedDomains: ['example.com']}})
  project.flows.set('sign-up-or-in', flowRecordFromV2('sign-up-or-in', v2(), {modifiedTime: 1, version: 4}))
  project.flows.set('step-up', flowRecordFromV2('step-up', {
    ...v2(), flowId: 'step-up', references: {}, screens: [],
  }, {modifiedTime: 1, version: 1}))
  project.theme = {
    componentsVersion: '2.0.295', references: {}, styles: brand().styles, version: 3,
  }
  project.permissions.set('PE1', permission('PE1', 'users.read', 'Read users'))
  project.permissions.set('PE2', permission('PE2', 'users.write', 'Change users'))
  project.permissions.set('PE0', permission('PE0', 'Impersonate', 'System permission', true))
  project.roles.set('RL1', role('RL1', 'Viewer', ['users.read']))
  project.roles.set('RL2', {...role('RL2', 'Editor', ['users.read', 'users.write']), default: true})
  project.roles.set('RL3', role('RL3', 'Tenant Auditor', ['users.read'], 'T1'))
  project.tenants.set('T1', tenant('T1', ['Viewer', 'Editor']))
  return project
}

describe('emulator project routes', () => {
  let caller: RouteCaller

  beforeEach(() => {
    caller = new RouteCaller(projectRoutes, populatedProject())
  })

  const exportFiles = (target = caller) => (target.call('/v1/mgmt/project/snapshot/export') as {files: Files}).files

  it('marks exactly the state-changing routes as mutations', () => {
    deepStrictEqual(
      projectRoutes
      .filter(route => route.mutation)
      .map(route => route.path)
      .sort(),
      [
        '/v1/mgmt/project/clone',
        '/v1/mgmt/project/delete',
        '/v1/mgmt/project/import',
        '/v1/mgmt/project/snapshot/import',
        '/v1/mgmt/project/update/name',
        '/v1/mgmt/project/update/tags',
      ],
    )
  })

  describe('snapshot export', () => {
    it('writes project settings, flows, theme, permissions and project roles, nothing else', () => {
      const files = exportFiles()
      deepStrictEqual(Object.keys(files), [
        'authorization/permissions.json',
        'authorization/roles.json',
        'flows/sign-up-or-in/contents.json',
        'flows/sign-up-or-in/metadata.json',
        `flows/sign-up-or-in/screen-${welcomeId}.json`,
        `flows/sign-up-or-in/screen-${verifyId}.json`,
        'flows/step-up/contents.json',
        'flows/step-up/metadata.json',
        'project.json',
        'styles/themes.json',
      ])
      deepStrictEqual(files['project.json'], {
        name: 'Staging', cookiePolicy: 2, domain: 'auth.example.com', trustedDomains: ['example.com'],
      })
      deepStrictEqual(files['flows/sign-up-or-in/metadata.json'], {...v2().metadata, screens: [welcomeId, verifyId].sort(), references: v2().references})
      deepStrictEqual(files['flows/step-up/metadata.json'], {...v2().metadata, screens: []})
      deepStrictEqual(files['flows/sign-up-or-in/contents.json'], v2().contents)
      deepStrictEqual(files[`flows/sign-up-or-in/screen-${verifyId}.json`], v2().screens[1])
      deepStrictEqual(files['styles/themes.json'], {styles: brand().styles, componentsVersion: '2.0.295'})
      deepStrictEqual(files['authorization/permissions.json'], {
        permissions: [
          {name: 'Impersonate', description: 'System permission', systemDefault: true},
          {name: 'users.read', description: 'Read users'},
          {name: 'users.write', description: 'Change users'},
        ],
      })
      deepStrictEqual(files['authorization/roles.json'], {
        roles: [
          {
            name: 'Editor', description: 'Editor role', permissionNames: ['users.read', 'users.write'], default: true,
          },
          {name: 'Viewer', description: 'Viewer role', permissionNames: ['users.read']},
        ],
      })
      for (const path of Object.keys(files)) ok(!/tenant|user|accesskey|audit/i.test(path), `${path} is not tenant, user, key or audit data`)
    })

    it('exports the default theme and empty authorization for a new project', () => {
      const files = exportFiles(new RouteCaller(projectRoutes))
      deepStrictEqual(Object.keys(files), ['authorization/permissions.json', 'authorization/roles.json', 'project.json', 'styles/themes.json'])
      ok(Object.keys((files['styles/themes.json'].styles as JsonObject)).includes('dark'))
      deepStrictEqual(files['authorization/roles.json'], {roles: []})
    })

    it('answers the legacy project/export path the same way and accepts format', () => {
      deepStrictEqual(caller.call('/v1/mgmt/project/export'), {files: exportFiles()})
      deepStrictEqual(caller.call('/v1/mgmt/project/snapshot/export', {format: 'plain'}), {files: exportFiles()})
      expectEmulatorError(() => caller.call('/v1/mgmt/project/snapshot/export', {format: 1}), 'invalidArgument', /"format" must be a string/)
    })
  })

  describe('snapshot validate', () => {
    it('accepts its own export', () => {
      deepStrictEqual(caller.call('/v1/mgmt/project/snapshot/validate', {files: exportFiles()}), {ok: true})
    })

    it('reports every ill-shaped file with its path', () => {
      const files: JsonObject = exportFiles()
      files['project.json'] = '{"name": '
      files['styles/themes.json'] = {componentsVersion: 5}
      files['flows/step-up/contents.json'] = {startTask: 'start', tasks: []}
      files['flows/sign-up-or-in/metadata.json'] = {...files['flows/sign-up-or-in/metadata.json'] as JsonObject, screens: [welcomeId, verifyId, 'SCmissing']}
      files[`flows/sign-up-or-in/screen-${welcomeId}.json`] = {screenId: 'other', contents: {}}
      files['flows/broken/metadata.json'] = []
      files['authorization/roles.json'] = {
        roles: [
          {name: 'Viewer', permissionNames: ['users.read', 'nope']},
          {name: 'Viewer'},
          {name: 'x'.repeat(101)},
          {description: 'no name'},
        ],
      }
      files['assets/logo.png'] = 42
      const result = caller.call('/v1/mgmt/project/snapshot/validate', {files}) as Validation
      equal(result.ok, false)
      const failures = (result.failures ?? []).join('\n')
      match(failures, /^project\.json: not valid JSON/m)
      match(failures, /^assets\/logo\.png: must be a string/m)
      match(failures, /^flows\/broken\/metadata\.json: must be a JSON object$/m)
      match(failures, /^flows\/step-up\/contents\.json: "contents\.tasks" must be an object$/m)
      match(failures, /^flows\/sign-up-or-in\/screen-SCmissing\.json: missing \(listed in metadata\.json\)$/m)
      match(failures, new RegExp(`^flows/sign-up-or-in/screen-${welcomeId}\\.json: "screenId" must be ${welcomeId} \\(the file name\\)$`, 'm'))
      match(failures, /^styles\/themes\.json: "styles" is required$/m)
      match(failures, /^styles\/themes\.json: "componentsVersion" must be a string$/m)
      match(failures, /^authorization\/roles\.json: "roles\[1\]\.name" duplicates role Viewer$/m)
      match(failures, /^authorization\/roles\.json: "roles\[2\]\.name" must be at most 100 characters$/m)
      match(failures, /^authorization\/roles\.json: "roles\[3\]\.name" is required$/m)
      match(failures, /^authorization\/roles\.json: roles\[0\]\.permissionNames names unknown permission nope$/m)
      equal(result.failures?.length, 12)
    })

    it('checks role permissions against the permissions of the same snapshot', () => {
      const files = exportFiles()
      files['authorization/permissions.json'] = {permissions: [{name: 'users.read'}]}
      const result = caller.call('/v1/mgmt/project/snapshot/validate', {files}) as Validation
      deepStrictEqual(result, {ok: false, failures: ['authorization/roles.json: roles[0].permissionNames names unknown permission users.write']})
      delete files['authorization/permissions.json']
      deepStrictEqual(caller.call('/v1/mgmt/project/snapshot/validate', {files}), {ok: true}, 'without the file, the current permissions count')
    })

    it('parses .json values sent as strings', () => {
      const files: JsonObject = exportFiles()
      files['flows/step-up/contents.json'] = JSON.stringify(files['flows/step-up/contents.json'])
      deepStrictEqual(caller.call('/v1/mgmt/project/snapshot/validate', {files}), {ok: true})
    })

    it('ignores files it does not know and excluded kinds', () => {
      const files: JsonObject = {...exportFiles(), 'connectors/http.json': {id: 'x'}, 'messaging/email.html': '<p>hi</p>'}
      deepStrictEqual(caller.call('/v1/mgmt/project/snapshot/validate', {files}), {ok: true})
      files['styles/themes.json'] = {}
      deepStrictEqual(caller.call('/v1/mgmt/project/snapshot/validate', {files, excludes: ['styles']}), {ok: true})
    })

    it('validates the request itself', () => {
      expectEmulatorError(() => caller.call('/v1/mgmt/project/snapshot/validate', {}), 'missingArgument', /"files" is required/)
      expectEmulatorError(() => caller.call('/v1/mgmt/project/snapshot/validate', {files: []}), 'invalidArgument', /"files" must be an object/)
      expectEmulatorError(
        () => caller.call('/v1/mgmt/project/snapshot/validate', {files: {}, inputSecrets: {connectors: {}}}),
        'invalidArgument',
        /"inputSecrets\.connectors" must be an array/,
      )
      expectEmulatorError(() => caller.call('/v1/mgmt/project/snapshot/import', {files: {}, excludes: 'flows'}), 'invalidArgument', /"excludes" must be an array/)
    })
  })

  describe('snapshot import', () => {
    it('reproduces the exported configuration in another project', () => {
      const files = exportFiles()
      const target = new RouteCaller(projectRoutes, emptyProject({name: 'Production'}))
      deepStrictEqual(target.call('/v1/mgmt/project/snapshot/import', {files, inputSecrets: {connectors: []}}), {})
      deepStrictEqual(exportFiles(target), {...files, 'project.json': {...files['project.json'], name: 'Production'}})
      equal(target.project.name, 'Production', 'the name in project.json is not applied')
      equal(target.project.flows.get('sign-up-or-in')?.version, 1)
      equal(target.project.flows.get('sign-up-or-in')?.modifiedTime, target.now)
      const viewer = [...target.project.roles.values()].find(record => record.name === 'Viewer')
      match(viewer?.id ?? '', /^RL/)
      equal(viewer?.createdTime, Math.floor(target.now / 1000))
      deepStrictEqual(target.audits, [{
        action: 'project.snapshot.import', data: {
          flows: 2, permissions: 3, roles: 2, theme: true,
        }, tenants: undefined,
      }])
    })

    it('replaces the kinds it contains and keeps ids, tenant roles and system permissions', () => {
      const files = exportFiles()
      for (const path of Object.keys(files)) if (path.startsWith('flows/step-up/')) delete files[path]
      files['flows/sign-up-or-in/metadata.json'] = {...files['flows/sign-up-or-in/metadata.json'], name: 'Renamed flow'}
      files['authorization/permissions.json'] = {permissions: [{name: 'users.read', description: 'Read all users'}, {name: 'audit.read'}]}
      files['authorization/roles.json'] = {roles: [{name: 'Viewer', description: 'Reads', permissionNames: ['users.read', 'audit.read']}, {name: 'Auditor', permissionNames: ['audit.read']}]}
      files['styles/themes.json'] = {styles: {light: {}, dark: {}}}
      caller.call('/v1/mgmt/project/snapshot/import', {files})

      const {project} = caller
      deepStrictEqual([...project.flows.keys()], ['sign-up-or-in'], 'flows missing from the snapshot are deleted')
      equal(project.flows.get('sign-up-or-in')?.version, 5)
      equal(project.flows.get('sign-up-or-in')?.metadata.name, 'Renamed flow')
      deepStrictEqual(project.theme, {
        styles: {light: {}, dark: {}}, componentsVersion: '2.0.295', references: {}, version: 4,
      })

      const permissions = [...project.permissions.values()]
      deepStrictEqual(permissions.map(record => record.name).sort(), ['Impersonate', 'audit.read', 'users.read'])
      equal(project.permissions.get('PE1')?.description, 'Read all users', 'users.read keeps its id')
      equal(project.permissions.get('PE0')?.systemDefault, true, 'system permissions are never deleted')

      const roles = [...project.roles.values()]
      deepStrictEqual(roles.map(record => `${record.tenantId}/${record.name}`).sort(), ['/Auditor', '/Viewer', 'T1/Tenant Auditor'])
      deepStrictEqual(project.roles.get('RL1'), {...role('RL1', 'Viewer', ['users.read', 'audit.read']), description: 'Reads'}, 'Viewer keeps its id and createdTime')
      deepStrictEqual(project.roles.get('RL3')?.permissionNames, ['users.read'], 'tenant roles stay')
      deepStrictEqual(project.tenants.get('T1')?.defaultRoles, ['Viewer'], 'deleted roles leave the tenants’ default roles')
      deepStrictEqual(project.settings, {cookiePolicy: 2, domain: 'auth.example.com', trustedDomains: ['example.com']})
    })

    it('strips deleted permissions from roles it does not replace', () => {
      const files = {'authorization/permissions.json': {permissions: [{name: 'users.read'}]}}
      caller.call('/v1/mgmt/project/snapshot/import', {files})
      deepStrictEqual(caller.project.roles.get('RL2')?.permissionNames, ['users.read'])
      deepStrictEqual(caller.project.roles.get('RL3')?.permissionNames, ['users.read'])
    })

    it('leaves kinds absent from the snapshot or excluded untouched', () => {
      const before = structuredClone(caller.project)
      caller.call('/v1/mgmt/project/snapshot/import', {files: {'styles/themes.json': {styles: {light: {}}}}})
      deepStrictEqual(caller.project.flows, before.flows)
      deepStrictEqual(caller.project.roles, before.roles)
      deepStrictEqual(caller.project.permissions, before.permissions)
      deepStrictEqual(caller.project.settings, before.settings)
      deepStrictEqual(caller.project.theme?.styles, {light: {}})

      const files = exportFiles(new RouteCaller(projectRoutes))
      caller.call('/v1/mgmt/project/snapshot/import', {files, excludes: ['project', 'authorization', 'styles', 'lists']})
      deepStrictEqual(caller.project.roles, before.roles)
      deepStrictEqual(caller.project.settings, before.settings)
      deepStrictEqual(caller.project.theme?.styles, {light: {}})
    })

    it('changes nothing and lists the failures when the snapshot is invalid', () => {
      const before = structuredClone(caller.project)
      const files: JsonObject = {...exportFiles(), 'flows/new-flow/metadata.json': {name: 'New'}}
      files['authorization/roles.json'] = {roles: [{name: 'Viewer', permissionNames: ['nope']}]}
      expectEmulatorError(
        () => caller.call('/v1/mgmt/project/snapshot/import', {files}),
        'invalidArgument',
        /flows\/new-flow\/contents\.json: missing.*authorization\/roles\.json: roles\[0\]\.permissionNames names unknown permission nope/,
      )
      deepStrictEqual(caller.project, before)
      equal(caller.audits.length, 0)
    })

    it('answers the legacy project/import path the same way', () => {
      const files = exportFiles()
      delete files['flows/step-up/metadata.json']
      delete files['flows/step-up/contents.json']
      deepStrictEqual(caller.call('/v1/mgmt/project/import', {files}), {})
      deepStrictEqual([...caller.project.flows.keys()], ['sign-up-or-in'])
      expectEmulatorError(() => caller.call('/v1/mgmt/project/import', {}), 'missingArgument', /"files" is required/)
    })
  })

  describe('name, tags and list', () => {
    it('renames the project', () => {
      deepStrictEqual(caller.call('/v1/mgmt/project/update/name', {name: 'Staging EU'}), {})
      equal(caller.project.name, 'Staging EU')
      deepStrictEqual(caller.audits, [{action: 'project.update.name', data: {name: 'Staging EU'}, tenants: undefined}])
      expectEmulatorError(() => caller.call('/v1/mgmt/project/update/name', {name: ''}), 'missingArgument', /"name" is required/)
      expectEmulatorError(() => caller.call('/v1/mgmt/project/update/name', {name: ['x']}), 'invalidArgument', /"name" must be a string/)
      equal(caller.project.name, 'Staging EU')
    })

    it('replaces the tags, without duplicates', () => {
      caller.call('/v1/mgmt/project/update/tags', {tags: ['eu', 'staging', 'eu']})
      deepStrictEqual(caller.project.tags, ['eu', 'staging'])
      caller.call('/v1/mgmt/project/update/tags', {tags: []})
      deepStrictEqual(caller.project.tags, [])
      expectEmulatorError(() => caller.call('/v1/mgmt/project/update/tags', {}), 'missingArgument', /"tags" is required/)
      expectEmulatorError(() => caller.call('/v1/mgmt/project/update/tags', {tags: ['x'.repeat(51)]}), 'invalidArgument', /"tags" entries must be 1 to 50 characters long/)
      expectEmulatorError(() => caller.call('/v1/mgmt/project/update/tags', {tags: 'eu'}), 'invalidArgument', /"tags" must be an array/)
    })

    it('lists the caller’s project and the projects sharing its keys', () => {
      caller.project.environment = 'production'
      caller.project.tags = ['eu']
      caller.project.managementKeyDigests = ['sha256:a']
      caller.directory.set('P2other', emptyProject({id: 'P2other', managementKeyDigests: ['sha256:b'], name: 'Other company'}))
      caller.directory.set('P2sibling', emptyProject({id: 'P2sibling', managementKeyDigests: ['sha256:a'], name: 'Sibling'}))
      deepStrictEqual(caller.call('/v1/mgmt/projects/list'), {
        projects: [
          {
            id: caller.project.id, name: 'Staging', environment: 'production', tags: ['eu'],
          },
          {
            id: 'P2sibling', name: 'Sibling', environment: '', tags: [],
          },
        ],
      })
      notEqual(caller.project.tags, (caller.call('/v1/mgmt/projects/list') as {projects: Array<{tags: string[]}>}).projects[0].tags)
    })
  })

  describe('clone and delete', () => {
    it('clones the configuration, not the tenants, into a project accepting the same keys', () => {
      caller.project.managementKeyDigests = ['sha256:a']
      const response = caller.call('/v1/mgmt/project/clone', {name: 'Staging copy', environment: 'production', tags: ['copy']}) as JsonObject
      const clone = caller.directory.get(response.projectId as string)
      ok(clone, 'the clone is in the directory')
      match(clone.id, /^P[A-Za-z0-9]{27}$/)
      deepStrictEqual(response, {
        projectId: clone.id, projectName: 'Staging copy', environment: 'production', tags: ['copy'],
      })
      deepStrictEqual(clone.managementKeyDigests, ['sha256:a'])
      const cloneFiles = exportFiles(new RouteCaller(projectRoutes, clone))
      deepStrictEqual(cloneFiles, {...exportFiles(), 'project.json': {...exportFiles()['project.json'], name: 'Staging copy'}})
      equal(clone.tenants.size, 0)
      deepStrictEqual([...clone.roles.values()].map(record => record.tenantId), ['', ''], 'tenant roles are not cloned')
      equal(clone.flows.get('sign-up-or-in')?.version, 1)
      deepStrictEqual(caller.audits, [{action: 'project.clone', data: {projectId: clone.id, name: 'Staging copy'}, tenants: undefined}])
    })

    it('validates clone requests', () => {
      expectEmulatorError(() => caller.call('/v1/mgmt/project/clone', {}), 'missingArgument', /"name" is required/)
      expectEmulatorError(() => caller.call('/v1/mgmt/project/clone', {name: 'x', environment: 'staging'}), 'invalidArgument', /"environment" must be "" or "production"/)
      expectEmulatorError(() => caller.call('/v1/mgmt/project/clone', {name: 'x', tags: ['']}), 'invalidArgument', /"tags" entries must be 1 to 50/)
      equal(caller.directory.size, 1)
    })

    it('deletes the caller’s project', () => {
      deepStrictEqual(caller.call('/v1/mgmt/project/delete'), {})
      equal(caller.directory.has(caller.project.id), false)
    })
  })
})
