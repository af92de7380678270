/** `--json` output of plan, apply, drift and compare. */
import {z} from 'zod'

import {
  applyOutcomeSchema, errorOutputSchema, fieldChangeSchema, output, planAndApplySchema, planSchema,
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

/** What every entry of a run across environments (`-e a -e b`, `--all-environments`) says of its environment. */
const environmentRunFields = {
  environment: z.string(),
  exitCode: z.number().int().describe('The exit code of this environment alone.'),
  result: z.enum(['applied', 'changes', 'drift', 'failed', 'in-sync', 'interrupted', 'no-changes', 'partial']),
  durationMs: z.number().int().describe('Time spent on this environment (an apply: planning and applying, not the confirmation).'),
}

const worstExitCode = z.number().int().describe('The exit code of the command: the worst of the environments (130, 1, 6, 5, 4, 3, 2, 0, worst first).')

const driftFailureSchema = z.strictObject({
  ...environmentRunFields,
  error: errorOutputSchema.shape.error,
}).describe('An environment that could not be checked (with several environments).')

const driftEntrySchema = z.strictObject({
  ...driftReportSchema.shape,
  ...environmentRunFields,
}).describe('The drift of one environment, with its run (with several environments).')

const planAcrossSchema = z.strictObject({
  exitCode: worstExitCode,
  environments: z.array(z.strictObject({
    ...environmentRunFields,
    projectId: z.string().optional(),
    plan: planSchema.optional(),
    error: errorOutputSchema.shape.error.optional().describe('Why this environment could not be planned.'),
  })),
}).describe('With several environments: one entry per environment, in the order given.')

const applyAcrossSchema = z.strictObject({
  exitCode: worstExitCode,
  environments: z.array(z.strictObject({
    ...environmentRunFields,
    projectId: z.string().optional(),
    plan: planSchema.optional(),
    outcome: applyOutcomeSchema.optional().describe('Absent when there was nothing to change, or the environment failed before its first write.'),
    error: errorOutputSchema.shape.error.optional().describe('Why this environment could not be planned or applied.'),
  })),
}).describe('With several environments: one entry per environment, in the order given.')

export const planOutputs = {
  plan: output(z.union([planSchema, planAcrossSchema]), 'The plan: what apply would change (exit code 2 when changes are pending); with several environments, one entry per environment.'),
  apply: output(z.union([planAndApplySchema, applyAcrossSchema]), 'The plan applied; `outcome` is absent when there was nothing to change. With several environments, one entry per environment.'),
  drift: output(z.strictObject({
    inSync: z.boolean(),
    exitCode: worstExitCode.optional().describe('With several environments: the worst exit code of them (130, 1, 6, 5, 4, 3, 2, 0, worst first).'),
    environments: z.array(z.union([driftReportSchema, driftEntrySchema, driftFailureSchema])),
  }), 'The drift of each environment checked (exit code 2 when there is drift).'),
  compare: output(planSchema, 'The changes that would make --to match --from, as a plan.'),
}
