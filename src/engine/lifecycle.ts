/**
 * The session lifecycle over the engine's state: a session's own lifetime
 * (`setLifetime()`) as the store and the cookie see it, a user's other
 * sessions (`others()`, `revokeOthers()`, `revokeOther()`) and the per-user
 * cap (`maxSessionsPerUser`). None of it runs for a session or an engine that
 * does not use it.
 *
 * @module
 */
import type { CookieAttributes } from '../cookie/cookie.js'
import { SessionServerStoreRequiredError } from '../errors.js'
import type { OtherSession, SessionDevices } from './session.js'
import { type EngineState, storeContext } from './state.js'
import {
  AUTH_KEY,
  type ListedRecord,
  lifetimeOf,
  LIFE_KEY,
  META_KEY,
  type RecordKeeper,
  type RecordPage,
  type SessionData,
  type SessionLifetime,
} from '../stores/contract.js'
import { holdsUser, isSessionId } from '../stores/listing.js'

/**
 * Calls an engine event, if given; an error it throws is ignored (an event never fails the request).
 *
 * @param hook the hook, or `undefined`
 * @param event its argument
 */
export function callHook<Event>(hook: ((event: Event) => void) | undefined, event: Event): void {
  if (hook === undefined) return
  try {
    hook(event)
  } catch {
    // a hook must not throw; if it does, the request goes on
  }
}

/** The most a browser keeps a cookie: 400 days (as the engine's `cookie.maxAge` is capped). */
const MAX_COOKIE_AGE = 400 * 24 * 60 * 60

/** The cookie attributes of sessions with their own lifetime, by engine and lifetime (frozen: serialized once each). */
const attributesByLife = new WeakMap<EngineState, Map<string, CookieAttributes>>()

/**
 * The session cookie's attributes for a session with its own lifetime: no
 * `Max-Age` for `persistent: false`; otherwise `Max-Age` follows its `ttl`
 * (and is no longer than its `maxAge`).
 *
 * @param state the engine's state
 * @param life the session's lifetime
 */
export function cookieAttributesFor(state: EngineState, life: SessionLifetime): CookieAttributes {
  const key = `${life.ttl ?? ''}/${life.maxAge ?? ''}/${life.persistent === false ? 0 : 1}`
  let byLife = attributesByLife.get(state)
  if (byLife === undefined) attributesByLife.set(state, (byLife = new Map()))
  let attributes = byLife.get(key)
  if (attributes === undefined) {
    const base = state.cookieAttributes
    let maxAge: number | undefined = life.ttl === undefined ? base.maxAge : Math.min(MAX_COOKIE_AGE, life.ttl)
    if (life.maxAge !== undefined) maxAge = Math.min(maxAge, life.maxAge)
    if (life.persistent === false) maxAge = undefined // hono's serialize writes no Max-Age without a number
    attributes = Object.freeze({ ...base, maxAge }) as CookieAttributes
    if (byLife.size < 64) byLife.set(key, attributes) // a few distinct lifetimes per application
  }
  return attributes
}

/** The engine's userKey, or a `TypeError` naming the call. */
function userKeyOf(state: EngineState, what: string): string {
  const { userKey } = state.config
  if (userKey === undefined) throw new TypeError(`session.${what} needs userKey on the engine (the session key holding the user id)`)
  return userKey
}

/** The keeper behind the engine's store, if it keeps sessions by id; otherwise a {@link SessionServerStoreRequiredError}. */
function keeperOf(state: EngineState, what: string): RecordKeeper {
  const keeper = state.store.records
  if (state.store.stateless || keeper === undefined) {
    throw new SessionServerStoreRequiredError(
      `session.${what} needs a server-side store (memory, Redis, DynamoDB, KV, PostgreSQL, SQLite, Durable Objects): ` +
        "the cookie store keeps no session on a server, so a user's other sessions cannot be listed or ended.",
    )
  }
  return keeper
}

/** The user id `data` holds under `userKey` (a string, or a number written as one), if any. */
function userOf(data: Readonly<SessionData>, userKey: string): string | undefined {
  const value = Object.hasOwn(data, userKey) ? data[userKey] : undefined
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined
}

