/**
 * Error types shared by every command, and the exit codes they map to.
 * The exit codes are part of the public interface (documented in the README).
 */

export const ExitCode = {
  Success: 0,
  Unexpected: 1,
  ChangesPending: 2,
  InvalidInput: 3,
  Auth: 4,
  Api: 5,
  Partial: 6,
  Interrupted: 130,
} as const

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode]

export interface CliErrorOptions {
  /** What the user can do about it; printed after the message. */
  hint?: string
  exitCode?: ExitCodeValue
  /** A stable machine-readable code for `--json` output. */
  code?: string
  cause?: unknown
}

/** An error a user can cause and act on: printed without a stack trace. */
export class CliError extends Error {
  readonly code: string
  readonly exitCode: ExitCodeValue
  readonly hint?: string

  constructor(message: string, options: CliErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : {cause: options.cause})
    this.name = 'CliError'
    this.exitCode = options.exitCode ?? ExitCode.Unexpected
    this.hint = options.hint
    this.code = options.code ?? 'error'
  }

  toJSON(): Record<string, unknown> {
    return {
      code: this.code, exitCode: this.exitCode, hint: this.hint, message: this.message,
    }
  }
}

/** Bad input given on the command line (flags, arguments, files other than the config). */
export class InputError extends CliError {
  constructor(message: string, options: Omit<CliErrorOptions, 'exitCode'> = {}) {
    super(message, {code: 'invalid_input', ...options, exitCode: ExitCode.InvalidInput})
    this.name = 'InputError'
  }
}

/** One problem found in a configuration file, located as precisely as the parser allows. */
export interface ConfigProblem {
  file: string
  line?: number
  column?: number
  /** Dotted path of the field, e.g. `tenants[2].selfProvisioningDomains[0]`. */
  path?: string
  message: string
  hint?: string
}

export function formatProblem(problem: ConfigProblem): string {
  const where = [problem.file, problem.line, problem.column].filter(part => part !== undefined).join(':')
  const field = problem.path ? ` ${problem.path}:` : ''
  const hint = problem.hint ? ` (${problem.hint})` : ''
  return `${where}:${field} ${problem.message}${hint}`
}

/** The configuration is invalid; carries every problem found, not only the first. */
export class ConfigError extends CliError {
  readonly problems: ConfigProblem[]

  constructor(problems: ConfigProblem[], options: Omit<CliErrorOptions, 'exitCode'> = {}) {
    const head
      = problems.length === 1 ? 'The configuration has a problem:' : `The configuration has ${problems.length} problems:`
    super(`${head}\n${problems.map(p => `  ${formatProblem(p)}`).join('\n')}`, {
      code: 'invalid_config',
      hint: 'Fix the lines above, then run `descope-mgmt config validate` to check.',
      ...options,
      exitCode: ExitCode.InvalidInput,
    })
    this.name = 'ConfigError'
    this.problems = problems
  }

  override toJSON(): Record<string, unknown> {
    return {...super.toJSON(), problems: this.problems}
  }
}

/** Credentials are missing, wrong, or not allowed for the project. */
export class AuthError extends CliError {
  constructor(message: string, options: Omit<CliErrorOptions, 'exitCode'> = {}) {
    super(message, {code: 'auth', ...options, exitCode: ExitCode.Auth})
    this.name = 'AuthError'
  }
}

/** Details of a failed Descope API call, as the server reported it. */
export interface DescopeApiErrorDetails {
  status?: number
  errorCode?: string
  errorDescription?: string
  errorMessage?: string
  method: string
  path: string
  /** Seconds, from the `Retry-After` header of a 429. */
  retryAfter?: number
  /** How many times the request was retried before this error. */
  retryCount?: number
  requestId?: string
  /** Milliseconds from the first attempt to the failure, retries and their waits included. */
  durationMs?: number
  /** Node/got error code of a network failure (ECONNREFUSED, ETIMEDOUT…); absent for HTTP errors. */
  networkCode?: string
}

/**
 * A Descope API call failed after retries. 401/403 map to exit code 4, everything else to 5.
 * The message never contains request headers, so it cannot leak the management key.
 */
export class DescopeApiError extends CliError {
  readonly details: DescopeApiErrorDetails

  constructor(message: string, details: DescopeApiErrorDetails, options: Omit<CliErrorOptions, 'exitCode'> = {}) {
    const auth = details.status === 401 || details.status === 403
    super(message, {
      code: details.errorCode ?? (details.status ? `http_${details.status}` : 'network'),
      ...options,
      exitCode: auth ? ExitCode.Auth : ExitCode.Api,
    })
    this.name = 'DescopeApiError'
    this.details = details
  }

  get status(): number | undefined {
    return this.details.status
  }

  get errorCode(): string | undefined {
    return this.details.errorCode
  }

  override toJSON(): Record<string, unknown> {
    return {...super.toJSON(), request: `${this.details.method} ${this.details.path}`, ...this.details}
  }
}
