import {Command, Flags} from '@oclif/core'

import {
  type ErrorStyle, errorStyles, formatFault, optimizeForLongRun, type RateLimitScope, type RunningEmulator, startEmulator,
} from '../../index.js'
import {redactKey} from '../../lib/secrets.js'

/** descope-mgmt's exit code for invalid input or configuration. */
const invalidInputExit = 3

function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host)
}

/** A value as a shell word: bare when it is plainly safe, single-quoted otherwise. */
function shellWord(value: string): string {
  return /^[\w%+,./:@-]+$/.test(value) ? value : `'${value.replaceAll("'", String.raw`'\''`)}'`
}

export default class EmulatorStart extends Command {
  static override description = [
    'Runs until Ctrl-C (SIGINT) or SIGTERM, then writes any pending state and exits 0.',
    '',
    'Prints `export` lines for DESCOPE_BASE_URL, DESCOPE_PROJECT_ID and DESCOPE_MANAGEMENT_KEY on stdout (the key is the',
    "emulator's own local key), and a summary on stderr. Latency, rate limits and faults can be set here, in a seed file, or",
    'at run time through the admin API under /emulator/ (loopback only). With --data the state is kept in a folder and',
    'loaded again on the next start. Invalid flags, a bad seed file or a port in use exit with code 3.',
    '',
    'A missing or duplicate tenant, role, permission or flow is answered as Descope most likely does',
    '(--error-style descope): HTTP 400 with a code and a text such as "Tenant not found". --error-style rest',
    'answers 404 and 409 instead. An unknown route answers 404 with a text about the route in both styles.',
  ].join('\n')
  static override examples = [
    {command: '<%= config.bin %> <%= command.id %>', description: 'Run on 127.0.0.1:4280 with one project, in memory, holding what Descope puts in a new project.'},
    {command: '<%= config.bin %> <%= command.id %> --new-projects empty', description: 'Start from a bare project: no built-in roles, permissions or flows.'},
    {
      command: '<%= config.bin %> <%= command.id %> --port 0 > emulator.env &',
      description: 'Run in the background on a free port; once emulator.env has its three export lines, `source emulator.env` points this shell at it.',
    },
    {command: '<%= config.bin %> <%= command.id %> --data .descope-emulator --seed seed.yaml', description: 'Keep the state in a folder; create the seed projects that do not exist there yet.'},
    {command: '<%= config.bin %> <%= command.id %> --error-style rest', description: 'Answer a missing entity with 404 and a duplicate with 409 instead of 400.'},
    {command: '<%= config.bin %> <%= command.id %> --latency 20-80ms --rate-limit 200/60s', description: 'Behave like a remote API: 20-80 ms per call and 429 beyond 200 calls a minute.'},
    {command: '<%= config.bin %> <%= command.id %> --rate-limit off', description: 'No rate limit at all (the default is Descope\'s 100 requests a minute with a 60 s backoff).'},
    {
      command: "<%= config.bin %> <%= command.id %> --fault '503:POST /v1/mgmt/tenant/create:3' --fault 'reset:*:p=0.05'",
      description: 'Fail the next 3 tenant creations with 503, and drop 5% of all connections.',
    },
  ]
  static override flags = {
    'allow-remote': Flags.boolean({description: 'Allow a --host that is not loopback (the API then answers the network; the admin API still answers loopback only).'}),
    'error-style': Flags.string({
      default: 'descope',
      description: 'How a missing or duplicate entity is answered: descope = HTTP 400 with a code and a text ("Tenant not found"), rest = 404 and 409.',
      options: [...errorStyles],
    }),
    data: Flags.directory({description: 'Folder for the state: one JSON file per project (mode 0600), loaded at start and written as it changes.'}),
    fault: Flags.string({
      description: [
        'Inject a fault: ACTION:ROUTE[:WHEN]; repeat for several.',
        'ACTION: a status (400-599), reset, or slow=DURATION. ROUTE: *, a path, or "METHOD path", with a trailing * for a prefix.',
        'WHEN: N (only the next N requests), p=PROBABILITY, project=ID, comma-separated.',
      ].join(' '),
      multiple: true,
    }),
    host: Flags.string({default: '127.0.0.1', description: 'Interface to listen on; loopback unless --allow-remote.'}),
    latency: Flags.string({description: 'Delay before each response: fixed (50ms) or a range (20-80ms).'}),
    port: Flags.integer({
      default: 4280, description: 'Port to listen on; 0 picks a free one.', max: 65_535, min: 0,
    }),
    'new-projects': Flags.string({
      description: [
        'What a new project holds: descope (what Descope puts in every new project: the Tenant Admin role,',
        'the User Admin, SSO Admin and Impersonate permissions, the default flows) or empty.',
      ].join(' '),
      options: ['descope', 'empty'],
    }),
    'rate-limit': Flags.string({
      description: [
        'Requests allowed per sliding window, e.g. 200/60s, optionally with a backoff: 100/60s,backoff=60s (once exceeded, every request',
        "is refused for that long); beyond it, 429 with Retry-After; off for none. Default: Descope's documented 100/60s,backoff=60s.",
      ].join(' '),
    }),
    'rate-limit-scope': Flags.string({
      default: 'ip',
      description: 'What the rate limit counts together: ip (every request from one client address, as Descope does) or project.',
      options: ['ip', 'project'],
    }),
    'role-all-tenant-roles': Flags.boolean({
      description: 'Make GET /v1/mgmt/role/all also return tenant roles (undocumented in Descope; by default it returns project roles only).',
    }),
    seed: Flags.file({description: 'YAML or JSON seed file: projects (keys, tenants, roles, permissions, flows, theme) and knobs.', exists: true}),
    'tenant-update-keeps-auth-type': Flags.boolean({
      description: 'A tenant update without authType keeps the tenant\'s; by default it resets it to "none", like every field an update leaves out.',
    }),
  }
  static override summary = 'Run a local emulator of the Descope Management API.'

