/** Helpers shared by the role and permission routes. */
import type {JsonObject} from '../types.js'

import {EmulatorError} from '../errors.js'
import {randomId} from '../secrets.js'
import {optionalObjectArray, optionalString} from '../validate.js'

/** Roles and permissions are named by `id` or by `name`; `id` wins when both are sent. */
export type Reference = {id: string; name?: undefined} | {id?: undefined; name: string}

export function requiredReference(body: JsonObject): Reference {
  const id = optionalString(body, 'id')
  if (id !== undefined) return {id}
  const name = optionalString(body, 'name')
  if (name !== undefined) return {name}
  throw new EmulatorError('missingArgument', '"name" or "id" is required')
}

export function newId<V>(prefix: string, taken: Map<string, V>): string {
  let id: string
  do id = randomId(prefix)
  while (taken.has(id))
  return id
}

/**
 * Runs `change` on a deep copy of `records` and returns the copy only when every step succeeded,
 * so a batch request applies all of its items or none.
 */
export function changeAtomically<V, R>(records: Map<string, V>, change: (draft: Map<string, V>) => R): {draft: Map<string, V>; result: R} {
  const draft = structuredClone(records)
  return {draft, result: change(draft)}
}

/** The items of a batch body (`{roles: [...]}`), each an object; at least one is required. */
export function batchItems(body: JsonObject, field: string): JsonObject[] {
  const items = optionalObjectArray(body, field)
  if (!items?.length) throw new EmulatorError('missingArgument', `"${field}" must list at least one item`)
  return items
}

/**
 * Runs `run` on each item; for a batch (`field` given) an error names the item, e.g. `roles[2]: …`.
 * Single requests go through here too, as a batch of one without a field name.
 */
export function eachItem<T>(items: JsonObject[], field: string | undefined, run: (item: JsonObject) => T): T[] {
  return items.map((item, index) => {
    try {
      return run(item)
    } catch (error) {
      if (field === undefined || !(error instanceof EmulatorError)) throw error
      throw Object.assign(new EmulatorError(error.kind, `${field}[${index}]: ${error.message}`, error.headers), {subject: error.subject})
    }
  })
}

/** Applies renames (old → new) and removals (new name undefined) to a list of names. */
export function renameOrRemove(names: string[], changes: Map<string, string | undefined>): string[] {
  return names.flatMap(name => {
    if (!changes.has(name)) return [name]
    const renamed = changes.get(name)
    return renamed === undefined ? [] : [renamed]
  })
}
