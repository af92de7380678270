/**
 * The live snapshot a backup is made of: every kind read from the project through the client,
 * one kind at a time, so the store can write each kind's files while the next one is read.
 */
import type {DescopeClient} from '../api/types.js'
import type {ResourceItem, ResourceKind} from '../resources/types.js'

export type BackupProgress = {type: 'read'; kind: string; count: number} | {type: 'reading'; kind: string}

/** The live items of one kind. */
export interface KindSnapshot {
  kind: ResourceKind
  items: ResourceItem[]
}

export interface ReadSnapshotOptions {
  client: DescopeClient
  kinds: ResourceKind[]
  onProgress?(event: BackupProgress): void
  /** Told what was read of each kind (apply checks its plan against it). */
  onRead?(kind: ResourceKind, items: ResourceItem[]): void
}

/**
 * Reads the kinds in order; `read` progress is reported once the consumer has taken a kind.
 * @yields the live items of each kind
 */
export async function * readLiveSnapshot(options: ReadSnapshotOptions): AsyncGenerator<KindSnapshot> {
  for (const kind of options.kinds) {
    options.onProgress?.({kind: kind.plural, type: 'reading'})
    const items = await kind.readLive(options.client)
    options.onRead?.(kind, items)
    yield {items, kind}
    options.onProgress?.({count: items.length, kind: kind.plural, type: 'read'})
  }
}
