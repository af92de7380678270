// styleText is stable enough since Node 20.12, and engines require 20.19.
// eslint-disable-next-line n/no-unsupported-features/node-builtins
import {styleText} from 'node:util'

import type {CheckStatus, DoctorReport} from '../doctor/types.js'

export const CHECK_SYMBOLS: Readonly<Record<CheckStatus, string>> = Object.freeze({fail: '✗', pass: '✓', unknown: '–'})

const STYLES: Readonly<Record<CheckStatus, Parameters<typeof styleText>[0]>> = Object.freeze({fail: 'red', pass: 'green', unknown: 'yellow'})

/** One line per check (symbol, title, detail), then the verdict. */
export function renderDoctor(report: DoctorReport, options: {color: boolean}): string {
  const paint = (status: CheckStatus, text: string) => (options.color ? styleText(STYLES[status], text, {validateStream: false}) : text)
  const width = Math.max(...report.checks.map(result => result.title.length))
  const lines = report.checks.map(result => `${paint(result.status, CHECK_SYMBOLS[result.status])} ${result.title.padEnd(width)}  ${result.detail}`)
  const {fail, pass, unknown} = report.summary
  const verdict = `${pass} passed, ${fail} failed, ${unknown} unknown or skipped (–, not a failure).`
  return [...lines, '', fail === 0 ? verdict : `${verdict} Fix the ✗ lines before running plan or apply.`].join('\n')
}
