/**
 * Shapes shared by several commands' `--json` output: field changes, plans, the outcome of an
 * apply run, and the error envelope. Objects are strict (no other fields) unless they are
 * Descope's own objects, passed through as the API returns them.
 */
import {z} from 'zod'

import {kindNames} from '../resources/index.js'

/** The documented `--json` output of one command: its shape and what it holds. */
export interface OutputSpec<Schema extends z.ZodType = z.ZodType> {
  schema: Schema
  description: string
}

export function output<Schema extends z.ZodType>(schema: Schema, description: string): OutputSpec<Schema> {
  return {description, schema}
}

/** A JSON value of any type (a field before or after a change, a flow or theme member). */
const anyJson = z.unknown()

export const fieldChangeSchema = z
.strictObject({
  path: z.string().describe('Dotted path of the field, e.g. `customAttributes.plan`; `[]` marks an element of a list compared as a set.'),
  kind: z.enum(['added', 'changed', 'removed']),
  before: anyJson.optional().describe('The value before (live); absent when added.'),
  after: anyJson.optional().describe('The value after (desired); absent when removed.'),
})
.meta({id: 'FieldChange', description: 'One field that differs.'})

/** The kind names of the registry, sorted. */
export const resourceKindSchema = z.enum([...kindNames].sort() as [string, ...string[]])
const changeActionSchema = z.enum(['create', 'delete', 'update'])
/** Managed fields of a resource, in Descope's field names. */
const resourceFieldsSchema = z.record(z.string(), anyJson)

export const changeSchema = z
.strictObject({
  id: z.string().describe('`kind:key`, unique in the plan, e.g. `tenant:acme`.'),
  kind: resourceKindSchema,
  key: z.string().describe('Identity within the kind: tenant id, permission name, role name (`tenantId/name` for a tenant role), flow id.'),
  action: changeActionSchema,
  fields: z.array(fieldChangeSchema),
  desired: resourceFieldsSchema.optional().describe('The desired managed fields (create, update).'),
  live: resourceFieldsSchema.optional().describe('The live fields (update, delete).'),
  passthrough: resourceFieldsSchema.optional().describe('Fields the tool does not manage that a create sends too (a restore puts back what the backup held).'),
  writeOptions: z.record(z.string(), z.unknown()).optional().describe('Options of the write that are not fields, e.g. `{cascade: true}` for a tenant delete.'),
  after: z.array(z.string()).describe('Ids of the changes that must finish before this one starts.'),
  phase: z.number().int(),
})
.meta({id: 'Change', description: 'One change a plan makes.'})

export const skippedChangeSchema = z
.strictObject({
  id: z.string(),
  kind: resourceKindSchema,
  key: z.string(),
  action: changeActionSchema,
  reason: z.enum(['immutable', 'protected', 'unmanaged']),
  detail: z.string().optional(),
})
.meta({id: 'SkippedChange', description: 'A change the plan will not make, and why.'})

export const planSchema = z
.strictObject({
  formatVersion: z.literal(1),
  tool: z.string().describe('`descope-mgmt/<version> …` that made the plan.'),
  createdAt: z.string().describe('ISO 8601 time.'),
  environment: z.string().optional(),
  projectId: z.string(),
  resources: z.array(z.string()).describe('Resource kinds the plan covers, as plurals (`tenants`).'),
  prune: z.boolean(),
  fingerprint: z.string().describe('sha256 of the live state the plan was computed from.'),
  changes: z.array(changeSchema),
  skipped: z.array(skippedChangeSchema),
  builtIns: z.array(z.strictObject({id: z.string(), kind: resourceKindSchema, key: z.string()}))
  .optional()
  .describe('Live items Descope provides in every project (built-in roles and permissions, default flows) that the desired state does not name: kept, never deleted. Absent in plans written by older versions.'),
  summary: z.strictObject({
    create: z.number().int(),
    update: z.number().int(),
    delete: z.number().int(),
    skipped: z.number().int(),
    unmanaged: z.number().int(),
    builtIn: z.number().int().optional().describe('How many of Descope\'s own items the plan keeps (`builtIns`).'),
  }),
})
.meta({id: 'Plan', description: 'What apply would change, as `plan --out` writes it.'})

const briefChange = {id: z.string(), action: changeActionSchema}

