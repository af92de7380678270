/**
 * A real redis-server for the tests that need one: DESCOPE_MGMT_TEST_REDIS_URL when set, else one
 * started here on a free loopback port when `redis-server` is on PATH. Without either the suite is
 * pending, with one line saying how to run it; DESCOPE_MGMT_TEST_REQUIRE_REDIS=1 (set by .ci/run)
 * turns that into a failure, so CI never passes without running them.
 */
import {type ChildProcess, spawn, spawnSync} from 'node:child_process'
import {once} from 'node:events'
import {createServer, Socket} from 'node:net'

export const HOW_TO_RUN_REDIS_TESTS = 'install redis-server (apt-get install redis-server) or set DESCOPE_MGMT_TEST_REDIS_URL=redis://host:port'

export async function freePort(): Promise<number> {
  const server = createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const {port} = server.address() as {port: number}
  server.close()
  await once(server, 'close')
  return port
}

export async function waitForPort(port: number, deadlineMs: number): Promise<void> {
  const deadline = Date.now() + deadlineMs
  for (;;) {
    const socket = new Socket()
    try {
      socket.connect(port, '127.0.0.1')
      await once(socket, 'connect')
      socket.destroy()
      return
    } catch (error) {
      socket.destroy()
      if (Date.now() > deadline) throw error
      await new Promise(resolve => {
        setTimeout(resolve, 50)
      })
    }
  }
}

export interface RedisServer {
  url: string
  /** Stops the server this helper started (a no-op for DESCOPE_MGMT_TEST_REDIS_URL). */
  stop(): Promise<void>
}

export function redisServerInstalled(): boolean {
  return !spawnSync('redis-server', ['--version'], {encoding: 'utf8'}).error
}

export interface RedisServerOptions {
  /** Default: a free one. A stopped server can be started again on its port. */
  port?: number
  /** Makes the server require it (`requirepass`); the URL then carries it. */
  password?: string
}

/** Starts a throwaway redis-server on a loopback port (a free one unless given), with no persistence. */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const port = options.port ?? await freePort()
  const auth = options.password === undefined ? [] : ['--requirepass', options.password]
  const server: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...auth], {stdio: 'ignore'})
  await waitForPort(port, 10_000)
  return {
    async stop() {
      if (server.exitCode === null && server.signalCode === null) {
        server.kill('SIGTERM')
        await once(server, 'exit')
      }
    },
    url: `redis://${options.password === undefined ? '' : `:${encodeURIComponent(options.password)}@`}127.0.0.1:${port}`,
  }
}

/**
 * For a `before` hook: the redis server to use, or the suite marked pending (this.skip) with one
 * line on how to run it. Throws instead when DESCOPE_MGMT_TEST_REQUIRE_REDIS is set. With
 * `ownServer`, always a redis-server started here (DESCOPE_MGMT_TEST_REDIS_URL is not enough).
 */
export async function redisForTests(context: {skip(): never}, suite: string, options: {ownServer?: RedisServerOptions} = {}): Promise<RedisServer> {
  const given = process.env.DESCOPE_MGMT_TEST_REDIS_URL
  // A suite that stops and restarts its server, or needs a password, starts its own.
  if (given && !options.ownServer) return {async stop() {}, url: given}
  if (redisServerInstalled()) return startRedisServer(options.ownServer)
  if (process.env.DESCOPE_MGMT_TEST_REQUIRE_REDIS) {
    throw new Error(`redis-server is not installed and DESCOPE_MGMT_TEST_REQUIRE_REDIS is set: ${HOW_TO_RUN_REDIS_TESTS}.`)
  }

  console.log(`      pending: ${suite} needs redis-server; to run it, ${HOW_TO_RUN_REDIS_TESTS}.`)
  // eslint-disable-next-line mocha/no-skipped-tests -- pending by design where redis-server is absent (see the header)
  context.skip()
}
