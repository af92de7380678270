import {expect} from 'chai'
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'

import type {Plan} from '../../../src/lib/plan/types.js'

import {JsonFileError} from '../../../src/lib/config/json-text.js'
import {buildPlan} from '../../../src/lib/plan/build.js'
import {readPlanFile, writePlanFile} from '../../../src/lib/plan/file.js'
import {permissionsKind} from '../../../src/lib/resources/permissions.js'
import {rolesKind} from '../../../src/lib/resources/roles.js'
import {tenantItem, tenantsKind} from '../../../src/lib/resources/tenants.js'
import {rejection} from '../config/helpers.js'

describe('saved plan files', () => {
  let dir: string
  let plan: Plan

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'descope-mgmt-plan-file-'))
    plan = buildPlan({
      desired: [tenantItem({id: 'acme', name: 'Acme'}, true), tenantItem({id: 'beta', name: 'Beta'}, true)],
      kinds: [permissionsKind, tenantsKind, rolesKind],
      live: [tenantItem({id: 'beta', name: 'B'}), tenantItem({id: 'gone', name: 'Gone'})],
      projectId: 'P2PlanFileTest',
      prune: true,
      tool: 'test',
    })
  })

  after(async () => {
    await rm(dir, {force: true, recursive: true})
  })

  it('reads back a plan it wrote, with a create, an update and a delete', async () => {
    expect(plan.changes.map(change => change.action)).to.have.members(['create', 'update', 'delete'])
    const file = path.join(dir, 'plan.json')
    await writePlanFile(file, plan)
    // What JSON keeps of the plan: fields set to undefined are not written.
    // eslint-disable-next-line unicorn/prefer-structured-clone -- the JSON round trip is the point
    expect(await readPlanFile(file)).to.deep.equal(JSON.parse(JSON.stringify(plan)))
  })

  const tampered: Array<[string, (copy: Plan & Record<string, unknown>) => void, string]> = [
    ['no format version', copy => delete (copy as Partial<Plan>).formatVersion, ':1:1: not a plan written by `descope-mgmt plan --out`: "formatVersion" is missing'],
    ['another format version', copy => Object.assign(copy, {formatVersion: 2}), ': formatVersion: unknown plan format version 2 (this tool reads version 1)'],
    ['changes that are not a list', copy => Object.assign(copy, {changes: {}}), ': changes: not a plan: "changes" is missing or not a list'],
    ['an unknown resource kind', copy => copy.resources.push('widgets'), ': resources[3]: "widgets" is not a resource kind'],
    ['a change of a kind the plan does not cover', copy => Object.assign(copy, {resources: ['permissions']}), ': changes[0].kind: "tenant" is not a resource kind the plan covers'],
    [
      'a change whose id is not its kind and key',
      copy => Object.assign(copy.changes[0], {key: 'other'}),
      ': changes[0].id: "tenant:acme" does not match the kind and key of the change ("tenant:other")',
    ],
    ['an unknown action', copy => Object.assign(copy.changes[0], {action: 'replace'}), ': changes[0].action: "replace" is not create, update or delete'],
    ['a phase that is not a whole number', copy => Object.assign(copy.changes[0], {phase: '1'}), ': changes[0].phase: is not a whole number'],
    ['a create without its desired fields', copy => delete copy.changes.find(change => change.action === 'create')!.desired, '.desired: a create needs the "desired" object'],
    ['an update without its live fields', copy => delete copy.changes.find(change => change.action === 'update')!.live, '.live: an update needs the "live" object'],
    ['a delete without its live fields', copy => delete copy.changes.find(change => change.action === 'delete')!.live, '.live: a delete needs the "live" object'],
    ['the same change twice', copy => copy.changes.push(structuredClone(copy.changes[0])), ': changes[3].id: repeats the change tenant:acme of changes[0]'],
  ]
  for (const [label, tamper, message] of tampered) {
    it(`refuses ${label}, naming the file, the line and the field`, async () => {
      const copy = structuredClone(plan) as Plan & Record<string, unknown>
      tamper(copy)
      const file = path.join(dir, 'tampered.json')
      await writeFile(file, `${JSON.stringify(copy, null, 2)}\n`)
      const error = await readPlanFile(file).then(() => {}, (error_: unknown) => error_)
      expect(error).to.be.instanceOf(JsonFileError)
      expect((error as JsonFileError).exitCode).to.equal(3)
      expect((error as JsonFileError).message).to.match(new RegExp(`^${file.replaceAll(/[.*+?^${}()|[\]\\]/g, String.raw`\$&`)}:\\d+`))
      expect((error as JsonFileError).message).to.contain(message)
      expect((error as JsonFileError).hint).to.contain('plan --out')
    })
  }

  it('refuses a binary, truncated or missing file, naming it', async () => {
    const file = path.join(dir, 'broken.json')
    await writeFile(file, Buffer.from([0x7B, 0x00, 0x7D]))
    expect((await rejection(readPlanFile(file))).message).to.equal(`${file}:1: the file contains NUL bytes: it looks like a binary file, not a text file (check the path)`)
    await writeFile(file, JSON.stringify(plan, null, 2).slice(0, 200))
    expect((await rejection(readPlanFile(file))).message).to.match(/:\d+:\d+: not valid JSON: .*cut short/)
    const missing = await rejection(readPlanFile(path.join(dir, 'none.json')))
    expect(missing.message).to.contain('none.json: cannot read the plan file (ENOENT)')
    expect(missing).to.have.property('exitCode', 3)
  })
})
