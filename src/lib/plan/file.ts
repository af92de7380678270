
import type {PathSegment} from '../config/path.js'
import type {Change, Plan} from './types.js'

import {
  JsonFileError, parseJsonText, problemAt, readJsonText,
} from '../config/json-text.js'
import {InputError} from '../errors.js'
import {writePrivateFile} from '../private-file.js'
import {resourceKinds} from '../resources/index.js'

/** Writes a plan for a later `apply PLAN`; atomic and private, since it holds project data. */
export async function writePlanFile(file: string, plan: Plan): Promise<void> {
  await writePrivateFile(file, `${JSON.stringify(plan, null, 2)}\n`)
}

/** Saved plans larger than this are refused before they are read. */
export const MAX_PLAN_FILE_BYTES = 256 * 1024 * 1024

const planErrors = {code: 'plan_file_invalid', hint: 'Create a fresh plan with `descope-mgmt plan --out FILE`.'}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

const article = (word: unknown) => (/^[aeiou]/.test(String(word)) ? 'an' : 'a')

/** What is wrong with one change of a saved plan, and where (a field of the change), or undefined; `kinds` maps each kind name the plan covers to its plural. */
function changeProblem(change: unknown, kinds: Map<string, string>): undefined | {field?: string; message: string} {
  if (!isRecord(change)) return {message: 'is not an object'}
  const {action, after, fields, id, key, kind, phase} = change as Partial<Change>
  const checks: Array<[boolean, string, string]> = [
    [typeof kind === 'string' && kinds.has(kind), 'kind', `${JSON.stringify(kind)} is not a resource kind the plan covers`],
    [typeof key === 'string' && key !== '', 'key', 'is missing or empty'],
    [id === `${String(kind)}:${String(key)}`, 'id', `${JSON.stringify(id)} does not match the kind and key of the change ("${String(kind)}:${String(key)}")`],
    [['create', 'delete', 'update'].includes(action ?? ''), 'action', `${JSON.stringify(action)} is not create, update or delete`],
    [Number.isInteger(phase), 'phase', 'is not a whole number'],
    [Array.isArray(after) && after.every(item => typeof item === 'string'), 'after', 'is not a list of change ids'],
    [Array.isArray(fields), 'fields', 'is not a list'],
    [action === 'delete' || isRecord(change.desired), 'desired', `${article(action)} ${String(action)} needs the "desired" object`],
    [action === 'create' || isRecord(change.live), 'live', `${article(action)} ${String(action)} needs the "live" object`],
  ]
  const failed = checks.find(([ok]) => !ok)
  return failed ? {field: failed[1], message: failed[2]} : undefined
}

/** Reads a saved plan, refusing anything that is not a plan this tool wrote (exit code 3, naming the file and the line). */
export async function readPlanFile(file: string): Promise<Plan> {
  let text: string
  try {
    text = await readJsonText(file, {...planErrors, maxBytes: MAX_PLAN_FILE_BYTES, sizeHint: 'check that the path names a plan written by `plan --out`'})
  } catch (error) {
    if (error instanceof JsonFileError) throw error
    throw new InputError(`${file}: cannot read the plan file (${(error as NodeJS.ErrnoException).code ?? String(error)})`, planErrors)
  }

  const data = parseJsonText(file, text, planErrors)
  const fail = (problem: string, at: PathSegment[] = []): never => {
    throw new JsonFileError([problemAt(file, text, at, problem)], planErrors)
  }

  if (!isRecord(data)) fail('not a plan: expected a JSON object')
  const plan = data as Partial<Plan>
  if (plan.formatVersion === undefined) fail('not a plan written by `descope-mgmt plan --out`: "formatVersion" is missing')
  if (plan.formatVersion !== 1) fail(`unknown plan format version ${JSON.stringify(plan.formatVersion)} (this tool reads version 1)`, ['formatVersion'])
  if (typeof plan.projectId !== 'string' || typeof plan.fingerprint !== 'string') fail('not a plan: projectId or fingerprint is missing')
  for (const field of ['changes', 'resources', 'skipped'] as const) {
    if (!Array.isArray(plan[field])) fail(`not a plan: "${field}" is missing or not a list`, [field])
  }

  const kinds = new Map<string, string>()
  for (const [index, plural] of plan.resources!.entries()) {
    const kind = resourceKinds.find(candidate => candidate.plural === plural)
    if (!kind) fail(`${JSON.stringify(plural)} is not a resource kind (known: ${resourceKinds.map(candidate => candidate.plural).join(', ')})`, ['resources', index])
    kinds.set(kind!.name, kind!.plural)
  }

  const ids = new Map<string, number>()
  for (const [index, change] of plan.changes!.entries()) {
    const problem = changeProblem(change, kinds)
    if (problem) fail(problem.message, ['changes', index, ...(problem.field ? [problem.field] : [])])
    const {id} = change as Change
    const first = ids.get(id)
    if (first !== undefined) fail(`repeats the change ${id} of changes[${first}]`, ['changes', index, 'id'])
    ids.set(id, index)
  }

  return plan as Plan
}
