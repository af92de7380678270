import {createHash} from 'node:crypto'

import type {ResourceFields, ResourceItem, ResourceKind} from '../resources/types.js'
import type {
  Change, KeptBuiltIn, Plan, SkippedChange,
} from './types.js'

import {qualifiedId} from '../resources/types.js'
import {diffValues, jsonEqual} from './diff.js'

export interface PlanInput {
  kinds: ResourceKind[]
  desired: ResourceItem[]
  live: ResourceItem[]
  prune: boolean
  /** Protected resources: `kind:key`, or a bare tenant id. */
  protect?: string[]
  allowProtected?: boolean
  environment?: string
  projectId: string
  tool: string
  now?: Date
  /**
   * Live items read but left out of `live` because they have what their desired item asks for
   * (`isUnchanged`): they change nothing in the plan, and count in its fingerprint only.
   */
  unchanged?: UnchangedLive[]
}

/** A live item left out of a plan's input: its kind, its id and the canonical JSON of `[id, fields]`. */
export interface UnchangedLive {
  kind: string
  id: string
  json: string
}

/** What a plan keeps of a live item it has nothing to do for. */
export function unchangedLive(item: ResourceItem): UnchangedLive {
  const id = qualifiedId(item)
  return {id, json: canonicalJson([id, item.fields]), kind: item.kind}
}

/**
 * An object with its keys in canonical order: the object itself when they already are, else a copy.
 * A plan writes this for every live item, so nothing is made that the copy does not need: keys
 * are unique, and an insertion sort in place orders them as any sort would.
 */
function sortedKeys(inner: Record<string, unknown>): Record<string, unknown> {
  let previous: string | undefined
  let sorted = true
  for (const key in inner) {
    if (!Object.hasOwn(inner, key)) continue
    if (previous !== undefined && !(previous < key)) {
      sorted = false
      break
    }

    previous = key
  }

  if (sorted) return inner
  const keys = Object.keys(inner)
  for (let index = 1; index < keys.length; index++) {
    const key = keys[index]
    let at = index
    for (; at > 0 && key < keys[at - 1]; at--) keys[at] = keys[at - 1]
    keys[at] = key
  }

  const copy: Record<string, unknown> = {}
  for (const key of keys) copy[key] = inner[key]
  return copy
}

/** Canonical JSON: object keys sorted, so equal states hash equally. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner && typeof inner === 'object' && !Array.isArray(inner) ? sortedKeys(inner as Record<string, unknown>) : inner)
}

/**
 * sha256 of the live state of the given kinds; a plan remembers it to detect a moved project. It
 * hashes the canonical JSON of `[[id, fields], ...]` sorted by id, written item by item: the text of
 * a large project at once costs megabytes.
 */
export function fingerprintLive(live: ResourceItem[], kinds: string[], unchanged: UnchangedLive[] = []): string {
  // The sort keeps the order of equal ids (Descope sends none): an unchanged item, always the first
  // of its id (see plan/compute.ts), comes first.
  const relevant = [
    ...unchanged.filter(entry => kinds.includes(entry.kind)).map(entry => [entry.id, entry] as const),
    ...live.filter(item => kinds.includes(item.kind)).map(item => [qualifiedId(item), item] as const),
  ]
  .sort(([a], [b]) => (a < b ? -1 : 1))
  const hash = createHash('sha256').update('[')
  // eslint-disable-next-line unicorn/no-for-loop -- entries() makes an iterator result and a pair per item
  for (let index = 0; index < relevant.length; index++) {
    const [id, item] = relevant[index]
    hash.update(`${index === 0 ? '' : ','}${'json' in item ? item.json : canonicalJson([id, item.fields])}`)
  }

  return `sha256:${hash.update(']').digest('hex')}`
}

/** The live value of each field the configuration manages, defaults filled in. */
function managedLive(kind: ResourceKind, desired: ResourceFields, live: ResourceFields): ResourceFields {
  return Object.fromEntries(Object.keys(desired).map(field => [field, live[field] ?? kind.defaults[field]]))
}

/**
 * Whether a live item has what its desired item asks for: a plan has nothing to do for it.
 * (jsonEqual of `managedLive` and the desired fields, without building the former for every item.)
 */
export function isUnchanged(kind: ResourceKind, desired: ResourceItem, live: ResourceItem): boolean {
  for (const field of Object.keys(desired.fields)) {
    if (!jsonEqual(live.fields[field] ?? kind.defaults[field], desired.fields[field])) return false
  }

  return true
}

function isProtected(item: ResourceItem, protect: Set<string>): boolean {
  return protect.has(qualifiedId(item)) || (item.kind === 'tenant' && protect.has(item.key))
}

/** How deep an item sits in a chain of same-kind dependencies (sub-tenants); parents first. */
function depthOf(item: ResourceItem, kind: ResourceKind, byId: {get(id: string): ResourceItem | undefined}): number {
  let depth = 0
  let current: ResourceItem | undefined = item
  const seen = new Set<string>()
  while (current && !seen.has(qualifiedId(current))) {
    seen.add(qualifiedId(current))
    const parent: string | undefined = kind.dependsOn(current).find(id => id.startsWith(`${item.kind}:`))
    current = parent ? byId.get(parent) : undefined
    if (current) depth++
  }

  return depth
}

