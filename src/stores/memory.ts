/**
 * An in-process store for development and tests: expiring entries and a size cap.
 *
 * @module
 */
import { parseJsonObject } from '../json.js'
import { serverStore } from './server.js'
import type { SessionStore, StoredRecord } from './store.js'

/** Options of {@link memoryStore}. */
export interface MemoryStoreOptions {
  /**
   * The most sessions kept at once; when full, expired sessions are dropped
   * first, then the least recently written.
   * @default 10000
   */
  maxEntries?: number
}

interface Entry {
  json: string
  expiresAt: number
  createdAt?: number
  extra?: Record<string, unknown>
}

/**
 * A store in this process's memory. Sessions vanish on restart and are not
 * shared between processes or Lambda instances: for development and tests.
 *
 * @example
 * ```ts
 * app.use(sessions({ store: memoryStore({ maxEntries: 1000 }) }))
 * ```
 * @param options the size cap
 */
export function memoryStore(options: MemoryStoreOptions = {}): SessionStore & { readonly size: number } {
  const maxEntries = options.maxEntries ?? 10_000
  if (!Number.isInteger(maxEntries) || maxEntries < 1) {
    throw new TypeError('memoryStore: maxEntries must be a positive integer')
  }
  const entries = new Map<string, Entry>()

  function makeRoom(now: number): void {
    if (entries.size < maxEntries) return
    for (const [id, entry] of entries) if (entry.expiresAt <= now) entries.delete(id)
    while (entries.size >= maxEntries) entries.delete(entries.keys().next().value!)
  }

  const store = serverStore({
    async get(id, now) {
      const entry = entries.get(id)
      if (!entry) return undefined
      if (entry.expiresAt <= now) {
        entries.delete(id)
        return undefined
      }
      const data = parseJsonObject(entry.json)!
      return { data, expiresAt: entry.expiresAt, createdAt: entry.createdAt, extra: entry.extra }
    },
    async set(id, record: StoredRecord, now) {
      entries.delete(id) // re-insert at the end: the map's order is the eviction order
      makeRoom(now)
      entries.set(id, {
        json: JSON.stringify(record.data),
        expiresAt: record.expiresAt,
        createdAt: record.createdAt,
        extra: record.extra,
      })
    },
    async delete(id) {
      entries.delete(id)
    },
  })
  Object.defineProperty(store, 'size', { get: () => entries.size, enumerable: true })
  return store as SessionStore & { readonly size: number }
}
