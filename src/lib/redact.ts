/** Shortest secret shown as `K2…abcd`; anything shorter is shown as `…` only. */
const MIN_PARTIAL_LENGTH = 16

/** A secret as it may be shown: `K2…abcd` (first 2 and last 4 characters); short ones as `…`. */
export function redactSecret(secret: string): string {
  if (secret.length < MIN_PARTIAL_LENGTH) return '…'
  return `${secret.slice(0, 2)}…${secret.slice(-4)}`
}

/** Replaces every occurrence of each secret in `text` with its redacted form. */
export function redactText(text: string, secrets: Iterable<string>): string {
  // Longest first, so that a secret containing another is replaced whole.
  const ordered = [...new Set(secrets)].filter(secret => secret.length > 0).sort((a, b) => b.length - a.length)
  let result = text
  for (const secret of ordered) {
    if (result.includes(secret)) result = result.split(secret).join(redactSecret(secret))
  }

  return result
}
