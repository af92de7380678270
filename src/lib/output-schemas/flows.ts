/** `--json` output of the flow and theme commands. */
import {z} from 'zod'

import {applyOutcomeSchema, fieldChangeSchema, output} from './common.js'

const itemDiffSchema = z.strictObject({
  id: z.string(),
  label: z.string().optional().describe('Task name and type, or the screen name.'),
  fields: z.array(fieldChangeSchema).describe('For a changed item: the fields that differ, relative to the item.'),
})

const sectionDiffSchema = z.strictObject({
  added: z.array(itemDiffSchema),
  removed: z.array(itemDiffSchema),
  changed: z.array(itemDiffSchema),
})

export const flowDiffSchema = z
.strictObject({
  flowId: z.string(),
  created: z.boolean().describe('No live flow: everything is new.'),
  equal: z.boolean(),
  metadata: z.array(fieldChangeSchema),
  graph: z.array(fieldChangeSchema).describe('Members of `contents` other than `tasks` (e.g. `startTask`).'),
  tasks: sectionDiffSchema,
  screens: sectionDiffSchema,
  references: z.array(fieldChangeSchema),
})
.meta({id: 'FlowDiff', description: 'The structural diff of a live flow (before) and a flow file (after).'})

const themeDiffSchema = z
.strictObject({
  equal: z.boolean(),
  styles: z.record(z.string(), z.array(fieldChangeSchema)).describe('Style changes by mode (`light`, `dark`…).'),
  other: z.array(fieldChangeSchema).describe('`componentsVersion` and `references`.'),
})
.meta({id: 'ThemeDiff', description: 'The diff of the live theme (before) and a theme file (after).'})

const jsonObject = z.record(z.string(), z.unknown())

const themeDocumentSchema = z.strictObject({
  styles: jsonObject,
  componentsVersion: z.string().optional(),
  references: jsonObject.optional(),
}).describe('The theme, keys sorted, as `theme export` writes it.')

const flowBackupSchema = z.strictObject({
  id: z.string(),
  createdAt: z.string(),
  operation: z.string(),
  label: z.string().optional(),
})

const writeResult = {
  applied: z.boolean().describe('Whether the change was made (false for a dry run or when nothing differs).'),
  backupId: z.string().optional().describe('The backup taken before the write.'),
  outcome: applyOutcomeSchema.optional(),
}

export const flowOutputs = {
  'flow:list': output(z.array(z.strictObject({
    id: z.string(),
    name: z.string(),
    description: z.string(),
    disabled: z.boolean(),
    modifiedTime: z.string().describe('ISO 8601 time of the last change.'),
  })), 'The flows, sorted by id.'),
  'flow:export': output(z.strictObject({
    files: z.array(z.strictObject({flowId: z.string(), file: z.string()})),
  }), 'The files written.'),
  'flow:import': output(z.strictObject({
    flows: z.array(z.strictObject({
      file: z.string(),
      flowId: z.string(),
      idFrom: z.enum(['content', 'file-name', 'flag']).describe('Where the flow id came from.'),
      format: z.enum(['v1', 'v2']),
      diff: flowDiffSchema,
    })),
    ...writeResult,
  }), 'The diff of each file with the live flow; with --apply, also the outcome.'),
  'flow:diff': output(flowDiffSchema, 'The diff (exit code 2 when the flow differs).'),
  'flow:delete': output(z.strictObject({
    deleted: z.array(z.string()),
    backupId: z.string().optional(),
    outcome: applyOutcomeSchema,
  }), 'The flows deleted, the backup taken before, and the outcome.'),
  'flow:rollback': output(z.union([
    z.strictObject({backups: z.array(flowBackupSchema).describe('Backups holding the flow, newest first.')}),
    z.strictObject({
      from: z.string().describe('The backup rolled back to.'),
      diff: flowDiffSchema,
      ...writeResult,
    }),
  ]), 'With --list, the backups holding the flow; otherwise the diff and the outcome of the rollback.'),
  'theme:export': output(z.union([
    themeDocumentSchema,
    z.strictObject({file: z.string().describe('The file written (--out).')}),
  ]), 'The theme; with --out, the file written.'),
  'theme:import': output(z.strictObject({
    diff: themeDiffSchema,
    ...writeResult,
  }), 'The diff with the live theme; with --apply, also the outcome.'),
}
