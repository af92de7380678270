import type {z} from 'zod'

import {expect} from 'chai'
import {readdir, readFile} from 'node:fs/promises'
import path from 'node:path'

import type Bench from '../../../plugins/plugin-bench/src/commands/bench.js'
import type CacheClear from '../../../plugins/plugin-cache/src/commands/cache/clear.js'
import type CacheStats from '../../../plugins/plugin-cache/src/commands/cache/stats.js'
import type CacheWarm from '../../../plugins/plugin-cache/src/commands/cache/warm.js'
import type Apply from '../../../src/commands/apply.js'
import type AuditExport from '../../../src/commands/audit/export.js'
import type AuditList from '../../../src/commands/audit/list.js'
import type BackupCreate from '../../../src/commands/backup/create.js'
import type BackupList from '../../../src/commands/backup/list.js'
import type BackupPrune from '../../../src/commands/backup/prune.js'
import type BackupRestore from '../../../src/commands/backup/restore.js'
import type BackupShow from '../../../src/commands/backup/show.js'
import type BackupVerify from '../../../src/commands/backup/verify.js'
import type Compare from '../../../src/commands/compare.js'
import type ConfigValidate from '../../../src/commands/config/validate.js'
import type Doctor from '../../../src/commands/doctor.js'
import type Drift from '../../../src/commands/drift.js'
import type FlowDelete from '../../../src/commands/flow/delete.js'
import type FlowDiff from '../../../src/commands/flow/diff.js'
import type FlowExport from '../../../src/commands/flow/export.js'
import type FlowImport from '../../../src/commands/flow/import.js'
import type FlowList from '../../../src/commands/flow/list.js'
import type FlowRollback from '../../../src/commands/flow/rollback.js'
import type Init from '../../../src/commands/init.js'
import type PermissionList from '../../../src/commands/permission/list.js'
import type Plan from '../../../src/commands/plan.js'
import type RoleList from '../../../src/commands/role/list.js'
import type TenantCreate from '../../../src/commands/tenant/create.js'
import type TenantDelete from '../../../src/commands/tenant/delete.js'
import type TenantGet from '../../../src/commands/tenant/get.js'
import type TenantList from '../../../src/commands/tenant/list.js'
import type TenantSync from '../../../src/commands/tenant/sync.js'
import type TenantUpdate from '../../../src/commands/tenant/update.js'
import type ThemeExport from '../../../src/commands/theme/export.js'
import type ThemeImport from '../../../src/commands/theme/import.js'

import {
  commandOutputs, ERROR_SCHEMA_FILE, OUTPUT_SCHEMA_DIR, type OutputCommandId, outputJsonSchema, outputSchemaFile, renderOutputSchemas,
} from '../../../src/lib/output-schemas/index.js'
import {repoRoot} from '../../helpers/cli.js'

type JsonSchema = Record<string, unknown> & {
  additionalProperties?: boolean | JsonSchema
  definitions?: Record<string, JsonSchema>
  properties?: Record<string, JsonSchema>
}

/** Every object schema with named properties in a JSON Schema, with where it is. */
function objectsOf(schema: unknown, at = '#'): Array<[string, JsonSchema]> {
  if (Array.isArray(schema)) return schema.flatMap((item, index) => objectsOf(item, `${at}/${index}`))
  if (!schema || typeof schema !== 'object') return []
  const node = schema as JsonSchema
  const own: Array<[string, JsonSchema]> = node.properties ? [[at, node]] : []
  return [...own, ...Object.entries(node).flatMap(([key, child]) => objectsOf(child, `${at}/${key}`))]
}

/** Descope's own objects, printed as the API returns them: open to fields Descope adds. */
const descopeObjects = new Set(['#/definitions/Permission', '#/definitions/Role', '#/definitions/Tenant'])
const printsOneTenant = new Set(['tenant:create', 'tenant:get', 'tenant:update'])

