/** Which environments a command runs in: `-e a -e b`, `-e a,b` or `--all-environments`. */
import type {LoadedConfig} from '../config/load.js'

import {ConfigError, InputError} from '../errors.js'

/** The names given with `-e` (repeated and/or comma-separated, or DESCOPE_MGMT_ENVIRONMENT), in order, once each. */
export function environmentNames(flag?: readonly string[] | string): string[] {
  const values = flag === undefined ? [] : (typeof flag === 'string' ? [flag] : flag)
  const names = values.flatMap(value => value.split(',')).map(name => name.trim())
  if (names.includes('')) {
    throw new InputError(`-e got an empty environment name in "${values.join(',')}".`, {hint: 'Give names separated by commas without blanks, e.g. -e staging,production, or repeat -e.'})
  }

  return [...new Set(names)]
}

export interface EnvironmentSelection {
  /** The environments to run in; one undefined entry: the default (single) environment. */
  names: Array<string | undefined>
  /** Whether the command runs across environments (several names, or --all-environments). */
  multiple: boolean
}

/**
 * Several environments (or `--all-environments`) run across environments; one name or none keeps
 * the single-environment behaviour. Every name is checked before anything runs, so a typo never
 * leaves the other environments half-done.
 */
export async function selectEnvironments(
  options: {flag: readonly string[] | string | undefined; all: boolean},
  loadConfig: () => Promise<LoadedConfig>,
): Promise<EnvironmentSelection> {
  const requested = environmentNames(options.flag)
  if (!options.all && requested.length <= 1) return {multiple: false, names: [requested[0]]}
  const loaded = await loadConfig()
  const defined = Object.keys(loaded.config.environments)
  if (options.all) return {multiple: true, names: defined}
  const unknown = requested.filter(name => !defined.includes(name))
  if (unknown.length > 0) {
    throw new ConfigError(unknown.map(name => ({
      file: loaded.file, hint: `defined: ${defined.join(', ')}`, message: `environment "${name}" is not defined`, path: 'environments',
    })))
  }

  return {multiple: true, names: requested}
}
