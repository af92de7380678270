/**
 * The default backup layout of a resource kind: one JSON file holding its ResourceItem list
 * (`tenants.json`). A kind with another layout (flows: one file per flow) gives its own `backup`
 * in its definition (src/lib/resources); the backup store asks the registry for it.
 */
import type {KindFiles, ResourceItem} from '../resources/types.js'

export type {BackupFile, KindFiles} from '../resources/types.js'

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * Checks that a parsed value is a list of ResourceItems; the message says which element is wrong.
 * `kindNames` are the kinds this build knows (the registry's).
 */
export function asResourceItems(content: unknown, kindNames?: ReadonlySet<string>): ResourceItem[] {
  if (!Array.isArray(content)) throw new Error('expected a JSON list of resources')
  for (const [index, item] of content.entries()) {
    if (!isRecord(item)) throw new Error(`element ${index} is not an object`)
    if (typeof item.kind !== 'string' || item.kind === '' || (kindNames && !kindNames.has(item.kind))) throw new Error(`element ${index} has no valid "kind"`)
    if (typeof item.key !== 'string' || item.key === '') throw new Error(`element ${index} has no "key"`)
    if (!isRecord(item.fields)) throw new Error(`element ${index} (${item.key}) has no "fields" object`)
    if (item.passthrough !== undefined && !isRecord(item.passthrough)) throw new Error(`element ${index} (${item.key}) has a "passthrough" that is not an object`)
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
