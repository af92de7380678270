/**
 * The registry of resource kinds. A new kind is one module in this folder (`defineKind`) and one
 * line in `kindDefinitions`; every per-kind table (configuration sections, `--only`, backup
 * layouts and kind names, init --from-live, the output schemas' kind names, plan headings) is
 * derived from this list.
 */
import type {KindDefinition, ResourceKind} from './types.js'

import {InputError} from '../errors.js'
import {flowsKind} from './flows.js'
import {permissionsKind} from './permissions.js'
import {rolesKind} from './roles.js'
import {tenantSettingsKind} from './tenant-settings.js'
import {tenantsKind} from './tenants.js'
import {themeKind} from './theme.js'

/** Every kind, in the order of the configuration file's sections (and of the JSON Schema). */
export const kindDefinitions = [tenantsKind, tenantSettingsKind, permissionsKind, rolesKind, flowsKind, themeKind] as const

/** Every resource kind the engine manages, in execution order. */
export const resourceKinds: KindDefinition[] = [...kindDefinitions as readonly KindDefinition[]].sort((a, b) => a.phase - b.phase)

/** The names of the kinds (`tenant`), as plans and backups record them. */
export const kindNames: ReadonlySet<string> = new Set(resourceKinds.map(kind => kind.name))

export function kindByPlural(plural: string): KindDefinition | undefined {
  return resourceKinds.find(kind => kind.plural === plural)
}

export function kindByName(name: string): KindDefinition | undefined {
  return resourceKinds.find(kind => kind.name === name)
}

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
