// Loaded with `node --import`: records every call that builds or uses an ICU collator
// (`String.prototype.localeCompare`, `Intl.Collator`), one caller per line, and writes them on exit
// into RECORD_COLLATION_FILE. The first such call maps the collation data: 2 to 3 MB of RSS.
import {writeFileSync} from 'node:fs'

const file = process.env.RECORD_COLLATION_FILE
if (file) {
  const callers = new Set()
  const record = name => callers.add(`${name} ${new Error('caller').stack.split('\n')[3]?.trim() ?? ''}`)
  const {localeCompare} = String.prototype
  // eslint-disable-next-line no-extend-native
  String.prototype.localeCompare = function (...args) {
    record('localeCompare')
    return localeCompare.apply(this, args)
  }

  const {Collator} = Intl
  Intl.Collator = new Proxy(Collator, {
    apply(target, self, args) {
      record('Intl.Collator')
      return Reflect.apply(target, self, args)
    },
    construct(target, args, newTarget) {
      record('Intl.Collator')
      return Reflect.construct(target, args, newTarget)
    },
  })
  process.on('exit', () => writeFileSync(file, [...callers].join('\n')))
}