/** Every live session of `user`, through the keeper's per-user index (or a filtered listing). */
async function sessionsOf(state: EngineState, keeper: RecordKeeper, userKey: string, user: string): Promise<ListedRecord[]> {
  const now = Math.floor(state.config.now() / 1000)
  const found: ListedRecord[] = []
  let cursor: string | undefined
  do {
    let page: RecordPage
    if (keeper.listByUser) page = await keeper.listByUser(userKey, user, { now, cursor, limit: 1000 })
    else if (keeper.list) {
      page = await keeper.list({ now, cursor, limit: 1000 })
      page = { records: page.records.filter((record) => holdsUser(record.data, userKey, user)), cursor: page.cursor }
    } else throw new SessionServerStoreRequiredError('This store cannot list sessions (its RecordKeeper has neither listByUser nor list)')
    for (const record of page.records) if (!record.moved && record.expiresAt > now && isSessionId(record.id)) found.push(record)
    cursor = page.cursor
  } while (cursor !== undefined)
  return found
}

/** When a listed record was last seen: its last write or renewal (its expiry less its idle lifetime). */
function lastSeenOf(state: EngineState, record: ListedRecord): number {
  const life = record.data[LIFE_KEY] === undefined ? undefined : lifetimeOf(record.data)
  return record.expiresAt - (life?.ttl ?? state.ttl)
}

function summaryOf(state: EngineState, record: ListedRecord): OtherSession {
  const auth = record.data[AUTH_KEY]
  const meta = record.data[META_KEY]
  return Object.freeze({
    id: record.id,
    createdAt: record.createdAt,
    lastSeenAt: lastSeenOf(state, record),
    authenticatedAt: typeof auth === 'number' ? auth : undefined,
    meta: meta !== null && typeof meta === 'object' && !Array.isArray(meta) ? Object.freeze({ ...(meta as SessionData) }) : undefined,
  })
}

/**
 * What the sessions of an engine ask of it for a user's other sessions.
 *
 * @param state the engine's state
 */
export function devicesOf(state: EngineState): SessionDevices {
  return {
    async others(data, exceptId) {
      const userKey = userKeyOf(state, 'others()')
      const keeper = keeperOf(state, 'others()')
      const user = userOf(data, userKey)
      if (user === undefined) return []
      const records = await sessionsOf(state, keeper, userKey, user)
      return records.filter((record) => record.id !== exceptId).map((record) => summaryOf(state, record))
    },
    async revoke(data, exceptId, id) {
      const userKey = userKeyOf(state, 'revokeOther()')
      keeperOf(state, 'revokeOther()')
      const user = userOf(data, userKey)
      if (user === undefined || id === exceptId || !isSessionId(id)) return false
      // through the store, under its deadline (storeTimeout); get() returns live sessions only
      const record = await state.store.get!(id, storeContext(state))
      if (!record || !holdsUser(record.data, userKey, user)) return false
      await state.store.delete(record, storeContext(state))
      callHook(state.hooks?.onRevoke, { id, by: 'user' as const })
      return true
    },
  }
}

/**
 * After a login (`regenerate()`) of `user` into `keepId`: ends the user's least
 * recently seen sessions beyond `maxSessionsPerUser`. Not atomic: two logins at
 * once may each end one (see docs/lifecycle.md).
 *
 * @param state the engine's state
 * @param data the data just written
 * @param keepId the session just written
 */
export async function enforceCap(state: EngineState, data: Readonly<SessionData>, keepId: string | undefined): Promise<void> {
  const { maxSessionsPerUser: cap, userKey } = state.config
  const keeper = state.store.records
  if (cap === undefined || userKey === undefined || keeper === undefined || state.store.stateless || keepId === undefined) return
  const user = userOf(data, userKey)
  if (user === undefined) return
  const records = await sessionsOf(state, keeper, userKey, user)
  const others = records.filter((record) => record.id !== keepId)
  const excess = others.length + 1 - cap
  if (excess <= 0) return
  others.sort((a, b) => lastSeenOf(state, a) - lastSeenOf(state, b) || (a.createdAt ?? 0) - (b.createdAt ?? 0))
  for (const record of others.slice(0, excess)) {
    await state.store.delete({ id: record.id, data: {}, issuedAt: 0 }, storeContext(state))
    callHook(state.hooks?.onRevoke, { id: record.id, by: 'cap' as const })
  }
}
