/**
 * Cloudflare Workers KV as a session store, over the structural binding
 * (`get`, `put` with `expirationTtl`, `delete`).
 *
 * @module
 */
import { SessionStoreUnavailableError, SessionTooLargeError } from '../errors.js'
import { parseJsonObject } from '../json.js'
import { serverStore } from './server.js'
import type { SessionStore } from './store.js'

/** The parts of a Workers KV namespace binding the store uses. */
export interface KVNamespaceLike {
  /** The value as text, or `null` when there is none. */
  get(key: string, type: 'text'): Promise<string | null>
  /** Stores a value; `expirationTtl` is in seconds, at least 60. */
  put(key: string, value: string, options?: { expirationTtl?: number }): Promise<unknown>
  /** Removes a key. */
  delete(key: string): Promise<unknown>
}

/** Options of {@link kvStore}. */
export interface KvStoreOptions {
  /**
   * Prepended to every session id to make the KV key.
   * @default 'session:'
   */
  prefix?: string | undefined
}

/** Workers KV refuses an `expirationTtl` under 60 seconds. */
const MIN_TTL = 60
/** Workers KV's value size limit: 25 MiB. */
const VALUE_LIMIT = 25 * 1024 * 1024
const TTL = '_ttl'
const CREATED = '_created'

const encoder = new TextEncoder()

async function attempt<T>(what: string, operation: () => Promise<T>): Promise<T> {
  try {
    return await operation()
  } catch (error) {
    throw new SessionStoreUnavailableError(`Workers KV ${what} failed.`, { cause: error })
  }
}

/**
 * Sessions in a Workers KV namespace. Each session is one key (`session:<id>`)
 * holding `{ "_ttl": <epoch s>, ...data }` as JSON, with a KV expiration to
 * match. KV is eventually consistent: a write is visible at once where it was
 * made, but other locations may serve the old value for up to 60 seconds, so
 * a visitor whose requests land on two locations can briefly see an older
 * session. There is no conditional write, so concurrent writes are last-write-wins.
 *
 * @example
 * ```ts
 * // wrangler.toml: [[kv_namespaces]] binding = "SESSIONS"
 * app.use(sessions((env: { SESSIONS: KVNamespace }) => ({ store: kvStore(env.SESSIONS) })))
 * ```
 * @param namespace the KV binding
 * @param options the key prefix
 */
export function kvStore(namespace: KVNamespaceLike, options: KvStoreOptions = {}): SessionStore {
  if (!namespace || typeof namespace.get !== 'function' || typeof namespace.put !== 'function' || typeof namespace.delete !== 'function') {
    throw new TypeError('kvStore() takes a Workers KV namespace binding (get, put, delete)')
  }
  const prefix = options.prefix ?? 'session:'
  if (typeof prefix !== 'string') throw new TypeError('kvStore: prefix must be a string')

  return serverStore({
    async get(id, now) {
      const text = await attempt('get', () => namespace.get(prefix + id, 'text'))
      if (text === null) return undefined
      const value = parseJsonObject(text)
      const expiresAt = value?.[TTL]
      if (!value || typeof expiresAt !== 'number' || expiresAt <= now) return undefined
      const created = value[CREATED]
      delete value[TTL]
      delete value[CREATED]
      return { data: value, expiresAt, createdAt: typeof created === 'number' ? created : undefined }
    },
    async set(id, record, now) {
      const head = `{"${TTL}":${Math.floor(record.expiresAt)}${record.createdAt === undefined ? '' : `,"${CREATED}":${record.createdAt}`}`
      const body = JSON.stringify(record.data)
      const text = body === '{}' ? `${head}}` : `${head},${body.slice(1)}`
      const size = encoder.encode(text).length
      if (size > VALUE_LIMIT) {
        throw new SessionTooLargeError(
          `The session is too large for Workers KV: ${size} bytes, over the ${VALUE_LIMIT}-byte (25 MiB) value limit.`,
          VALUE_LIMIT,
          size,
        )
      }
      const expirationTtl = Math.max(MIN_TTL, Math.ceil(record.expiresAt - now))
      await attempt('put', () => namespace.put(prefix + id, text, { expirationTtl }))
    },
    async delete(id) {
      await attempt('delete', () => namespace.delete(prefix + id))
    },
  })
}
