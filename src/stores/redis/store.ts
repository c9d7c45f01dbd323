/**
 * The Redis store, over any {@link RedisConnection}: one hash per session with
 * the key's expiry set to the session's, renewals that move only the expiry,
 * conditional writes in Lua (a rewrite never brings back a revoked session;
 * opt-in optimistic concurrency), and an optional per-user index.
 *
 * @module
 */
import { SessionStoreUnavailableError, SessionTooLargeError } from '../../errors.js'
import { parseJsonObject } from '../../json.js'
import { BASE, type ConcurrencyOptions, optimisticSet, resolveConcurrency, VERSION } from '../concurrency.js'
import { serverStore } from '../server.js'
import type { KeeperCallOptions, RecordKeeper, SessionStore, StoredRecord } from '../contract.js'
import { type RedisConnection, replyCode, send } from './connection.js'
import { listing } from './listing.js'
import { DELETE, INDEX, PUT, TOUCH } from './scripts.js'

/** Options of {@link redisSessionStore}. */
export interface RedisSessionStoreOptions extends ConcurrencyOptions {
  /** Sends the commands (`seshjs/redis` makes one from a node-redis or ioredis client). */
  connection: RedisConnection
  /**
   * Prepended to every session id to make its key.
   * @default 'session:'
   */
  prefix?: string | undefined
  /**
   * Keep a per-user index beside the sessions whose data holds a user id (a
   * string or number) under this key, so the admin API finds (and revokes) a
   * user's sessions without a SCAN of every session: a sorted set of session
   * ids under `<prefix>~<userKey>:<user id>`, expiring with the user's last session.
   */
  userKey?: string | undefined
  /**
   * The largest session, in bytes of JSON, refused with a `SessionTooLargeError`
   * before anything is sent.
   * @default 536870912 (512 MiB, the largest value Redis stores)
   */
  maxSize?: number | undefined
}

/** Redis's largest bulk string (`proto-max-bulk-len`): 512 MiB. */
export const REDIS_VALUE_LIMIT = 512 * 1024 * 1024
/** `extra` key: the user id the record was read with, to move its index entry when it changes. */
const USER = 'redisUser'
const FIELDS = ['data', 'expiresAt', 'createdAt', 'version', 'user']

const encoder = new TextEncoder()

/** Milliseconds from `now` to `expiresAt` (epoch seconds), at least 1: the key's expiry, relative, so clock skew between the app and Redis does not move it. */
const expiryMs = (expiresAt: number, now: number) => String(Math.max(1, Math.ceil((expiresAt - now) * 1000)))

/** A reply element as a string, or `undefined` for nil. */
function text(value: unknown): string | undefined {
  if (value === null || value === undefined || value === false) return undefined
  return typeof value === 'string' ? value : String(value)
}

/**
 * A session store on Redis, over a structural connection. Most apps want
 * `redisStore()` from `seshjs/redis`, which takes a node-redis or ioredis client.
 *
 * @example
 * ```ts
 * const store = redisSessionStore({ connection: { send: (command) => myRedis(command) } })
 * ```
 * @param options the connection, the key prefix, the per-user index and the concurrency mode
 */
