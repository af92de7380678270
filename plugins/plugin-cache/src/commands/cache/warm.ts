import {Flags} from '@oclif/core'

import {CacheCommand, configFlag, environmentFlag} from '../../lib/command.js'
import {WARM_TARGETS, warmOne, type WarmOutcome} from '../../lib/warm.js'

interface WarmResult {
  projectId: string
  environment?: string
  results: WarmOutcome[]
}

export default class CacheWarm extends CacheCommand {
  static override description = [
    'Fetches the tenants, roles, permissions, flow list and theme of a project and stores them in the cache, so that the',
    'next commands within the TTL start without waiting for Descope (for example before a demo, or at the start of a CI',
    'job that runs several read-only commands). Always reads live state, replacing what was cached. A read that fails',
    '(for example an endpoint your license does not include) is reported and the others go on; the exit code is then 6.',
  ].join('\n')
  static override examples = [
    {command: '<%= config.bin %> <%= command.id %> -e staging', description: 'Prefetch the staging project.'},
    {command: '<%= config.bin %> <%= command.id %> -e production --cache-ttl 15m', description: 'Prefetch, and keep the answers fresh for 15 minutes.'},
    {command: '<%= config.bin %> <%= command.id %> -e staging --json', description: 'What was fetched, how many items and how long each read took, as JSON.'},
  ]
  static override flags = {
    'base-url': Flags.string({description: 'Descope API base URL; overrides the environment and DESCOPE_BASE_URL.', helpGroup: 'GLOBAL'}),
    'cache-ttl': Flags.string({description: 'How long the prefetched answers stay fresh: seconds or 90s, 5m, 1h (default: cache.ttl or 5m).', helpGroup: 'GLOBAL'}),
    config: configFlag,
    environment: environmentFlag,
    'project-id': Flags.string({description: 'Descope project id; overrides the environment and DESCOPE_PROJECT_ID.', helpGroup: 'GLOBAL'}),
  }
  static override summary = 'Prefetch a project\'s tenants, roles, permissions, flows and theme into the cache.'

  async run(): Promise<WarmResult> {
    const {flags} = await this.parse(CacheWarm)
    const services = await this.services()
    const connection = await services.connect({
      cache: {mode: 'fresh', ttl: flags['cache-ttl'], warn: message => this.warn(message)},
      config: this.config,
      flags: {
        baseUrl: flags['base-url'], config: flags.config, environment: flags.environment, projectId: flags['project-id'],
      },
      onSecret: secret => this.secrets.push(secret),
    })
    const results: WarmOutcome[] = []
    try {
      const {Listr} = await import('listr2')
      const tasks = new Listr(
        WARM_TARGETS.map(target => ({
          async task(_context: unknown, task: {title: string}) {
            const outcome = await warmOne(connection.client, target)
            results.push(outcome)
            const items = outcome.items === undefined ? '' : ` ${outcome.items}`
            if (!outcome.ok) throw new Error(`${target.name}: ${outcome.error}`)
            task.title = `Cached${items} ${target.name} (${outcome.ms} ms)`
          },
          title: `Fetching ${target.name}`,
        })),
        {
          concurrent: true,
          exitOnError: false,
          fallbackRendererCondition: () => Boolean(process.env.CI) || !process.stderr.isTTY,
          rendererOptions: {collapseErrors: false},
          silentRendererCondition: () => this.jsonEnabled(),
        },
      )
      await tasks.run()
    } finally {
      await connection.close()
    }

    results.sort((a, b) => WARM_TARGETS.findIndex(t => t.name === a.name) - WARM_TARGETS.findIndex(t => t.name === b.name))
    const failed = results.filter(result => !result.ok)
    const result: WarmResult = {environment: connection.environmentName, projectId: connection.projectId, results}
    if (!this.jsonEnabled()) {
      const where = connection.environmentName ? ` (environment "${connection.environmentName}")` : ''
      this.log(`Warmed ${results.length - failed.length} of ${results.length} reads of project ${connection.projectId}${where}.`)
    }

    if (failed.length > 0) {
      if (this.jsonEnabled()) this.logJson(result)
      this.exit(6)
    }

    return result
  }
}
