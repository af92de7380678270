/**
 * Plans as one GitHub pull-request comment (GitHub Flavored Markdown): a heading with the
 * environments and a verdict, a summary table per environment, then one collapsible section per
 * resource kind with the changes. Hand-written rather than built with a markdown library: the
 * output is a few fixed templates, and what matters is GitHub-specific escaping (user data only
 * ever inside code spans or fenced blocks, so a tenant name can neither break the table, inject
 * HTML nor mention anyone) and fitting GitHub's comment size limit.
 */
import type {FieldChange} from '../plan/diff.js'
import type {Change, Plan, SkippedChange} from '../plan/types.js'

import {diffFlows, flowFromFields} from '../flows/diff.js'
import {resourceKinds} from '../resources/index.js'
import {renderFlowDiff} from './flow-diff-render.js'

/** One environment's plan; a comment can hold several. */
export interface EnvironmentPlan {
  /** The configuration's environment name; undefined when the target came from flags or variables. */
  environment?: string
  plan: Plan
}

export interface PlanMarkdownOptions {
  /** Longest comment, in UTF-16 code units (never fewer than GitHub's characters). */
  maxLength?: number
  /** Longest value shown before it is shortened with `…`. */
  maxValueLength?: number
  /** How many undeclared live resources a section names before counting the rest. */
  maxListed?: number
  /** Longest flow diff shown for one flow, in lines. */
  maxFlowLines?: number
}

/** GitHub refuses issue and pull-request comments longer than this. */
export const GITHUB_COMMENT_LIMIT = 65_536

const defaults: Required<PlanMarkdownOptions> = {
  maxFlowLines: 60, maxLength: GITHUB_COMMENT_LIMIT, maxListed: 20, maxValueLength: 120,
}

/** Room kept for the note that says the comment was cut. */
const NOTE_RESERVE = 600
/** Room kept, per section, for the line that counts the entries left out. */
const OMITTED_RESERVE = 100

const kindLabels = new Map(resourceKinds.map(kind => [kind.name as string, kind.labels]))
const kindOrder = new Map(resourceKinds.map((kind, index) => [kind.name as string, index]))
const kindByPlural = new Map(resourceKinds.map(kind => [kind.plural, kind.name as string]))

/** Control and line-separator characters, shown as JSON escapes so a value stays on one line. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001F\u007F\u2028\u2029]/g

const controlNames: Record<string, string> = {'\n': String.raw`\n`, '\r': String.raw`\r`, '\t': String.raw`\t`}

function escapeControls(text: string): string {
  return text.replaceAll(CONTROL, char => controlNames[char] ?? `\\u${char.codePointAt(0)!.toString(16).padStart(4, '0')}`)
}

function shorten(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, Math.max(1, max - 1))}…` : text
}

/**
 * `text` as an inline code span: nothing in it is markdown or HTML. The fence is longer than any
 * backtick run inside, and control characters are escaped so no line break can end the span.
 */
