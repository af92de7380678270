import {spawn} from 'node:child_process'
import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
export const builtCli = path.join(repoRoot, 'bin', 'run.js')

export interface CliResult {
  code: number | null
  stdout: string
  stderr: string
}

export interface CliRunOptions {
  cwd?: string
  env?: Record<string, string | undefined>
  input?: string
  timeoutMs?: number
}

/** A temporary HOME with XDG folders, so a test never touches the developer's own files. */
export async function makeTempHome(): Promise<{dir: string; env: Record<string, string>; cleanup(): Promise<void>}> {
  const dir = await mkdtemp(path.join(tmpdir(), 'descope-mgmt-test-'))
  return {
    async cleanup() {
      await rm(dir, {force: true, recursive: true})
    },
    dir,
    env: {
      HOME: dir,
      XDG_CACHE_HOME: path.join(dir, 'cache'),
      XDG_CONFIG_HOME: path.join(dir, 'config'),
      XDG_DATA_HOME: path.join(dir, 'data'),
    },
  }
}

/** Runs the built CLI (`bin/run.js`) as a child process, the way a user would. */
export function runCli(args: string[], options: CliRunOptions = {}): Promise<CliResult> {
  const env: Record<string, string | undefined> = {
    ...process.env, CI: 'true', FORCE_COLOR: '0', NO_COLOR: '1', ...options.env,
  }
  for (const name of ['DESCOPE_PROJECT_ID', 'DESCOPE_MANAGEMENT_KEY', 'DESCOPE_BASE_URL', 'DESCOPE_MGMT_ENVIRONMENT']) {
    if (!options.env || !(name in options.env)) delete env[name]
  }

  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [builtCli, ...args], {cwd: options.cwd ?? repoRoot, env, stdio: 'pipe'})
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString()
    })
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
    })
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000)
    child.on('error', reject)
    child.on('close', code => {
      clearTimeout(timer)
      resolve({code, stderr, stdout})
    })
    child.stdin.end(options.input ?? '')
  })
}
