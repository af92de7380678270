// Loaded with `node --import`: records every module URL the process resolves into the file
// named by RECORD_IMPORTS_FILE, so a test can prove what a command did not load. ES modules are seen
// through a resolve hook; CommonJS require() calls (which Node 20's hooks do not see) through
// Module._resolveFilename.
import {appendFileSync} from 'node:fs'
// module.register is available from Node 20.6; engines require 20.19.
// eslint-disable-next-line n/no-unsupported-features/node-builtins
import Module, {register} from 'node:module'
import {pathToFileURL} from 'node:url'

const file = process.env.RECORD_IMPORTS_FILE
if (file) {
  const {port1, port2} = new MessageChannel()
  port1.on('message', url => appendFileSync(file, `${url}\n`))
  port1.unref()
  register('./record-imports-hooks.mjs', {data: {port: port2}, parentURL: import.meta.url, transferList: [port2]})

  const resolveFilename = Module._resolveFilename
  Module._resolveFilename = function (...args) {
    const resolved = resolveFilename.apply(this, args)
    appendFileSync(file, `${resolved.startsWith('/') ? pathToFileURL(resolved).href : resolved}\n`)
    return resolved
  }
}
