/**
 * An in-process store for development and tests: expiring entries and a size cap.
 *
 * @module
 */
import { parseJsonObject } from '../../json.js'
import { BASE, type ConcurrencyOptions, optimisticSet, resolveConcurrency, VERSION } from '../concurrency.js'
import { holdsUser, isSessionId, pageOfIds } from '../listing.js'
import { refuseChunks, serverStore } from '../server.js'
import type { SessionStore, StoredRecord } from '../contract.js'

/** Options of {@link memoryStore}. */
export interface MemoryStoreOptions extends ConcurrencyOptions {
  /**
   * The most sessions kept at once. When full, a new session evicts the least
   * recently used one (read, written or renewed), in constant time: a session
   * in use survives as long as fewer than `maxEntries` other sessions are used
   * after it, however many new sessions arrive.
   * @default 10000
   */
  maxEntries?: number | undefined
}

interface Entry {
  json: string
  expiresAt: number
  createdAt?: number
  extra?: Record<string, unknown>
  version: number
}

/**
 * A store in this process's memory. Sessions vanish on restart and are not
 * shared between processes or Lambda instances: for development and tests.
 *
 * @example
 * ```ts
 * app.use(sessions({ store: memoryStore({ maxEntries: 1000 }) }))
 * ```
 * @param options the size cap and the concurrency mode
 */
export function memoryStore(options: MemoryStoreOptions = {}): SessionStore & { readonly size: number } {
  refuseChunks(options, 'memoryStore')
  const maxEntries = options.maxEntries ?? 10_000
  if (!Number.isInteger(maxEntries) || maxEntries < 1) {
    throw new TypeError('memoryStore: maxEntries must be a positive integer')
  }
  const concurrency = resolveConcurrency(options, 'memoryStore')
  const entries = new Map<string, Entry>()

  // The map's insertion order is the recency order: every use re-inserts at the end,
  // so the first entry is always the least recently used, and eviction is O(1).
  function use(id: string, entry: Entry): void {
    entries.delete(id)
    entries.set(id, entry)
  }

  function makeRoom(): void {
    while (entries.size >= maxEntries) entries.delete(entries.keys().next().value!)
  }

  async function get(id: string, now: number): Promise<StoredRecord | undefined> {
    return lookup(id, now, true)
  }

  /** Listing (the admin API) is not use: it leaves the eviction order alone. */
  async function peek(id: string, now: number): Promise<StoredRecord | undefined> {
    return lookup(id, now, false)
  }

  function lookup(id: string, now: number, used: boolean): StoredRecord | undefined {
    const entry = entries.get(id)
    if (!entry) return undefined
    if (entry.expiresAt <= now) {
      entries.delete(id)
      return undefined
    }
    if (used) use(id, entry)
    const data = parseJsonObject(entry.json)!
    const extra = concurrency.optimistic ? { ...entry.extra, [VERSION]: entry.version, [BASE]: entry.json } : entry.extra
    return { data, expiresAt: entry.expiresAt, createdAt: entry.createdAt, extra }
  }

  function put(id: string, record: StoredRecord, now: number): void {
    const { [VERSION]: version, [BASE]: _base, ...extra } = record.extra ?? {}
    entries.delete(id) // re-insert at the end: the map's order is the eviction order
    makeRoom()
    entries.set(id, {
      json: JSON.stringify(record.data),
      expiresAt: record.expiresAt,
      createdAt: record.createdAt,
      extra,
      version: typeof version === 'number' ? version : 0,
    })
  }

  const store = serverStore({
    local: true, // a Map in this process: nothing to put a deadline on
    get,
    async set(id, record: StoredRecord, now, options) {
      if (!concurrency.optimistic) {
        if (options?.mustExist && !((entries.get(id)?.expiresAt ?? 0) > now)) return false // revoked or expired meanwhile
        return put(id, record, now)
      }
      const conditional = {
        get,
        async put(key: string, next: StoredRecord, expected: number | undefined) {
          const entry = entries.get(key)
          const live = entry !== undefined && entry.expiresAt > now
          if (expected === undefined ? live : !live || entry.version !== expected) return false
          put(key, next, now)
          return true
        },
      }
      return optimisticSet(conditional, id, record, now, concurrency)
    },
    async delete(id) {
      entries.delete(id)
    },
    async touch(id, expiresAt, now) {
      const entry = entries.get(id)
      if (!entry || entry.expiresAt <= now) return false
      entry.expiresAt = expiresAt
      use(id, entry) // renewals count as use
      return true
    },
    // Listing (the admin API): in id order, so a cursor survives evictions and writes.
    list: (options) => pageOfIds(entries.keys(), options, peek),
    async count(now) {
      let live = 0
      for (const [id, entry] of entries) if (entry.expiresAt > now && isSessionId(id)) live++
      return live
    },
    async listByUser(userKey, userId, options) {
      const page = await pageOfIds(entries.keys(), options, peek)
      return { ...page, records: page.records.filter((record) => holdsUser(record.data, userKey, userId)) }
    },
  })
  Object.defineProperty(store, 'size', { get: () => entries.size, enumerable: true })
  return store as SessionStore & { readonly size: number }
}
