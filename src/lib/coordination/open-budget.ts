/**
 * Opens the process's shared rate budget of one API host: the file of this machine, or Redis.
 * Each store is imported on first use, so neither loads before a request needs it.
 */
import type {SharedBudget} from './budget.js'
import type {CoordinationSettings} from './settings.js'

import {budgetName} from './budget.js'

export interface OpenBudgetOptions {
  /** The API host (`host[:port]`) whose budget this is. */
  host: string
  /** Told once about a store that failed and what replaced it. */
  warn(message: string): void
}

const budgets = new Map<string, Promise<SharedBudget>>()

/**
 * The process's budget for one API host under these coordination settings: a state file in
 * `stateDir` for `local`, a sorted set in Redis for `redis` (falling back to the file with one
 * warning when Redis fails). Loaded on first use: neither store is imported before a request.
 */
export function openSharedBudget(settings: CoordinationSettings, options: OpenBudgetOptions): Promise<SharedBudget> {
  const name = budgetName(options.host, settings.budgetKey)
  const key = [settings.kind, settings.url ?? '', settings.stateDir, name].join('|')
  let budget = budgets.get(key)
  if (!budget) {
    const fileBudget = async () => {
      const {FileBudget} = await import('./budget-file.js')
      return new FileBudget({file: FileBudget.fileFor(settings.stateDir, name), warn: options.warn})
    }

    budget = settings.kind === 'redis' && settings.url
      ? import('./budget-redis.js').then(({RedisBudget}) => new RedisBudget({
        fallback: fileBudget, name, url: settings.url!, warn: options.warn,
      }))
      : fileBudget()
    budgets.set(key, budget)
  }

  return budget
}

/** Closes every budget of the process (at exit, and between tests). */
export async function closeSharedBudgets(): Promise<void> {
  const open = [...budgets.values()]
  budgets.clear()
  await Promise.all(open.map(async pending => (await pending.catch(() => {}))?.close()))
}
