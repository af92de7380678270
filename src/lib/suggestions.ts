/**
 * "Did you mean" for a mistyped command or flag: the closest commands (with the corrected
 * command line, arguments and flags kept) and the closest flag of a command.
 */
import {levenshtein} from '@descope-mgmt/shared/suggest'

export {suggestFlags} from '@descope-mgmt/shared/suggest'

/** A command the user probably meant, and the typed words left over as its arguments. */
export interface CommandSuggestion {
  /** Words of the command id: `['tenant', 'list']`. */
  command: string[]
  /** Typed words after the command's words (arguments, e.g. a tenant id). */
  rest: string[]
}

const MAX_SUGGESTIONS = 3

function sortedWords(words: string[]): string {
  return words.map(word => word.toLowerCase()).sort().join(' ')
}

/** How far `typed` is from `candidate` (same number of words), or undefined when too far. */
function commandDistance(typed: string[], candidate: string[]): number | undefined {
  const typedText = typed.join(' ').toLowerCase()
  const candidateText = candidate.join(' ')
  if (typedText === candidateText) return 0
  // `list tenant`, or `perm list` for `permission list`.
  if (sortedWords(typed) === sortedWords(candidate)) return 1
  if (typed.every((word, index) => word.length >= 3 && candidate[index].startsWith(word.toLowerCase()))) return 1
  const distance = levenshtein(typedText, candidateText)
  return distance <= Math.max(1, Math.floor(candidateText.length / 4)) ? distance : undefined
}

/** A command (or topic) that can be suggested. */
export interface CommandCandidate {
  /** Words of the command id. */
  words: string[]
  /** Whether it takes arguments: typed words left over can only be its arguments. */
  takesArgs: boolean
}

/**
 * The commands closest to the typed words (`tenat list acme` → `tenant list`, rest `acme`):
 * every command of the best distance, the ones that use more of the typed words first.
 */
export function suggestCommands(typed: string[], candidates: CommandCandidate[]): CommandSuggestion[] {
  const scored: Array<CommandSuggestion & {distance: number}> = []
  for (const {takesArgs, words: command} of candidates) {
    if (command.length > typed.length || (!takesArgs && command.length < typed.length)) continue
    const distance = commandDistance(typed.slice(0, command.length), command)
    if (distance !== undefined) scored.push({command, distance, rest: typed.slice(command.length)})
  }

  const best = Math.min(...scored.map(entry => entry.distance))
  return scored
  .filter(entry => entry.distance === best)
  .sort((a, b) => b.command.length - a.command.length || a.command.join(' ').localeCompare(b.command.join(' ')))
  .slice(0, MAX_SUGGESTIONS)
  .map(({command, rest}) => ({command, rest}))
}

/** An argument as a POSIX shell reads it back: quoted only when it needs to be. */
export function shellQuote(argument: string): string {
  if (/^[\w%+,./:=@-]+$/.test(argument)) return argument
  return `'${argument.replaceAll("'", String.raw`'\''`)}'`
}

/** The command line to run instead: `descope-mgmt tenant list -e local`. */
export function correctedCommandLine(bin: string, suggestion: CommandSuggestion, argv: string[]): string {
  return [bin, ...suggestion.command, ...[...suggestion.rest, ...argv].map(argument => shellQuote(argument))].join(' ')
}
