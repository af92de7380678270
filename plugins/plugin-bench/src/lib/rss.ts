/**
 * Preloaded into the measured child (`node --import <this file> bin/run.js …`): on exit, writes the
 * process's peak resident set size (bytes) to the file named by DESCOPE_MGMT_BENCH_RSS_FILE.
 */
import {createRequire} from 'node:module'

// Required, as the CLI's bundle does, not imported: the ES module facade of node:fs reads
// `fs.ReadStream`, which loads the file streams into the measured process (about 3 MB on Node 24).
const {writeFileSync} = createRequire(import.meta.url)('node:fs') as typeof import('node:fs')

const file = process.env.DESCOPE_MGMT_BENCH_RSS_FILE
if (file) {
  process.on('exit', () => {
    try {
      writeFileSync(file, String(process.resourceUsage().maxRSS * 1024))
    } catch {
      // The figure is optional; never change the child's outcome.
    }
  })
}
