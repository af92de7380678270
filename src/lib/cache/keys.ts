/**
 * Cache keys. A key never contains the management key: only a truncated, salted sha256 of it.
 * Layout (inside the store's `descope-mgmt` namespace):
 *   gen:<scope>:<family>      generation token of a resource family in a project
 *   stats:<scope>             hits and misses of a project, across runs
 *   entry:<scope>:<digest>    a cached answer; the digest covers the key fingerprint, the family's
 *                             generation, the method, the path with its query and the body hash
 * `scope` is a hash of the base URL and the project id: writes through any key of a project
 * invalidate the reads made with every key of it.
 */
import {createHash} from 'node:crypto'

import type {Family} from './endpoints.js'

import {normalisePath} from './endpoints.js'

export const KEY_PREFIX = Object.freeze({entry: 'entry:', generation: 'gen:', stats: 'stats:'})

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex')
}

/** JSON with object keys sorted at every level, so equal bodies hash equally. */
export function canonicalJson(value: unknown): string {
  if (value === undefined) return ''
  return JSON.stringify(value, (_key, item: unknown) => {
    if (item && typeof item === 'object' && !Array.isArray(item)) {
      return Object.fromEntries(Object.entries(item as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : (a > b ? 1 : 0))))
    }

    return item
  })
}

/** 16 hex digits of a salted sha256 of the management key: tells keys apart, reveals nothing. */
export function keyFingerprint(managementKey: string): string {
  return sha256(`descope-mgmt read cache v1\0${managementKey}`).slice(0, 16)
}

/** The project a cached answer belongs to: base URL (without trailing slashes) and project id. */
export function projectScope(baseUrl: string, projectId: string): string {
  return sha256(`${baseUrl.trim().replace(/\/+$/, '')}\n${projectId}`).slice(0, 16)
}

export function generationKey(scope: string, family: Family): string {
  return `${KEY_PREFIX.generation}${scope}:${family}`
}

export function statsKey(scope: string): string {
  return `${KEY_PREFIX.stats}${scope}`
}

export interface RequestIdentity {
  method: string
  path: string
  searchParams?: Record<string, string>
  json?: unknown
}

/** `path?a=1&b=2` with the query sorted. */
export function pathWithQuery(path: string, searchParams?: Record<string, string>): string {
  const entries = Object.entries(searchParams ?? {}).sort(([a], [b]) => (a < b ? -1 : (a > b ? 1 : 0)))
  return entries.length === 0 ? normalisePath(path) : `${normalisePath(path)}?${new URLSearchParams(entries).toString()}`
}

/** The request part of a key: method, path with query, sha256 of the canonical body. */
export function requestDigest(request: RequestIdentity): string {
  return `${request.method.toUpperCase()} ${pathWithQuery(request.path, request.searchParams)} ${sha256(canonicalJson(request.json))}`
}

export function entryKey(scope: string, fingerprint: string, generation: string, request: RequestIdentity): string {
  return `${KEY_PREFIX.entry}${scope}:${sha256(`${fingerprint}\n${generation}\n${requestDigest(request)}`).slice(0, 40)}`
}

/** Whether a key (without namespace) is metadata (generations, statistics), kept out of LRU eviction and of entry counts. */
export function isMetaKey(key: string): boolean {
  return key.startsWith(KEY_PREFIX.generation) || key.startsWith(KEY_PREFIX.stats)
}

/** Whether a key holds the hit and miss counts of a project, which a read-only run may append to the journal. */
export function isStatsKey(key: string): boolean {
  return key.startsWith(KEY_PREFIX.stats)
}
