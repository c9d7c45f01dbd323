/**
 * The engine: `load(request)` gives a lazy {@link Session}; `commit(session,
 * response)` writes it and adds its `Set-Cookie`. Store-agnostic: every store
 * goes through the same {@link SessionStore} calls.
 *
 * @module
 */
import { expiredCookie, readCookie, sessionCookie } from './cookie.js'
import { randomId } from './crypto.js'
import { assertJsonValue } from './json.js'
import { resolveOptions, type ResolvedOptions, type SessionOptions } from './options.js'
import { type LoadResult, Session, STATE } from './session.js'
import type { SessionData, SessionRecord, StoreContext } from './stores/store.js'

/** The engine returned by {@link createSessions}. */
export interface Sessions<Data extends SessionData = SessionData> {
  /**
   * The session of `request`. Lazy: nothing is decrypted or read until the
   * handler reads the session.
   */
  load(request: Request): Promise<Session<Data>>
  /**
   * Writes the session if it changed (or is due for renewal) and returns the
   * `Set-Cookie` value to send, or `undefined` when nothing needs sending.
   */
  save(session: Session<Data>): Promise<string | undefined>
  /**
   * `response` with the session's `Set-Cookie` appended (a copy; the original
   * is not modified). Returns `response` itself when nothing needs sending.
   */
  commit(session: Session<Data>, response: Response): Promise<Response>
  /** The options in force, after defaults and the environment. */
  readonly options: ResolvedOptions
}

/**
 * Creates the session engine for any fetch handler.
 *
 * @example
 * ```ts
 * const sessions = createSessions({ env: process.env })
 * export default {
 *   async fetch(request: Request) {
 *     const session = await sessions.load(request)
 *     const count = ((await session.get('count')) ?? 0) + 1
 *     session.set('count', count)
 *     return sessions.commit(session, new Response(`count: ${count}`))
 *   },
 * }
 * ```
 * @param options secrets, store, cookie and expiry settings
 */
export function createSessions<Data extends SessionData = SessionData>(options: SessionOptions = {}): Sessions<Data> {
  const resolved = resolveOptions(options)
  const { store, cookieName, cookieAttributes, ttl, touchAfter, maxAge } = resolved
  const newId = store.stateless ? undefined : randomId

  function context(): StoreContext {
    return { keyring: resolved.keyring, now: Math.floor(resolved.now() / 1000), ttl }
  }

  async function read(cookieValue: string): Promise<LoadResult> {
    const ctx = context()
    const found = await store.read(cookieValue, ctx)
    if (!found) return {}
    const { record, keyIndex } = found
    if (!Number.isFinite(record.issuedAt) || ctx.now - record.issuedAt > ttl) return {}
    if (maxAge !== undefined && (record.createdAt ?? record.issuedAt) + maxAge <= ctx.now) return {}
    return { record, keyIndex }
  }

  async function save(session: Session<Data>): Promise<string | undefined> {
    if (!session[STATE]().touched) return undefined
    await session.load()
    const state = session[STATE]()
    const ctx = context()
    const data = state.dataToWrite()
    for (const key of Object.keys(data)) assertJsonValue(key, data[key]) // catches in-place mutations too
    const old = state.record

    if (Object.keys(data).length === 0) {
      if (old) await store.delete(old, ctx)
      return state.hadCookie ? expiredCookie(cookieName, cookieAttributes) : undefined
    }

    const moved = old !== undefined && old.id !== state.currentId
    const changed = JSON.stringify(data) !== state.originalJson
    const renewalDue = old !== undefined && (ctx.now - old.issuedAt >= touchAfter || state.keyIndex > 0)
    if (!changed && !renewalDue && !moved && !state.regenerated) return undefined

    if (!changed && !moved && !state.regenerated && store.touch) {
      // A renewal only: move the expiry, never write this request's (possibly stale) copy of the data.
      const value = await store.touch({ ...old!, issuedAt: ctx.now }, ctx)
      return value === undefined ? undefined : sessionCookie(cookieName, value, cookieAttributes)
    }

    const continued = old !== undefined && !state.destroyed
    const record: SessionRecord = {
      id: state.currentId,
      data,
      issuedAt: ctx.now,
      createdAt: maxAge === undefined ? undefined : continued ? (old.createdAt ?? old.issuedAt) : ctx.now,
      extra: moved ? undefined : old?.extra,
    }
    const value = await store.write(record, ctx)
    const cookie = sessionCookie(cookieName, value, cookieAttributes)
    if (moved) await store.delete(old, ctx) // after the write: a failure leaves the old session intact
    return cookie
  }

  return {
    options: resolved,
    async load(request) {
      if (!(request instanceof Request)) throw new TypeError('load() takes a Request')
      const cookieValue = readCookie(request.headers.get('cookie'), cookieName)
      return new Session<Data>(() => (cookieValue === undefined ? Promise.resolve({}) : read(cookieValue)), {
        hadCookie: cookieValue !== undefined,
        newId,
      })
    },
    save,
    async commit(session, response) {
      const cookie = await save(session)
      if (cookie === undefined) return response
      const copy = new Response(response.body, response)
      copy.headers.append('set-cookie', cookie)
      return copy
    },
  }
}
