import {Command, Flags} from '@oclif/core'
import path from 'node:path'

import {SCENARIOS} from '../lib/scenario-names.js'

export interface BenchReport {
  date: string
  machine: {cpus: number; memoryGiB: number; node: string; platform: string}
  latencyMs: number
  quick: boolean
  scenarios: Array<import('../lib/scenarios.js').Result>
  passed: boolean
}

export default class Bench extends Command {
  static override description = [
    [
      'Runs performance scenarios against a fresh emulator started in this process (50 ms of latency per request), each',
      'by running this installed CLI as child processes, as a user would. For each measure it reports the median, min and',
      'max wall time of N runs, the requests the emulator received, the 429s, the peak RSS of the child, the target beside',
      'it and the ratio to it. A missed target prints MISSED and exits 1. Needs no network and no Descope project.',
    ],
    [
      'Targets: --version and --help at most 2x `node -e 0` (cli-start, same run); tenant list of',
      '100 tenants in 400 ms (tenant-list-100); tenant list --json --no-cache no slower than a script over the official SDK',
      '(tenant-list-sdk, alternate runs, needs a checkout with the SDK); a warm tenant list of 1,000 tenants 1.5x faster than',
      'a cold one (tenant-list-1000); apply-20, apply-200 and apply-1000 in 10 s, 20 s and 75 s with a rate limit of 100/5 s;',
      'flow-export-10 and flow-export-100 in 5 s and 15 s; drift-1000 in 5 s; plan-10000 in 30 s. Peak RSS below 100 MB for',
      'every typical scenario (tenant lists, apply-20, apply-200, flow exports, drift-1000) and for plan-10000.',
    ],
    [
      'fleet-4x50: four processes applying 50 tenants each under one 60/10 s limit, sharing the budget through a redis-server',
      'it starts, against four that each keep the limit alone (wall time, 429s, retried and lost writes; the shared run must',
      'get no 429 and lose no write; skipped without redis-server).',
    ],
    [
      'The long ones (apply-1000, plan-10000, fleet-4x50) run at most 2 or 3 times. --quick runs the small ones (cli-start,',
      'tenant-list-100, apply-20, flow-export-10) with 3 runs each.',
    ],
  ].map(lines => lines.join(' ')).join('\n\n')
  static override enableJsonFlag = true
  static override examples = [
    {command: '<%= config.bin %> <%= command.id %> --quick', description: 'The self-test after installing: the small scenarios, in under a minute.'},
    {command: '<%= config.bin %> <%= command.id %> --scenario tenant-list-1000 --scenario plan-10000', description: 'Only the cache and memory scenarios.'},
    {command: '<%= config.bin %> <%= command.id %> --json > bench.json', description: 'Every scenario, with the results as JSON for comparison between versions.'},
  ]
  static override flags = {
    out: Flags.string({char: 'o', description: 'Also write the results as JSON to this file.'}),
    quick: Flags.boolean({description: 'Only the small scenarios, 3 runs each (under 60 s).'}),
    runs: Flags.integer({description: 'Runs per measure (default 3 with --quick, else 5).', min: 1}),
    scenario: Flags.string({description: 'Only this scenario; repeat for several.', multiple: true, options: [...SCENARIOS]}),
  }
  static override summary = 'Measure the speed and memory of this CLI against a local emulator, with targets.'

  async run(): Promise<BenchReport> {
    const {flags} = await this.parse(Bench)
    const os = await import('node:os')
    const {LATENCY_MS, QUICK, runScenario} = await import('../lib/scenarios.js')
    // This process hosts the emulators the measured commands call.
    const {optimizeForLongRun} = await import('@descope-mgmt/plugin-emulator')
    optimizeForLongRun()
    const names = flags.scenario
      ? SCENARIOS.filter(name => flags.scenario!.includes(name))
      : (flags.quick ? QUICK : [...SCENARIOS])
    const runs = flags.runs ?? (flags.quick ? 3 : 5)
    const cli = path.join(this.config.root, 'bin', 'run.js')
    const progress = (message: string) => {
      if (!this.jsonEnabled()) process.stderr.write(`${message}\n`)
    }

    const results = []
    for (const name of names) results.push(...await runScenario(name, {
      cli, progress, root: this.config.root, runs,
    }))
    const report: BenchReport = {
      date: new Date().toISOString(),
      latencyMs: LATENCY_MS,
      machine: {
        cpus: os.cpus().length, memoryGiB: Math.round(os.totalmem() / (1024 ** 3) * 10) / 10, node: process.version, platform: `${os.platform()} ${os.release()}`,
      },
      passed: results.every(result => result.pass !== false),
      quick: Boolean(flags.quick),
      scenarios: results,
    }
    if (flags.out) {
      const {mkdir, writeFile} = await import('node:fs/promises')
      await mkdir(path.dirname(path.resolve(flags.out)), {recursive: true})
      await writeFile(flags.out, `${JSON.stringify(report, null, 2)}\n`)
    }

    if (!this.jsonEnabled()) this.log(render(report, await hostTable(this.config)))
    if (!report.passed) process.exitCode = 1
    return report
  }
}

type TableFormatter = (header: string[], rows: string[][]) => string

/** The host's table formatter (fitted to the terminal), through its `descope:services` hook. */
async function hostTable(config: Command['config']): Promise<TableFormatter | undefined> {
  // The hook is declared by the host; this plugin, built on its own, does not see that declaration.
  const runHook = config.runHook.bind(config) as unknown as (event: string, options: object) => Promise<{successes: Array<{result?: {formatTable?: TableFormatter}}>}>
  try {
    return (await runHook('descope:services', {})).successes[0]?.result?.formatTable
  } catch {
    return undefined
  }
}

/** Columns padded to their widest cell, for a host without a table formatter. */
function padTable(header: string[], rows: string[][]): string {
  const all = [header, ...rows]
  const widths = header.map((_, column) => Math.max(...all.map(row => row[column].length)))
  return all.map(row => row.map((cell, column) => cell.padEnd(widths[column])).join('  ').trimEnd()).join('\n')
}

export function targetText(target: BenchReport['scenarios'][number]['target']): string {
  if (!target) return '-'
  const limit = target.metric === 'medianMs' ? `≤ ${Math.round(target.max)} ms` : `RSS < ${target.max} MB`
  return target.relativeTo ? `${limit} (${target.relativeTo})` : limit
}

export function render(report: BenchReport, formatTable: TableFormatter = padTable): string {
  const table = formatTable(
    ['SCENARIO', 'MEASURE', 'MEDIAN', 'MIN–MAX', 'REQ', '429', 'PEAK RSS', 'TARGET', 'RATIO', 'RESULT'],
    report.scenarios.map(result => [
      result.scenario,
      result.measure,
      `${Math.round(result.medianMs)} ms`,
      `${Math.round(result.minMs)}–${Math.round(result.maxMs)} ms`,
      String(result.requests),
      String(result.rateLimited),
      result.peakRssMB === null ? '-' : `${result.peakRssMB} MB`,
      targetText(result.target),
      result.ratio === null ? '-' : result.ratio.toFixed(2),
      result.pass === null ? 'reported' : (result.pass ? 'pass' : 'MISSED'),
    ]),
  )
  const head = `${report.scenarios.length} measures, emulator latency ${report.latencyMs} ms, ${report.machine.cpus} CPUs, Node ${report.machine.node}`
  const details = report.scenarios.filter(result => result.detail).map(result => `${result.scenario}: ${result.detail}`)
  return [head, '', table, '', ...details, ...(details.length > 0 ? [''] : []), report.passed ? 'All targets met.' : 'Some targets were missed.'].join('\n')
}
