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

export interface LiveFlowFiles {
  files: LiveFile[]
  /** Each flow with the file that holds it, for the `flows:` section. */
  flows: Array<{id: string; file: string}>
  themeFile?: string
}

export async function liveFlowFiles(kinds: ResourceKind[], client: DescopeClient): Promise<LiveFlowFiles> {
  const flowsKind = kinds.find(kind => kind.plural === 'flows')
  const themeKind = kinds.find(kind => kind.plural === 'theme')
  const [flows, themes] = await Promise.all([flowsKind?.readLive(client) ?? [], themeKind?.readLive(client) ?? []])
  const files: LiveFile[] = []
  const declared: LiveFlowFiles['flows'] = []
  if (flows.length > 0) {
    const [{flowOfItem}, {flowFileName, serialiseFlow}] = await Promise.all([import('../resources/flows.js'), import('../flows/format.js')])
    for (const item of [...flows].sort((a, b) => a.key.localeCompare(b.key))) {
      const file = `flows/${flowFileName(item.key)}`
      files.push({path: file, text: serialiseFlow(flowOfItem(item))})
      declared.push({file, id: item.key})
    }
  }

  if (themes.length > 0) {
    const [{themeOfItem}, {serialiseTheme}] = await Promise.all([import('../resources/theme.js'), import('../flows/theme.js')])
    files.push({path: 'theme.json', text: serialiseTheme(themeOfItem(themes[0]))})
  }

  return {files, flows: declared, themeFile: themes.length > 0 ? 'theme.json' : undefined}
}
