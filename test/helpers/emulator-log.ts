import type {startEmulator} from '../../plugins/plugin-emulator/src/index.js'

export type Emulator = Awaited<ReturnType<typeof startEmulator>>

export const TENANT_CREATE = '/v1/mgmt/tenant/create'

/** A tenant as `tenant list --json` prints it (the fields the tests compare). */
export interface LiveTenant {
  id: string
  name: string
  selfProvisioningDomains?: string[]
  customAttributes?: Record<string, unknown>
  parent?: string
}

/** Successful tenant creates per tenant id, from the emulator's request log. */
export async function tenantCreates(emulator: Emulator): Promise<Map<string, number>> {
  const counts = new Map<string, number>()
  for (const entry of await emulator.admin.requests({method: 'POST', path: TENANT_CREATE})) {
    if (entry.status !== 200) continue
    const id = String(entry.body?.id)
    counts.set(id, (counts.get(id) ?? 0) + 1)
  }

  return counts
}

/**
 * The most requests the emulator served in any window of `windowMs` (its own sliding count, from
 * the request log): the number to compare with the limit the processes had to keep together.
 */
export async function busiestWindow(emulator: Emulator, windowMs: number): Promise<number> {
  const times = (await emulator.admin.requests()).filter(entry => entry.outcome === 'served').map(entry => Date.parse(entry.time)).sort((a, b) => a - b)
  let most = 0
  let first = 0
  for (const [last, time] of times.entries()) {
    while (times[first] <= time - windowMs) first++
    most = Math.max(most, last - first + 1)
  }

  return most
}
