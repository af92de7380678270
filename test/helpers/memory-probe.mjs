// Preloaded into the CLI by the memory tests (`node --import <this> bin/run.js …`); on exit, writes
// to the file named by MEMORY_PROBE_FILE, as JSON:
// - youngGenerationBytes: the size V8's young generation reaches after allocating like a run that
//   loads a large project (many short-lived objects, a tenth of them kept);
// - listFormats: how many Intl.ListFormat the run built (each faults in locale data: MBs of RSS).
import {writeFileSync} from 'node:fs'
import v8 from 'node:v8'

const file = process.env.MEMORY_PROBE_FILE
if (file) {
  let listFormats = 0
  const {ListFormat} = Intl
  Intl.ListFormat = new Proxy(ListFormat, {
    construct(target, args) {
      listFormats++
      return new target(...args)
    },
  })
  process.on('exit', () => {
    const kept = []
    for (let index = 0; index < 2_000_000; index++) {
      const item = {id: `t${index}`, index}
      if (index % 10 === 0) kept.push(item)
    }

    const newSpace = v8.getHeapSpaceStatistics().find(space => space.space_name === 'new_space')
    writeFileSync(file, JSON.stringify({keptObjects: kept.length, listFormats, youngGenerationBytes: newSpace?.space_size ?? -1}))
  })
}
