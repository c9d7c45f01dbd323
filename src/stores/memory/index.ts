/**
 * An in-process store for development and tests: expiring entries and a size cap.
 *
 * @module
 */
import { parseJsonObject } from '../../json.js'
import { BASE, type ConcurrencyOptions, expectedVersion, moveConflict, optimisticSet, resolveConcurrency, VERSION } from '../concurrency.js'
import { holdsUser, isSessionId, pageOfIds } from '../listing.js'
import { refuseChunks, serverStore } from '../server.js'
import type { KeeperCallOptions, SessionStore, StoredRecord } from '../contract.js'

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
  /** A forward left by a move: no data, and no session. */
  moved?: true
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

  async function get(id: string, now: number, options?: KeeperCallOptions): Promise<StoredRecord | undefined> {
    return lookup(id, now, true, options?.forwards)
  }

  /** The live session entry for `id` (never a forward). */
  function liveEntry(id: string, now: number): Entry | undefined {
    const entry = entries.get(id)
    return entry && !entry.moved && entry.expiresAt > now ? entry : undefined
  }

  /** Listing (the admin API) is not use: it leaves the eviction order alone. */
  async function peek(id: string, now: number): Promise<StoredRecord | undefined> {
    return lookup(id, now, false)
  }

  function lookup(id: string, now: number, used: boolean, forwards?: boolean): StoredRecord | undefined {
    const entry = entries.get(id)
    if (!entry) return undefined
    if (entry.expiresAt <= now) {
      entries.delete(id)
      return undefined
    }
    if (entry.moved) return forwards ? { data: {}, expiresAt: entry.expiresAt, moved: true } : undefined
    if (used) use(id, entry)
    const data = parseJsonObject(entry.json)!
    const extra = concurrency.optimistic ? { ...entry.extra, [VERSION]: entry.version, [BASE]: entry.json } : entry.extra
    return { data, expiresAt: entry.expiresAt, createdAt: entry.createdAt, extra }
  }

  function put(id: string, record: StoredRecord, _now: number): void {
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
        if (options?.mustExist && !liveEntry(id, now)) return false // revoked, moved or expired meanwhile
        return put(id, record, now)
      }
      const conditional = {
        get,
        async put(key: string, next: StoredRecord, expected: number | undefined) {
          const entry = liveEntry(key, now)
          const live = entry !== undefined
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
      const entry = liveEntry(id, now)
      if (!entry) return false
      entry.expiresAt = expiresAt
      use(id, entry) // renewals count as use
      return true
    },
    // One synchronous step: nothing can run between the check and the writes.
    async move(fromId, toId, record, now, { forwardUntil, fromExtra }) {
      const entry = liveEntry(fromId, now)
      if (!entry) return false // revoked, moved or expired meanwhile
      if (concurrency.optimistic && (expectedVersion(fromExtra) ?? 0) !== entry.version) throw moveConflict()
      const next = { ...record, extra: record.extra }
      put(toId, next, now)
      if (forwardUntil > now) entries.set(fromId, { json: '{}', expiresAt: forwardUntil, version: 0, moved: true })
      else entries.delete(fromId)
      return concurrency.optimistic ? { ...next, extra: { ...next.extra, [VERSION]: 0, [BASE]: JSON.stringify(record.data) } } : next
    },
    // Listing (the admin API): in id order, so a cursor survives evictions and writes.
    list: (options) => pageOfIds(entries.keys(), options, peek),
    async count(now) {
      let live = 0
      for (const [id, entry] of entries) if (entry.expiresAt > now && !entry.moved && isSessionId(id)) live++
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
