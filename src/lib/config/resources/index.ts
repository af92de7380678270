/**
 * The configuration sections of the resource kinds, derived from the kind registry
 * (src/lib/resources): each kind's section key, schema, cross-field checks and count.
 */
import type {z} from 'zod'

import type {KindDefinition} from '../../resources/types.js'

import {kindDefinitions} from '../../resources/index.js'

type Kind = (typeof kindDefinitions)[number]
/** Kinds that own a section of the configuration (a kind declared inside another's has no schema of its own). */
type SectionOwner = Extract<Kind, {config: {schema: z.ZodType}}>
type ResourceShape = {[K in SectionOwner as K['config']['key']]: K['config']['schema']}

const owners = (kindDefinitions as readonly KindDefinition[]).filter(kind => kind.config.schema !== undefined)

/** One entry per configuration section, from the kind that owns it. */
export const resourceModules = owners.map(kind => ({
  count: kind.config.count ?? (() => 0),
  key: kind.config.key,
  noun: kind.plural,
}))

/** Every kind's cross-field checks, those of kinds declared in another kind's section included. */
export const resourceChecks = (kindDefinitions as readonly KindDefinition[]).flatMap(kind => (kind.config.check ? [kind.config.check] : []))

/** The fields kinds declared inside a section's entries add to them, by section key. */
function entryFieldsOf(key: string): Record<string, z.ZodType> | undefined {
  const nested = (kindDefinitions as readonly KindDefinition[]).filter(kind => kind.config.key === key && kind.config.entryFields)
  const fields: Record<string, z.ZodType> = Object.assign({}, ...nested.map(kind => kind.config.entryFields))
  return Object.keys(fields).length > 0 ? fields : undefined
}

function sectionSchema(kind: KindDefinition): z.ZodType {
  const fields = entryFieldsOf(kind.config.key)
  if (fields && !kind.config.withEntryFields) throw new Error(`The "${kind.config.key}" section takes no fields of other kinds.`)
  return fields ? kind.config.withEntryFields!(fields) : kind.config.schema!
}

/** The top-level keys of every resource kind, with their schemas, for the configuration schema. */
export const resourceShape = Object.fromEntries(owners.map(kind => [kind.config.key, sectionSchema(kind)])) as ResourceShape

/** The singular noun of the entries of a section (`tenants` → `tenant`), for messages. */
export const sectionSingular: Readonly<Record<string, string>> = Object.fromEntries(owners.map(kind => [kind.config.key, kind.labels.singular]))
