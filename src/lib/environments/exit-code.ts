/**
 * The exit code of a command run across several environments: the worst of its runs.
 *
 * Worst first: 130 interrupted (Ctrl-C stops every environment, and shells stop a loop on 130),
 * 1 unexpected (the state of a project is unknown, or another apply holds its lock), 6 partial
 * (a project was left half-changed and needs a resume), 5 API error, 4 authentication, 3 invalid
 * input, 2 changes pending or drift, 0 success. So after the first two, a higher code is worse.
 */
import {ExitCode} from '../errors.js'

/** Exit codes from the worst to the best. */
export const EXIT_CODE_ORDER: readonly number[] = [
  ExitCode.Interrupted,
  ExitCode.Unexpected,
  ExitCode.Partial,
  ExitCode.Api,
  ExitCode.Auth,
  ExitCode.InvalidInput,
  ExitCode.ChangesPending,
  ExitCode.Success,
]

/** How bad a code is: 0 is the worst; a code outside the list counts as unexpected. */
function rank(code: number): number {
  const index = EXIT_CODE_ORDER.indexOf(code)
  return index === -1 ? EXIT_CODE_ORDER.indexOf(ExitCode.Unexpected) : index
}

/** The worst of the codes (0 for none). */
export function worstExitCode(codes: Iterable<number>): number {
  let worst: number = ExitCode.Success
  for (const code of codes) if (rank(code) < rank(worst)) worst = code
  return worst
}
