// Loaded with `node --import`: records every module URL the process resolves into the file
// named by RECORD_IMPORTS_FILE, so a test can prove what a command did not load.
import {appendFileSync} from 'node:fs'
// module.register is available from Node 20.6; engines require 20.19.
// eslint-disable-next-line n/no-unsupported-features/node-builtins
import {register} from 'node:module'

const file = process.env.RECORD_IMPORTS_FILE
if (file) {
  const {port1, port2} = new MessageChannel()
  port1.on('message', url => appendFileSync(file, `${url}\n`))
  port1.unref()
  register('./record-imports-hooks.mjs', {data: {port: port2}, parentURL: import.meta.url, transferList: [port2]})
}
