import type {ResourceKind} from './types.js'

import {InputError} from '../errors.js'
import {flowsKind} from './flows.js'
import {permissionsKind} from './permissions.js'
import {rolesKind} from './roles.js'
import {tenantsKind} from './tenants.js'
import {themeKind} from './theme.js'

/** Every resource kind the engine manages, in execution order. A new kind is one line here. */
export const resourceKinds: ResourceKind[] = [permissionsKind, tenantsKind, rolesKind, flowsKind, themeKind].sort((a, b) => a.phase - b.phase)

/** The kinds named by `--only` (plurals, comma-separated or repeated); all when none is given. */
export function selectKinds(only: string[] | undefined): ResourceKind[] {
  const names = (only ?? []).flatMap(value => value.split(',')).map(value => value.trim()).filter(Boolean)
  if (names.length === 0) return resourceKinds
  const known = resourceKinds.map(kind => kind.plural)
  const unknown = names.filter(name => !known.includes(name))
  if (unknown.length > 0) {
    throw new InputError(`Unknown resource kind ${unknown.map(name => `"${name}"`).join(', ')}.`, {hint: `Use one or more of: ${known.join(', ')}.`})
  }

  return resourceKinds.filter(kind => names.includes(kind.plural))
}
