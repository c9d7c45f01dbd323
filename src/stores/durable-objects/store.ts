/**
 * `durableObjectStore()`: sessions in session objects (see {@link sessionObject}),
 * one object per shard of session ids. Each call is one RPC to the object
 * that owns the id; the object runs one call at a time, so every write is
 * conditional at no extra cost.
 *
 * @module
 */
import { randomId } from '../../crypto/keyring.js'
import { SessionStoreUnavailableError, SessionTooLargeError } from '../../errors.js'
import { parseJsonObject } from '../../json.js'
import { BASE, type ConcurrencyOptions, expectedVersion, moveConflict, optimisticSet, resolveConcurrency, VERSION } from '../concurrency.js'
import { holdsUser, isSessionId, pageSize } from '../listing.js'
import { refuseChunks, serverStore } from '../server.js'
import type { KeeperCallOptions, ListedRecord, ListOptions, RecordKeeper, RecordPage, SessionStore, StoredRecord } from '../contract.js'
import type { DurableObjectIdLike, DurableObjectNamespaceLike, SessionObjectRpc, SessionRow, WriteMode } from './types.js'

/** Options of {@link durableObjectStore}. */
export interface DurableObjectStoreOptions extends ConcurrencyOptions {
  /**
   * How many objects the sessions are spread over, by a hash of the session
   * id. Each object serves its calls one at a time (around a thousand simple
   * calls a second); listings visit every object. Choose it once: a session
   * lives in the object its id hashes to, so changing it ends every session.
   * @default 16
   */
  shards?: number | undefined
  /**
   * The objects' names are this plus the shard's number; another name gives
   * another, separate set of objects in the same namespace.
   * @default 'sesh-sessions-'
   */
  name?: string | undefined
  /**
   * Index the sessions whose data holds a user id (a string or number) under
   * this key, so the admin API finds (and revokes) a user's sessions by an
   * indexed query in each object instead of reading every session.
   */
  userKey?: string | undefined
  /**
   * The largest session, in bytes of JSON, refused with a `SessionTooLargeError`
   * before anything is sent.
   * @default 2000000 (SQLite-backed Durable Objects keep at most 2 MB in one value)
   */
  maxSize?: number | undefined
}

/**
 * The largest row a SQLite-backed Durable Object keeps, as Cloudflare documents
 * it: 2 MB (local workerd refuses one string over 2,199,992 bytes with SQLITE_TOOBIG).
 */
export const DURABLE_OBJECT_VALUE_LIMIT = 2_000_000

/** The store's way to its objects, for {@link durableObjectSocket}. @internal */
export const OBJECT_OF: unique symbol = Symbol.for('sesh.durableObjects.objectOf')

/** A store made by {@link durableObjectStore}: its {@link OBJECT_OF} finds the object of a session id. @internal */
export interface DurableObjectSessionStore extends SessionStore {
  readonly [OBJECT_OF]: (id: string) => SessionObjectRpc
}

const encoder = new TextEncoder()

const FNV_OFFSET = 0x811c9dc5
const FNV_PRIME = 0x01000193

/** FNV-1a over the id's UTF-16 code units (from the state `h`): the shard of an id, the same on every Worker. */
function hash(id: string, h = FNV_OFFSET): number {
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i)
    h = Math.imul(h, FNV_PRIME)
  }
  return h >>> 0
}

/** The base64url alphabet, by value: `randomId()`'s characters. */
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'

/**
 * A `randomId()` whose hash is `target` modulo `shards`: its first 20
 * characters (120 random bits) as drawn, its last 4 (24 bits, the last 3
 * bytes) drawn again until the id lands there, `shards` tries on average,
 * each four steps of the hash.
 */
function idInShard(target: number, shards: number): string {
  for (;;) {
    const prefix = randomId().slice(0, 20)
    const h = hash(prefix)
    const random = crypto.getRandomValues(new Uint8Array(4 * 512))
    for (let i = 0; i < random.length; i += 4) {
      let x = h
      for (let j = 0; j < 4; j++) x = Math.imul(x ^ BASE64URL.charCodeAt(random[i + j]! & 63), FNV_PRIME)
      if ((x >>> 0) % shards === target) {
        return (
          prefix +
          BASE64URL[random[i]! & 63]! +
          BASE64URL[random[i + 1]! & 63]! +
          BASE64URL[random[i + 2]! & 63]! +
          BASE64URL[random[i + 3]! & 63]!
        )
      }
    }
  }
}

async function call<T>(what: string, operation: () => Promise<T>): Promise<T> {
  try {
    return await operation()
  } catch (error) {
    throw new SessionStoreUnavailableError(`The session Durable Object failed to ${what}.`, { cause: error })
  }
}

