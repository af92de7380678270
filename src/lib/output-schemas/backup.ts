/** `--json` output of the backup commands. */
import {z} from 'zod'

import {applyOutcomeSchema, output, planSchema} from './common.js'

const countsSchema = z.record(z.string(), z.number().int()).describe('Items per resource kind (`tenants`: 12).')

const metadataShape = {
  formatVersion: z.number().int(),
  tool: z.string(),
  toolVersion: z.string(),
  createdAt: z.string().describe('ISO 8601, UTC.'),
  user: z.string(),
  gitCommit: z.string().optional().describe('`git rev-parse HEAD` of the working folder, when in a git repository.'),
  environment: z.string().optional(),
  projectId: z.string(),
  operation: z.string().describe('What took the backup: manual, apply, restore, import, delete…'),
  label: z.string().optional(),
  resources: z.array(z.string()).describe('Resource kinds in the backup, as plurals.'),
  counts: countsSchema,
  size: z.number().int().describe('Bytes of every file but metadata.json.'),
  files: z.record(z.string(), z.strictObject({
    kind: z.string(),
    sha256: z.string(),
    size: z.number().int(),
  })).describe('Every file but metadata.json, by path relative to the backup folder.'),
  id: z.string(),
  path: z.string().describe('The backup folder.'),
}

const backupMetadataSchema = z
.strictObject(metadataShape)
.meta({id: 'BackupMetadata', description: 'The metadata of a backup (metadata.json), with its id and folder.'})

const listedBackupSchema = z.strictObject({
  id: z.string(),
  projectId: z.string(),
  path: z.string(),
  createdAt: z.string(),
  environment: z.string().optional(),
  operation: z.string(),
  label: z.string().optional(),
  resources: z.array(z.string()),
  counts: countsSchema,
  size: z.number().int(),
  damaged: z.string().optional().describe('Why metadata.json could not be read; the other fields are then guesses from the folder name.'),
})

export const backupOutputs = {
  'backup:create': output(backupMetadataSchema, 'The new backup.'),
  'backup:list': output(z.array(listedBackupSchema), 'The backups, newest first.'),
  'backup:show': output(backupMetadataSchema, 'The metadata of the backup.'),
  'backup:verify': output(z.strictObject({
    id: z.string(),
    path: z.string(),
    ok: z.literal(true),
    checked: z.number().int().describe('Files checked, metadata.json included.'),
    counts: countsSchema,
  }), 'An intact backup (a damaged one is an error, exit code 3).'),
  'backup:prune': output(z.strictObject({
    kept: z.number().int(),
    removed: z.array(z.strictObject({id: z.string(), projectId: z.string(), createdAt: z.string()})),
    tempRemoved: z.array(z.string()).describe('Folders left by interrupted backups, removed.'),
  }), 'The backups deleted and how many were kept.'),
  'backup:restore': output(z.strictObject({
    backup: z.strictObject({
      id: z.string(), path: z.string(), projectId: z.string(), environment: z.string().optional(), createdAt: z.string(),
    }),
    target: z.strictObject({projectId: z.string(), environment: z.string().optional()}),
    warnings: z.array(z.string()).describe('Restoring into another project or environment; kinds this build cannot restore.'),
    plan: planSchema,
    applied: z.boolean(),
    outcome: applyOutcomeSchema.optional().describe('The outcome of the run, with --apply.'),
  }), 'The restore plan; with --apply, also the outcome (exit code 2 for a dry run with changes).'),
}
