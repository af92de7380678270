/**
 * The flow formats of the Descope Management API and the conversion between them, used by the
 * CLI (flow files) and the emulator (stored flows). The v2 ("exported") flow is the canonical
 * shape; the v1 ("console") `{flow, screens}` maps onto it with descopecli's
 * `convertFlowConsoleToExported`:
 *
 * | v1 (console)                                    | v2 (exported)                         |
 * |-------------------------------------------------|---------------------------------------|
 * | `flow.id`                                       | `flowId`                              |
 * | `flow.name/description/disabled/fingerprint/…`  | `metadata.*`                          |
 * | `flow.translate*`                               | `metadata.translation{…}`             |
 * | `flow.dsl`                                      | `contents`                            |
 * | screen `{id, interactions, htmlTemplate}`       | screen `{screenId, interactions, contents}` |
 * | any screen's `componentsVersion`                | `metadata.componentsVersion`          |
 * | —                                               | `references` (`{}` from v1)           |
 *
 * Everything here is pure.
 */

export type JsonObject = Record<string, unknown>

/** Letters, digits, `_` and `-`: what Descope accepts as a flow id. */
export const FLOW_ID_PATTERN = /^[A-Za-z0-9_-]+$/

export interface FlowScreen {
  screenId: string
  interactions?: unknown[]
  contents: JsonObject
}

/** The v2 flow (`/v2/mgmt/flow/export` `flow`, descopecli/go-sdk "exported" flow). */
export interface FlowDocument {
  flowId: string
  metadata: JsonObject
  contents: JsonObject
  screens: FlowScreen[]
  references: JsonObject
}

export type FlowFormat = 'v1' | 'v2'

/** The members of a v1 `flow` that come from v2 `metadata` (all but `id`, `dsl` and the server's fields). */
export interface FlowV1Fields {
  name: string
  description: string
  disabled: boolean
  translate: boolean
  translateConnectorID: string
  translateSourceLang: string
  translateTargetLangs: string[]
  fingerprint: boolean
  widget: boolean
  sharedInteractions: unknown[]
  management: boolean
  managementConfig: JsonObject
  referencesGlobalStrings: boolean
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

export const asString = (value: unknown): string => (typeof value === 'string' ? value : '')
export const asBoolean = (value: unknown): boolean => value === true
export const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : [])
export const asObject = (value: unknown): JsonObject => (isObject(value) ? value : {})
const asStringArray = (value: unknown): string[] => asArray(value).filter((item): item is string => typeof item === 'string')

/** Sets `key` only when the value is not empty (`''`, `false`, `[]`, `{}`, undefined), as descopecli writes metadata. */
function setIfPresent(target: JsonObject, key: string, value: unknown): void {
  if (value === undefined || value === null || value === '' || value === false) return
  if (Array.isArray(value) && value.length === 0) return
  if (isObject(value) && Object.keys(value).length === 0) return
  target[key] = value
}

/** Recursively sorts object keys (arrays keep their order): equal documents serialise equally. */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(item => sortKeys(item))
  if (!isObject(value)) return value
  return Object.fromEntries(Object.keys(value).sort().map(key => [key, sortKeys(value[key])]))
}

/** A flow with its members in the canonical order: flowId, metadata, contents, screens, references. */
export function normaliseFlow(flow: FlowDocument): FlowDocument {
  return {
    flowId: flow.flowId,
    metadata: sortKeys(flow.metadata) as JsonObject,
    contents: sortKeys(flow.contents) as JsonObject,
    screens: flow.screens.map(screen => ({
      screenId: screen.screenId,
      ...(screen.interactions === undefined ? {} : {interactions: sortKeys(screen.interactions) as unknown[]}),
      contents: sortKeys(screen.contents) as JsonObject,
    })),
    references: sortKeys(flow.references) as JsonObject,
  }
}

/** A v2 flow from any object with the v2 members (unknown members dropped, missing ones empty). */
export function flowFromV2(raw: JsonObject, flowId = asString(raw.flowId)): FlowDocument {
  return normaliseFlow({
    contents: asObject(raw.contents),
    flowId,
    metadata: asObject(raw.metadata),
    references: asObject(raw.references),
    screens: asArray(raw.screens).filter(screen => isObject(screen)).map(screen => ({
      contents: asObject(screen.contents),
      screenId: asString(screen.screenId),
      ...(Array.isArray(screen.interactions) ? {interactions: screen.interactions} : {}),
    })),
  })
}

