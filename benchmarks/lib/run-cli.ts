import {type ChildProcessWithoutNullStreams, spawn} from 'node:child_process'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
const cli = path.join(repoRoot, 'bin', 'run.js')

export interface Run {
  ms: number
  /** The exit code; null when a signal ended the process (see `signal`). */
  code: null | number
  signal?: NodeJS.Signals | null
  stdout: string
  stderr: string
}

export interface Started {
  child: ChildProcessWithoutNullStreams
  /** Resolves when the process has exited. */
  done: Promise<Run>
  /** stdout so far. */
  stdout(): string
}

/**
 * Starts the built CLI without waiting for it, so a scenario can signal it. The shell's Descope
 * variables are dropped; `env` (a temporary HOME and what the scenario needs) is all the child
 * sees of Descope.
 */
export function startCli(args: string[], env: Record<string, string>): Started {
  const started = process.hrtime.bigint()
  const inherited: Record<string, string | undefined> = {...process.env}
  for (const name of ['DESCOPE_PROJECT_ID', 'DESCOPE_MANAGEMENT_KEY', 'DESCOPE_BASE_URL', 'DESCOPE_MGMT_ENVIRONMENT']) delete inherited[name]
  const child = spawn(process.execPath, [cli, ...args], {
    cwd: env.HOME,
    env: {
      ...inherited, ...env, CI: 'true', NO_COLOR: '1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  }) as unknown as ChildProcessWithoutNullStreams
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString()
  })
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  const done = new Promise<Run>((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code, signal) => resolve({
      code, ms: Number(process.hrtime.bigint() - started) / 1e6, signal, stderr, stdout,
    }))
  })
  return {child, done, stdout: () => stdout}
}

/** Runs the built CLI once and times the whole process (see startCli). */
export function runCli(args: string[], env: Record<string, string>): Promise<Run> {
  return startCli(args, env).done
}
