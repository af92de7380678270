/** `--json` output of the audit commands. */
import {z} from 'zod'

import {output} from './common.js'

export const auditRecordSchema = z
.strictObject({
  time: z.string().describe('ISO 8601 time of the write.'),
  user: z.string(),
  environment: z.string().optional(),
  projectId: z.string(),
  operation: z.string().describe('create, update, delete, import, restore…'),
  resource: z.string().describe('`kind:key`, e.g. `tenant:acme`.'),
  result: z.enum(['failed', 'ok']),
  errorCode: z.string().optional(),
  error: z.string().optional(),
  requestId: z.string().optional(),
  durationMs: z.number(),
  toolVersion: z.string(),
  runId: z.string().optional().describe('The apply run the write belongs to.'),
})
.meta({id: 'AuditRecord', description: 'One write this tool made to a Descope project.'})

export const auditOutputs = {
  'audit:list': output(z.array(auditRecordSchema), 'The records, newest first.'),
  'audit:export': output(z.union([
    z.strictObject({
      count: z.number().int(),
      format: z.enum(['csv', 'json']),
      records: z.array(auditRecordSchema).describe('Oldest first.'),
    }),
    z.strictObject({
      count: z.number().int(),
      format: z.enum(['csv', 'json']),
      out: z.string().describe('The file written (--out).'),
    }),
  ]), 'The records exported (oldest first), or with --out the file written.'),
}
