/**
 * The whole test run's Descope traffic against the contract: test/helpers/setup.ts points every
 * emulator of the run (in-process, and in the CLI subprocesses the tests start) at one folder
 * through DESCOPE_EMULATOR_TRAFFIC_LOG; after the last test, every sampled exchange of the tool
 * (x-descope-sdk-name descope-mgmt: the CLI and its API library) that the emulator answered with
 * 200 is checked here against Descope's OpenAPI (openapi-contract.ts). Left out: requests the
 * emulator refused (many tests send bad input on purpose), and the raw calls tests make to set up
 * a project the way another SDK would (the emulator's own tests cover those).
 */
import {readdirSync, readFileSync} from 'node:fs'
import path from 'node:path'

import type {TrafficExchange} from '../../plugins/plugin-emulator/src/index.js'

import {Contract} from './openapi-contract.js'

/** What the tool's client sends as x-descope-sdk-name (SDK_NAME in src/lib/api/client.ts). */
export const TOOL_SDK_NAME = 'descope-mgmt'

export interface SuiteTrafficReport {
  /** Exchanges read from the files, and those checked (answered 200, by an operation of the contract). */
  read: number
  checked: number
  /** Each problem once, with the file and line of its first sample. */
  problems: string[]
}

export function checkSuiteTraffic(folder: string, contract = new Contract()): SuiteTrafficReport {
  const problems = new Map<string, string>()
  let read = 0
  let checked = 0
  for (const name of readdirSync(folder).filter(file => file.endsWith('.jsonl')).sort()) {
    const lines = readFileSync(path.join(folder, name), 'utf8').split('\n')
    for (const [index, line] of lines.entries()) {
      if (!line.trim()) continue
      read++
      const exchange = JSON.parse(line) as TrafficExchange
      if (exchange.sdk !== TOOL_SDK_NAME || exchange.status !== 200 || !contract.operationOf(exchange.method, exchange.path)) continue
      checked++
      for (const problem of contract.check(exchange)) {
        if (!problems.has(problem)) problems.set(problem, `${name}:${index + 1}`)
      }
    }
  }

  return {checked, problems: [...problems].map(([problem, where]) => `${problem} (first in ${where})`), read}
}
