import {
  type Document, isAlias, isMap, isScalar, isSeq, type LineCounter, type Node,
} from 'yaml'

import type {PathSegment} from './path.js'

export interface Position {
  line?: number
  column?: number
}

/** Finds where a field is in the source; what it cannot find exactly, it places at the nearest parent. */
export type Locator = (path: readonly PathSegment[], target?: 'key' | 'value') => Position

export const noPosition: Locator = () => ({})

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value)
  if (typeof key === 'string' || typeof key === 'number') return String(key)
  return undefined
}

/** A locator over a parsed document; `root` is the node that holds the configuration. */
export function documentLocator(doc: Document, root: Node | null | undefined, lineCounter: LineCounter | undefined): Locator {
  const positionOf = (node: unknown): Position | undefined => {
    const range = (node as Node | null | undefined)?.range
    if (!range || !lineCounter) return undefined
    const {col, line} = lineCounter.linePos(range[0])
    return {column: col, line}
  }

  return (path, target = 'value') => {
    let node: unknown = root
    let found = positionOf(node) ?? {}
    for (const [index, segment] of path.entries()) {
      if (isAlias(node)) node = node.resolve(doc)
      const last = index === path.length - 1
      if (isMap(node)) {
        const pair = node.items.find(item => keyText(item.key) === String(segment))
        if (!pair) break
        if (last && target === 'key') return positionOf(pair.key) ?? found
        node = pair.value ?? pair.key
      } else if (isSeq(node) && typeof segment === 'number') {
        node = node.items[segment]
        if (node === undefined) break
      } else {
        break
      }

      found = positionOf(node) ?? found
    }

    return found
  }
}
