/**
 * `defineKind`: one resource kind, defined in one place (configuration section, schema and checks,
 * managed and passed-through fields, live read and writes, dependencies, backup layout, built-ins,
 * labels). Modelled on Shopify CLI's extension specifications: a definition object with defaults
 * filled in, so a simple kind states only what is particular to it.
 */
import {z} from 'zod'

import type {KindDefinition, ResourceFields, ResourceItem} from './types.js'

import {singleFileKind} from '../backup/kind-files.js'

type Optional = 'backup' | 'builtIn' | 'configKey' | 'labels' | 'passthroughFields'

export type KindSpec<Key extends string, Schema extends undefined | z.ZodType> = Omit<KindDefinition<Key, Schema>, Optional> & Partial<Pick<KindDefinition<Key, Schema>, Optional>>

const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1)

export function defineKind<Key extends string, Schema extends undefined | z.ZodType>(spec: KindSpec<Key, Schema>): KindDefinition<Key, Schema> {
  return {
    backup: singleFileKind,
    builtIn: () => false,
    configKey: spec.config.key,
    labels: {plural: spec.plural, singular: spec.name, title: capitalise(spec.plural)},
    passthroughFields: [],
    ...spec,
  }
}

/**
 * Descope's value of a field the tool manages, when the API leaves it out. Kept in its own registry,
 * so it never shows in the JSON Schema (a configuration that leaves a field out does not manage it).
 */
const wireDefaults = z.registry<{wireDefault: unknown}>()

/** Marks a field of a kind's configuration schema as managed, with Descope's default value. */
export function managed<Schema extends z.ZodType>(schema: Schema, wireDefault: unknown): Schema {
  return (schema as z.ZodType).register(wireDefaults, {wireDefault}) as Schema
}

/** The managed fields of an object schema with Descope's defaults, in the schema's order. */
export function fieldDefaults(schema: z.ZodObject): ResourceFields {
  const defaults: ResourceFields = {}
  for (const [field, fieldSchema] of Object.entries(schema.shape)) {
    const meta = wireDefaults.get(fieldSchema as z.ZodType)
    if (meta) defaults[field] = structuredClone(meta.wireDefault)
  }

  return defaults
}

/**
 * A deep copy of JSON data, what items hold: structuredClone's machinery costs more than the copy
 * for the many small values of a large project. Anything else goes through structuredClone.
 */
export function copyJson<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value
  if (Array.isArray(value)) return (Object.getPrototypeOf(value) === Array.prototype ? value.map(item => copyJson(item)) : structuredClone(value)) as T
  const prototype = Object.getPrototypeOf(value)
  if (prototype !== Object.prototype && prototype !== null) return structuredClone(value)
  const copy: Record<string, unknown> = {}
  for (const key of Object.keys(value)) copy[key] = copyJson((value as Record<string, unknown>)[key])
  return copy as T
}

/**
 * The passthrough fields an API object has (copied), for `ResourceItem.passthrough`; undefined
 * when it has none of them.
 */
export function passthroughOf(object: object, fields: readonly string[]): ResourceFields | undefined {
  const picked: ResourceFields = {}
  for (const field of fields) {
    const value = (object as Record<string, unknown>)[field]
    if (value !== undefined && value !== null) picked[field] = copyJson(value)
  }

  return Object.keys(picked).length > 0 ? picked : undefined
}

/**
 * What an update sends: Descope's updates replace every field, so the live passthrough fields,
 * then every managed field (live value, else Descope's default), then the desired ones.
 */
export function updateFields(desired: ResourceItem, live: ResourceItem, defaults: ResourceFields): ResourceFields {
  return {
    ...live.passthrough, ...defaults, ...live.fields, ...desired.fields,
  }
}

/** What a create sends: the passthrough fields the desired item carries (a restored backup's), then the managed ones. */
export function createFields(desired: ResourceItem): ResourceFields {
  return {...desired.passthrough, ...desired.fields}
}
