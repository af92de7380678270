/* eslint-disable no-template-curly-in-string -- the written configuration reads the key from ${DESCOPE_MANAGEMENT_KEY} */
import {Flags} from '@oclif/core'
import {existsSync} from 'node:fs'
import path from 'node:path'

import {BaseCommand} from '../lib/base-command.js'
import {InputError} from '../lib/errors.js'

export interface InitResult {
  file: string
  fromLive: boolean
  environment: string
  counts: {tenants: number; permissions: number; roles: number; flows?: number; theme?: number}
  /** Flow and theme files written beside the configuration. */
  files?: string[]
}

export default class Init extends BaseCommand<typeof Init> {
  static override description = [
    'Without --from-live, writes a commented starter configuration: the schema comment for editors, the "local" environment (the embedded emulator) and one example tenant. It validates as is.',
    'With --from-live, reads the live project (fresh, never from the cache) and writes its tenants, permissions and roles as configuration,'
    + ' with the environment it read from, so that `plan` right after shows no changes. This is how a team adopts the tool on an existing project.'
    + ' The project id is written as is; the management key never: the file reads it from ${DESCOPE_MANAGEMENT_KEY}.'
    + ' The flows and the theme go beside it, as flows/<id>.json and theme.json in the format of `flow export` and `theme export`.',
    'The project is the one of -e in an existing configuration, else the one of --project-id/--base-url or DESCOPE_PROJECT_ID,'
    + ' DESCOPE_MANAGEMENT_KEY and DESCOPE_BASE_URL; -e then names the environment written (default: "default").',
    'An existing file is never overwritten without --force. The file is written atomically with mode 0600.',
  ].join('\n\n')
  static override examples = [
    {command: '<%= config.bin %> <%= command.id %>', description: 'Write a starter descope.yaml for the embedded emulator, then try `descope-mgmt plan -e local`.'},
    {
      command: 'DESCOPE_PROJECT_ID=P2... DESCOPE_MANAGEMENT_KEY=K2... <%= config.bin %> <%= command.id %> --from-live -e production',
      description: 'Import an existing project as the environment "production" (the equivalent of terraform import).',
    },
    {
      command: '<%= config.bin %> <%= command.id %> --from-live -e staging --out staging.yaml',
      description: 'Import the project of the environment "staging" of the existing configuration into another file.',
    },
    {command: '<%= config.bin %> <%= command.id %> --from-live -e local --force', description: 'Rewrite descope.yaml from the embedded emulator\'s current state (careful: replaces the file).'},
  ]
  static override flags = {
    force: Flags.boolean({description: 'Overwrite the output file if it exists.'}),
    'from-live': Flags.boolean({description: 'Read the tenants, permissions and roles of the live project instead of writing a starter.'}),
    out: Flags.string({char: 'o', default: 'descope.yaml', description: 'File to write.'}),
  }
  static override readCache: 'fresh' | 'use' = 'fresh'
  static override summary = 'Write a starter configuration, or one from a live project.'

  async run(): Promise<InitResult> {
    const file = path.resolve(this.flags.out)
    if (existsSync(file) && !this.flags.force) {
      throw new InputError(`${this.flags.out} already exists; init did not change it.`, {
        code: 'file_exists',
        hint: 'Add --force to overwrite it, or write elsewhere with --out FILE.',
      })
    }

    const result = this.flags['from-live'] ? await this.fromLive(file) : await this.starter(file)
    if (!this.jsonEnabled()) {
      const {counts} = result
      this.log(result.fromLive
        ? `Wrote ${this.flags.out}: environment "${result.environment}", ${counts.tenants} tenants, ${counts.permissions} permissions, ${counts.roles} roles`
        + `${besideText(counts)}.`
        : `Wrote ${this.flags.out} with the environment "local" (the embedded emulator) and one example tenant.`)
      this.log(`Next: descope-mgmt plan -e ${result.environment}${this.flags.out === 'descope.yaml' ? '' : ` -c ${this.flags.out}`}`)
    }

    return result
  }

