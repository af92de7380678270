// Preloaded into the CLI by the memory test (`node --import <this> bin/run.js …`): on exit, allocates
// like a run that loads a large project (many short-lived objects, a tenth of them kept) and writes
// the size V8's young generation reached to the file named by YOUNG_GENERATION_FILE.
import {writeFileSync} from 'node:fs'
import v8 from 'node:v8'

const file = process.env.YOUNG_GENERATION_FILE
if (file) {
  process.on('exit', () => {
    const kept = []
    for (let index = 0; index < 2_000_000; index++) {
      const item = {id: `t${index}`, index}
      if (index % 10 === 0) kept.push(item)
    }

    const newSpace = v8.getHeapSpaceStatistics().find(space => space.space_name === 'new_space')
    writeFileSync(file, String(newSpace?.space_size ?? -1) + ' ' + kept.length)
  })
}
