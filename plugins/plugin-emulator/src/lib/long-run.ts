import v8 from 'node:v8'

/**
 * Turns V8's optimizing compilers back on, for a process that serves requests for as long as it
 * runs: `emulator start`, and `bench`, which hosts an emulator. descope-mgmt's bin/run.js turns
 * them off because a short command spends more memory on them than they save
 * (DESCOPE_MGMT_V8_OPTIMIZE keeps them). Maglev is on by default from V8 12 (Node 22); on Node 20 it
 * stays off, as it is there by default.
 */
export function optimizeForLongRun(): void {
  v8.setFlagsFromString('--opt')
  if (Number.parseInt(process.versions.v8, 10) >= 12) v8.setFlagsFromString('--maglev')
}