describe('JSON Schemas of the --json output (schema/output)', () => {
  const dir = path.join(repoRoot, OUTPUT_SCHEMA_DIR)

  it('has one committed file per command with --json, plus error.schema.json, and nothing else', async () => {
    const expected = [...Object.keys(commandOutputs).map(id => outputSchemaFile(id)), ERROR_SCHEMA_FILE].sort()
    expect((await readdir(dir)).sort()).to.deep.equal(expected)
    expect(outputSchemaFile('tenant:list')).to.equal('tenant-list.schema.json')
  })

  it('each committed file is what the zod schema produces now (run `npm run schema:output` to update)', async () => {
    const stale: string[] = []
    for (const [name, text] of renderOutputSchemas()) {
      const committed = await readFile(path.join(dir, name), 'utf8').catch(() => '')
      if (committed !== text) stale.push(name)
    }

    expect(stale, `out of date: ${stale.join(', ')}; run \`npm run schema:output\``).to.deep.equal([])
  })

  it('is draft-07 with a title and a description, and closes every object but Descope\'s own', () => {
    const open: string[] = []
    for (const id of Object.keys(commandOutputs) as OutputCommandId[]) {
      const schema = outputJsonSchema(id)
      expect(schema.$schema, id).to.equal('http://json-schema.org/draft-07/schema#')
      expect(schema.title, id).to.equal(`descope-mgmt ${id.replaceAll(':', ' ')} --json`)
      expect(schema.description, id).to.be.a('string').that.is.not.empty
      for (const [at, object] of objectsOf(schema)) {
        const descopes = descopeObjects.has(at) || (at === '#' && printsOneTenant.has(id))
        if (!descopes && object.additionalProperties !== false) open.push(`${id}: ${at}`)
      }
    }

    expect(open).to.deep.equal([])
  })

  it('a schema rejects output with a field added, removed, renamed or of another type', () => {
    const {schema} = commandOutputs['tenant:delete']
    expect(schema.safeParse({cascade: false, deleted: 'acme'}).success).to.equal(true)
    expect(schema.safeParse({cascade: false, deleted: 'acme', extra: 1}).success, 'added').to.equal(false)
    expect(schema.safeParse({deleted: 'acme'}).success, 'removed').to.equal(false)
    expect(schema.safeParse({cascade: false, deletedId: 'acme'}).success, 'renamed').to.equal(false)
    expect(schema.safeParse({cascade: 'no', deleted: 'acme'}).success, 'type').to.equal(false)
  })

  it('nested objects are strict too, while Descope\'s tenant keeps fields Descope adds', () => {
    const plan = {
      changes: [],
      createdAt: '2024-05-01T00:00:00.000Z',
      fingerprint: 'sha256:0',
      formatVersion: 1,
      projectId: 'P2x',
      prune: false,
      resources: ['tenants'],
      skipped: [],
      summary: {
        builtIn: 0, create: 0, delete: 0, skipped: 0, unmanaged: 0, update: 0,
      },
      tool: 'descope-mgmt/0.1.0',
    }
    expect(commandOutputs.plan.schema.safeParse(plan).success).to.equal(true)
    expect(commandOutputs.plan.schema.safeParse({...plan, summary: {...plan.summary, extra: 0}}).success).to.equal(false)
    expect(commandOutputs['tenant:get'].schema.safeParse({id: 'acme', name: 'Acme', newDescopeField: true}).success).to.equal(true)
    expect(commandOutputs['tenant:get'].schema.safeParse({id: 'acme'}).success).to.equal(false)
  })

  it('the result type of every command is checked against its schema (by `npm run typecheck`, below)', () => {
    expect(Object.keys(resultTypesFitTheirSchemas).sort()).to.deep.equal(Object.keys(commandOutputs).sort())
  })
})

/*
 * Compile-time: what each command's run() returns fits its schema, so `npm run typecheck` fails
 * when a command's result type and its documented shape part. Index signatures of open objects
 * and records are left out of the comparison (they accept anything).
 */
