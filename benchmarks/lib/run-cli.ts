import {spawn} from 'node:child_process'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
const cli = path.join(repoRoot, 'bin', 'run.js')

export interface Run {
  ms: number
  code: null | number
  stdout: string
  stderr: string
}

/**
 * Runs the built CLI once and times the whole process. The shell's Descope variables are dropped;
 * `env` (a temporary HOME and what the scenario needs) is all the child sees of Descope.
 */
export function runCli(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint()
    const inherited: Record<string, string | undefined> = {...process.env}
    for (const name of ['DESCOPE_PROJECT_ID', 'DESCOPE_MANAGEMENT_KEY', 'DESCOPE_BASE_URL', 'DESCOPE_MGMT_ENVIRONMENT']) delete inherited[name]
    const child = spawn(process.execPath, [cli, ...args], {
      cwd: env.HOME,
      env: {
        ...inherited, ...env, CI: 'true', NO_COLOR: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString()
    })
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
    })
    child.on('error', reject)
    child.on('close', code => resolve({
      code, ms: Number(process.hrtime.bigint() - started) / 1e6, stderr, stdout,
    }))
  })
}
