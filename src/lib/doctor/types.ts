/** What `doctor` reports: one result per check, and the verdict. */

/** `pass` ✓, `fail` ✗, `unknown` – (could not tell, or skipped: never a failure). */
export type CheckStatus = 'fail' | 'pass' | 'unknown'

/** A measured value of a check, for scripts (`--json`). */
export type CheckFact = boolean | null | number | string | string[]

export const CHECK_IDS = [
  'credentials', 'reachable', 'license', 'clock', 'key', 'built-ins', 'tenant-roles', 'not-found', 'tenant-parent',
] as const

export type CheckId = (typeof CHECK_IDS)[number]

export interface CheckResult {
  id: CheckId
  title: string
  status: CheckStatus
  /** One line saying what was seen. */
  detail: string
  facts: Record<string, CheckFact>
}

export interface DoctorReport {
  /** No check failed. */
  ok: boolean
  summary: {pass: number; fail: number; unknown: number}
  checks: CheckResult[]
}

/** Exit code of a doctor run where a check failed. */
export const CHECK_FAILED_EXIT_CODE = 1
