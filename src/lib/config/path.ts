/** One step into a configuration value: a key of a mapping or an index of a list. */
export type PathSegment = number | string

const plainKey = /^[A-Za-z_][A-Za-z0-9_-]*$/

/** `tenants[2].selfProvisioningDomains[0]`; odd keys are quoted: `customAttributes["a b"]`. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = ''
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`
    else if (plainKey.test(segment)) out += out === '' ? segment : `.${segment}`
    else out += `[${JSON.stringify(segment)}]`
  }

  return out
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
