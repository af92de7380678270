// Preloaded into the CLI by the memory tests (`node --import <this> bin/run.js …`); on exit, writes
// to the file named by MEMORY_PROBE_FILE, as JSON:
// - youngGenerationBytes: the size V8's young generation reaches after allocating like a run that
//   loads a large project (many short-lived objects, a tenth of them kept);
// - listFormats: how many Intl.ListFormat the run built (each faults in locale data: MBs of RSS);
// - optimized: whether V8 optimized a hot function within a second (null unless node runs with
//   --allow-natives-syntax, which reads a function's optimization status).
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
    const optimized = optimizesHotCode()
    const kept = []
    for (let index = 0; index < 2_000_000; index++) {
      const item = {id: `t${index}`, index}
      if (index % 10 === 0) kept.push(item)
    }

    const newSpace = v8.getHeapSpaceStatistics().find(space => space.space_name === 'new_space')
    writeFileSync(file, JSON.stringify({
      keptObjects: kept.length, listFormats, optimized, youngGenerationBytes: newSpace?.space_size ?? -1,
    }))
  })
}

function hot(value) {
  let sum = 0
  for (let index = 0; index < 100; index++) sum += (value * index) % 7
  return sum
}

function optimizesHotCode() {
  let status
  try {
    // eslint-disable-next-line no-new-func
    status = new Function('fn', 'return %GetOptimizationStatus(fn)')
  } catch {
    return null
  }

  // V8's status bit 4 (value 16): optimized, by Maglev or TurboFan. Tier-up compiles in the background.
  const optimizedBit = 16
  const until = Date.now() + 1000
  while (Date.now() < until) {
    for (let index = 0; index < 1000; index++) hot(index)
    if (Math.floor(status(hot) / optimizedBit) % 2 === 1) return true
  }

  return false
}
