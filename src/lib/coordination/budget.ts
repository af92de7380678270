/**
 * The rate budget that processes share: every grant of a process's in-process limiter also takes
 * a slot here, so N processes (on one machine through a file, on M machines through Redis) stay
 * together within the limit that Descope counts per source address. The store is the authority
 * on when a slot is free; the in-process limiter keeps the order of waiters and the ETAs.
 */
/** The limit to keep, as the in-process limiter holds it (`guardMs`: the margin before a slot is reused). */
export interface BudgetLimits {
  requests: number
  windowMs: number
  guardMs: number
}

/** Granted now, or not before `waitMs` from now (`backoff`: because Descope asked every process to pause). */
export type Reservation = {granted: true} | {granted: false; reason: 'backoff' | 'window'; waitMs: number}

export interface SharedBudget {
  /** Where the budget lives, for messages (never a password). */
  readonly description: string
  /** Takes a slot when one is free in the shared window. Never throws: a store that fails degrades (with one warning). */
  reserve(limits: BudgetLimits): Promise<Reservation>
  /**
   * Descope answered 429 with Retry-After `waitMs`: no process is granted a slot before then, and
   * afterwards one slot frees every window/requests (a paced restart, as in the in-process limiter).
   */
  pause(waitMs: number, limits: BudgetLimits): Promise<void>
  close(): Promise<void>
}

/**
 * The grant times a backoff leaves behind: a full window of grants, evenly spaced, the oldest of
 * which leaves the window at `resumeAt`: so one slot frees then, and one more every window/requests.
 */
export function pausedLog(resumeAt: number, limits: BudgetLimits): number[] {
  const spacing = limits.windowMs / limits.requests
  return Array.from({length: limits.requests}, (_, k) => resumeAt - limits.windowMs - limits.guardMs + (k * spacing))
}

/** A file-name and key-safe form of the host and budget key: `api.descope.com`, `127.0.0.1_4280`, `127.0.0.1_4280-egress-b`. */
export function budgetName(host: string, budgetKey?: string): string {
  return budgetKey ? `${safeName(host)}-${safeName(budgetKey)}` : safeName(host)
}

function safeName(text: string): string {
  return text.toLowerCase().replaceAll(/[^\w.-]+/g, '_')
}