export const executionResultSchema = z
.strictObject({
  status: z.enum(['complete', 'failed', 'interrupted', 'partial']),
  stopReason: z.enum(['aborted', 'api_unavailable', 'failure', 'journal', 'lock_lost']).optional(),
  stopMessage: z.string().optional(),
  runId: z.string().optional().describe('The journal of the run (`apply --resume` continues it).'),
  continueOnError: z.boolean(),
  counts: z.strictObject({
    alreadyDone: z.number().int(),
    done: z.number().int(),
    failed: z.number().int(),
    notStarted: z.number().int(),
    skipped: z.number().int(),
  }),
  startedAt: z.string(),
  finishedAt: z.string(),
  durationMs: z.number().int(),
  done: z.array(z.strictObject({...briefChange, durationMs: z.number().int()})),
  failed: z.array(z.strictObject({
    ...briefChange,
    code: z.string(),
    message: z.string(),
    status: z.number().int().optional(),
    requestId: z.string().optional(),
  })),
  skipped: z.array(z.strictObject({...briefChange, dependency: z.string(), reason: z.enum(['dependency failed', 'dependency not run'])})),
  notStarted: z.array(z.strictObject(briefChange)),
  alreadyDone: z.array(z.string()),
  warnings: z.array(z.string()),
})
.meta({id: 'ExecutionResult', description: 'What an apply run did: done, failed, skipped and not started changes.'})

export const applyOutcomeSchema = z
.strictObject({
  exitCode: z.number().int().describe('The exit code of the run: 0 done, 4 auth, 5 API, 6 partial, 130 interrupted.'),
  backupId: z.string().optional().describe('The backup taken before the first write.'),
  resumedFrom: z.string().optional().describe('The run this one resumed (`--resume`).'),
  result: executionResultSchema,
})
.meta({id: 'ApplyOutcome', description: 'The outcome of applying a plan.'})

/** `{plan}` when nothing was applied (no changes, or a dry run), `{plan, outcome}` after an apply run. */
export const planAndApplySchema = z.strictObject({
  plan: planSchema,
  outcome: applyOutcomeSchema.optional(),
})

export const configProblemSchema = z.strictObject({
  file: z.string(),
  line: z.number().int().optional(),
  column: z.number().int().optional(),
  path: z.string().optional().describe('Dotted path of the field, e.g. `tenants[2].selfProvisioningDomains[0]`.'),
  message: z.string(),
  hint: z.string().optional(),
}).meta({id: 'ConfigProblem', description: 'One problem of a configuration file, located as precisely as the parser allows.'})

const backupProblemSchema = z.strictObject({
  file: z.string().describe('Path relative to the backup folder.'),
  problem: z.string(),
})

export const errorOutputSchema = z
.strictObject({
  error: z.strictObject({
    code: z.string().describe([
      'Stable machine-readable code: invalid_input, invalid_config, auth, tenant_not_found, a Descope error code (E062…), http_<status>,',
      'network, timeout, certificate (a server certificate refused)…',
    ].join(' ')),
    exitCode: z.number().int().describe('The exit code of the process (see the README).'),
    message: z.string(),
    hint: z.string().optional().describe('What to do about it.'),
    problems: z.union([z.array(configProblemSchema), z.array(backupProblemSchema)]).optional().describe('Every problem of an invalid configuration, or every damaged file of a backup.'),
    path: z.string().optional().describe('The request path of a failed API call, or the folder of a damaged backup.'),
    suggestions: z.array(z.string()).optional().describe('The corrected command lines of a mistyped command.'),
    holder: z.strictObject({
      pid: z.number().int(), startedAt: z.string(), host: z.string(), command: z.string(), token: z.string(),
    }).optional().describe('The process holding the project lock.'),
    request: z.string().optional().describe('`METHOD /path` of a failed API call.'),
    method: z.string().optional(),
    status: z.number().int().optional().describe('HTTP status of a failed API call.'),
    errorCode: z.string().optional().describe('Descope error code.'),
    errorDescription: z.string().optional(),
    errorMessage: z.string().optional(),
    retryAfter: z.number().optional(),
    retryCount: z.number().int().optional(),
    requestId: z.string().optional(),
    durationMs: z.number().int().optional().describe('Milliseconds from the first attempt of a failed API call to its failure.'),
    networkCode: z.string().optional().describe('ECONNREFUSED, ETIMEDOUT… of a network failure.'),
  }),
})
.meta({
  title: 'descope-mgmt error (--json)',
  description: 'What every command prints on standard output with --json when it fails; the exit code is error.exitCode.',
})
