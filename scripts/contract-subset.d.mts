/** Types of scripts/contract-subset.mjs, for the tests that import it. */
export const OPERATIONS: readonly string[]

export function buildSubset(document: Record<string, unknown>, source: {commit: string; date: string}): {
  $comment: string
  source: {commit: string; path: string; read: string; repository: string}
  operations: Record<string, {operationId: string; query: Record<string, unknown>; request: null | Record<string, unknown>; response: null | Record<string, unknown>}>
  $defs: Record<string, Record<string, unknown>>
}
