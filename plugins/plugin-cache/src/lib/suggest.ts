/**
 * The closest flag of a command for a mistyped one. The plugin never imports the host, so this is
 * a small copy of the host's suggestion: edit distance with swaps of neighbours counting as one.
 */
function distance(a: string, b: string): number {
  let beforePrevious: number[] = []
  let previous = Array.from({length: b.length + 1}, (_, index) => index)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1))
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) current[j] = Math.min(current[j], beforePrevious[j - 2] + 1)
    }

    beforePrevious = previous
    previous = current
  }

  return previous[b.length]
}

/** `--name` for each unknown flag of an oclif "Nonexistent flag(s): --a, --b" message that has a close one. */
export function suggestFlags(message: string, known: string[]): string[] {
  const list = /Nonexistent flags?: ([^\n]+)/.exec(message)?.[1]
  if (!list) return []
  const found = new Set<string>()
  for (const typed of list.split(', ')) {
    const name = typed.replace(/^--?/, '').replace(/=.*$/, '').toLowerCase()
    const scored = known.map(candidate => ({candidate, score: distance(name, candidate.toLowerCase())}))
    .filter(({candidate, score}) => score <= Math.max(1, Math.floor(Math.max(name.length, candidate.length) / 3)))
    .sort((a, b) => a.score - b.score)
    if (scored[0]) found.add(`--${scored[0].candidate}`)
  }

  return [...found]
}
