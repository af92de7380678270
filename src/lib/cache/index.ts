/**
 * The read cache of Management API answers. Nothing exported here imports keyv: the store is
 * opened (and keyv, @keyv/redis imported) on the first cached read.
 */
export {
  cacheStats, type CacheStats, clearCache, type ProjectCacheStats,
} from './admin.js'
export {createCachedClient} from './cached-client.js'
export {
  classify, COUPLED, FAMILIES, type Family, familyOf, PASS_THROUGH, POST_READS, type RequestKind,
} from './endpoints.js'
export {
  canonicalJson, entryKey, generationKey, isMetaKey, keyFingerprint, projectScope, type RequestIdentity, statsKey,
} from './keys.js'
export {
  type CacheCounters, type CacheTarget, type Envelope, ReadCache, type ReadCacheOptions, type StatsRecord,
} from './read-cache.js'
export {
  CACHE_FILE_NAME,
  type CacheConfig,
  type CacheMode,
  type CacheSettings,
  DEFAULT_MAX_BYTES,
  DEFAULT_MAX_ENTRIES,
  DEFAULT_TTL_MS,
  describeStore,
  ENV_CACHE_TTL,
  ENV_CACHE_URL,
  ENV_NO_CACHE,
  parseDuration,
  parseSize,
  redactUrl,
  resolveCacheSettings,
} from './settings.js'
export type {CacheBackend, OpenStoreOptions, StoredItem} from './store.js'
