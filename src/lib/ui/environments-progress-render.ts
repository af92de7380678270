/**
 * Draws the progress of an apply across environments as one tree: the whole run's line, then per
 * environment its own frame (progress-render.ts: its line, its kinds, their changes) indented under
 * it, or one line saying why it has no run (failed before its first write, nothing to change).
 *
 *   Applying 9 changes to 3 environments: 4/9 · elapsed 3.1 s
 *   Applying 6 changes to staging: 3/6 · elapsed 3.1 s · ETA: 2.0 s
 *     Syncing tenants... ━━━━━━━━━━────────── 3/6 (50%) ETA: 2.0 s
 *     ├─ Creating acme ✓
 *     └─ Creating globex ⚙️
 *   production: ✓ applied
 *   broken: ✗ Another apply is already running for project P2…
 */
import cliTruncate from 'cli-truncate'

import type {ProgressSnapshot} from './progress-model.js'

import {formatDuration} from './eta.js'
import {renderFrame, type RenderOptions} from './progress-render.js'

export interface EnvironmentPart {
  environment: string
  /** Its run's progress, once the run started. */
  snapshot?: ProgressSnapshot
  /** How it ended, or why it has no run. */
  status?: string
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`
}

/** `Applying 9 changes to 3 environments: 4/9 · elapsed 3.1 s`. */
export function environmentsHeaderLine(parts: readonly EnvironmentPart[], elapsedMs: number): string {
  const total = parts.reduce((sum, part) => sum + (part.snapshot?.total ?? 0), 0)
  const settled = parts.reduce((sum, part) => sum + (part.snapshot?.settled ?? 0), 0)
  return `Applying ${plural(total, 'change')} to ${plural(parts.length, 'environment')}: ${settled}/${total} · elapsed ${formatDuration(elapsedMs)}`
}

/** The whole tree, every line cut to the width; with a height, each environment gets an equal share of it. */
export function renderEnvironmentsFrame(parts: readonly EnvironmentPart[], options: RenderOptions & {elapsedMs: number}): string[] {
  const fit = (line: string) => cliTruncate(line, Math.max(1, options.width))
  const lines = [fit(environmentsHeaderLine(parts, options.elapsedMs))]
  const share = options.height === undefined ? undefined : Math.max(2, Math.floor((options.height - 1) / Math.max(1, parts.length)))
  for (const part of parts) {
    if (!part.snapshot || part.snapshot.total === 0) {
      lines.push(fit(`${part.environment}: ${part.status ?? 'waiting to start…'}`))
      continue
    }

    const [head, ...rest] = renderFrame(part.snapshot, {color: options.color, height: share, width: Math.max(1, options.width - 2)})
    lines.push(fit(part.status ? `${head} · ${part.status}` : head), ...rest.map(line => `  ${line}`))
  }

  return options.height === undefined ? lines : lines.slice(0, Math.max(1, options.height))
}