  private async fromLive(file: string): Promise<InitResult> {
    const [{regionalBaseUrl, DEFAULT_EMULATOR_DATA}, {findConfigFile}, {kindDefinitions}, {builtInComment, liveConfig, readLiveState, renderLiveConfig}, {writeFileAtomically}] = await Promise.all([
      import('../lib/config/credentials.js'),
      import('../lib/config/load.js'),
      import('../lib/resources/index.js'),
      import('../lib/init/render.js'),
      import('@descope-mgmt/shared/atomic-file'),
    ])
    // -e selects an environment of an existing configuration; without one, it only names the environment written.
    const hasConfig = Boolean(this.flags.config) || Boolean(await findConfigFile(process.cwd()))
    const connection = await this.connect(hasConfig ? (this.flags.environment ?? '') : '')
    const environmentName = connection.environmentName ?? this.flags.environment ?? 'default'
    const live = await readLiveState(kindDefinitions, connection.client)
    let environment: Parameters<typeof liveConfig>[1]
    let source: string
    if (connection.emulator) {
      const entry = connection.environmentName ? connection.loaded?.config.environments[connection.environmentName] : undefined
      const dataDir = path.resolve(connection.loaded?.dir ?? process.cwd(), entry?.data ?? DEFAULT_EMULATOR_DATA)
      // `emulator: true` first, as people write it.
      environment = {emulator: true, data: path.relative(path.dirname(file), dataDir) || '.'}
      source = `the embedded emulator (${dataDir})`
    } else {
      environment = {projectId: connection.projectId, managementKey: '${DESCOPE_MANAGEMENT_KEY}'}
      if (connection.baseUrl !== regionalBaseUrl(connection.projectId)) environment.baseUrl = connection.baseUrl
      source = `project ${connection.projectId} at ${connection.baseUrl}`
    }

    const {config, files: beside} = await liveConfig(environmentName, environment, live)
    // Nothing is written when any file is in the way.
    const besideFiles = beside.map(entry => ({...entry, path: path.join(path.dirname(file), entry.path)}))
    const taken = this.flags.force ? [] : besideFiles.filter(entry => existsSync(entry.path))
    if (taken.length > 0) {
      throw new InputError(`${taken.map(entry => path.relative(process.cwd(), entry.path)).join(', ')} already exist${taken.length === 1 ? 's' : ''}; init did not change anything.`, {
        code: 'file_exists',
        hint: 'Add --force to overwrite them, or write elsewhere with --out DIR/descope.yaml.',
      })
    }

    const text = await renderLiveConfig(config, environment, {
      besideFiles: beside.map(entry => entry.path), builtIns: builtInComment(live), schemaPath: this.schemaPath(file), source,
    })
    for (const entry of [...besideFiles, {path: file, text}]) {
      await writeFileAtomically(entry.path, entry.text)
    }

    return {
      // Kinds with a section of their own; a kind declared inside another's entries is counted with them.
      counts: Object.fromEntries(live.filter(({kind}) => kind.configKey === kind.plural).map(({items, kind}) => [kind.plural, items.length])) as InitResult['counts'],
      environment: environmentName,
      file,
      files: besideFiles.map(entry => entry.path),
      fromLive: true,
    }
  }

  /** The schema of this installed package, relative to the written file; the published URL when it is not there. */
  private schemaPath(file: string): string | undefined {
    const schema = path.join(this.config.root, 'schema', 'descope-mgmt.schema.json')
    if (!existsSync(schema)) return undefined
    const relative = path.relative(path.dirname(file), schema)
    return relative.startsWith('.') || path.isAbsolute(relative) ? relative : `./${relative}`
  }

  private async starter(file: string): Promise<InitResult> {
    const [{starterConfig}, {writeFileAtomically}] = await Promise.all([import('../lib/init/render.js'), import('@descope-mgmt/shared/atomic-file')])
    await writeFileAtomically(file, starterConfig(this.schemaPath(file)))
    return {
      counts: {permissions: 0, roles: 0, tenants: 1}, environment: 'local', file, fromLive: false,
    }
  }
}

/** `; beside it 3 flows in flows/ and the theme in theme.json`, or nothing. */
function besideText(counts: InitResult['counts']): string {
  const parts = [
    counts.flows ? `${counts.flows} ${counts.flows === 1 ? 'flow' : 'flows'} in flows/` : '',
    counts.theme ? 'the theme in theme.json' : '',
  ].filter(Boolean)
  return parts.length > 0 ? `; beside it ${parts.join(' and ')}` : ''
}
