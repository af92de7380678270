import {
  Command, Errors, Flags, type Interfaces,
} from '@oclif/core'

import type {DescopeClient, DescopeClientOptions} from './api/types.js'
import type {ApplyRunFlags, RunUi} from './apply/flow.js'

import {connect, type Connection} from './connection.js'
import {
  CliError, DescopeApiError, ExitCode, formatProblem, InputError,
} from './errors.js'
import {redactText} from './redact.js'
import {getServices} from './services.js'
import {suggestFlags} from './suggestions.js'

export type BaseFlags<T extends typeof Command> = Interfaces.InferredFlags<Omit<(typeof BaseCommand)['baseFlags'], keyof T['flags']> & T['flags']>
export type BaseArgs<T extends typeof Command> = Interfaces.InferredArgs<T['args']>

const GLOBAL = 'GLOBAL'

/**
 * The base of every command that talks to Descope: global flags, configuration and environment,
 * credentials, the embedded emulator, and one mapping from errors to messages and exit codes.
 */
export abstract class BaseCommand<T extends typeof Command> extends Command {
  static override baseFlags = {
    config: Flags.string({
      char: 'c',
      description: 'Path of the configuration file (default: descope.yaml or another file cosmiconfig finds from here up).',
      helpGroup: GLOBAL,
    }),
    environment: Flags.string({
      char: 'e',
      description: 'Environment of the configuration to use (env var DESCOPE_MGMT_ENVIRONMENT).',
      env: 'DESCOPE_MGMT_ENVIRONMENT',
      helpGroup: GLOBAL,
    }),
    'project-id': Flags.string({
      description: 'Descope project id; overrides the environment and DESCOPE_PROJECT_ID.',
      helpGroup: GLOBAL,
    }),
    'base-url': Flags.string({
      description: 'Descope API base URL; overrides the environment and DESCOPE_BASE_URL.',
      helpGroup: GLOBAL,
    }),
    'allow-host': Flags.string({
      description: 'Also send the management key to this host (a custom domain), besides Descope\'s API and loopback; repeatable (env var DESCOPE_MGMT_ALLOWED_HOSTS).',
      helpGroup: GLOBAL,
      multiple: true,
    }),
    'no-cache': Flags.boolean({
      description: 'Neither read nor store cached API answers (env var DESCOPE_MGMT_NO_CACHE=1); writes still invalidate the cache.',
      env: 'DESCOPE_MGMT_NO_CACHE',
      helpGroup: GLOBAL,
    }),
    'cache-ttl': Flags.string({
      description: 'How long cached reads stay fresh: seconds or 90s, 5m, 1h (default: cache.ttl, DESCOPE_MGMT_CACHE_TTL or 5m).',
      helpGroup: GLOBAL,
    }),
    verbose: Flags.boolean({
      description: 'When a Descope API call fails, also print its request id, retries and time taken.',
      helpGroup: GLOBAL,
    }),
  }
  /**
   * Whether reads may be answered from the cache (`use`) or must reach the API (`fresh`, still
   * storing what they fetch). Commands that must see live state (plan, apply) set `fresh` and
   * offer `--cached`; see `cacheMode()`.
   */
  static readCache: 'fresh' | 'use' = 'use'
  /** Retry policy of the client; undefined keeps the client's default (retries on 429, 5xx, network). */
  static clientRetry: DescopeClientOptions['retry'] = undefined
  static override enableJsonFlag = true
  protected args!: BaseArgs<T>
  protected flags!: BaseFlags<T>
  /** Connections opened by this command, by environment name ('' for none). */
  private readonly connections = new Map<string, Promise<Connection>>()
  /** Values that must never be printed: filled as soon as a key is known. */
  private readonly secrets: string[] = []

