import {type CacheStats} from '@descope-mgmt/shared/services'
import {formatTable} from '@descope-mgmt/shared/table'

import {
  CacheCommand, configFlag, formatAge, formatBytes, formatRatio,
} from '../../lib/command.js'

export default class CacheStatsCommand extends CacheCommand {
  static override description = [
    'Counts the cached answers (entries and bytes), and the hits and misses recorded by every run since the cache was',
    'created or cleared, in total and per project. The hit ratio is hits / (hits + misses) of cached reads; reads with',
    '--no-cache, and the live reads of plan and apply, are not counted. The store is the file under the cache folder,',
    'or the redis server of cache.url / DESCOPE_MGMT_CACHE_URL.',
  ].join('\n')
  static override examples = [
    {command: '<%= config.bin %> <%= command.id %>', description: 'Show the size and hit ratio of the cache, per project.'},
    {command: '<%= config.bin %> <%= command.id %> --json', description: 'The same as JSON, for dashboards and scripts.'},
    {command: 'DESCOPE_MGMT_CACHE_URL=redis://cache.internal:6379 <%= config.bin %> <%= command.id %>', description: 'Statistics of a shared redis cache.'},
  ]
  static override flags = {
    config: configFlag,
  }
  static override summary = 'Show the size and hit ratio of the response cache.'

  async run(): Promise<CacheStats> {
    const {flags} = await this.parse(CacheStatsCommand)
    const services = await this.services()
    const admin = await services.cacheAdmin({config: this.config, configFile: flags.config})
    let stats: CacheStats
    try {
      stats = await admin.stats()
    } finally {
      await admin.close()
    }

    if (!this.jsonEnabled()) this.log(render(stats))
    return stats
  }
}

function render(stats: CacheStats): string {
  const lines = [
    `Store:        ${stats.store.location}${stats.store.usable ? '' : ' (not readable)'}`,
    `TTL:          ${stats.ttlSeconds} s`,
    `Entries:      ${stats.entries}${stats.store.kind === 'file' ? ` of ${stats.maxEntries}` : ''}`,
    `Size:         ${formatBytes(stats.bytes)}${stats.store.kind === 'file' ? ` of ${formatBytes(stats.maxBytes)}` : ''}`,
    `Hits:         ${stats.hits}`,
    `Misses:       ${stats.misses}`,
    `Hit ratio:    ${formatRatio(stats.hitRatio)}`,
    `Oldest entry: ${formatAge(stats.oldestEntry)}`,
  ]
  if (stats.projects.length === 0) return [...lines, '', 'Nothing cached yet.'].join('\n')
  const header = ['PROJECT', 'API', 'ENTRIES', 'SIZE', 'HITS', 'MISSES', 'HIT RATIO', 'OLDEST']
  const table = formatTable(
    stats.projects.map(project => [
      project.projectId,
      project.baseUrl,
      String(project.entries),
      formatBytes(project.bytes),
      String(project.hits),
      String(project.misses),
      formatRatio(project.hitRatio),
      formatAge(project.oldestEntry),
    ]),
    header.map((title, index) => ({get: (row: string[]) => row[index], header: title})),
  )
  return [...lines, '', table].join('\n')
}
