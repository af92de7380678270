import {expect} from 'chai'

import {loadConfig} from '../../../src/lib/config/load.js'
import {toJsonSchema} from '../../../src/lib/config/schema.js'
import {validateConfig} from '../../../src/lib/config/validate.js'
import {ConfigError} from '../../../src/lib/errors.js'
import {rejection, tempDir} from './helpers.js'

const base = {environments: {local: {emulator: true}}, version: 1}

describe('configuration: permissions and roles', () => {
  it('accepts project and tenant roles, the same name in two scopes, and built-in permissions', () => {
    const result = validateConfig({
      ...base,
      permissions: [{description: 'Read users', name: ' users.read '}, {name: 'audit.read'}],
      roles: [
        {
          default: true, description: 'Reads', name: 'Viewer', permissionNames: ['users.read'],
        },
        {
          name: 'Viewer', permissionNames: ['audit.read', 'User Admin'], private: true, tenantId: 'acme',
        },
        {name: 'Empty'},
      ],
      tenants: [{id: 'acme', name: 'Acme'}],
    })
    expect(result.problems).to.deep.equal([])
    expect(result.warnings).to.deep.equal([])
    expect(result.config?.permissions).to.deep.equal([{description: 'Read users', name: 'users.read'}, {name: 'audit.read'}])
    expect(result.config?.roles?.[1]).to.deep.equal({
      name: 'Viewer', permissionNames: ['audit.read', 'User Admin'], private: true, tenantId: 'acme',
    })
  })

  it('accepts permissions and tenants that exist only in the live project when told about them', () => {
    const raw = {...base, roles: [{name: 'Auditor', permissionNames: ['live.perm'], tenantId: 'live-tenant'}]}
    const offline = validateConfig(raw)
    expect(offline.problems.map(problem => [problem.path, problem.message])).to.deep.equal([
      ['roles[0].permissionNames[0]', 'permission "live.perm" is not declared in this configuration'],
      ['roles[0].tenantId', 'tenant "live-tenant" is not declared in this configuration'],
    ])
    const live = validateConfig(raw, {existingPermissionNames: ['live.perm'], existingTenantIds: ['live-tenant']})
    expect(live.problems).to.deep.equal([])
  })

  it('says "nor in the project" and suggests live names when validating against a project', () => {
    const result = validateConfig(
      {...base, roles: [{name: 'A', permissionNames: ['report.raed'], tenantId: 'globx'}]},
      {existingPermissionNames: ['report.read'], existingTenantIds: ['globex']},
    )
    expect(result.problems.map(problem => [problem.message, problem.hint])).to.deep.equal([
      ['permission "report.raed" is not declared in this configuration nor in the project', 'did you mean "report.read"?'],
      ['tenant "globx" is not declared in this configuration nor in the project', 'did you mean "globex"?'],
    ])
  })

  it('warns about a permission listed twice in a role and about names that differ only in case', () => {
    const result = validateConfig({
      ...base,
      permissions: [{name: 'users.read'}, {name: 'Users.Read'}],
      roles: [{name: 'Viewer', permissionNames: ['users.read', 'users.read']}],
    })
    expect(result.problems).to.deep.equal([])
    expect(result.warnings.map(warning => [warning.path, warning.message])).to.deep.equal([
      ['permissions[1].name', 'permission "Users.Read" differs only in case from "users.read" (permissions[0].name)'],
      ['roles[0].permissionNames[1]', 'permission "users.read" is listed twice for this role'],
    ])
  })

  it('reports every problem of the roles at once, with lines, in file order', async () => {
    const temp = await tempDir()
    try {
      await temp.write('descope.yaml', [
        'version: 1',
        'environments: {local: {emulator: true}}',
        'permissions:',
        '  - name: a',
        '  - name: a',
        'roles:',
        '  - name: R',
        '    permissionNames: [b]',
        '  - name: R',
        '    private: maybe',
        '  - name: T',
        '    tenantId: nope',
        '',
      ].join('\n'))
      const error = (await rejection(loadConfig({cwd: temp.dir, env: {}}))) as unknown as ConfigError
      expect(error).to.be.instanceOf(ConfigError)
      expect(error.problems.map(problem => [problem.line, problem.path])).to.deep.equal([
        [5, 'permissions[1].name'],
        [8, 'roles[0].permissionNames[0]'],
        [9, 'roles[1].name'],
        [10, 'roles[1].private'],
        [12, 'roles[2].tenantId'],
      ])
    } finally {
      await temp.cleanup()
    }
  })

  it('rejects wrong types inside permissionNames without stopping the reference checks', () => {
    const result = validateConfig({...base, permissions: [{name: 'p'}], roles: [{name: 'R', permissionNames: ['p', 42, 'q']}]})
    expect(result.problems.map(problem => [problem.path, problem.message])).to.deep.equal([
      ['roles[0].permissionNames[1]', 'must be text, not the number 42'],
      ['roles[0].permissionNames[2]', 'permission "q" is not declared in this configuration'],
    ])
  })

  it('describes permissions and roles in the JSON Schema', () => {
    type Node = {properties: Record<string, Node & {items: Node}>; required?: string[]}
    const schema = toJsonSchema() as unknown as Node
    const role = schema.properties.roles.items
    expect(Object.keys(role.properties)).to.deep.equal(['name', 'description', 'permissionNames', 'tenantId', 'default', 'private'])
    expect(role.required).to.deep.equal(['name'])
    expect(role.properties.name).to.include({maxLength: 100, minLength: 1})
    expect(role.properties.description).to.include({maxLength: 254})
    const permission = schema.properties.permissions.items
    expect(Object.keys(permission.properties)).to.deep.equal(['name', 'description'])
    expect(permission.required).to.deep.equal(['name'])
  })
})
