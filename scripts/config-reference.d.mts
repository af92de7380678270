/** Types of scripts/config-reference.mjs, for the tests that import it. */
export type JsonSchema = Record<string, unknown>

export interface ReferenceRow {
  description: string
  field: string
  required: boolean
  type: string
}

export interface ReferenceSection {
  anchor: string
  closed: boolean
  description: string
  heading: string
  path: string
  rows: ReferenceRow[]
}

export const START_MARKER: string
export const STOP_MARKER: string
export const SCHEMA_FILE: string
export const README_FILE: string

export function referenceSections(schema: JsonSchema): ReferenceSection[]
export function renderConfigReference(schema: JsonSchema): string
export function readmeConfigReference(readme: string): string | undefined
export function replaceConfigReference(readme: string, reference: string): string
export function updateReadmeConfigReference(directory?: string): Promise<boolean>
