/** `--json` output of `doctor`: one result per check, and the verdict. */
import {z} from 'zod'

import {CHECK_IDS} from '../doctor/types.js'
import {output} from './common.js'

const FACTS_DESCRIPTION = [
  'What the check measured, e.g. `latencyMs`, `rateLimitTier`, `skewSeconds`, `status`, `errorCode`, `readAsNotFound`,',
  '`roleAllCarriesTenantRoles`, `tenantAllCarriesParent`, `missing`; null when unknown.',
].join(' ')

const checkSchema = z
.strictObject({
  id: z.enum(CHECK_IDS).describe('Stable id of the check.'),
  title: z.string(),
  status: z.enum(['fail', 'pass', 'unknown']).describe('`pass` ✓, `fail` ✗, `unknown` – (could not tell, or skipped; never a failure).'),
  detail: z.string().describe('One line saying what was seen.'),
  facts: z
  .record(z.string(), z.union([z.boolean(), z.null(), z.number(), z.string(), z.array(z.string())]))
  .describe(FACTS_DESCRIPTION),
})
.meta({id: 'DoctorCheck', description: 'One check of doctor.'})

export const doctorOutputs = {
  doctor: output(z.strictObject({
    ok: z.boolean().describe('No check failed (the exit code is 0).'),
    summary: z.strictObject({pass: z.number().int(), fail: z.number().int(), unknown: z.number().int()}),
    checks: z.array(checkSchema),
  }), 'Each check of the project and of what the tool assumes about Descope, with its status; printed also when a check fails (exit code 1).'),
}
