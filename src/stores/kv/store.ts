/**
 * Cloudflare Workers KV as a session store, over the structural binding
 * (`get`, `put` with `expirationTtl`, `delete`).
 *
 * @module
 */
import { SessionStoreUnavailableError, SessionTooLargeError } from '../../errors.js'
import { parseJsonObject } from '../../json.js'
import { holdsUser, isSessionId, pageSize } from '../listing.js'
import { refuseChunks, serverStore } from '../server.js'
import type { KeeperCallOptions, ListedRecord, ListOptions, RecordKeeper, RecordPage, SessionStore, StoredRecord } from '../contract.js'

/** The parts of a Workers KV namespace binding the store uses. */
export interface KVNamespaceLike {
  /** The value as text, or `null` when there is none. */
  get(key: string, type: 'text'): Promise<string | null>
  /** Stores a value; `expirationTtl` is in seconds, at least 60. */
  put(key: string, value: string, options?: { expirationTtl?: number }): Promise<unknown>
  /** Removes a key. */
  delete(key: string): Promise<unknown>
  /** Optional: lists keys by prefix, a page at a time (the admin API's listings need it). */
  list?(options?: { prefix?: string; limit?: number; cursor?: string }): Promise<KVListResultLike>
}

/** The part of a Workers KV `list()` result the store reads. */
export interface KVListResultLike {
  /** The keys of this page, in lexicographic order. */
  keys: { name: string; expiration?: number }[]
  /** `true` on the last page. */
  list_complete: boolean
  /** The cursor of the next page, when not complete. */
  cursor?: string
}

/** Options of {@link kvStore}. */
export interface KvStoreOptions {
  /**
   * Prepended to every session id to make the KV key.
   * @default 'session:'
   */
  prefix?: string | undefined
  /**
   * Keep a per-user index entry beside each session whose data holds a user
   * id (a string or number) under this key, so the admin API finds (and
   * revokes) a user's sessions without listing every session. Entries live
   * under `<prefix>~<userKey>:<user id>:<session id>` and expire with the session.
   */
  userKey?: string | undefined
}

