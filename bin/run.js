#!/usr/bin/env node
import module from 'node:module'

// Node 22.1 and later keep V8's compiled code of the bundle between runs (in the system's temporary
// folder, or NODE_COMPILE_CACHE), which spares every start most of its compile time; Node 20 has no
// such cache and skips this.
// eslint-disable-next-line n/no-unsupported-features/node-builtins
module.enableCompileCache?.()

// Stack traces point at the TypeScript sources only when someone will read them: source maps cost
// start-up time on every run.
// Available since Node 16.6; still flagged experimental in 20, the switch is all we use.
// eslint-disable-next-line n/no-unsupported-features/node-builtins
if (process.argv.includes('--verbose') || process.env.DEBUG) process.setSourceMapsEnabled(true)

const {execute} = await import('../dist/index.js')
await execute({dir: import.meta.url})
