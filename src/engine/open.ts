/**
 * The cookie doors in: a lazy session from a cookie value or a `Cookie`
 * header, and what reading it finds. Nothing is decrypted or read until the
 * handler reads the session.
 *
 * @module
 */
import { readChunks } from '../cookie/chunks.js'
import { readCookie } from '../cookie/cookie.js'
import { type LoadResult, Session } from './session.js'
import { type EngineState, storeContext } from './state.js'
import type { CookieHeaderSource } from './types.js'
import type { SessionData, SessionRecord } from '../stores/contract.js'

/**
 * The record if it is still live, with its expiries.
 *
 * @param state the engine's state
 * @param record the record a store returned
 * @param keyIndex which key opened its cookie (0 = newest)
 * @param now the time now, epoch seconds
 */
export function live(state: EngineState, record: SessionRecord, keyIndex: number, now: number): LoadResult {
  const { ttl, maxAge } = state
  if (!Number.isFinite(record.issuedAt) || now - record.issuedAt > ttl) return {}
  const absoluteExpiresAt = maxAge === undefined ? undefined : (record.createdAt ?? record.issuedAt) + maxAge
  if (absoluteExpiresAt !== undefined && absoluteExpiresAt <= now) return {}
  return { record, keyIndex, expiresAt: record.issuedAt + ttl, absoluteExpiresAt }
}

/**
 * What the store finds for a cookie value: a live record, a moved id, or nothing.
 *
 * @param state the engine's state
 * @param cookieValue the session cookie's value
 */
export async function read(state: EngineState, cookieValue: string): Promise<LoadResult> {
  const ctx = storeContext(state)
  const found = await state.store.read(cookieValue, ctx)
  if (!found) return {}
  return found.moved ? { moved: true } : live(state, found.record, found.keyIndex, ctx.now)
}

/**
 * A lazy session of `value`.
 *
 * @param state the engine's state
 * @param value the cookie's value; `undefined`: none
 * @param hadCookie a cookie was sent, even one that cannot name a session
 */
export function sessionOf<Data extends object = SessionData>(
  state: EngineState,
  value: string | undefined,
  hadCookie = value !== undefined,
): Session<Data> {
  return new Session<Data>(() => (value === undefined ? Promise.resolve({}) : read(state, value)), {
    hadCookie,
    newId: state.newId,
    origin: state,
  })
}

/**
 * The session a `Cookie` header carries (with chunked cookies, its chunks joined).
 *
 * @param state the engine's state
 * @param header the request's `Cookie` header
 */
export function fromHeader<Data extends object = SessionData>(state: EngineState, header: string | null | undefined): Session<Data> {
  const { chunks, cookieName } = state
  if (!chunks) return sessionOf<Data>(state, readCookie(header, cookieName))
  const found = readChunks(header, cookieName, chunks)
  const session = sessionOf<Data>(state, found.value, found.present)
  if (found.carried.length > 0) state.carriedBy.set(session, found.carried)
  return session
}

/**
 * The session a cookie value names (a new one for `undefined` or `''`), or the one a `{ header }` carries.
 *
 * @param state the engine's state
 * @param cookie a cookie value, `undefined`, or `{ header }`
 */
export function open<Data extends object = SessionData>(
  state: EngineState,
  cookie: string | undefined | CookieHeaderSource,
): Session<Data> {
  if (cookie !== null && typeof cookie === 'object') {
    const { header } = cookie
    if (header !== undefined && header !== null && typeof header !== 'string')
      throw new TypeError('open({ header }) takes a Cookie header (a string)')
    return fromHeader<Data>(state, header)
  }
  if (cookie !== undefined && typeof cookie !== 'string') {
    throw new TypeError('open() takes a cookie value (a string), undefined, or { header } (a Cookie header)')
  }
  const value = cookie === '' ? undefined : cookie
  const session = sessionOf<Data>(state, value)
  if (state.chunks && value !== undefined) state.carriedBy.set(session, value) // its chunks are known when a save needs them
  return session
}