  override async catch(error: Error & {exitCode?: number; oclif?: {exit?: number}}): Promise<never> {
    // `this.exit(code)` is a deliberate exit (e.g. 2: changes pending), not a failure.
    if (error instanceof Errors.ExitError) throw error
    const cliError = toCliError(error, Object.keys({...(this.ctor as typeof BaseCommand).baseFlags, ...this.ctor.flags}))
    const message = this.redact(cliError.message)
    const hint = cliError.hint ? this.redact(cliError.hint) : undefined
    if (this.jsonEnabled()) {
      this.logJson({error: JSON.parse(this.redact(JSON.stringify(cliError.toJSON())))})
    } else {
      // --verbose is read from argv: the error may come from parsing the flags themselves.
      const request = cliError instanceof DescopeApiError && this.argv.includes('--verbose') ? `${this.redact(requestLine(cliError))}\n` : ''
      process.stderr.write(`Error: ${message}\n${request}${hint ? `Hint: ${hint}\n` : ''}`)
      if (process.env.DEBUG?.includes('descope-mgmt') && error.stack) process.stderr.write(`${this.redact(error.stack)}\n`)
    }

    // oclif prints errors itself and forgets our exit code in --json mode; skip both.
    const exit = Object.assign(new Errors.ExitError(cliError.exitCode), {skipOclifErrorHandling: true})
    exit.oclif = {exit: cliError.exitCode}
    throw exit
  }

  /** The connected client of the chosen project; starts the embedded emulator when configured. */
  protected async client(): Promise<DescopeClient> {
    const connection = await this.connect()
    return connection.client
  }

  /** Asks for confirmation on a TTY; without one, `--yes` is required. */
  protected async confirm(question: string, yes: boolean | undefined): Promise<void> {
    if (yes) return
    if (!process.stdin.isTTY || !process.stdout.isTTY) {
      throw new InputError('Refusing to continue without confirmation: stdin is not a terminal.', {
        hint: 'Add --yes to confirm non-interactively.',
      })
    }

    const {confirm} = await import('@inquirer/prompts')
    if (!(await confirm({default: false, message: question}))) {
      throw new CliError('Cancelled; nothing was changed.', {code: 'cancelled', exitCode: ExitCode.Interrupted})
    }
  }

  /** Connects to the environment of `-e` (or to another one, for commands that compare environments). */
  protected connect(environment?: string): Promise<Connection> {
    // A command may redefine a global flag (plan, apply and drift make -e repeatable): read them as declared here.
    const flags = this.flags as Interfaces.InferredFlags<(typeof BaseCommand)['baseFlags']>
    environment ??= flags.environment
    const key = environment ?? ''
    let connection = this.connections.get(key)
    if (!connection) {
      connection = connect({
        config: this.config,
        flags: {
          allowHost: flags['allow-host'],
          baseUrl: flags['base-url'],
          config: flags.config,
          environment,
          projectId: flags['project-id'],
        },
        cache: {
          mode: this.cacheMode(), noCache: flags['no-cache'], ttl: flags['cache-ttl'], warn: message => this.warn(message),
        },
        onSecret: secret => this.secrets.push(secret),
        onWarning: warning => this.warn(formatProblem(warning)),
        retry: (this.ctor as unknown as typeof BaseCommand).clientRetry,
        services: getServices(),
      })
      this.connections.set(key, connection)
    }

    return connection
  }

  /** `use` or `fresh` (see `readCache`); a `--cached` flag of the command turns `fresh` into `use`. */
  protected cacheMode(): 'fresh' | 'use' {
    const {readCache} = this.ctor as unknown as typeof BaseCommand
    return readCache === 'fresh' && (this.flags as Record<string, unknown>).cached !== true ? 'fresh' : 'use'
  }

  /** What a one-change write (src/lib/apply/single.ts) needs from the command: the target, --json, --backup-dir, --lock-wait and the user. */
  /** The flags of a plan-and-apply run (apply, tenant sync), read from this command's parsed flags. */
  protected applyRunFlags(color: boolean): ApplyRunFlags {
    const flags = this.flags as Record<string, unknown>
    return {
      allowProtected: flags['allow-protected'] === true,
      backupDir: flags['backup-dir'] as string | undefined,
      color,
      continueOnError: flags['continue-on-error'] === true,
      json: this.jsonEnabled(),
      lockWaitMs: flags['lock-wait'] as number | undefined,
      prune: flags.prune === true,
      resume: flags.resume === true,
      yes: flags.yes === true,
    }
  }

  /** How the engine talks to the user through this command: prints, asks, redacts. */
  protected runUi(): RunUi {
    return {confirm: (question, yes) => this.confirm(question, yes), log: line => this.log(line), redact: text => this.redact(text)}
  }