/** The v2 `metadata` of a v1 `flow` and its screens (the component version comes from the first screen that has one). */
export function flowMetadataFromV1(flow: JsonObject, screens: JsonObject[]): JsonObject {
  const metadata: JsonObject = {name: asString(flow.name)}
  setIfPresent(metadata, 'description', asString(flow.description))
  setIfPresent(metadata, 'componentsVersion', screens.map(screen => asString(screen.componentsVersion)).find(version => version !== ''))
  setIfPresent(metadata, 'disabled', asBoolean(flow.disabled))
  setIfPresent(metadata, 'fingerprint', asBoolean(flow.fingerprint))
  setIfPresent(metadata, 'widget', asBoolean(flow.widget))
  const translation: JsonObject = {}
  setIfPresent(translation, 'enabled', asBoolean(flow.translate))
  setIfPresent(translation, 'connectorId', asString(flow.translateConnectorID))
  setIfPresent(translation, 'sourceLanguage', asString(flow.translateSourceLang))
  setIfPresent(translation, 'targetLanguages', asStringArray(flow.translateTargetLangs))
  setIfPresent(metadata, 'translation', translation)
  setIfPresent(metadata, 'sharedInteractions', asArray(flow.sharedInteractions))
  setIfPresent(metadata, 'management', asBoolean(flow.management))
  setIfPresent(metadata, 'managementConfig', asObject(flow.managementConfig))
  setIfPresent(metadata, 'referencesGlobalStrings', asBoolean(flow.referencesGlobalStrings))
  return metadata
}

/** The inverse of `flowMetadataFromV1`: the v1 `flow` members that v2 `metadata` holds. */
export function flowV1FieldsFromMetadata(metadata: JsonObject): FlowV1Fields {
  const translation = asObject(metadata.translation)
  return {
    name: asString(metadata.name),
    description: asString(metadata.description),
    disabled: asBoolean(metadata.disabled),
    translate: asBoolean(translation.enabled),
    translateConnectorID: asString(translation.connectorId),
    translateSourceLang: asString(translation.sourceLanguage),
    translateTargetLangs: asStringArray(translation.targetLanguages),
    fingerprint: asBoolean(metadata.fingerprint),
    widget: asBoolean(metadata.widget),
    sharedInteractions: asArray(metadata.sharedInteractions),
    management: asBoolean(metadata.management),
    managementConfig: asObject(metadata.managementConfig),
    referencesGlobalStrings: asBoolean(metadata.referencesGlobalStrings),
  }
}

/** descopecli `convertFlowConsoleToExported`: a v1 `{flow, screens}` as a v2 flow. */
export function flowFromV1(flow: JsonObject, screens: unknown[], flowId = asString(flow.id)): FlowDocument {
  const screenObjects = screens.filter(screen => isObject(screen))
  return normaliseFlow({
    contents: asObject(flow.dsl),
    flowId,
    metadata: flowMetadataFromV1(flow, screenObjects),
    references: {},
    screens: screenObjects.map(screen => ({
      contents: asObject(screen.htmlTemplate),
      screenId: asString(screen.id),
      ...(Array.isArray(screen.interactions) ? {interactions: screen.interactions} : {}),
    })),
  })
}

/** The inverse mapping: a v2 flow as a v1 `{flow, screens}` (server fields left out), keys sorted. */
export function flowToV1(flow: FlowDocument): {flow: JsonObject; screens: JsonObject[]} {
  const componentsVersion = asString(flow.metadata.componentsVersion)
  return sortKeys({
    flow: {...flowV1FieldsFromMetadata(flow.metadata), dsl: flow.contents, id: flow.flowId},
    screens: flow.screens.map(screen => ({
      componentsVersion,
      flowId: flow.flowId,
      htmlTemplate: screen.contents,
      id: screen.screenId,
      interactions: screen.interactions ?? [],
    })),
  }) as {flow: JsonObject; screens: JsonObject[]}
}
