/** `--json` output of plan, apply, drift and compare. */
import {z} from 'zod'

import {
  errorOutputSchema, fieldChangeSchema, output, planAndApplySchema, planSchema,
} from './common.js'

export const driftReportSchema = z
.strictObject({
  environment: z.string().optional(),
  projectId: z.string(),
  inSync: z.boolean(),
  missing: z.array(z.string()).describe('Declared in the configuration, absent live (`kind:key`).'),
  changed: z.array(z.strictObject({
    id: z.string(),
    fields: z.array(fieldChangeSchema).describe('`before` is live, `after` the configuration.'),
    detail: z.string().optional(),
  })).describe('Live differs from the configuration.'),
  unmanaged: z.array(z.string()).describe('Live, not declared in the configuration.'),
})
.meta({id: 'DriftReport', description: 'The drift of one environment.'})

const driftFailureSchema = z.strictObject({
  environment: z.string().optional(),
  error: errorOutputSchema.shape.error,
}).describe('An environment that could not be checked (with --all-environments).')

export const planOutputs = {
  plan: output(planSchema, 'The plan: what apply would change (exit code 2 when changes are pending).'),
  apply: output(planAndApplySchema, 'The plan applied; `outcome` is absent when there was nothing to change.'),
  drift: output(z.strictObject({
    inSync: z.boolean(),
    environments: z.array(z.union([driftReportSchema, driftFailureSchema])),
  }), 'The drift of each environment checked (exit code 2 when there is drift).'),
  compare: output(planSchema, 'The changes that would make --to match --from, as a plan.'),
}