const DELETE_BASE = 10_000

export function buildPlan(input: PlanInput): Plan {
  const protect = new Set(input.protect ?? [])
  const changes: Change[] = []
  const skipped: SkippedChange[] = []
  const builtIns: KeptBuiltIn[] = []
  const maxPhase = Math.max(0, ...input.kinds.map(kind => kind.phase))
  const kindOf = new Map(input.kinds.map(kind => [kind.name, kind]))
  const unchanged = new Set(input.unchanged?.map(entry => entry.id))
  /** Live items (of any kind) that need the given one: they must be deleted before it. */
  const dependentsOf = (id: string) =>
    input.live.filter(other => kindOf.get(other.kind)?.dependsOn(other).includes(id)).map(other => qualifiedId(other))

  for (const kind of [...input.kinds].sort((a, b) => a.phase - b.phase)) {
    const desired = input.desired.filter(item => item.kind === kind.name)
    const live = input.live.filter(item => item.kind === kind.name)
    const liveByKey = new Map(live.map(item => [item.key, item]))
    const desiredByKey = new Map(desired.map(item => [item.key, item]))
    // An item by id, the desired one before the live one: looked up by key, for the few changes
    // that need it, rather than a map of every item's id.
    const prefix = `${kind.name}:`
    const byId = {
      get: (id: string) => (id.startsWith(prefix) ? desiredByKey.get(id.slice(prefix.length)) ?? liveByKey.get(id.slice(prefix.length)) : undefined),
    }
    const writePhase = (item: ResourceItem) => (kind.phase * 100) + depthOf(item, kind, byId)
    const deletePhase = (item: ResourceItem) => DELETE_BASE + ((maxPhase - kind.phase) * 100) + (99 - Math.min(99, depthOf(item, kind, byId)))

    for (const item of [...desired].sort((a, b) => (a.key < b.key ? -1 : 1))) {
      const current = liveByKey.get(item.key)
      const base = {id: qualifiedId(item), key: item.key, kind: item.kind}
      if (!current && unchanged.has(base.id)) continue
      if (!current) {
        // It will exist with the defaults: nothing to create when those are what is wanted.
        if (kind.implicit && jsonEqual(managedLive(kind, item.fields, {}), item.fields)) continue
        changes.push({
          ...base,
          action: 'create',
          after: kind.dependsOn(item),
          desired: item.fields,
          fields: diffValues({}, item.fields),
          ...(item.passthrough ? {passthrough: item.passthrough} : {}),
          phase: writePhase(item),
        })
        continue
      }

      if (isUnchanged(kind, item, current)) continue
      const before = managedLive(kind, item.fields, current.fields)
      if (isProtected(item, protect) && !input.allowProtected) {
        skipped.push({...base, action: 'update', reason: 'protected'})
        continue
      }

      const immutable = (kind.immutable ?? []).filter(field => field in item.fields && !jsonEqual(before[field], item.fields[field]))
      if (immutable.length > 0) {
        skipped.push({
          ...base, action: 'update', detail: `${immutable.join(', ')} cannot change after creation`, reason: 'immutable',
        })
        continue
      }

      changes.push({
        ...base,
        action: 'update',
        after: kind.dependsOn(item),
        desired: item.fields,
        fields: diffValues(before, item.fields),
        live: current.fields,
        phase: writePhase(item),
      })
    }

    for (const item of [...live].sort((a, b) => (a.key < b.key ? -1 : 1))) {
      if (desiredByKey.has(item.key) || kind.singleton || kind.undeletable) continue
      const base = {
        action: 'delete' as const, id: qualifiedId(item), key: item.key, kind: item.kind,
      }
      // Descope's own items are not the configuration's to delete, prune or not.
      if (kind.builtIn?.(item)) {
        builtIns.push({id: base.id, key: base.key, kind: base.kind})
        continue
      }

      if (!input.prune) skipped.push({...base, reason: 'unmanaged'})
      else if (isProtected(item, protect) && !input.allowProtected) skipped.push({...base, reason: 'protected'})
      else {
        changes.push({
          ...base, after: dependentsOf(base.id), fields: diffValues(item.fields, {}), live: item.fields, phase: deletePhase(item),
        })
      }
    }
  }

  // Dependencies only matter between changes of this plan.
  const planned = new Set(changes.map(change => change.id))
  for (const change of changes) change.after = change.after.filter(id => planned.has(id))
  changes.sort((a, b) => a.phase - b.phase || (a.id < b.id ? -1 : 1))

  const count = (action: Change['action']) => changes.filter(change => change.action === action).length
  return {
    changes,
    createdAt: (input.now ?? new Date()).toISOString(),
    environment: input.environment,
    fingerprint: fingerprintLive(input.live, input.kinds.map(kind => kind.name), input.unchanged),
    formatVersion: 1,
    projectId: input.projectId,
    prune: input.prune,
    builtIns,
    resources: input.kinds.map(kind => kind.plural),
    skipped,
    summary: {
      builtIn: builtIns.length,
      create: count('create'),
      delete: count('delete'),
      skipped: skipped.filter(skip => skip.reason !== 'unmanaged').length,
      unmanaged: skipped.filter(skip => skip.reason === 'unmanaged').length,
      update: count('update'),
    },
    tool: input.tool,
  }
}
