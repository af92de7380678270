/** Small readers of response bodies shared by the typed endpoint modules. */
import type {DescopeClient} from './types.js'

import {invalidResponse} from './errors.js'

export type Body = Record<string, unknown>

/** The body as an object; anything else (an empty body, a list) reads as `{}`. */
export function asObject(value: unknown): Body {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Body) : {}
}

/**
 * The list under `field` of a response body (`{roles: […]}`): absent or null is an empty list,
 * anything but a list is an invalid response. Entries that are not objects are dropped.
 */
export function listField<T>(client: DescopeClient, request: {method: string; path: string}, body: unknown, field: string): T[] {
  const list = asObject(body)[field]
  if (list === undefined || list === null) return []
  if (!Array.isArray(list)) {
    throw invalidResponse({baseUrl: client.baseUrl, method: request.method, path: request.path}, `"${field}" is not a list`)
  }

  return list.filter(entry => entry && typeof entry === 'object' && !Array.isArray(entry)) as T[]
}

/** Absent, null, "", false and [] are all the API default. */
export function isDefault(value: unknown): boolean {
  return value === undefined || value === null || value === '' || value === false || (Array.isArray(value) && value.length === 0)
}

/** Two optional scalars are the same, defaults being equal to absence. */
export function sameScalar(a: unknown, b: unknown): boolean {
  return (isDefault(a) && isDefault(b)) || a === b
}

/** Two optional string lists hold the same elements (order and repeats ignored). */
export function sameSet(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  const left = [...new Set(a ?? [])].sort()
  const right = [...new Set(b ?? [])].sort()
  return left.length === right.length && left.every((item, index) => item === right[index])
}
