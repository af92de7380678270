/**
 * Draws apply progress. Pure: a snapshot of the progress model and the terminal's size and colour
 * options in, lines of text out; the driver (progress.ts) decides when and where to write them.
 *
 *   Applying 20 changes to staging: 15/20 · elapsed 40 s · ETA: 2m 30s
 *   Syncing permissions... ━━━━━━━━━━━━━━━━━━━━ 3/3 (100%) ✓
 *   Syncing tenants...     ━━━━━━━━━━━━━━━───── 15/20 (75%) ETA: 2m 30s
 *   ├─ Creating acme-corp ✓
 *   ├─ Updating widget-co ⚙️ retrying (attempt 2, HTTP 503)
 *   └─ Deleting old-corp ⏳
 *
 * Long lists: a group is unfolded while it runs, and a finished one only for its failures. When
 * its changes do not fit in the terminal's height, the lines a user needs come first (failures,
 * the changes in flight or waiting, the last one done, the next ones queued), shown in plan order,
 * and one `… N more` line counts the rest by state.
 */
import cliTruncate from 'cli-truncate'

import type {ChangeAction} from '../plan/types.js'
import type {
  GroupSnapshot, ItemSnapshot, ItemState, ProgressSnapshot,
} from './progress-model.js'

import {type Eta, formatDuration} from './eta.js'

export interface RenderOptions {
  /** Columns: every line is cut to fit. */
  width: number
  /** Rows the frame may use; unlimited when absent. */
  height?: number
  color: boolean
}

const ANSI = {
  dim: [2, 22], green: [32, 39], red: [31, 39], yellow: [33, 39],
} as const
type Style = keyof typeof ANSI

function paint(style: Style, text: string, color: boolean): string {
  if (!color || text === '') return text
  const [open, close] = ANSI[style]
  return `\u001B[${open}m${text}\u001B[${close}m`
}

const VERBS: Record<ChangeAction, string> = {create: 'Creating', delete: 'Deleting', update: 'Updating'}

export const ICONS = {
  done: '✓', failed: '✗', queued: '⏳', running: '⚙️', skipped: '–', waiting: '⏳',
} as const

