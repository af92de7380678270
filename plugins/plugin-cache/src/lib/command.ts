import {type HostError, hostServices, type PluginServices} from '@descope-mgmt/shared/services'
import {suggestFlags} from '@descope-mgmt/shared/suggest'
import {Command, Errors, Flags} from '@oclif/core'

/** descope-mgmt's exit code for invalid input (oclif uses 2 for parse errors). */
const INVALID_INPUT = 3

/** Flags shared with the host's commands, so `-c` and `-e` mean the same everywhere. */
export const configFlag = Flags.string({
  char: 'c',
  description: 'Path of the configuration file (default: descope.yaml or another file found from here up).',
  helpGroup: 'GLOBAL',
})

export const environmentFlag = Flags.string({
  char: 'e',
  description: 'Environment of the configuration (env var DESCOPE_MGMT_ENVIRONMENT).',
  env: 'DESCOPE_MGMT_ENVIRONMENT',
  helpGroup: 'GLOBAL',
})

/** The base of the cache commands: host services, secrets kept out of output, descope-mgmt's exit codes. */
export abstract class CacheCommand extends Command {
  static override enableJsonFlag = true
  protected readonly secrets: string[] = []

  override async catch(error: HostError & {oclif?: {exit?: number}}): Promise<unknown> {
    if (error instanceof Errors.ExitError) throw error
    let exitCode = error.exitCode ?? error.oclif?.exit ?? 1
    let {hint} = error
    // oclif's own parse errors (unknown flag, bad value) are invalid input; a mistyped flag gets the closest one.
    if (error instanceof Errors.CLIError && 'parse' in error) {
      exitCode = INVALID_INPUT
      const suggestions = suggestFlags(error.message, Object.keys({...this.ctor.flags, json: true}))
      hint = `${suggestions.length > 0 ? `Did you mean ${suggestions.join(' or ')}? ` : ''}See the command help with --help.`
    }

    const message = this.redact(error.message.replace(/\n?See more help with --help$/, ''))
    if (hint) hint = this.redact(hint)
    if (this.jsonEnabled()) {
      this.logJson({
        error: {
          code: error.code ?? 'error', exitCode, hint, message,
        },
      })
    } else {
      process.stderr.write(`Error: ${message}\n${hint ? `Hint: ${hint}\n` : ''}`)
    }

    const exit = Object.assign(new Errors.ExitError(exitCode), {skipOclifErrorHandling: true})
    exit.oclif = {exit: exitCode}
    throw exit
  }

  protected redact(text: string): string {
    let out = text
    for (const secret of this.secrets) if (secret.length >= 4) out = out.split(secret).join('***')
    return out
  }

  protected services(): Promise<PluginServices> {
    return hostServices(this.config)
  }
}

/** `1.2 MB`, `340 KB`, `12 B`. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`
  return `${bytes} B`
}

/** `45%`, or `-` before the first cached read. */
export function formatRatio(ratio: null | number): string {
  return ratio === null ? '-' : `${Math.round(ratio * 100)}%`
}

/** `3 min ago` from an ISO date. */
export function formatAge(iso: string | undefined, now = Date.now()): string {
  if (!iso) return '-'
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000))
  if (seconds < 60) return `${seconds} s ago`
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`
  if (seconds < 86_400) return `${Math.round(seconds / 3600)} h ago`
  return `${Math.round(seconds / 86_400)} d ago`
}
