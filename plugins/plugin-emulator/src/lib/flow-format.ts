/**
 * Stored flows and themes of the emulator, and their v1 and v2 wire shapes.
 *
 * Flows are stored in the v2 ("exported") shape (`FlowRecord`); the v1 ("console") shape used by
 * node-sdk and python-sdk (`/v1/mgmt/flow/export|import`) is converted on the way in and out with
 * the descopecli mapping, the same the CLI uses (`@descope-mgmt/shared/flow-format`).
 *
 * Two v1 screen fields have no v2 counterpart: `inputs` (kept on the stored screen as an extra
 * member so that a v1 import followed by a v1 export round-trips; never sent in v2) and the
 * per-screen `version` (always the flow's version here). Everything in this file is pure.
 */
import {
  asArray, asObject, asString, type FlowDocument, flowMetadataFromV1, type FlowScreen, type FlowV1Fields, flowV1FieldsFromMetadata, isObject,
} from '@descope-mgmt/shared/flow-format'
import {createHash} from 'node:crypto'

import type {FlowRecord, JsonObject, ThemeRecord} from './types.js'

export {FLOW_ID_PATTERN, isObject} from '@descope-mgmt/shared/flow-format'

/** A stored screen: the v2 screen plus the v1-only `inputs`. */
export type StoredScreen = FlowRecord['screens'][number] & {inputs?: unknown[]}

export type FlowV2Screen = FlowScreen

/** `/v2/mgmt/flow/export` `flow` (descopecli/go-sdk "exported" flow). */
export type FlowV2 = FlowDocument

/** `/v1/mgmt/flow/export` `flow` (node-sdk/python-sdk "console" flow). */
export interface FlowV1 extends FlowV1Fields {
  id: string
  version: number
  dsl: JsonObject
  modifiedTime: string
  etag: string
}

export interface ScreenV1 {
  id: string
  version: number
  flowId: string
  inputs: unknown[]
  interactions: unknown[]
  htmlTemplate: JsonObject
  componentsVersion: string
}

/** `/v1/mgmt/flow/list` entry: the v1 flow without its graph. */
export type FlowListEntry = Omit<FlowV1, 'dsl'>

/** Server-managed values of a stored flow. */
export interface FlowServerFields {
  version: number
  modifiedTime: number
}

/** v1 theme (`/v1/mgmt/theme/*`). */
export interface ThemeV1 {
  id: string
  version: number
  cssTemplate: JsonObject
  componentsVersion: string
}

/** v2 theme (`/v2/mgmt/theme/*`). */
export interface ThemeV2 {
  styles: JsonObject
  componentsVersion: string
  references: JsonObject
}

/** A shallow copy of `value` without `keys`. */
export function omit<T extends object, K extends keyof T>(value: T, ...keys: K[]): Omit<T, K> {
  const copy = {...value}
  for (const key of keys) delete copy[key]
  return copy
}

/** Deep copy of JSON data, so stored records never share objects with requests or responses. */
export function cloneJson<T>(value: T): T {
  return structuredClone(value)
}

// ---------------------------------------------------------------------------------------------
// v1 ⇄ stored

/**
 * Builds the stored flow from a v1 import. `flowId` is the import target (the request's `flowId`),
 * which wins over `flow.id`.
 */
export function flowRecordFromV1(flowId: string, flow: JsonObject, screens: JsonObject[], server: FlowServerFields): FlowRecord {
  const metadata = cloneJson(flowMetadataFromV1(flow, screens))
  const storedScreens = screens.map((screen): StoredScreen => {
    const stored: StoredScreen = {screenId: asString(screen.id), contents: cloneJson(asObject(screen.htmlTemplate))}
    if (Array.isArray(screen.interactions)) stored.interactions = cloneJson(screen.interactions)
    if (Array.isArray(screen.inputs)) stored.inputs = cloneJson(screen.inputs)
    return stored
  })

  return {
    flowId,
    metadata,
    contents: cloneJson(asObject(flow.dsl)),
    screens: storedScreens,
    references: {},
    version: server.version,
    modifiedTime: server.modifiedTime,
  }
}

/** The v1 flow of a stored flow, without its screens. */
export function flowV1FromRecord(record: FlowRecord): FlowV1 {
  return {
    id: record.flowId,
    version: record.version,
    ...cloneJson(flowV1FieldsFromMetadata(record.metadata)),
    dsl: cloneJson(record.contents),
    modifiedTime: String(record.modifiedTime),
    etag: flowEtag(record),
  }
}

/** The v1 export of a stored flow: `{flow, screens}`. */
export function flowV1ExportFromRecord(record: FlowRecord): {flow: FlowV1; screens: ScreenV1[]} {
  const componentsVersion = asString(record.metadata.componentsVersion)
  const screens = (record.screens as StoredScreen[]).map((screen): ScreenV1 => ({
    id: screen.screenId,
    version: record.version,
    flowId: record.flowId,
    inputs: cloneJson(asArray(screen.inputs)),
    interactions: cloneJson(asArray(screen.interactions)),
    htmlTemplate: cloneJson(screen.contents),
    componentsVersion,
  }))
  return {flow: flowV1FromRecord(record), screens}
}

/** A `/v1/mgmt/flow/list` entry. */
export function flowListEntryFromRecord(record: FlowRecord): FlowListEntry {
  return omit(flowV1FromRecord(record), 'dsl')
}

// ---------------------------------------------------------------------------------------------
// v2 ⇄ stored

