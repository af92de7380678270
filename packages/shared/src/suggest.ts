/** "Did you mean": edit distance and the closest of a list of names, for values, keys and flags. */

/**
 * Edit distance (insert, delete, substitute, swap two neighbours: each costs 1), the
 * "optimal string alignment" variant of Damerau-Levenshtein: `nmae` is 1 away from `name`.
 */
export function levenshtein(a: string, b: string): number {
  if (a === b) return 0
  if (a.length === 0) return b.length
  if (b.length === 0) return a.length
  let beforePrevious: number[] = []
  let previous = Array.from({length: b.length + 1}, (_, index) => index)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) current[j] = Math.min(current[j], beforePrevious[j - 2] + 1)
    }

    beforePrevious = previous
    previous = current
  }

  return previous[b.length]
}

/**
 * The candidate the user most likely meant by `input`, or undefined when none is close.
 * Case is ignored; a candidate that contains the input (`domains` → `selfProvisioningDomains`)
 * counts as close when nothing is closer by spelling.
 */
export function closest(input: string, candidates: Iterable<string>): string | undefined {
  const needle = input.toLowerCase()
  let best: string | undefined
  let bestDistance = Number.POSITIVE_INFINITY
  for (const candidate of candidates) {
    if (candidate === input) continue
    const distance = levenshtein(needle, candidate.toLowerCase())
    const limit = Math.max(1, Math.floor(Math.max(needle.length, candidate.length) / 3))
    if (distance <= limit && distance < bestDistance) {
      best = candidate
      bestDistance = distance
    }
  }

  if (best !== undefined || needle.length < 4) return best
  for (const candidate of candidates) {
    if (candidate.toLowerCase().includes(needle)) return candidate
  }

  return undefined
}

/** `did you mean "x"?`, or undefined when nothing is close. */
export function didYouMean(input: string, candidates: Iterable<string>): string | undefined {
  const match = closest(input, candidates)
  return match === undefined ? undefined : `did you mean "${match}"?`
}

/** `--nmae=x` → `nmae`, `-x` → `x`. */
function flagName(typed: string): string {
  return typed.replace(/^--?/, '').replace(/=.*$/, '')
}

/**
 * The closest known flag for each unknown one in an oclif "Nonexistent flag(s): --a, --b"
 * message, as `--name`; typed flags with nothing close are left out.
 */
export function suggestFlags(message: string, known: string[]): string[] {
  const list = /Nonexistent flags?: ([^\n]+)/.exec(message)?.[1]
  if (!list) return []
  const suggestions = list.split(', ').map(typed => closest(flagName(typed), known)).filter(name => name !== undefined)
  return [...new Set(suggestions)].map(name => `--${name}`)
}