  async run(): Promise<void> {
    const {flags} = await this.parseOrExit()
    if (!isLoopbackHost(flags.host) && !flags['allow-remote']) {
      this.error(
        `Refusing to listen on ${flags.host}: the emulator accepts a well-known key and is meant for this machine only. `
        + 'Use --host 127.0.0.1, or add --allow-remote if other machines really must reach it.',
        {exit: invalidInputExit},
      )
    }

    optimizeForLongRun()
    const emulator = await this.start({
      dataDir: flags.data,
      errorStyle: flags['error-style'] as ErrorStyle,
      faults: flags.fault,
      host: flags.host,
      latency: flags.latency,
      newProjects: flags['new-projects'] as 'descope' | 'empty' | undefined,
      port: flags.port,
      rateLimit: flags['rate-limit'],
      rateLimitScope: flags['rate-limit-scope'] as RateLimitScope,
      seed: flags.seed,
      behaviour: {
        ...(flags['role-all-tenant-roles'] ? {roleAllIncludesTenantRoles: true} : {}),
        ...(flags['tenant-update-keeps-auth-type'] ? {tenantUpdateKeepsAuthType: true} : {}),
      },
    })
    // Listening before the announcement: a Ctrl-C right after the export lines must stop it cleanly.
    // The listeners stay registered until the process ends: a state write in flight (write-file-atomic,
    // through signal-exit) re-raises a signal that no other listener handles, which would kill the
    // emulator before it writes its state.
    const stopSignal = new Promise<void>(resolve => {
      for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => resolve())
    })
    await this.announce(emulator, flags.data)

    await stopSignal
    process.stderr.write('Stopping the emulator…\n')
    await emulator.stop()
  }

  private async announce(emulator: RunningEmulator, dataDir: string | undefined): Promise<void> {
    const {projects} = emulator
    const main = projects.find(project => project.managementKey) ?? projects[0]
    this.log(`export DESCOPE_BASE_URL=${shellWord(emulator.url)}`)
    if (main) this.log(`export DESCOPE_PROJECT_ID=${shellWord(main.id)}`)
    if (main?.managementKey) this.log(`export DESCOPE_MANAGEMENT_KEY=${shellWord(main.managementKey)}`)

    const {knobs} = await emulator.admin.state()
    const lines = [
      `Descope Management API emulator listening on ${emulator.url}`,
      ...projects.map(project => `  project ${project.id}, key ${project.managementKey ? redactKey(project.managementKey) : '(set by the seed that created it)'}`),
      `  latency ${knobs.latency.global}, rate limit ${knobs.rateLimit.global} per ${knobs.rateLimit.scope === 'ip' ? 'client address' : 'project'},`
      + ` faults ${knobs.faults.map(fault => formatFault(fault)).join(' ') || 'none'}`,
      `  error style ${await emulator.admin.errorStyle()} (not found / already exists answer ${await emulator.admin.errorStyle() === 'rest' ? '404 / 409' : '400 with a code and a text'})`,
      `  state ${dataDir ? `persisted in ${dataDir}` : 'in memory only'}`,
      `  admin API ${emulator.url}/emulator/ (stats, requests, state, faults, latency, rate-limit, error-style, behaviour, reset, seed)`,
      'Press Ctrl-C to stop.',
    ]
    process.stderr.write(`${lines.join('\n')}\n`)
  }

  /** Parses the flags; oclif exits 1 or 2 on bad ones, descope-mgmt uses 3 for every kind of invalid input. */
  private async parseOrExit() {
    try {
      return await this.parse(EmulatorStart)
    } catch (error) {
      this.error((error as Error).message, {exit: invalidInputExit})
    }
  }

  /**
   * Starts the emulator. Any failure here is a problem with the flags or the files they name (a
   * knob that does not parse, a bad seed, a corrupt data folder, a taken port): exit 3.
   */
  private async start(options: Parameters<typeof startEmulator>[0]): Promise<RunningEmulator> {
    try {
      return await startEmulator(options)
    } catch (error) {
      const {code, message} = error as NodeJS.ErrnoException
      if (code === 'EADDRINUSE') {
        this.error(`Port ${options?.port} is already in use on ${options?.host}. Choose another port with --port, or --port 0 for a free one.`, {
          exit: invalidInputExit,
        })
      }

      this.error(message, {exit: invalidInputExit})
    }
  }
}