  protected writeContext(connection: Connection): {
    connection: Connection
    config: Command['config']
    json: boolean
    backupDir?: string
    lockWaitMs?: number
    ui: RunUi
  } {
    return {
      backupDir: (this.flags as Record<string, unknown>)['backup-dir'] as string | undefined,
      lockWaitMs: (this.flags as Record<string, unknown>)['lock-wait'] as number | undefined,
      config: this.config,
      connection,
      json: this.jsonEnabled(),
      ui: this.runUi(),
    }
  }

  /** Prints the JSON result (in --json mode) and exits with the code, e.g. 2 when changes are pending. */
  protected exitWith(code: number, json?: unknown): never {
    if (json !== undefined && this.jsonEnabled()) this.logJson(json)
    this.exit(code)
  }

  protected override async finally(error: Error | undefined): Promise<unknown> {
    const opened = await Promise.allSettled(this.connections.values())
    await Promise.all(opened.map(result => (result.status === 'fulfilled' ? result.value.close() : undefined)))
    return super.finally(error)
  }

  public override async init(): Promise<void> {
    await super.init()
    const {args, flags} = await this.parse({
      args: this.ctor.args,
      baseFlags: (super.ctor as typeof BaseCommand).baseFlags,
      enableJsonFlag: this.ctor.enableJsonFlag,
      flags: this.ctor.flags,
      strict: this.ctor.strict,
    })
    this.flags = flags as BaseFlags<T>
    this.args = args as BaseArgs<T>
  }

  override log(message = '', ...args: unknown[]): void {
    super.log(this.redact(message), ...args)
  }

  /** Pretty JSON, uncoloured: oclif's colouriser tokenises the text and costs ~100x its size in memory. */
  override logJson(json: unknown): void {
    process.stdout.write(`${this.redact(JSON.stringify(json, null, 2))}\n`)
  }

  /** Replaces every known secret in text with its redacted form. */
  protected redact(text: string): string {
    return redactText(text, this.secrets)
  }
}

/** The request behind an API error, for --verbose: what was sent, the answer, its request id, the retries and the time. */
export function requestLine(error: DescopeApiError): string {
  const {details} = error
  const parts = [
    `${details.method} ${details.path}`,
    details.status === undefined ? details.networkCode ?? 'no answer' : `HTTP ${details.status}${details.errorCode ? ` ${details.errorCode}` : ''}`,
    `request id ${details.requestId ?? 'none'}`,
    `${details.retryCount ?? 0} ${details.retryCount === 1 ? 'retry' : 'retries'}`,
    ...(details.durationMs === undefined ? [] : [`${details.durationMs} ms`]),
  ]
  return `Request: ${parts.join(', ')}`
}

/** Maps anything thrown to a CliError with the documented exit code. */
export function toCliError(error: Error & {oclif?: {exit?: number}}, flagNames: string[] = []): CliError {
  if (error instanceof CliError) {
    // oclif wraps what a flag's own parser throws: "Parsing --flag \n\t<message>\nSee more help with --help".
    const wrapped = /^Parsing --[\w-]+ \n\t([\s\S]*)\nSee more help with --help$/.exec(error.message)
    if (wrapped) error.message = wrapped[1]
    return error
  }

  if (error.name === 'ExitPromptError' || error.message === 'SIGINT') {
    return new CliError('Interrupted; nothing more was changed.', {code: 'interrupted', exitCode: ExitCode.Interrupted})
  }

  // oclif's own parse errors (unknown flag, missing argument, bad option) are invalid input.
  if (error instanceof Errors.CLIError) {
    // Mistyped flags: suggest the closest ones the command has.
    const suggestions = suggestFlags(error.message, flagNames)
    return new InputError(error.message.replace(/\n?See more help with --help$/, ''), {
      hint: `${suggestions.length > 0 ? `Did you mean ${suggestions.join(' or ')}? ` : ''}See the command help with --help.`,
    })
  }

  return new CliError(`Unexpected error: ${error.message}`, {
    cause: error,
    hint: 'Run again with DEBUG=descope-mgmt* for details, and report it if it persists.',
  })
}
