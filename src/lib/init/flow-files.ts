/**
 * The flows and the theme of a live project as files beside the configuration, in the format of
 * `flow export` and `theme export` (which `flow import` and `theme import` read back).
 */
import type {DescopeClient} from '../api/types.js'
import type {ResourceKind} from '../resources/types.js'

export interface LiveFile {
  /** Relative to the folder of the configuration. */
  path: string
  text: string
}

export async function liveFlowFiles(kinds: ResourceKind[], client: DescopeClient): Promise<{files: LiveFile[]; flows: number; theme: boolean}> {
  const flowsKind = kinds.find(kind => kind.plural === 'flows')
  const themeKind = kinds.find(kind => kind.plural === 'theme')
  const [flows, themes] = await Promise.all([flowsKind?.readLive(client) ?? [], themeKind?.readLive(client) ?? []])
  const files: LiveFile[] = []
  if (flows.length > 0) {
    const [{flowOfItem}, {flowFileName, serialiseFlow}] = await Promise.all([import('../resources/flows.js'), import('../flows/format.js')])
    for (const item of [...flows].sort((a, b) => a.key.localeCompare(b.key))) {
      files.push({path: `flows/${flowFileName(item.key)}`, text: serialiseFlow(flowOfItem(item))})
    }
  }

  if (themes.length > 0) {
    const [{themeOfItem}, {serialiseTheme}] = await Promise.all([import('../resources/theme.js'), import('../flows/theme.js')])
    files.push({path: 'theme.json', text: serialiseTheme(themeOfItem(themes[0]))})
  }

  return {files, flows: flows.length, theme: themes.length > 0}
}