/** Builds the stored flow from a v2 import; `flowId` is the import target. Members are stored as given. */
export function flowRecordFromV2(flowId: string, flow: JsonObject, server: FlowServerFields): FlowRecord {
  const screens = asArray(flow.screens)
  .filter(screen => isObject(screen))
  .map((screen): StoredScreen => {
    const stored: StoredScreen = {screenId: asString(screen.screenId), contents: cloneJson(asObject(screen.contents))}
    if (Array.isArray(screen.interactions)) stored.interactions = cloneJson(screen.interactions)
    return stored
  })
  return {
    flowId,
    metadata: cloneJson(asObject(flow.metadata)),
    contents: cloneJson(asObject(flow.contents)),
    screens,
    references: cloneJson(asObject(flow.references)),
    version: server.version,
    modifiedTime: server.modifiedTime,
  }
}

/** The v2 export of a stored flow (the v1-only screen `inputs` are left out). */
export function flowV2FromRecord(record: FlowRecord): FlowV2 {
  return {
    flowId: record.flowId,
    metadata: cloneJson(record.metadata),
    contents: cloneJson(record.contents),
    screens: record.screens.map((screen): FlowV2Screen => ({
      screenId: screen.screenId,
      ...(screen.interactions === undefined ? {} : {interactions: cloneJson(screen.interactions)}),
      contents: cloneJson(screen.contents),
    })),
    references: cloneJson(record.references),
  }
}

// ---------------------------------------------------------------------------------------------
// v1 ⇄ v2 directly (the descopecli conversion), for callers holding wire data

/** descopecli `convertFlowConsoleToExported`: a v1 `{flow, screens}` as a v2 flow. */
export function flowV1ToV2(flow: JsonObject, screens: JsonObject[]): FlowV2 {
  return flowV2FromRecord(flowRecordFromV1(asString(flow.id), flow, screens, {version: 0, modifiedTime: 0}))
}

/** The inverse mapping: a v2 flow as v1 `{flow, screens}` with the given server fields. */
export function flowV2ToV1(flow: JsonObject, server: FlowServerFields): {flow: FlowV1; screens: ScreenV1[]} {
  return flowV1ExportFromRecord(flowRecordFromV2(asString(flow.flowId), flow, server))
}

/** A content hash of the stored flow, sent as the v1 `etag`. */
export function flowEtag(record: FlowRecord): string {
  const v2 = flowV2FromRecord(record)
  return createHash('sha256').update(JSON.stringify([record.version, v2])).digest('hex').slice(0, 16)
}

// ---------------------------------------------------------------------------------------------
// Snapshot layout of a flow (`flows/<flowId>/…`)

/** `flows/<flowId>/metadata.json`: metadata plus the sorted screen ids and non-empty references. */
export function snapshotFlowFiles(record: FlowRecord): Record<string, JsonObject> {
  const prefix = `flows/${record.flowId}/`
  const v2 = flowV2FromRecord(record)
  const metadata: JsonObject = {...v2.metadata, screens: v2.screens.map(screen => screen.screenId).sort()}
  if (Object.keys(v2.references).length > 0) metadata.references = v2.references
  const files: Record<string, JsonObject> = {
    [`${prefix}metadata.json`]: metadata,
    [`${prefix}contents.json`]: v2.contents,
  }
  for (const screen of [...v2.screens].sort((a, b) => a.screenId.localeCompare(b.screenId))) {
    const file: JsonObject = {screenId: screen.screenId}
    if (screen.interactions && screen.interactions.length > 0) file.interactions = screen.interactions
    file.contents = screen.contents
    files[`${prefix}screen-${screen.screenId}.json`] = file
  }

  return files
}

// ---------------------------------------------------------------------------------------------
// Themes

export const DEFAULT_THEME_ID = 'default'
export const DEFAULT_COMPONENTS_VERSION = '2.0.0'

function defaultMode(mode: 'dark' | 'light'): JsonObject {
  const dark = mode === 'dark'
  return {
    globals: {
      colors: {
        surface: {main: dark ? '#121212' : '#FFFFFF', contrast: dark ? '#FFFFFF' : '#181818'},
        primary: {main: '#006AF5', contrast: '#FFFFFF'},
      },
      fonts: {font1: {label: 'Roboto', family: ['Roboto', 'ui-sans-serif', 'system-ui', 'sans-serif']}},
    },
    components: {
      button: {
        '--descope-button-border-radius': '8px',
        '--descope-button-font-family': 'var(--descope-fonts-font1-family)',
        mode: {
          primary: {
            '--descope-button-main': '#006AF5',
            '--descope-button-contrast': '#FFFFFF',
            '--descope-button-dark': '#00357B',
            '--descope-button-light': '#71AEFF',
          },
        },
      },
      container: {'--descope-container-background-color': dark ? '#121212FF' : '#FFFFFFFF'},
      inputWrapper: {
        '--descope-input-wrapper-border-radius': '8px',
        '--descope-input-wrapper-value-text-color': dark ? '#FFFFFFFF' : '#000000FF',
      },
      text: {mode: {primary: {'--descope-text-text-color': dark ? '#FFFFFFFF' : '#000000FF'}}},
    },
  }
}

/** The theme a new project has: light and dark style maps with a few `--descope-*` variables. */
export function defaultTheme(): ThemeRecord {
  return {
    styles: {light: defaultMode('light'), dark: defaultMode('dark')},
    componentsVersion: DEFAULT_COMPONENTS_VERSION,
    references: {},
    version: 1,
  }
}

export function themeV1FromRecord(theme: ThemeRecord): ThemeV1 {
  return {
    id: DEFAULT_THEME_ID,
    version: theme.version,
    cssTemplate: cloneJson(theme.styles),
    componentsVersion: theme.componentsVersion,
  }
}

export function themeV2FromRecord(theme: ThemeRecord): ThemeV2 {
  return {styles: cloneJson(theme.styles), componentsVersion: theme.componentsVersion, references: cloneJson(theme.references)}
}
