#!/usr/bin/env node
import {fileURLToPath} from 'node:url'

// `--version` and a root help seen before are answered without starting oclif (read
// src/lib/startup/fast-start.ts for when). It comes first: everything below costs start-up time
// (the V8 flags alone about 10 ms on Node 24) and serves only a command's run. Its module is
// loaded only for what it may answer, no argument or a lone flag: loading it costs a command 10 ms.
const argv = process.argv.slice(2)
const mayAnswer = argv.length === 0 || (argv.length === 1 && argv[0].startsWith('-'))
const start = mayAnswer
  ? await (await import('../dist/lib/startup/fast-start.js')).fastStart(fileURLToPath(new URL('..', import.meta.url)), argv)
  : {answered: false}

if (!start.answered) {
  const {default: module} = await import('node:module')
  const {default: v8} = await import('node:v8')

  // Node 22.1 and later keep V8's compiled code of the bundle between runs (in the system's
  // temporary folder, or NODE_COMPILE_CACHE), which spares every start most of its compile time;
  // Node 20 has no such cache and skips this.

  module.enableCompileCache?.()

  // Stack traces point at the TypeScript sources only when someone will read them: source maps cost
  // start-up time on every run.
  // Available since Node 16.6; still flagged experimental in 20, the switch is all we use.
  // eslint-disable-next-line n/no-unsupported-features/node-builtins
  if (process.argv.includes('--verbose') || process.env.DEBUG) process.setSourceMapsEnabled(true)

  // V8 doubles its young generation (new space) each time enough objects survive a scavenge, up to
  // 32 MB on Node 20 and 64 MB on Node 24, and never gives it back during a short run: loading a
  // configuration and a project is exactly that pattern. Keeping it at its initial size cuts the
  // peak RSS of apply-200 from 113 to 88 MB and of plan-10000 from 160 to 138 MB (Node 20), for
  // about the same CPU time. It sizes no limit: the old generation still grows as far as a project
  // needs. The flag can only be set here, not on the command line (V8 raises a factor below 2 to 2
  // when the heap is configured) nor in the shebang (`#!/usr/bin/env node` takes no options
  // everywhere).
  v8.setFlagsFromString('--semi-space-growth-factor=1')
  // After each full collection V8 lets the old generation grow by a factor of its own choosing
  // (between 1.1 and 4, from its GC speed) before the next one; reading a large project leaves much
  // garbage there.
  // 20% more before the next collection: plan-10000's peak RSS 136 -> 115 MB on Node 20 (174 -> 150
  // MB on Node 24) for about 15% more CPU time. A growth rate, not a limit: a heap grows as far as a
  // project needs, in more steps.
  v8.setFlagsFromString('--heap-growing-percent=20')
  // Tried on Node 24 (V8 13) once the plan streams its live state (plan-10000's peak RSS, median /
  // highest of 8 to 10 runs): these two flags 96 to 99 / 101 to 106 MB; without the first 129 / 130
  // MB, as V8 13 still doubles the young generation. Within the noise: semi-spaces of 2 MB from the
  // start (`--min-semi-space-size=2`) 97 / 98, growth 10% 97 / 102, growth 40% 97 / 98; semi-spaces
  // of 2, 4 or 8 MB at most made no difference either. `--memory-saver-mode`, which cut 120 to 111 MB
  // before the plan streamed, now costs memory (104 / 112 against 99 / 101 in the same two rounds of
  // 10) and collects more often, and a process exiting while a background compile job waits for a
  // collection can hang (nodejs/node#54918): one of the runs measured with it did.

  // A run is short and mostly waits on the network, so V8's optimizing compilers (Maglev, on by
  // default since Node 22, and TurboFan) cost more than they save: their code and compile memory
  // added 6 to 15 MB to every command's peak RSS (plan-10000 103 -> 89 MB and drift-1000 90 -> 77 MB
  // on Node 24, apply-200 80 -> 72 MB on Node 20), while the typical commands took the same time and
  // plan-10000's CPU-bound work 0.3 to 0.5 s more. The interpreter and the baseline compiler
  // (Sparkplug) still run. DESCOPE_MGMT_V8_OPTIMIZE=1 keeps them, for very large projects where CPU
  // time matters more than memory.
  if (!/^(1|true)$/i.test(process.env.DESCOPE_MGMT_V8_OPTIMIZE ?? '')) {
    v8.setFlagsFromString('--no-opt')
    v8.setFlagsFromString('--no-maglev')
  }

  const {execute} = await import('../dist/index.js')
  await execute({dir: import.meta.url})
  await start.after?.()
}
