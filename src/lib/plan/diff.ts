/**
 * Field-level differences between two JSON-like values, in a stable order, so a plan reads the
 * same on every run. Lists of scalars are compared as sets (element added / removed); lists of
 * objects by position; maps key by key.
 */

export interface FieldChange {
  /** Dotted path, e.g. `customAttributes.plan` or `selfProvisioningDomains[]`. */
  path: string
  kind: 'added' | 'changed' | 'removed'
  before?: unknown
  after?: unknown
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function isScalar(value: unknown): boolean {
  return value === null || ['boolean', 'number', 'string'].includes(typeof value)
}

function join(path: string, key: string): string {
  const plainKey = /^[A-Za-z_$][\w$-]*$/.test(key) ? key : JSON.stringify(key)
  return path ? `${path}.${plainKey}` : plainKey
}

/** Own enumerable keys of an object, counted without listing them. */
function countKeys(object: Record<string, unknown>): number {
  let count = 0
  for (const key in object) if (Object.hasOwn(object, key)) count++
  return count
}

/**
 * Deep equality for JSON values; object key order does not matter. (Loops rather than lists of
 * keys: a plan compares every item of a large project.)
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return false
    for (let index = 0; index < a.length; index++) if (!jsonEqual(a[index], b[index])) return false
    return true
  }

  if (isPlainObject(a) && isPlainObject(b)) {
    if (countKeys(a) !== countKeys(b)) return false
    for (const key in a) if (Object.hasOwn(a, key) && (!(key in b) || !jsonEqual(a[key], b[key]))) return false
    return true
  }

  return false
}

function compareScalars(a: unknown, b: unknown): number {
  const left = JSON.stringify(a)
  const right = JSON.stringify(b)
  return left < right ? -1 : (left > right ? 1 : 0)
}

function diffScalarSets(before: unknown[], after: unknown[], path: string): FieldChange[] {
  const removed = before.filter(item => !after.some(other => jsonEqual(item, other))).sort(compareScalars)
  const added = after.filter(item => !before.some(other => jsonEqual(item, other))).sort(compareScalars)
  return [
    ...removed.map((item): FieldChange => ({before: item, kind: 'removed', path: `${path}[]`})),
    ...added.map((item): FieldChange => ({after: item, kind: 'added', path: `${path}[]`})),
  ]
}

export function diffValues(before: unknown, after: unknown, path = ''): FieldChange[] {
  if (jsonEqual(before, after)) return []
  if (before === undefined) return [{after, kind: 'added', path}]
  if (after === undefined) return [{before, kind: 'removed', path}]
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = [...new Set([...Object.keys(after), ...Object.keys(before)])].sort()
    return keys.flatMap(key => diffValues(before[key], after[key], join(path, key)))
  }

  if (Array.isArray(before) && Array.isArray(after)) {
    if ([...before, ...after].every(item => isScalar(item))) return diffScalarSets(before, after, path)
    const length = Math.max(before.length, after.length)
    return Array.from({length}, (_, index) => diffValues(before[index], after[index], `${path}[${index}]`)).flat()
  }

  return [{
    after, before, kind: 'changed', path,
  }]
}