/** Workers KV refuses an `expirationTtl` under 60 seconds. */
const MIN_TTL = 60
/** Workers KV's value size limit: 25 MiB. */
const VALUE_LIMIT = 25 * 1024 * 1024
const TTL = '_ttl'
const CREATED = '_created'
/** A forward left by a move: `{ "_ttl": <epoch s>, "_moved": true }`. */
const MOVED_KEY = '_moved'
/** `extra` key: the user id the record was read with, to move its index entry when it changes. */
const USER = 'kvUser'

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
  refuseChunks(options, 'kvStore')
  const prefix = options.prefix ?? 'session:'
  if (typeof prefix !== 'string') throw new TypeError('kvStore: prefix must be a string')
  const { userKey } = options
  if (userKey !== undefined && (typeof userKey !== 'string' || userKey === '')) {
    throw new TypeError('kvStore: userKey must be a non-empty string')
  }
  // '~' sorts after every id character, so index entries follow all sessions in a listing.
  const indexPrefix = (user: string) => `${prefix}~${userKey}:${encodeURIComponent(user)}:`
  const userOf = (data: Record<string, unknown>): string | undefined => {
    if (userKey === undefined || !Object.hasOwn(data, userKey)) return undefined
    const value = data[userKey]
    return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined
  }

  async function get(id: string, now: number, options?: KeeperCallOptions): Promise<StoredRecord | undefined> {
    const text = await attempt('get', () => namespace.get(prefix + id, 'text'))
    if (text === null) return undefined
    const value = parseJsonObject(text)
    const expiresAt = value?.[TTL]
    if (!value || typeof expiresAt !== 'number' || expiresAt <= now) return undefined
    if (value[MOVED_KEY] === true) return options?.forwards ? { data: {}, expiresAt, moved: true } : undefined
    const created = value[CREATED]
    delete value[TTL]
    delete value[CREATED]
    const user = userOf(value)
    return {
      data: value,
      expiresAt,
      createdAt: typeof created === 'number' ? created : undefined,
      ...(user === undefined ? {} : { extra: { [USER]: user } }),
    }
  }

  function lister(): NonNullable<KVNamespaceLike['list']> {
    if (typeof namespace.list !== 'function') {
      throw new TypeError('kvStore: listing sessions needs a namespace with list() (a Workers KV binding has it)')
    }
    return namespace.list.bind(namespace)
  }

  /** One page of keys under `keyPrefix`, each read back as a live record. */
  async function page(keyPrefix: string, options: ListOptions, stopAt?: string): Promise<RecordPage> {
    const list = lister()
    const result = await attempt('list', () =>
      list({ prefix: keyPrefix, limit: pageSize(options.limit), ...(options.cursor === undefined ? {} : { cursor: options.cursor }) }),
    )
    const records: ListedRecord[] = []
    let done = result.list_complete
    for (const { name } of result.keys) {
      if (stopAt !== undefined && name.startsWith(stopAt)) {
        done = true
        break
      }
      const id = name.slice(keyPrefix.length)
      if (!isSessionId(id)) continue
      const record = await get(id, options.now)
      if (record) records.push({ id, ...record })
    }
    return { records, cursor: done ? undefined : result.cursor }
  }

  const keeper: RecordKeeper = {
    get,
    // KV has no conditional write, so `mustExist` is not honoured (checking would cost every write a
    // read): a request that read a session before it was revoked, destroyed or moved (a regenerate())
    // and writes after brings it back (docs/out-of-band.md: revoke again after a minute).
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
      const user = userOf(record.data)
      const before = record.extra?.[USER]
      // The index entry first: a session is never stored where a listing by user cannot find it.
      if (user !== undefined) await attempt('put', () => namespace.put(indexPrefix(user) + id, '', { expirationTtl }))
      await attempt('put', () => namespace.put(prefix + id, text, { expirationTtl }))
      if (typeof before === 'string' && before !== user) await attempt('delete', () => namespace.delete(indexPrefix(before) + id))
      return { ...record, extra: user === undefined ? {} : { [USER]: user } }
    },
    // KV has no conditional or atomic write: the best it can do is check, write the new session, then
    // leave the forward. A revoke that lands between the check and the forward is lost, and a location
    // that has not yet seen the revoke (up to 60 s) passes the check (docs/security.md).
    async move(fromId, toId, record, now, { forwardUntil }) {
      const current = await get(fromId, now)
      if (!current) return false
      const stored = await keeper.set(toId, { ...record, extra: undefined }, now)
      const before = current.extra?.[USER]
      if (forwardUntil > now) {
        const expirationTtl = Math.max(MIN_TTL, Math.ceil(forwardUntil - now))
        await attempt('put', () =>
          namespace.put(prefix + fromId, `{"${TTL}":${Math.floor(forwardUntil)},"${MOVED_KEY}":true}`, { expirationTtl }),
        )
      } else await attempt('delete', () => namespace.delete(prefix + fromId))
      if (typeof before === 'string') await attempt('delete', () => namespace.delete(indexPrefix(before) + fromId))
      return stored
    },
    async delete(id) {
      await attempt('delete', () => namespace.delete(prefix + id))
    },
    list: (options) => page(prefix, options, `${prefix}~`),
    async count(now) {
      const list = lister()
      let total = 0
      let cursor: string | undefined
      for (;;) {
        const result = await attempt('list', () => list({ prefix, ...(cursor === undefined ? {} : { cursor }) }))
        for (const { name, expiration } of result.keys) {
          if (isSessionId(name.slice(prefix.length)) && (expiration === undefined || expiration > now)) total++
        }
        if (result.list_complete || result.cursor === undefined) return total
        cursor = result.cursor
      }
    },
    async listByUser(key, userId, options) {
      if (key === userKey) {
        const found = await page(indexPrefix(userId), options)
        return { ...found, records: found.records.filter((record) => holdsUser(record.data, key, userId)) }
      }
      const found = await page(prefix, options, `${prefix}~`)
      return { ...found, records: found.records.filter((record) => holdsUser(record.data, key, userId)) }
    },
  }
  return serverStore(keeper)
}
