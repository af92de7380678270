/**
 * How each resource kind is laid out in a backup. This is the extension point for new kinds:
 * most kinds are one JSON file holding their ResourceItem list (`tenants.json`); a kind that
 * needs another layout registers its own `KindFiles` in `kindFiles`, keyed by its plural.
 *
 * Flows will be one file each, `flows/<flowId>.json`, in the format `flow export` writes: when the
 * flows kind lands, register `flows: {toFiles, fromFiles}` here converting between its
 * ResourceItems and that export format. Nothing else in the backup store changes.
 */
import type {ResourceItem, ResourceKindName} from '../resources/types.js'

import {flowKindFiles} from '../flows/backup-files.js'

/** A file of a backup before it is written, or after it is read and parsed. */
export interface BackupFile {
  /** Path relative to the backup folder, '/'-separated; may contain one folder (`flows/login.json`). */
  path: string
  /** Any JSON value. */
  content: unknown
}

export interface KindFiles {
  /** The files holding these items. Must return at least one file, even for no items, so an empty kind is recorded. */
  toFiles(items: ResourceItem[], plural: string): BackupFile[]
  /**
   * The items back from the files metadata.json lists for this kind. Throws with a readable message
   * when the content is not what it should be (a BackupFileContentError when it is one file of several).
   */
  fromFiles(files: BackupFile[], plural: string): ResourceItem[]
}

const kindNames = new Set<string>(['flow', 'permission', 'role', 'tenant', 'theme'] satisfies ResourceKindName[])

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Checks that a parsed value is a list of ResourceItems; the message says which element is wrong. */
export function asResourceItems(content: unknown): ResourceItem[] {
  if (!Array.isArray(content)) throw new Error('expected a JSON list of resources')
  for (const [index, item] of content.entries()) {
    if (!isRecord(item)) throw new Error(`element ${index} is not an object`)
    if (typeof item.kind !== 'string' || !kindNames.has(item.kind)) throw new Error(`element ${index} has no valid "kind"`)
    if (typeof item.key !== 'string' || item.key === '') throw new Error(`element ${index} has no "key"`)
    if (!isRecord(item.fields)) throw new Error(`element ${index} (${item.key}) has no "fields" object`)
  }

  return content as ResourceItem[]
}

/** `<plural>.json`: the ResourceItem list, sorted by key so equal states give equal files. */
export const singleFileKind: KindFiles = {
  fromFiles(files, plural) {
    const file = files.find(candidate => candidate.path === `${plural}.json`) ?? files[0]
    return file ? asResourceItems(file.content) : []
  },
  toFiles(items, plural) {
    return [{content: [...items].sort((a, b) => (a.key < b.key ? -1 : (a.key > b.key ? 1 : 0))), path: `${plural}.json`}]
  },
}

/** Kinds with their own layout, by plural. Kinds not listed use `singleFileKind`. */
export const kindFiles: Record<string, KindFiles> = {flows: flowKindFiles}

export function filesOf(plural: string): KindFiles {
  return kindFiles[plural] ?? singleFileKind
}
