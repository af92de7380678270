/**
 * A process that writes a backup and is killed in the middle of it (by test/unit/backup/crash.test.ts).
 * Usage: node --import tsx/esm test/helpers/backup-child.ts <backup root> <projectId>
 *
 * The first kind is a large tenant list, written in full; the second kind's read never finishes,
 * like a slow API. The process says where it is on stdout, so the test kills it at a known point
 * without timing guesses.
 */
import type {DescopeClient} from '../../src/lib/api/types.js'
import type {ResourceItem, ResourceKind} from '../../src/lib/resources/types.js'

import {createBackup} from '../../src/lib/backup/create.js'

const [dir, projectId] = process.argv.slice(2)
const noop = async () => {}
const kind = (name: ResourceKind['name'], plural: string, readLive: () => Promise<ResourceItem[]>): ResourceKind => ({
  create: noop, defaults: {}, delete: noop, dependsOn: () => [], desired: () => [], name, phase: 0, plural, readLive, update: noop,
})

const tenants: ResourceItem[] = Array.from({length: 20_000}, (_, index) => ({
  fields: {customAttributes: {index, plan: 'gold', seats: index % 100}, name: `Tenant ${index}`, selfProvisioningDomains: [`t${index}.example.com`]},
  key: `tenant-${String(index).padStart(5, '0')}`,
  kind: 'tenant',
}))

const slowRoles = kind('role', 'roles', async () => {
  process.stdout.write('READING roles\n')
  // A read that never answers: the test kills the process here.
  await new Promise(() => {
    setInterval(() => {}, 60_000)
  })
  return []
})

await createBackup({
  afterFile(file) {
    process.stdout.write(`WROTE ${file}\n`)
  },
  client: {} as DescopeClient,
  dir,
  gitCwd: false,
  kinds: [kind('tenant', 'tenants', async () => tenants), slowRoles],
  operation: 'manual',
  projectId,
  toolVersion: 'test',
})
process.stdout.write('DONE\n')