export function codeSpan(text: string, maxLength = defaults.maxValueLength): string {
  const flat = shorten(escapeControls(text), maxLength)
  const longestRun = Math.max(0, ...(flat.match(/`+/g) ?? []).map(run => run.length))
  const fence = '`'.repeat(longestRun + 1)
  const pad = flat.startsWith('`') || flat.endsWith('`') || flat === '' ? ' ' : ''
  return `${fence}${pad}${flat}${pad}${fence}`
}

/** Plain text with every markdown and HTML character backslash-escaped. */
function escapeText(text: string): string {
  return text.replaceAll(CONTROL, ' ').replaceAll(/[!#&()*+<>@[\\\]_`{|}~-]/g, char => `\\${char}`)
}

/** A table cell: a pipe, even inside a code span, would end the cell in GitHub's tables. */
function cell(text: string): string {
  return text.replaceAll('|', String.raw`\|`)
}

function plural(count: number, singular: string, many = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : many}`
}

function value(data: unknown, max: number): string {
  return data === undefined ? '(unset)' : codeSpan(JSON.stringify(data), max)
}

function fieldItem(field: FieldChange, max: number): string {
  const name = codeSpan(field.path || '(value)', max)
  if (field.kind === 'changed') return `${name}: ${value(field.before, max)} → ${value(field.after, max)}`
  if (field.path.endsWith('[]')) return `${name}: ${field.kind === 'added' ? 'added' : 'removed'} ${value(field.kind === 'added' ? field.after : field.before, max)}`
  return field.kind === 'added' ? `${name}: ${value(field.after, max)}` : `${name}: ${value(field.before, max)} → (unset)`
}

/** A fenced block inside a list item; the fence is longer than any backtick run of the text. */
function fencedBlock(lines: string[], indent: string): string[] {
  const longestRun = Math.max(0, ...lines.flatMap(line => line.match(/`+/g) ?? []).map(run => run.length))
  const fence = '`'.repeat(Math.max(3, longestRun + 1))
  return [`${indent}${fence}text`, ...lines.map(line => `${indent}${line}`), `${indent}${fence}`]
}

/** One change as a list item: the key, then field-level values (a flow as its structural diff). */
function changeItem(change: Change, options: Required<PlanMarkdownOptions>): string {
  const head = `- **${change.action}** ${codeSpan(change.key, options.maxValueLength)}`
  if (change.action === 'delete') return head
  if (change.kind === 'flow') {
    const flowDiff = diffFlows(flowFromFields(change.key, change.live), flowFromFields(change.key, change.desired)!)
    const diff = renderFlowDiff(flowDiff).map(line => shorten(escapeControls(line), options.maxValueLength * 2))
    const shown = diff.length > options.maxFlowLines
      ? [...diff.slice(0, options.maxFlowLines - 1), `… ${diff.length - options.maxFlowLines + 1} more lines`]
      : diff
    return [head, ...fencedBlock(shown, '  ')].join('\n')
  }

  return [head, ...change.fields.map(field => `  - ${fieldItem(field, options.maxValueLength)}`)].join('\n')
}

function skippedItem(skip: SkippedChange, max: number): string {
  const key = codeSpan(skip.key, max)
  if (skip.reason === 'protected') return `- **kept** ${key}: protected, not ${skip.action === 'delete' ? 'deleted' : 'updated'} (use \`--allow-protected\`)`
  return `- **kept** ${key}: not updated, ${escapeText(skip.detail ?? 'a field cannot change')} (delete and re-create it to change that)`
}

interface KindSection {
  summary: string
  /** List items, each possibly several lines; the cut keeps or drops whole items. */
  items: string[]
}

interface EnvironmentSection {
  head: string
  kinds: KindSection[]
}

interface KindCounts {
  create: number
  update: number
  delete: number
  kept: number
}

/** The kinds a plan covers, in execution order, plus any that only appear in its changes. */
function planKinds(plan: Plan): string[] {
  const names = new Set<string>([
    ...plan.changes.map(change => change.kind),
    ...plan.resources.map(name => kindByPlural.get(name) ?? name),
    ...plan.skipped.map(skip => skip.kind),
  ])
  return [...names].sort((a, b) => (kindOrder.get(a) ?? Infinity) - (kindOrder.get(b) ?? Infinity) || (a < b ? -1 : 1))
}

function countsOf(plan: Plan, kind: string): KindCounts {
  const changes = plan.changes.filter(change => change.kind === kind)
  const count = (action: Change['action']) => changes.filter(change => change.action === action).length
  return {
    create: count('create'), delete: count('delete'), kept: plan.skipped.filter(skip => skip.kind === kind).length, update: count('update'),
  }
}

function changeWords(counts: Pick<KindCounts, 'create' | 'delete' | 'update'>): string {
  return `${counts.create} to create, ${counts.update} to update, ${counts.delete} to delete`
}

function label(entry: EnvironmentPlan): string {
  return entry.environment === undefined ? `project ${codeSpan(entry.plan.projectId)}` : codeSpan(entry.environment)
}

function verdict(plan: Plan): string {
  const {create, delete: deletes, update} = plan.summary
  const skipped = plan.skipped.filter(skip => skip.reason !== 'unmanaged').length
  const held = skipped > 0 ? ` ${plural(skipped, 'change')} held back (protected or immutable).` : ''
  if (plan.changes.length === 0) return `**No changes:** the live project matches the configuration.${held}`
  return `**${plural(plan.changes.length, 'change')} pending:** ${changeWords({create, delete: deletes, update})}.${held}`
}

function environmentSection(entry: EnvironmentPlan, multiple: boolean, options: Required<PlanMarkdownOptions>): EnvironmentSection {
  const {plan} = entry
  const kinds = planKinds(plan)
  const table = [
    '| Kind | Create | Update | Delete | Kept |',
    '| :--- | ---: | ---: | ---: | ---: |',
    ...kinds.map(kind => {
      const counts = countsOf(plan, kind)
      return `| ${cell(kindLabels.get(kind)?.title ?? kind)} | ${counts.create} | ${counts.update} | ${counts.delete} | ${counts.kept} |`
    }),
  ]
  const kept = plan.prune && (plan.builtIns ?? []).length > 0
    ? [`${plural(plan.builtIns!.length, 'item')} that Descope provides (built-in roles, permissions, default flows) kept; they are not counted above.`]
    : []
  const head = [
    ...(multiple ? [`#### ${label(entry)}`, ''] : []),
    `${verdict(plan)} Project ${codeSpan(plan.projectId)}${plan.prune ? ', with `--prune`' : ''}.`,
    '',
    ...table,
    ...(kept.length > 0 ? ['', ...kept] : []),
  ].join('\n')

  const sections: KindSection[] = []
  for (const kind of kinds) {
    const counts = countsOf(plan, kind)
    const changes = plan.changes.filter(change => change.kind === kind)
    const skipped = plan.skipped.filter(skip => skip.kind === kind)
    const unmanaged = skipped.filter(skip => skip.reason === 'unmanaged')
    if (changes.length === 0 && skipped.length === 0) continue
    const items = [
      ...changes.map(change => changeItem(change, options)),
      ...skipped.filter(skip => skip.reason !== 'unmanaged').map(skip => skippedItem(skip, options.maxValueLength)),
    ]
    if (unmanaged.length > 0) {
      const named = unmanaged.slice(0, options.maxListed).map(skip => codeSpan(skip.key, options.maxValueLength)).join(', ')
      const more = unmanaged.length > options.maxListed ? ` and ${unmanaged.length - options.maxListed} more` : ''
      items.push(`- **kept**, not in the configuration (\`--prune\` would delete them): ${named}${more}`)
    }

    const parts = [changeWords(counts), ...(counts.kept > 0 ? [`${counts.kept} kept`] : [])]
    // The summary is raw HTML: only the kind's own title and numbers go there, never user data.
    sections.push({items, summary: `<details><summary><b>${kindLabels.get(kind)?.title ?? kind}</b>: ${parts.join(', ')}</summary>`})
  }

  return {head, kinds: sections}
}

/** The first blocks: a marker and the heading, then (several environments) the overall verdict. */
function title(entries: EnvironmentPlan[]): string[] {
  const names = entries.map(entry => label(entry)).join(', ')
  // A marker on the first line lets a workflow find and update its earlier comment.
  const marker = `<!-- descope-mgmt plan: ${entries.map(entry => (entry.environment ?? entry.plan.projectId).replaceAll(/[^\w.,-]/g, '_')).join(',')} -->`
  const blocks = [`${marker}\n### descope-mgmt plan: ${names}`]
  if (entries.length > 1) {
    const pending = entries.filter(entry => entry.plan.changes.length > 0).length
    const total = entries.reduce((sum, entry) => sum + entry.plan.changes.length, 0)
    blocks.push(pending === 0
      ? `**No changes** in any of the ${entries.length} environments.`
      : `**Changes pending in ${pending} of ${entries.length} environments:** ${plural(total, 'change')} in all.`)
  }

  return blocks
}

const open = (section: KindSection) => `${section.summary}\n\n`
const close = '\n\n</details>'
const join = (blocks: string[]) => blocks.join('\n\n')

function truncationNote(shown: number, total: number, entries: EnvironmentPlan[], maxLength: number): string {
  const environments = entries.map(entry => (entry.environment === undefined ? `--project-id ${entry.plan.projectId}` : `-e ${entry.environment}`)).join(' ')
  return [
    '> [!WARNING]',
    `> This plan is too long for one comment (limit ${maxLength.toLocaleString('en-US')} characters): ${shown} of ${total} entries are shown.`,
    `> Run ${codeSpan(`descope-mgmt plan ${environments}`, 200)} for the full plan.`,
  ].join('\n')
}

/**
 * Renders one comment for the plans of one or more environments (one section each). Deterministic:
 * no times, no colours. Past `maxLength` the details are cut between entries, with a note.
 */
export function renderPlanMarkdown(entries: EnvironmentPlan[], options: PlanMarkdownOptions = {}): string {
  const settings = {...defaults, ...options}
  const multiple = entries.length > 1
  const sections = entries.map(entry => environmentSection(entry, multiple, settings))

  // Everything but the entries is always shown; the entries fill what room is left, in order.
  const fixed = join([...title(entries), ...sections.flatMap(section => [section.head, ...section.kinds.map(kind => open(kind) + close)])]).length
  const total = sections.reduce((sum, section) => sum + section.kinds.reduce((count, kind) => count + kind.items.length, 0), 0)
  const sectionCount = sections.reduce((sum, section) => sum + section.kinds.length, 0)
  let room = settings.maxLength - fixed
  if (join(sections.flatMap(section => section.kinds.flatMap(kind => kind.items))).length + total > room) {
    room -= NOTE_RESERVE + (OMITTED_RESERVE * sectionCount)
  }

  let shown = 0
  let full = false
  const blocks: string[] = []
  for (const section of sections) {
    blocks.push(section.head)
    for (const kind of section.kinds) {
      const items: string[] = []
      for (const item of kind.items) {
        if (full || item.length + 1 > room) {
          full = true
          break
        }

        room -= item.length + 1
        items.push(item)
      }

      shown += items.length
      const omitted = kind.items.length - items.length
      if (omitted > 0) items.push(`- … ${plural(omitted, items.length > 0 ? 'more entry' : 'entry', items.length > 0 ? 'more entries' : 'entries')} not shown here.`)
      blocks.push(`${open(kind)}${items.join('\n')}${close}`)
    }
  }

  const note = shown < total ? [truncationNote(shown, total, entries, settings.maxLength)] : []
  return `${join([...title(entries), ...note, ...blocks])}\n`
}