export function redisSessionStore(options: RedisSessionStoreOptions): SessionStore {
  if (options === null || typeof options !== 'object') throw new TypeError('redisStore() takes { client } or { url }')
  const { connection } = options
  if (!connection || typeof connection.send !== 'function') throw new TypeError('redisStore: a client is required')
  const prefix = options.prefix ?? 'session:'
  if (typeof prefix !== 'string') throw new TypeError('redisStore: prefix must be a string')
  const { userKey } = options
  if (userKey !== undefined && (typeof userKey !== 'string' || userKey === '')) {
    throw new TypeError('redisStore: userKey must be a non-empty string')
  }
  const maxSize = options.maxSize ?? REDIS_VALUE_LIMIT
  if (!Number.isInteger(maxSize) || maxSize < 1 || maxSize > REDIS_VALUE_LIMIT) {
    throw new TypeError(`redisStore: maxSize must be a positive integer of at most ${REDIS_VALUE_LIMIT} bytes`)
  }
  const concurrency = resolveConcurrency(options, 'redisStore')
  const indexKey = (user: string) => `${prefix}~${userKey}:${user}`
  const userOf = (data: Record<string, unknown>): string | undefined => {
    if (userKey === undefined || !Object.hasOwn(data, userKey)) return undefined
    const value = data[userKey]
    return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined
  }

  async function get(id: string, now: number, options?: KeeperCallOptions): Promise<StoredRecord | undefined> {
    let reply: unknown
    try {
      reply = await send(connection, ['HMGET', prefix + id, ...FIELDS], { key: prefix + id, signal: options?.signal }, ['WRONGTYPE'])
    } catch (error) {
      if (replyCode(error) === 'WRONGTYPE') return undefined // not a session (written by something else): no session, never a crash
      throw error
    }
    if (!Array.isArray(reply)) throw new SessionStoreUnavailableError('Redis HMGET answered something that is not an array.')
    const [json, expires, created, version, user] = reply.map(text)
    const expiresAt = Number(expires)
    if (json === undefined || expires === undefined || !Number.isFinite(expiresAt) || expiresAt <= now) return undefined
    const data = parseJsonObject(json)
    if (!data) return undefined // unreadable JSON: no session, never a crash
    const extra: Record<string, unknown> = {}
    if (user !== undefined) extra[USER] = user
    if (concurrency.optimistic) {
      extra[VERSION] = Number(version ?? 0) || 0
      extra[BASE] = json
    }
    const createdAt = created === undefined ? undefined : Number(created)
    return { data, expiresAt, createdAt: Number.isFinite(createdAt) ? createdAt : undefined, extra }
  }

  /** Adds `id` to its user's index (before the session is written: a session is never where a lookup by user cannot find it). */
  async function index(id: string, user: string, expiresAt: number, now: number, signal?: AbortSignal): Promise<void> {
    await INDEX.run(connection, indexKey(user), [id, String(expiresAt), String(now), expiryMs(expiresAt, now)], signal)
  }

  async function unindex(id: string, user: string, signal?: AbortSignal): Promise<void> {
    await send(connection, ['ZREM', indexKey(user), id], { key: indexKey(user), signal })
  }

  /**
   * Writes `record` if `mode` allows (see the PUT script), after checking its
   * size and indexing its user. On success, `record.extra` holds what the next write needs.
   */
  async function put(
    id: string,
    record: StoredRecord,
    now: number,
    mode: 'set' | 'live' | 'absent' | 'version',
    expected: number | undefined,
    signal: AbortSignal | undefined,
  ): Promise<boolean> {
    const json = JSON.stringify(record.data)
    const size = encoder.encode(json).length
    if (size > maxSize) {
      throw new SessionTooLargeError(
        `The session is too large for this Redis store: ${size} bytes of JSON, over its ${maxSize}-byte limit.`,
        maxSize,
        size,
      )
    }
    const expiresAt = Math.floor(record.expiresAt)
    const fields = ['data', json, 'expiresAt', String(expiresAt)]
    if (record.createdAt !== undefined) fields.push('createdAt', String(record.createdAt))
    const version = record.extra?.[VERSION]
    if (mode === 'absent' || mode === 'version') fields.push('version', String(version))
    const user = userOf(record.data)
    if (user !== undefined) {
      fields.push('user', user)
      await index(id, user, expiresAt, now, signal)
    }
    const args = [mode, String(now), String(expected ?? 0), expiryMs(expiresAt, now), ...fields]
    const written = Number(await PUT.run(connection, prefix + id, args, signal)) === 1
    if (!written) return false
    const before = record.extra?.[USER]
    if (userKey !== undefined && typeof before === 'string' && before !== user) await unindex(id, before, signal)
    const { [USER]: _, ...extra } = record.extra ?? {}
    record.extra = user === undefined ? extra : { ...extra, [USER]: user }
    return true
  }

  const keeper: RecordKeeper = {
    get,
    async set(id, record, now, options) {
      const signal = options?.signal
      if (concurrency.optimistic) {
        const conditional = {
          get: (key: string, at: number) => get(key, at, options),
          put: (key: string, next: StoredRecord, expected: number | undefined) =>
            put(key, next, now, expected === undefined ? 'absent' : 'version', expected, signal),
        }
        return optimisticSet(conditional, id, record, now, concurrency)
      }
      // A rewrite of a session this request read (`mustExist`) lands only over a live one,
      // so a session revoked or expired meanwhile is never brought back.
      const next = { ...record }
      return (await put(id, next, now, options?.mustExist ? 'live' : 'set', undefined, signal)) ? next : false
    },
    async delete(id, options) {
      if (userKey === undefined) {
        await send(connection, ['DEL', prefix + id], { key: prefix + id, signal: options?.signal })
        return
      }
      const user = text(await DELETE.run(connection, prefix + id, [], options?.signal))
      if (user) await unindex(id, user, options?.signal)
    },
    async touch(id, expiresAt, now, options) {
      const at = Math.floor(expiresAt)
      const reply = await TOUCH.run(connection, prefix + id, [String(now), String(at), expiryMs(at, now)], options?.signal)
      if (typeof reply !== 'string') return false // no live session: nothing was created
      if (reply !== '' && userKey !== undefined) await index(id, reply, at, now, options?.signal) // the index outlives the session
      return true
    },
  }
  Object.assign(keeper, listing({ connection, prefix, get, ...(userKey === undefined ? {} : { userKey, indexKey }) }))
  return serverStore(keeper)
}
