/** The logic of `config validate` and `config schema`, kept apart from the command classes. */
import {writeFileAtomically} from '@descope-mgmt/shared/atomic-file'
import path from 'node:path'

import {type ConfigProblem, formatProblem} from '../errors.js'
import {inspectConfig, type LoadOptions} from './load.js'
import {renderJsonSchema} from './schema.js'

export interface ValidationReport {
  valid: boolean
  /** Absolute path of the file checked. */
  file: string
  /** The environment checked with `-e`, if any. */
  environment?: string
  problems: ConfigProblem[]
  warnings: ConfigProblem[]
  /** Entries per section: {tenants: 4, environments: 3}. */
  counts: Record<string, number>
}

/** Checks a configuration; throws only when there is no file to check (CliError, exit code 3). */
export async function validateConfigFile(options: LoadOptions = {}): Promise<ValidationReport & {displayFile: string}> {
  const inspection = await inspectConfig(options)
  return {
    counts: inspection.counts,
    displayFile: inspection.displayFile,
    ...(options.environment === undefined ? {} : {environment: options.environment}),
    file: inspection.file,
    problems: inspection.problems,
    valid: inspection.problems.length === 0,
    warnings: inspection.warnings,
  }
}

function plural(count: number, noun: string): string {
  return `${count} ${count === 1 ? noun.replace(/s$/, '') : noun}`
}

/** "4 tenants, 3 environments": resources first, then environments. */
export function summarizeCounts(counts: Record<string, number>): string {
  const names = [...Object.keys(counts).filter(name => name !== 'environments'), 'environments']
  return names.filter(name => name in counts).map(name => plural(counts[name], name)).join(', ')
}

/** The lines `config validate` prints: the verdict on stdout, problems and warnings on stderr. */
export function formatValidationReport(report: ValidationReport & {displayFile?: string}): {stdout: string[]; stderr: string[]} {
  const file = report.displayFile ?? report.file
  const warnings = report.warnings.map(warning => `warning: ${formatProblem(warning)}`)
  if (report.valid) {
    const scope = report.environment === undefined ? '' : ` for environment ${report.environment}`
    return {stderr: warnings, stdout: [`✓ ${file} is valid${scope}: ${summarizeCounts(report.counts)}`]}
  }

  return {
    stderr: [
      ...report.problems.map(problem => formatProblem(problem)),
      ...warnings,
      `✗ ${file} is invalid: ${plural(report.problems.length, 'problems')}${warnings.length > 0 ? `, ${plural(warnings.length, 'warnings')}` : ''}`,
    ],
    stdout: [],
  }
}

/** Writes the JSON Schema to a file (creating its folder); returns the absolute path. */
export async function writeJsonSchema(file: string, cwd = process.cwd()): Promise<string> {
  const absolute = path.resolve(cwd, file)
  // A schema is no project data: readable by others, like any file a project shares.
  await writeFileAtomically(absolute, renderJsonSchema(), {mode: 0o644})
  return absolute
}
