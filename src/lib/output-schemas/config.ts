/** `--json` output of config validate and init. */
import {z} from 'zod'

import {configProblemSchema, output} from './common.js'

export const configOutputs = {
  'config:validate': output(z.strictObject({
    valid: z.boolean(),
    file: z.string().describe('Absolute path of the file checked.'),
    environment: z.string().optional().describe('The environment checked with -e.'),
    problems: z.array(configProblemSchema),
    warnings: z.array(configProblemSchema),
    counts: z.record(z.string(), z.number().int()).describe('Entries per section: {tenants: 4, environments: 3}.'),
  }), 'The validation report (exit code 3 when the configuration is invalid).'),
  init: output(z.strictObject({
    file: z.string().describe('Absolute path of the configuration written.'),
    fromLive: z.boolean(),
    environment: z.string().describe('The environment written.'),
    counts: z.strictObject({
      tenants: z.number().int(),
      permissions: z.number().int(),
      roles: z.number().int(),
      flows: z.number().int().optional(),
      theme: z.number().int().optional(),
    }),
    files: z.array(z.string()).optional().describe('Flow and theme files written beside the configuration (--from-live).'),
  }), 'The file written and what it holds.'),
}
