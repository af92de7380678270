import {z} from 'zod'

import {ConfiguredFileError, readConfiguredFlow} from '../../flows/config-files.js'
import {FLOW_ID_PATTERN} from '../../flows/format.js'
import {isRecord} from '../path.js'
import {defineResource} from './types.js'

export const flowConfigSchema = z
.strictObject({
  id: z.string().regex(FLOW_ID_PATTERN, {error: 'must contain only letters, digits, "_" and "-"'}).meta({
    title: 'Flow id',
    description: 'Id of the flow in the project; the file is imported as this id, whatever id the file names.',
    examples: ['sign-up-or-in'],
  }),
  file: z.string().trim().min(1, {error: 'must not be empty'}).meta({
    title: 'File',
    description: 'The flow file, as `flow export` writes it (v2; v1 is accepted), relative to this configuration file.',
    examples: ['flows/sign-up-or-in.json'],
  }),
})
.meta({title: 'Flow', description: 'One authentication flow, managed as a whole from its file.'})

export const flowsSchema = z
.array(flowConfigSchema)
.meta({title: 'Flows', description: 'Flows managed from files. Flows not listed here are left alone unless `apply --prune` is used.'})
.optional()

export type FlowConfig = z.infer<typeof flowConfigSchema>

export const flowsResource = defineResource({
  check(raw, context) {
    if (!Array.isArray(raw.flows)) return
    const seen = new Map<string, number>()
    for (const [index, entry] of raw.flows.entries()) {
      if (!isRecord(entry) || typeof entry.id !== 'string' || !FLOW_ID_PATTERN.test(entry.id)) continue
      const first = seen.get(entry.id)
      if (first === undefined) seen.set(entry.id, index)
      else context.error(['flows', index, 'id'], `duplicate flow "${entry.id}": already declared at flows[${first}]`)
      if (typeof entry.file !== 'string' || entry.file.trim() === '') continue
      try {
        const {contentId} = readConfiguredFlow(context.configDir, entry.file.trim(), entry.id)
        if (contentId && contentId !== entry.id) {
          context.warn(['flows', index, 'file'], `${entry.file} holds flow "${contentId}"; it is managed as "${entry.id}"`)
        }
      } catch (error) {
        const hint = error instanceof ConfiguredFileError && !error.missing
          ? 'fix the file, or write it again with `descope-mgmt flow export ID --out FILE`'
          : 'the path is relative to the configuration file; write the file with `descope-mgmt flow export ID --out FILE`'
        context.error(['flows', index, 'file'], (error as Error).message.replace(/\.$/, ''), hint)
      }
    }
  },
  count: raw => (Array.isArray(raw.flows) ? raw.flows.length : 0),
  key: 'flows',
  noun: 'flows',
  schema: flowsSchema,
})
