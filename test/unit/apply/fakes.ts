import type {DescopeClient, RateLimitView} from '../../../src/lib/api/types.js'
import type {Change, ChangeAction, Plan} from '../../../src/lib/plan/types.js'
import type {ResourceItem, ResourceKind, ResourceKindName} from '../../../src/lib/resources/types.js'

/** A promise with its resolve/reject outside, to hold a change in flight until the test lets go. */
export interface Gate {
  promise: Promise<void>
  open(): void
  fail(error: unknown): void
}

export function gate(): Gate {
  let open!: () => void
  let fail!: (error: unknown) => void
  const promise = new Promise<void>((resolve, reject) => {
    open = resolve
    fail = reject
  })
  return {fail, open, promise}
}

/** Lets pending promise callbacks run (a few turns of the event loop). */
export async function settle(turns = 5): Promise<void> {
  for (let index = 0; index < turns; index++) await new Promise(resolve => {
    setImmediate(resolve)
  })
}

export interface Call {
  action: ChangeAction
  key: string
  kind: ResourceKindName
  desired?: ResourceItem
  live?: ResourceItem
}

export interface FakeKind extends ResourceKind {
  calls: Call[]
  events: string[]
  inFlight: number
  maxInFlight: number
}

/**
 * A resource kind whose writes are recorded; `behaviour(key, action)` decides what a write does
 * (resolve at once by default, throw, or wait for a gate).
 */
export function fakeKind(
  name: ResourceKindName,
  phase: number,
  behaviour: (key: string, action: ChangeAction) => Promise<void> | void = () => {},
): FakeKind {
  const kind: FakeKind = {
    calls: [],
    async create(_client, desired) {
      await run({
        action: 'create', desired, key: desired.key, kind: name,
      })
    },
    defaults: {},
    async delete(_client, live) {
      await run({
        action: 'delete', key: live.key, kind: name, live,
      })
    },
    dependsOn: () => [],
    desired: () => [],
    events: [],
    inFlight: 0,
    maxInFlight: 0,
    name,
    phase,
    plural: `${name}s`,
    readLive: async () => [],
    async update(_client, desired, live) {
      await run({
        action: 'update', desired, key: desired.key, kind: name, live,
      })
    },
  }

  async function run(call: Call): Promise<void> {
    kind.calls.push(call)
    kind.events.push(`start ${call.kind}:${call.key}`)
    kind.inFlight++
    kind.maxInFlight = Math.max(kind.maxInFlight, kind.inFlight)
    try {
      // A turn of the event loop, so concurrent changes really overlap.
      await new Promise(resolve => {
        setImmediate(resolve)
      })
      await behaviour(call.key, call.action)
    } finally {
      kind.inFlight--
      kind.events.push(`end ${call.kind}:${call.key}`)
    }
  }

  return kind
}

export function fakeClient(rateLimit?: RateLimitView): DescopeClient {
  return {
    baseUrl: 'https://api.descope.test',
    projectId: 'P2Test',
    rateLimit,
    async request() {
      throw new Error('the fake client sends no requests')
    },
  }
}

export function change(id: string, options: Partial<Change> = {}): Change {
  const [kind, key] = id.split(':') as [ResourceKindName, string]
  const action = options.action ?? 'create'
  return {
    action,
    after: [],
    fields: [],
    id,
    key,
    kind,
    phase: 0,
    ...(action === 'delete' ? {} : {desired: {name: key.toUpperCase()}}),
    ...(action === 'create' ? {} : {live: {name: key, old: true}}),
    ...options,
  }
}

export function planOf(changes: Change[]): Plan {
  const count = (action: ChangeAction) => changes.filter(item => item.action === action).length
  return {
    changes,
    createdAt: '2024-05-01T00:00:00.000Z',
    fingerprint: 'sha256:test',
    formatVersion: 1,
    projectId: 'P2Test',
    prune: false,
    resources: ['tenants'],
    skipped: [],
    summary: {
      create: count('create'), delete: count('delete'), skipped: 0, update: count('update'),
    },
    tool: 'test',
  } as unknown as Plan
}
