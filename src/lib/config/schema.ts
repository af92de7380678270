/**
 * The configuration schema: the single source of truth for the file format, its TypeScript types,
 * the JSON Schema editors use, and the configuration reference.
 */
import {z} from 'zod'

import {cacheSchema} from '../cache/schema.js'
import {coordinationSchema} from '../coordination/schema.js'
import {environmentsSchema} from './environment.js'
import {resourceShape} from './resources/index.js'

export {type PermissionConfig, permissionSchema} from '../resources/permissions.js'
export {type RoleConfig, roleSchema} from '../resources/roles.js'
export {type TenantConfig, tenantSchema} from '../resources/tenants.js'
export {type EnvironmentConfig, environmentSchema} from './environment.js'

export const CONFIG_VERSION = 1

export const configSchema = z
.strictObject({
  $schema: z
  .string()
  .meta({title: 'JSON Schema', description: 'Reference to this JSON Schema, for editors of JSON configuration files. Ignored.'})
  .optional(),
  version: z.literal(CONFIG_VERSION, {error: 'must be 1'}).meta({
    title: 'Format version',
    description: 'Version of the configuration format. Always 1.',
  }),
  backupRetentionDays: z
  .int({error: 'must be a whole number'})
  .min(1, {error: 'must be at least 1'})
  .meta({
    title: 'Backup retention (days)',
    description: 'After each successful apply, backups older than this many days are deleted; the newest 5 of each project are always kept. Default: 30.',
    examples: [30],
  })
  .optional(),
  cache: cacheSchema.optional(),
  coordination: coordinationSchema.optional(),
  environments: environmentsSchema,
  ...resourceShape,
})
.meta({
  title: 'descope-mgmt configuration',
  description:
      'Descope projects as code: the environments to apply to and the tenants, permissions and roles each project should have. Field names are those of the Descope Management API.',
})

export type DescopeConfig = z.infer<typeof configSchema>

/** The JSON Schema (draft-07, which yaml-language-server and most editors support fully). */
export function toJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(configSchema, {io: 'input', target: 'draft-07'}) as Record<string, unknown>
  return {
    $schema: schema.$schema,
    $comment: 'Generated from src/lib/config/schema.ts by `descope-mgmt config schema`; do not edit by hand.',
    ...schema,
  }
}

/** The JSON Schema as written to schema/descope-mgmt.schema.json. */
export function renderJsonSchema(): string {
  return `${JSON.stringify(toJsonSchema(), null, 2)}\n`
}