type Primitive = bigint | boolean | null | number | string | symbol | undefined
type NamedKeys<T> = {[K in keyof T as string extends K ? never : (number extends K ? never : K)]: T[K]}
type Known<T> = T extends Primitive
  ? T
  : T extends Array<infer Item>
    ? Array<Known<Item>>
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a record has no named fields to compare
    : T extends object ? (keyof NamedKeys<T> extends never ? any : {[K in keyof NamedKeys<T>]: Known<NamedKeys<T>[K]>}) : T
type Result<C extends abstract new (...args: never[]) => {run(): Promise<unknown>}> = Awaited<ReturnType<InstanceType<C>['run']>>
type Fits<C extends abstract new (...args: never[]) => {run(): Promise<unknown>}, Id extends OutputCommandId>
  = [Known<Result<C>>] extends [Known<z.output<(typeof commandOutputs)[Id]['schema']>>] ? true : false

const resultTypesFitTheirSchemas = {
  apply: true satisfies Fits<typeof Apply, 'apply'>,
  'audit:export': true satisfies Fits<typeof AuditExport, 'audit:export'>,
  'audit:list': true satisfies Fits<typeof AuditList, 'audit:list'>,
  bench: true satisfies Fits<typeof Bench, 'bench'>,
  'cache:clear': true satisfies Fits<typeof CacheClear, 'cache:clear'>,
  'cache:stats': true satisfies Fits<typeof CacheStats, 'cache:stats'>,
  'cache:warm': true satisfies Fits<typeof CacheWarm, 'cache:warm'>,
  'backup:create': true satisfies Fits<typeof BackupCreate, 'backup:create'>,
  'backup:list': true satisfies Fits<typeof BackupList, 'backup:list'>,
  'backup:prune': true satisfies Fits<typeof BackupPrune, 'backup:prune'>,
  'backup:restore': true satisfies Fits<typeof BackupRestore, 'backup:restore'>,
  'backup:show': true satisfies Fits<typeof BackupShow, 'backup:show'>,
  'backup:verify': true satisfies Fits<typeof BackupVerify, 'backup:verify'>,
  compare: true satisfies Fits<typeof Compare, 'compare'>,
  'config:validate': true satisfies Fits<typeof ConfigValidate, 'config:validate'>,
  doctor: true satisfies Fits<typeof Doctor, 'doctor'>,
  drift: true satisfies Fits<typeof Drift, 'drift'>,
  'flow:delete': true satisfies Fits<typeof FlowDelete, 'flow:delete'>,
  'flow:diff': true satisfies Fits<typeof FlowDiff, 'flow:diff'>,
  'flow:export': true satisfies Fits<typeof FlowExport, 'flow:export'>,
  'flow:import': true satisfies Fits<typeof FlowImport, 'flow:import'>,
  'flow:list': true satisfies Fits<typeof FlowList, 'flow:list'>,
  'flow:rollback': true satisfies Fits<typeof FlowRollback, 'flow:rollback'>,
  init: true satisfies Fits<typeof Init, 'init'>,
  'permission:list': true satisfies Fits<typeof PermissionList, 'permission:list'>,
  plan: true satisfies Fits<typeof Plan, 'plan'>,
  'role:list': true satisfies Fits<typeof RoleList, 'role:list'>,
  'tenant:create': true satisfies Fits<typeof TenantCreate, 'tenant:create'>,
  'tenant:delete': true satisfies Fits<typeof TenantDelete, 'tenant:delete'>,
  'tenant:get': true satisfies Fits<typeof TenantGet, 'tenant:get'>,
  'tenant:list': true satisfies Fits<typeof TenantList, 'tenant:list'>,
  'tenant:sync': true satisfies Fits<typeof TenantSync, 'tenant:sync'>,
  'tenant:update': true satisfies Fits<typeof TenantUpdate, 'tenant:update'>,
  'theme:export': true satisfies Fits<typeof ThemeExport, 'theme:export'>,
  'theme:import': true satisfies Fits<typeof ThemeImport, 'theme:import'>,
}
