/**
 * Backup layout of flows: `flows.json` (the list of flow ids, always written so an empty kind is
 * recorded) and one file per flow, `flows/<flowId>.json`, in the format `flow export` writes.
 */
import type {KindFiles} from '../backup/kind-files.js'

import {BackupFileContentError} from '../backup/format.js'
import {flowItem, flowOfItem} from '../resources/flows.js'
import {
  flowFileName, flowFromV2, isObject, normaliseFlow,
} from './format.js'

export const FLOWS_INDEX_FILE = 'flows.json'

export const flowKindFiles: KindFiles = {
  fromFiles(files) {
    const flows = files.filter(file => file.path.startsWith('flows/') && file.path.endsWith('.json'))
    return flows
    .map(file => {
      if (!isObject(file.content) || typeof file.content.flowId !== 'string' || !isObject(file.content.contents)) {
        throw new BackupFileContentError(file.path, 'not an exported flow (no "flowId" or "contents")')
      }

      return flowItem(flowFromV2(file.content))
    })
    .sort((a, b) => (a.key < b.key ? -1 : (a.key > b.key ? 1 : 0)))
  },
  toFiles(items) {
    const sorted = [...items].sort((a, b) => (a.key < b.key ? -1 : (a.key > b.key ? 1 : 0)))
    return [
      {content: {flows: sorted.map(item => item.key)}, path: FLOWS_INDEX_FILE},
      ...sorted.map(item => ({content: normaliseFlow(flowOfItem(item)), path: `flows/${flowFileName(item.key)}`})),
    ]
  },
}
