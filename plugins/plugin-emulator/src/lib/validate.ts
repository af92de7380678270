/**
 * Validators for request bodies, shared by every route module.
 *
 * Rules (reference §7): go sends zero values for absent fields, so `""` and `null` mean "not
 * provided" for optional fields, while `false` and `0` are real values. A required field that is
 * absent, `""` or `null` is a missing argument (E011002); a field of the wrong type is an invalid
 * argument (E011003).
 */
import type {JsonObject} from './types.js'

import {EmulatorError} from './errors.js'

function isAbsent(value: unknown): boolean {
  return value === undefined || value === null || value === ''
}

export function isPlainObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function invalid(field: string, expected: string): EmulatorError {
  return new EmulatorError('invalidArgument', `"${field}" must be ${expected}`)
}

export function requiredString(body: JsonObject, field: string): string {
  const value = body[field]
  if (isAbsent(value)) throw new EmulatorError('missingArgument', `"${field}" is required`)
  if (typeof value !== 'string') throw invalid(field, 'a string')
  return value
}

export function optionalString(body: JsonObject, field: string): string | undefined {
  const value = body[field]
  if (isAbsent(value)) return undefined
  if (typeof value !== 'string') throw invalid(field, 'a string')
  return value
}

export function optionalBoolean(body: JsonObject, field: string): boolean | undefined {
  const value = body[field]
  if (isAbsent(value)) return undefined
  if (typeof value !== 'boolean') throw invalid(field, 'true or false')
  return value
}

export function optionalNumber(body: JsonObject, field: string): number | undefined {
  const value = body[field]
  if (isAbsent(value)) return undefined
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid(field, 'a number')
  return value
}

export function optionalStringArray(body: JsonObject, field: string): string[] | undefined {
  const value = body[field]
  if (isAbsent(value)) return undefined
  if (!Array.isArray(value) || !value.every(item => typeof item === 'string')) throw invalid(field, 'an array of strings')
  return value
}

export function optionalObject(body: JsonObject, field: string): JsonObject | undefined {
  const value = body[field]
  if (isAbsent(value)) return undefined
  if (!isPlainObject(value)) throw invalid(field, 'an object')
  return value
}

/** An optional string restricted to `allowed` (`""` still means "not provided"). */
export function optionalEnum<T extends string>(body: JsonObject, field: string, allowed: readonly T[]): T | undefined {
  const value = optionalString(body, field)
  if (value === undefined) return undefined
  if (!(allowed as readonly string[]).includes(value)) throw invalid(field, `one of ${allowed.map(item => `"${item}"`).join(', ')}`)
  return value as T
}

/** An optional array of objects, each checked by the caller (items are reported as `field[i]`). */
export function optionalObjectArray(body: JsonObject, field: string): JsonObject[] | undefined {
  const value = body[field]
  if (isAbsent(value)) return undefined
  if (!Array.isArray(value) || !value.every(item => isPlainObject(item))) throw invalid(field, 'an array of objects')
  return value
}

/** A required query parameter (GET loads such as `tenant?id=`). */
export function requiredQuery(query: URLSearchParams, name: string): string {
  const value = query.get(name)
  if (!value) throw new EmulatorError('missingArgument', `query parameter "${name}" is required`)
  return value
}
