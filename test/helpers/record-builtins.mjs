// Loaded with `node --import`: on exit, writes the Node built-in modules the process loaded (one per
// line, as `process.moduleLoadList` names them: `NativeModule http2`) into RECORD_BUILTINS_FILE.
import {writeFileSync} from 'node:fs'

const file = process.env.RECORD_BUILTINS_FILE
if (file) process.on('exit', () => writeFileSync(file, process.moduleLoadList.filter(name => name.startsWith('NativeModule ')).join('\n')))
