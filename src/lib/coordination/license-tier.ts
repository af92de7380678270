import {createHash} from 'node:crypto'
import {readFile} from 'node:fs/promises'
import path from 'node:path'

/**
 * The rate-limit tier of a project (`GET /v1/mgmt/license`), remembered for an hour in a small
 * file of this machine's coordination folder, beside the rate budget. The official SDKs ask once
 * per client, which suits a long-lived process; a CLI starts a process per command, and the
 * handshake was a second round trip before every command's first request. The tier is not a
 * secret, nor project data: a missing, unreadable or old file only means asking again, and a
 * failed write is ignored.
 */
import type {LicenseTierMemo} from '../api/types.js'

/** How long a remembered tier is used before it is asked again (a plan change shows within it). */
export const LICENSE_TIER_TTL_MS = 60 * 60 * 1000

/** The file of one project's tier: named by a digest of the base URL and the project id. */
export function licenseTierFile(stateDir: string, baseUrl: string, projectId: string): string {
  const digest = createHash('sha256').update(`${baseUrl}\n${projectId}`).digest('hex').slice(0, 24)
  return path.join(stateDir, `license-${digest}.json`)
}

export function licenseTierMemo(file: string, now: () => number = Date.now): LicenseTierMemo {
  return {
    async read() {
      try {
        const data = JSON.parse(await readFile(file, 'utf8')) as {at?: unknown; tier?: unknown}
        const fresh = typeof data.at === 'number' && data.at <= now() && now() - data.at < LICENSE_TIER_TTL_MS
        return fresh && typeof data.tier === 'string' && data.tier ? data.tier : undefined
      } catch {
        // No file, or not ours to read: the handshake is made again.
      }
    },
    async write(tier) {
      try {
        const {writeFileAtomically} = await import('@descope-mgmt/shared/atomic-file')
        await writeFileAtomically(file, JSON.stringify({at: now(), tier}))
      } catch {
        // Only the next process's handshake is lost.
      }
    },
  }
}
