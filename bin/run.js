#!/usr/bin/env node
// Stack traces point at the TypeScript sources only when someone will read them: source maps cost
// start-up time on every run.
// Available since Node 16.6; still flagged experimental in 20, the switch is all we use.
// eslint-disable-next-line n/no-unsupported-features/node-builtins
if (process.argv.includes('--verbose') || process.env.DEBUG) process.setSourceMapsEnabled(true)

const {execute} = await import('../dist/index.js')
await execute({dir: import.meta.url})