const BAR_CELLS = 20
const IN_FLIGHT = new Set<ItemState>(['retrying', 'running', 'waiting'])

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`
}

function percent(settled: number, total: number): number {
  return total === 0 ? 100 : Math.floor((settled / total) * 100)
}

/** `ETA: 2m 30s`, `ETA: 2m 30s (rate limit)`, `ETA: estimating…`. */
export function etaText(eta: Eta): string {
  if (eta.limitedBy === 'done') return 'ETA: 0 ms'
  if (eta.ms === undefined) return 'ETA: estimating…'
  return `ETA: ${formatDuration(eta.ms)}${eta.limitedBy === 'rate-limit' ? ' (rate limit)' : ''}`
}

/** `━━━━━━━━━━━━━━━───── `: settled cells, then the rest. */
export function bar(settled: number, total: number, color: boolean): string {
  const filled = total === 0 ? BAR_CELLS : Math.round((settled / total) * BAR_CELLS)
  return `${paint('green', '━'.repeat(filled), color)}${paint('dim', '─'.repeat(BAR_CELLS - filled), color)}`
}

/** `Syncing tenants...` or `Syncing tenants in staging...`. */
function groupLabel(group: Pick<GroupSnapshot, 'environment' | 'noun'>, multiEnvironment = false): string {
  return `Syncing ${group.noun}${multiEnvironment && group.environment ? ` in ${group.environment}` : ''}...`
}

/** `Syncing tenants... ━━━━━━━━━━━━━━━───── 15/20 (75%) ETA: 2m 30s`. */
export function groupLine(group: GroupSnapshot, options: {color: boolean; labelWidth?: number}): string {
  const {color} = options
  const label = groupLabel(group).padEnd(options.labelWidth ?? 0)
  const count = `${group.settled}/${group.total} (${percent(group.settled, group.total)}%)`
  const failed = group.failed > 0 ? ` ${paint('red', `${ICONS.failed} ${group.failed} failed`, color)}` : ''
  const skipped = group.skipped > 0 ? ` ${paint('dim', `${ICONS.skipped} ${group.skipped} skipped`, color)}` : ''
  let status = ''
  if (group.settled === group.total) status = group.failed + group.skipped > 0 ? '' : ` ${paint('green', ICONS.done, color)}`
  else if (group.active && group.eta) status = ` ${etaText(group.eta)}`
  return `${label} ${bar(group.settled, group.total, color)} ${count}${failed}${skipped}${status}`
}

/** `Creating acme-corp ✓`, `Updating widget-co ⚙️ retrying (attempt 2, HTTP 503)`, `Creating x ✗ reason`. */
export function itemText(item: ItemSnapshot, options: {color: boolean; durations?: boolean}): string {
  const {color} = options
  const label = `${VERBS[item.action]} ${item.key}`
  switch (item.state) {
  case 'done': {
    const took = options.durations && item.durationMs !== undefined ? ` ${paint('dim', `(${formatDuration(item.durationMs)})`, color)}` : ''
    return `${label} ${paint('green', ICONS.done, color)}${took}`
  }

  case 'failed': {
    return `${label} ${paint('red', ICONS.failed, color)} ${paint('red', item.reason ?? 'failed', color)}`
  }

  case 'queued': {
    return `${label} ${paint('dim', ICONS.queued, color)}`
  }

  case 'retrying': {
    return `${label} ${paint('yellow', ICONS.running, color)} ${paint('yellow', `retrying (attempt ${item.attempt ?? 2}, ${item.retryReason ?? 'error'})`, color)}`
  }

  case 'running': {
    return `${label} ${paint('yellow', ICONS.running, color)}`
  }

  case 'skipped': {
    return `${label} ${paint('dim', `${ICONS.skipped} skipped: ${item.reason ?? 'a change it needs did not run'}`, color)}`
  }

  case 'waiting': {
    const left = item.waitLeftMs === undefined ? '' : ` (~${formatDuration(item.waitLeftMs)})`
    const what = item.waitReason === 'backoff' ? "waiting for Descope's rate-limit backoff" : 'waiting for rate limit'
    return `${label} ${paint('yellow', ICONS.waiting, color)} ${paint('dim', `${what}${left}`, color)}`
  }
  }
}

/** Which items of a group to show within `budget` lines (the `… N more` line included). */
export function pickItems(group: GroupSnapshot, budget: number): {shown: ItemSnapshot[]; hidden: ItemSnapshot[]} {
  // A finished group keeps only what went wrong.
  const candidates = group.active ? group.items : group.items.filter(item => item.state === 'failed' || item.state === 'skipped')
  const hiddenAnyway = group.items.filter(item => !candidates.includes(item))
  if (candidates.length <= budget && (hiddenAnyway.length === 0 || candidates.length < budget)) {
    return {hidden: hiddenAnyway, shown: candidates}
  }

  const room = Math.max(0, budget - 1)
  const byRecent = (a: ItemSnapshot, b: ItemSnapshot) => b.sequence - a.sequence
  const priority = [
    ...candidates.filter(item => item.state === 'failed').sort(byRecent),
    ...candidates.filter(item => IN_FLIGHT.has(item.state)),
    ...candidates.filter(item => item.state === 'done').sort(byRecent).slice(0, 1),
    ...candidates.filter(item => item.state === 'skipped').sort(byRecent),
    ...candidates.filter(item => item.state === 'queued'),
  ]
  const chosen = new Set(priority.slice(0, room))
  return {
    hidden: group.items.filter(item => !chosen.has(item)),
    shown: candidates.filter(item => chosen.has(item)),
  }
}

const MORE_ORDER: ItemState[] = ['done', 'running', 'retrying', 'waiting', 'queued', 'failed', 'skipped']
const MORE_WORDS: Record<ItemState, string> = {
  done: 'done', failed: 'failed', queued: 'queued', retrying: 'retrying', running: 'in flight', skipped: 'skipped', waiting: 'waiting',
}

/** `… 12 more: 10 done, 2 queued`. */
export function moreText(hidden: ItemSnapshot[]): string {
  const counts = new Map<ItemState, number>()
  for (const item of hidden) counts.set(item.state, (counts.get(item.state) ?? 0) + 1)
  const parts = MORE_ORDER.filter(state => counts.has(state)).map(state => `${counts.get(state)} ${MORE_WORDS[state]}`)
  return `… ${hidden.length} more: ${parts.join(', ')}`
}

/** `Applying 20 changes to staging: 15/20 · elapsed 40 s · ETA: 2m 30s · 3 retries`. */
export function headerLine(snapshot: ProgressSnapshot): string {
  const where = snapshot.environment ? ` to ${snapshot.environment}` : ''
  const retries = snapshot.retries > 0 ? ` · ${snapshot.retries} ${snapshot.retries === 1 ? 'retry' : 'retries'}` : ''
  const eta = snapshot.finished || snapshot.settled === snapshot.total ? '' : ` · ${etaText(snapshot.eta)}`
  return `Applying ${plural(snapshot.total, 'change')}${where}: ${snapshot.settled}/${snapshot.total} · elapsed ${formatDuration(snapshot.elapsedMs)}${eta}${retries}`
}

/** The whole view for a terminal: the run's line, a line per group, the tree of the groups that need it. */
export function renderFrame(snapshot: ProgressSnapshot, options: RenderOptions): string[] {
  const {color} = options
  const fit = (line: string) => cliTruncate(line, Math.max(1, options.width))
  const labelWidth = Math.max(0, ...snapshot.groups.map(group => groupLabel(group).length))
  const unfolded = snapshot.groups.filter(group => group.active || group.items.some(item => item.state === 'failed' || item.state === 'skipped'))
  const fixed = 1 + snapshot.groups.length
  let budget = options.height === undefined ? Number.POSITIVE_INFINITY : Math.max(0, options.height - fixed)
  const lines = [fit(headerLine(snapshot))]
  for (const group of snapshot.groups) {
    lines.push(fit(groupLine(group, {color, labelWidth})))
    if (!unfolded.includes(group)) continue
    // Share what is left between this group and the unfolded ones after it.
    const after = unfolded.length - unfolded.indexOf(group)
    const share = Number.isFinite(budget) ? Math.floor(budget / after) : Number.POSITIVE_INFINITY
    const {hidden, shown} = pickItems(group, share)
    const rows = shown.map(item => itemText(item, {color}))
    if (hidden.length > 0 && rows.length < share) rows.push(paint('dim', moreText(hidden), color))
    for (const [row, text] of rows.entries()) lines.push(fit(`${row === rows.length - 1 ? '└─' : '├─'} ${text}`))
    budget -= rows.length
  }

  return options.height === undefined ? lines : lines.slice(0, Math.max(1, options.height))
}

/** One line for a log (CI, no terminal): `tenants: Creating acme-corp ✓ (120 ms)`. */
export function eventLine(group: Pick<GroupSnapshot, 'noun'>, item: ItemSnapshot, options: {color: boolean}): string {
  return `${group.noun}: ${itemText(item, {color: options.color, durations: true})}`
}

/** `Applying 12 changes (5 create, 6 update, 1 delete) to staging, 4 at a time.` */
export function startLine(snapshot: ProgressSnapshot, counts: Record<ChangeAction, number>): string {
  const split = (['create', 'update', 'delete'] as const).filter(action => counts[action] > 0).map(action => `${counts[action]} ${action}`).join(', ')
  const where = snapshot.environment ? ` to ${snapshot.environment}` : ''
  const earlier = snapshot.alreadyDone > 0 ? ` ${plural(snapshot.alreadyDone, 'change')} finished by the earlier run ${snapshot.alreadyDone === 1 ? 'is' : 'are'} not repeated.` : ''
  return `Applying ${plural(snapshot.total, 'change')}${split ? ` (${split})` : ''}${where}, ${snapshot.concurrency} at a time.${earlier}`
}
