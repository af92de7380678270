import type {CacheAdmin} from '@descope-mgmt/shared/services'

import {Flags} from '@oclif/core'

import {CacheCommand, configFlag, environmentFlag} from '../../lib/command.js'

interface ClearResult {
  removed: number
  scope: 'all' | 'project'
  projectId?: string
  baseUrl?: string
  environment?: string
  store: CacheAdmin['settings']['store']
}

export default class CacheClear extends CacheCommand {
  static override description = [
    'With -e (or the project of DESCOPE_PROJECT_ID / --project-id), removes the cached answers of that project only,',
    'for every management key; its cached reads are also invalidated for processes running meanwhile. With --all, empties',
    'the whole cache (every project; with a shared redis store, every descope-mgmt key on that server).',
    'Clearing is never needed for correctness: changes made with descope-mgmt invalidate what they affect. Clear after',
    'changes made elsewhere (the console, another tool) when you cannot wait for the TTL, or use --no-cache once.',
  ].join('\n')
  static override examples = [
    {command: '<%= config.bin %> <%= command.id %> -e staging', description: 'Forget what is cached for the staging project.'},
    {command: '<%= config.bin %> <%= command.id %> --all', description: 'Empty the whole cache.'},
    {command: '<%= config.bin %> <%= command.id %> --all --json', description: 'The same, with the number of entries removed as JSON.'},
  ]
  static override flags = {
    all: Flags.boolean({description: 'Clear every project\'s cached answers.', exclusive: ['environment', 'project-id']}),
    'base-url': Flags.string({description: 'Descope API base URL of the project to clear; overrides the environment.', helpGroup: 'GLOBAL'}),
    config: configFlag,
    environment: environmentFlag,
    'project-id': Flags.string({description: 'Project id to clear; overrides the environment and DESCOPE_PROJECT_ID.', helpGroup: 'GLOBAL'}),
  }
  static override summary = 'Remove cached answers of one project, or all of them.'

  async run(): Promise<ClearResult> {
    const {flags} = await this.parse(CacheClear)
    const services = await this.services()
    const admin = await services.cacheAdmin({config: this.config, configFile: flags.config})
    try {
      if (flags.all) {
        const {removed, usable} = await admin.clear()
        if (!usable) this.warn('The cache store could not be read; nothing was removed.')
        const result: ClearResult = {removed, scope: 'all', store: admin.settings.store}
        if (!this.jsonEnabled()) this.log(`Removed ${removed} cached ${removed === 1 ? 'answer' : 'answers'} (every project).`)
        return result
      }

      if (!flags.environment && !flags['project-id'] && !process.env.DESCOPE_PROJECT_ID) {
        throw Object.assign(new Error('Say what to clear: -e ENVIRONMENT (or --project-id) for one project, or --all.'), {
          exitCode: 3,
          hint: 'See `cache clear --help`.',
        })
      }

      const connection = await services.connect({
        config: this.config,
        flags: {
          baseUrl: flags['base-url'], config: flags.config, environment: flags.environment, projectId: flags['project-id'],
        },
        onSecret: secret => this.secrets.push(secret),
      })
      try {
        const {removed} = connection.emulator ? {removed: 0} : await admin.clear({baseUrl: connection.baseUrl, projectId: connection.projectId})
        const where = connection.environmentName ? ` (environment "${connection.environmentName}")` : ''
        if (!this.jsonEnabled()) {
          this.log(connection.emulator
            ? `Nothing to clear: the embedded emulator${where} is never cached.`
            : `Removed ${removed} cached ${removed === 1 ? 'answer' : 'answers'} of project ${connection.projectId}${where}.`)
        }

        return {
          baseUrl: connection.baseUrl,
          environment: connection.environmentName,
          projectId: connection.projectId,
          removed,
          scope: 'project',
          store: admin.settings.store,
        }
      } finally {
        await connection.close()
      }
    } finally {
      await admin.close()
    }
  }
}
