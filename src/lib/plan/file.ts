import {readFile} from 'node:fs/promises'
import writeFileAtomic from 'write-file-atomic'

import type {Change, Plan} from './types.js'

import {InputError} from '../errors.js'

/** Writes a plan for a later `apply PLAN`; atomic and private, since it holds project data. */
export async function writePlanFile(file: string, plan: Plan): Promise<void> {
  await writeFileAtomic(file, `${JSON.stringify(plan, null, 2)}\n`, {mode: 0o600})
}

function isChange(change: unknown): boolean {
  if (!change || typeof change !== 'object') return false
  const {action, after, fields, id, key, phase} = change as Partial<Change>
  const checks = [
    typeof id === 'string',
    typeof key === 'string',
    ['create', 'delete', 'update'].includes(action ?? ''),
    typeof phase === 'number',
    Array.isArray(after),
    Array.isArray(fields),
  ]
  return checks.every(Boolean)
}

function fail(file: string, problem: string): never {
  throw new InputError(`${file}: ${problem}`, {hint: 'Create a fresh plan with `descope-mgmt plan --out FILE`.'})
}

/** Reads a saved plan, refusing anything that is not a plan this tool wrote. */
export async function readPlanFile(file: string): Promise<Plan> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    fail(file, `cannot read the plan file (${(error as NodeJS.ErrnoException).code ?? String(error)})`)
  }

  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (error) {
    fail(file, `not valid JSON (${(error as Error).message})`)
  }

  const plan = data as Partial<Plan>
  if (!plan || typeof plan !== 'object') fail(file, 'not a plan: expected a JSON object')
  if (plan.formatVersion !== 1) fail(file, `unknown plan format version ${JSON.stringify(plan.formatVersion)} (this tool reads version 1)`)
  if (typeof plan.projectId !== 'string' || typeof plan.fingerprint !== 'string') fail(file, 'not a plan: projectId or fingerprint is missing')
  if (!Array.isArray(plan.changes) || !Array.isArray(plan.resources) || !Array.isArray(plan.skipped)) {
    fail(file, 'not a plan: changes, resources or skipped is missing')
  }

  for (const [index, change] of plan.changes.entries()) {
    if (!isChange(change)) fail(file, `changes[${index}] is not a valid change`)
  }

  return plan as Plan
}