/**
 * Sessions in Durable Objects: strongly consistent (a logout or a revoke is
 * seen by the next request everywhere), writes that never bring back a
 * revoked session, opt-in optimistic concurrency with `merge`, renewals that
 * move only the expiry, expiry by alarms and on read, listings for the admin
 * API, and sockets the object closes (4401) the moment their session ends
 * (see `durableObjectSocket()`).
 *
 * @example
 * ```ts
 * import { DurableObject } from 'cloudflare:workers'
 * import { durableObjectStore, sessionObject } from 'seshjs/durable-objects'
 *
 * export class Sessions extends sessionObject(DurableObject) {}
 * app.use(sessions((env: Env) => ({ env, store: durableObjectStore(env.SESSIONS_DO, { userKey: 'user' }) })))
 * ```
 * @param namespace the Durable Object namespace binding of a {@link sessionObject} class
 * @param options shards, user index, size limit and concurrency mode
 */
export function durableObjectStore(namespace: DurableObjectNamespaceLike, options: DurableObjectStoreOptions = {}): SessionStore {
  if (!namespace || typeof namespace.idFromName !== 'function' || typeof namespace.get !== 'function') {
    throw new TypeError('durableObjectStore() takes a Durable Object namespace binding (idFromName, get)')
  }
  if (options === null || typeof options !== 'object') throw new TypeError('durableObjectStore: options must be an object')
  refuseChunks(options, 'durableObjectStore')
  const shards = options.shards ?? 16
  if (!Number.isInteger(shards) || shards < 1 || shards > 1024)
    throw new TypeError('durableObjectStore: shards must be an integer from 1 to 1024')
  const name = options.name ?? 'sesh-sessions-'
  if (typeof name !== 'string') throw new TypeError('durableObjectStore: name must be a string')
  const { userKey } = options
  if (userKey !== undefined && (typeof userKey !== 'string' || userKey === '')) {
    throw new TypeError('durableObjectStore: userKey must be a non-empty string')
  }
  const maxSize = options.maxSize ?? DURABLE_OBJECT_VALUE_LIMIT
  if (!Number.isInteger(maxSize) || maxSize < 1 || maxSize > DURABLE_OBJECT_VALUE_LIMIT) {
    throw new TypeError(`durableObjectStore: maxSize must be a positive integer of at most ${DURABLE_OBJECT_VALUE_LIMIT} bytes`)
  }
  const concurrency = resolveConcurrency(options, 'durableObjectStore')

  // Ids are kept; stubs are made per call: a stub belongs to the request that made it (workerd
  // refuses I/O on behalf of another request), and the middleware keeps the store across requests.
  const ids = new Map<number, DurableObjectIdLike>()
  const shard = (index: number): SessionObjectRpc => {
    let id = ids.get(index)
    if (!id) ids.set(index, (id = namespace.idFromName(`${name}${index}`)))
    return namespace.get(id) as SessionObjectRpc
  }
  const shardOf = (id: string) => hash(id) % shards
  const objectOf = (id: string) => shard(shardOf(id))
  /**
   * A random id; for a session moving from `from`, one in `from`'s shard, so
   * that one call to one object moves it atomically. The shard is no secret to
   * lose: the id keeps about 144 - log2(shards) bits of chance (134 at the
   * most shards).
   */
  const newId = (from?: string): string => (from === undefined || shards === 1 ? randomId() : idInShard(shardOf(from), shards))
  const userOf = (data: Record<string, unknown>): string | undefined => {
    if (userKey === undefined || !Object.hasOwn(data, userKey)) return undefined
    const value = data[userKey]
    return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined
  }

  function record(row: SessionRow): StoredRecord | undefined {
    const data = parseJsonObject(row.data)
    if (!data) return undefined // unreadable JSON: no session, never a crash
    const extra = concurrency.optimistic ? { [VERSION]: row.version, [BASE]: row.data } : {}
    return { data, expiresAt: row.expiresAt, createdAt: row.createdAt ?? undefined, extra }
  }

  async function get(id: string, now: number, options?: KeeperCallOptions): Promise<StoredRecord | undefined> {
    const row = await call('read a session', () => objectOf(id).read(id, now))
    if (!row) return undefined
    if (row.moved) return options?.forwards ? { data: {}, expiresAt: row.expiresAt, moved: true } : undefined
    return record(row)
  }

  /** The record's data as JSON, refused before anything is sent when it is over `maxSize`. */
  function jsonOf(data: Record<string, unknown>): string {
    const json = JSON.stringify(data)
    const size = encoder.encode(json).length
    if (size > maxSize) {
      throw new SessionTooLargeError(
        `The session is too large for this Durable Object store: ${size} bytes of JSON, over its ${maxSize}-byte limit.`,
        maxSize,
        size,
      )
    }
    return json
  }

  async function put(id: string, next: StoredRecord, now: number, mode: WriteMode, expected?: number): Promise<boolean> {
    const json = jsonOf(next.data)
    const version = next.extra?.[VERSION]
    return call('write a session', () =>
      objectOf(id).write({
        id,
        data: json,
        expiresAt: Math.floor(next.expiresAt),
        createdAt: next.createdAt,
        user: userOf(next.data),
        mode,
        expected,
        version: mode === 'absent' || mode === 'version' ? (version as number) : undefined,
        now,
      }),
    )
  }

  /**
   * One page: the objects' rows in shard order, then id order, from the
   * cursor (`<shard>.<last id>`) on, until `limit` rows were examined or
   * every object was.
   */
  async function page(options: ListOptions, user?: string): Promise<RecordPage> {
    let remaining = pageSize(options.limit)
    let index = 0
    let after = ''
    if (options.cursor !== undefined) {
      const match = /^(\d{1,4})\.([\s\S]*)$/.exec(options.cursor)
      if (!match || Number(match[1]) >= shards) throw new TypeError('durableObjectStore: not a cursor of this store')
      index = Number(match[1])
      after = match[2]!
    }
    const records: ListedRecord[] = []
    for (; index < shards; index++, after = '') {
      const { rows, more } = await call('list sessions', () => shard(index).page(after, remaining, options.now, user))
      for (const row of rows) {
        const found = isSessionId(row.id) ? record(row) : undefined
        if (found) records.push({ id: row.id, ...found })
      }
      remaining -= rows.length
      if (more) return { records, cursor: `${index}.${rows.at(-1)!.id}` }
      if (remaining <= 0) return index + 1 < shards ? { records, cursor: `${index + 1}.` } : { records }
    }
    return { records }
  }

  const keeper: RecordKeeper = {
    get: (id, now, getOptions) => get(id, now, getOptions),
    newId,
    async set(id, stored, now, setOptions) {
      if (concurrency.optimistic) {
        const conditional = {
          get: (key: string, at: number) => get(key, at),
          put: (key: string, next: StoredRecord, expected: number | undefined) =>
            put(key, next, now, expected === undefined ? 'absent' : 'version', expected),
        }
        return optimisticSet(conditional, id, stored, now, concurrency)
      }
      // A rewrite of a session this request read lands only over a live one: a revoked session stays revoked.
      const next = { ...stored, extra: {} }
      return (await put(id, next, now, setOptions?.mustExist ? 'live' : 'set')) ? next : false
    },
    async delete(id) {
      await call('delete a session', () => objectOf(id).remove(id))
    },
    async move(fromId, toId, next, now, { forwardUntil, fromExtra }) {
      const json = jsonOf(next.data)
      const to = { id: toId, data: json, expiresAt: Math.floor(next.expiresAt), createdAt: next.createdAt, user: userOf(next.data) }
      const expected = concurrency.optimistic ? (expectedVersion(fromExtra) ?? 0) : undefined
      // Ids from newId() share the old id's object: one call checks, forwards and writes, atomically.
      const together = shardOf(fromId) === shardOf(toId)
      const result = await call('move a session', () =>
        objectOf(fromId).move({ from: fromId, to: together ? to : undefined, forwardUntil, expected, now }),
      )
      if (result === 'conflict') throw moveConflict()
      if (result !== 'moved') return false
      if (!together) {
        // An id not made by newId(): the new row goes to its own object after the old one ended (not atomic with a revoke).
        await call('write a session', () => objectOf(toId).write({ ...to, mode: 'set', now }))
      }
      return concurrency.optimistic ? { ...next, extra: { [VERSION]: 1, [BASE]: json } } : { ...next, extra: {} }
    },
    touch: (id, expiresAt, now) => call('renew a session', () => objectOf(id).renew(id, expiresAt, now)),
    list: (listOptions) => page(listOptions),
    async count(now) {
      const counts = await Promise.all(Array.from({ length: shards }, (_, index) => call('count sessions', () => shard(index).tally(now))))
      return counts.reduce((sum, n) => sum + n, 0)
    },
    async listByUser(key, userId, listOptions) {
      const found = await page(listOptions, key === userKey ? userId : undefined)
      return { ...found, records: found.records.filter((listed) => holdsUser(listed.data, key, userId)) }
    },
  }
  const store = serverStore(keeper) as SessionStore & { [OBJECT_OF]?: (id: string) => SessionObjectRpc }
  Object.defineProperty(store, OBJECT_OF, { value: objectOf })
  return store
}
