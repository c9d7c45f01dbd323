/**
 * The engine. One implementation, three doors:
 *
 * - by `Request`: `load(request)`, `commit(session, response)`, `save(session)`;
 * - by cookie value: `open(value)`, `saveCookie(session)` — for events that are
 *   not a `Request` (an Architect request object, a WebSocket `$connect`);
 * - by id: `byId` — server stores only, no cookie and no signature check, for
 *   code that holds an id from elsewhere (a connection table, an admin tool).
 *
 * The first two share every line; the request door is a cookie lookup over the
 * cookie-value door. Store-agnostic: every store goes through the same
 * {@link SessionStore} calls.
 *
 * @module
 */
import { chunkCount, chunkedCookies, expiredCookies, readChunks } from '../cookie/chunks.js'
import { readCookie, sessionCookie } from '../cookie/cookie.js'
import { randomId } from '../crypto/keyring.js'
import { SessionServerStoreRequiredError } from '../errors.js'
import { assertJsonValue } from '../json.js'
import { isSessionConfig, resolveConfig, type SessionConfig, type SessionOptions } from './options.js'
import { type LoadResult, Session, STATE } from './session.js'
import { MOVED, type SessionData, type SessionRecord, type SessionStore, type StoreContext } from '../stores/contract.js'

/** What {@link Sessions.saveCookie} returns: the cookie to send. */
export interface SavedCookie {
  /**
   * The cookie's new value, or `null` when the cookie is being expired (the
   * session ended). With chunked cookies, the chunks' values joined: what
   * {@link Sessions.open} takes back.
   */
  value: string | null
  /** The session cookie's whole `Set-Cookie` header value (with chunked cookies, the first cookie's). */
  header: string
  /**
   * Every `Set-Cookie` header value to send, `header` first. Without chunked
   * cookies it is `[header]`; with them, each chunk and the expiry of every
   * chunk the request carried that the session no longer uses.
   */
  headers: string[]
}

/** The `Cookie` header of a request, for {@link Sessions.open}: the session cookie and its chunks are found in it. */
export interface CookieHeaderSource {
  /** The request's `Cookie` header (`null`/`undefined`: none). */
  header: string | null | undefined
}

/**
 * Sessions by id: server stores only. No cookie and no signature check — for
 * code that holds an id from elsewhere (a WebSocket connection table, an admin
 * tool). The request doors never lead here. With the cookie store every
 * method rejects with {@link SessionServerStoreRequiredError}.
 */
export interface SessionsById<Data extends object = SessionData> {
  /**
   * The live session with this id, loaded; `undefined` when there is none or it expired.
   *
   * @param id the session id
   */
  load(id: string): Promise<Session<Data> | undefined>
  /**
   * Writes `session` under its id, with the same checks as `save()`, and
   * sends no cookie. A destroyed or emptied session is deleted. A session that
   * was read from the store and has since been deleted (revoked, logged out)
   * is not brought back: the write is dropped.
   *
   * @param session a session from `byId.load()`, or from `load()`/`open()` on a server store
   */
  save(session: Session<Data>): Promise<void>
  /**
   * Forgets the session with this id (no error when it does not exist).
   *
   * @param id the session id
   */
  delete(id: string): Promise<void>
  /**
   * The cookie value (`<id>.<signature>`, newest secret) that names this id.
   *
   * @param id the session id
   */
  cookieValue(id: string): Promise<string>
}

/** The engine returned by {@link createSessions}. */
export interface Sessions<Data extends object = SessionData> {
  /**
   * The session of `request`. Lazy: nothing is decrypted or read until the
   * handler reads the session.
   */
  load(request: Request): Promise<Session<Data>>
  /**
   * The session a cookie value names (or a new one for `undefined`), without a
   * `Request`. Lazy, validated and renewed exactly as {@link Sessions.load}.
   * Pass `{ header }` (a `Cookie` header) to have the session cookie found in
   * it — with chunked cookies, every chunk, so a save can expire the ones the
   * session no longer uses.
   *
   * @param cookie the session cookie's value (already percent-decoded; chunked: the chunks joined, as
   *   {@link SavedCookie.value}), `undefined`, or `{ header }`
   */
  open(cookie: string | undefined | CookieHeaderSource): Session<Data>
  /**
   * Writes the session if it changed (or is due for renewal) and returns the
   * `Set-Cookie` value to send, or `undefined` when nothing needs sending.
   * With chunked cookies (`cookieStore({ chunks })`) a session may need
   * several, so `save()` throws a `TypeError`: use {@link Sessions.commit}, or
   * {@link Sessions.saveCookie} and send all of its `headers`.
   */
  save(session: Session<Data>): Promise<string | undefined>
  /**
   * As {@link Sessions.save}, with the cookie's raw value beside the header:
   * for runtimes that set cookies their own way.
   */
  saveCookie(session: Session<Data>): Promise<SavedCookie | undefined>
  /**
   * `response` with the session's `Set-Cookie` headers appended (a copy; the original
   * is not modified). Returns `response` itself when nothing needs sending.
   */
  commit(session: Session<Data>, response: Response): Promise<Response>
  /** Sessions by id (server stores only). */
  readonly byId: SessionsById<Data>
  /** The configuration in force, from {@link resolveConfig}. */
  readonly config: SessionConfig
  /** The same as {@link Sessions.config}. */
  readonly options: SessionConfig
}

/**
 * Creates the session engine for any fetch handler. Without an `env` option,
 * settings come from the runtime's environment (`process.env`, `Deno.env`),
 * read once, here; on Workers, whose bindings arrive with each request, pass
 * them as `env` (or use `withSession()` or the `sessions()` middleware).
 *
 * @example
 * ```ts
 * const sessions = createSessions<{ count: number }>() // ARC_APP_SECRET, ARC_ENV… from process.env
 * export default {
 *   async fetch(request: Request) {
 *     const session = await sessions.load(request)
 *     const count = ((await session.get('count')) ?? 0) + 1
 *     session.set('count', count)
 *     return sessions.commit(session, new Response(`count: ${count}`))
 *   },
 * }
 * ```
 * @param options secrets, store, cookie and expiry settings — or a configuration from {@link resolveConfig}
 */
export function createSessions<Data extends object = SessionData>(options: SessionOptions | SessionConfig = {}): Sessions<Data> {
  const config = isSessionConfig(options) ? options : resolveConfig(options)
  const { store, cookieName, cookieAttributes, ttl, touchAfter, maxAge } = config
  const grace = config.regenerateGrace ?? 60 // a configuration made by an older resolveConfig has none
  const newId = store.stateless ? undefined : (store.newId ?? randomId)
  const { chunks } = store
  /** With chunked cookies: the chunk numbers each session's request carried, or the value it was opened with. */
  const carriedBy = new WeakMap<Session<Data>, readonly number[] | string>()

  function context(): StoreContext {
    return { keyring: config.keyring, now: Math.floor(config.now() / 1000), ttl }
  }

  /** The record if it is still live, with its expiries. */
  function live(record: SessionRecord, keyIndex: number, now: number): LoadResult {
    if (!Number.isFinite(record.issuedAt) || now - record.issuedAt > ttl) return {}
    const absoluteExpiresAt = maxAge === undefined ? undefined : (record.createdAt ?? record.issuedAt) + maxAge
    if (absoluteExpiresAt !== undefined && absoluteExpiresAt <= now) return {}
    return { record, keyIndex, expiresAt: record.issuedAt + ttl, absoluteExpiresAt }
  }

  async function read(cookieValue: string): Promise<LoadResult> {
    const ctx = context()
    const found = await store.read(cookieValue, ctx)
    if (!found) return {}
    return found.moved ? { moved: true } : live(found.record, found.keyIndex, ctx.now)
  }

  /** A lazy session of `value`; `hadCookie` when a cookie was sent, even one that cannot name a session. */
  function sessionOf(value: string | undefined, hadCookie = value !== undefined): Session<Data> {
    return new Session<Data>(() => (value === undefined ? Promise.resolve({}) : read(value)), { hadCookie, newId, engine })
  }

  function fromHeader(header: string | null | undefined): Session<Data> {
    if (!chunks) return sessionOf(readCookie(header, cookieName))
    const found = readChunks(header, cookieName, chunks)
    const session = sessionOf(found.value, found.present)
    if (found.carried.length > 0) carriedBy.set(session, found.carried)
    return session
  }

  function open(cookie: string | undefined | CookieHeaderSource): Session<Data> {
    if (cookie !== null && typeof cookie === 'object') {
      const { header } = cookie
      if (header !== undefined && header !== null && typeof header !== 'string') throw new TypeError('open({ header }) takes a Cookie header (a string)')
      return fromHeader(header)
    }
    if (cookie !== undefined && typeof cookie !== 'string') {
      throw new TypeError('open() takes a cookie value (a string), undefined, or { header } (a Cookie header)')
    }
    const value = cookie === '' ? undefined : cookie
    const session = sessionOf(value)
    if (chunks && value !== undefined) carriedBy.set(session, value) // its chunks are known when a save needs them
    return session
  }

  /** The chunk numbers (1 and up) the session's request carried. */
  function carriedChunks(session: Session<Data>): readonly number[] {
    const carried = carriedBy.get(session)
    if (typeof carried !== 'string') return carried ?? []
    // opened by value: the chunks that value was sent as
    const count = Math.min(chunkCount(cookieName, carried, cookieAttributes), chunks?.max ?? 1)
    return Array.from({ length: count - 1 }, (_, i) => i + 1)
  }

  /** Writes what the session needs and returns the new cookie value (`null`: expire it), or `undefined` for no cookie. */
  async function persist(session: Session<Data>): Promise<string | null | undefined> {
    if (!(session instanceof Session)) throw new TypeError('Expected a session from this engine')
    let state = session[STATE]()
    if (!state.touched) return undefined
    if (!state.loaded) {
      await session.load()
      state = session[STATE]()
    }
    // An id another request moved (its regenerate()): this request's view is stale and must not learn the
    // new id, nor expire the cookie that now holds it. Nothing is written, no cookie is sent.
    if (state.moved) return undefined
    const ctx = context()
    const old = state.record
    const renewalDue = old !== undefined && (ctx.now - old.issuedAt >= touchAfter || state.keyIndex > 0)
    // Nothing changed, nothing handed out that could have changed in place, no renewal due: nothing to do.
    if (state.originalJson === undefined && old !== undefined && !renewalDue && !state.loadedEmpty()) return undefined

    const data = state.dataToWrite()

    if (Object.keys(data).length === 0) {
      if (old) await store.delete(old, ctx)
      // an unreadable cookie is left alone unless the handler ended the session
      return state.hadCookie && (old !== undefined || state.destroyed) ? null : undefined
    }

    const moved = old !== undefined && old.id !== state.currentId
    // A session never changed nor handed out holds what was loaded, valid JSON (a new one holds nothing,
    // caught above); otherwise check every value first (in-place changes too), then compare.
    const pristine = state.originalJson === undefined
    if (!pristine) for (const key of Object.keys(data)) assertJsonValue(key, data[key])
    const changed = !pristine && JSON.stringify(data) !== state.originalJson
    if (!changed && !renewalDue && !moved && !state.regenerated) return undefined

    if (!changed && !moved && !state.regenerated && store.touch) {
      // A renewal only: move the expiry, never write this request's (possibly stale) copy of the data.
      const value = await store.touch({ ...old!, issuedAt: ctx.now }, ctx)
      return value
    }

    const continued = old !== undefined && !state.destroyed
    const record: SessionRecord = {
      id: state.currentId,
      data,
      issuedAt: ctx.now,
      createdAt: maxAge === undefined ? undefined : continued ? (old.createdAt ?? old.issuedAt) : ctx.now,
      extra: moved ? undefined : old?.extra,
    }
    let value: string | undefined | typeof MOVED
    if (continued && moved && store.move) {
      // regenerate(): the new id is written only while the old session is live, in one step per store
      value = await store.move(record, ctx, { from: old, grace })
    } else {
      const update = continued && !moved && old.id !== undefined
      value = await store.write(record, ctx, { update })
      if (moved && typeof value === 'string') await store.delete(old, ctx) // after the write: a failure leaves the old session intact
    }
    if (value === MOVED) return undefined // lost to another request's regenerate(): the visitor's new cookie stays
    if (value === undefined) return state.hadCookie ? null : undefined // ended out of band meanwhile: not brought back
    return value
  }

  async function saveCookie(session: Session<Data>): Promise<SavedCookie | undefined> {
    const value = await persist(session)
    if (value === undefined) return undefined
    const headers =
      value === null
        ? expiredCookies(cookieName, cookieAttributes, carriedChunks(session))
        : chunks
          ? chunkedCookies(cookieName, value, cookieAttributes, chunks, carriedChunks(session))
          : [sessionCookie(cookieName, value, cookieAttributes)]
    return { value, header: headers[0]!, headers }
  }

  function serverStore(what: string): SessionStore & Required<Pick<SessionStore, 'get' | 'cookieValue'>> {
    if (store.stateless || !store.get || !store.cookieValue) {
      throw new SessionServerStoreRequiredError(
        `${what} needs a server-side store (memory, DynamoDB, Redis, KV or your own): the cookie store keeps no session on a server, ` +
          'so a session cannot be read, saved or deleted by id.',
      )
    }
    return store as SessionStore & Required<Pick<SessionStore, 'get' | 'cookieValue'>>
  }

  function checkId(id: unknown): asserts id is string {
    if (typeof id !== 'string' || id === '') throw new TypeError('A session id must be a non-empty string')
  }

  const byId: SessionsById<Data> = {
    async load(id) {
      const server = serverStore('byId.load()')
      checkId(id)
      const ctx = context()
      const record = await server.get(id, ctx)
      if (!record) return undefined
      const found = live(record, 0, ctx.now)
      if (!found.record) return undefined
      let first: LoadResult | undefined = found
      const session = new Session<Data>(
        async () => {
          if (first) {
            const result = first
            first = undefined
            return result
          }
          // reload() reads the store again by id
          const again = context()
          const current = await server.get(id, again)
          return current ? live(current, 0, again.now) : {}
        },
        { hadCookie: true, newId, engine },
      )
      await session.load()
      return session
    },
    async save(session) {
      serverStore('byId.save()')
      await persist(session)
    },
    async delete(id) {
      const server = serverStore('byId.delete()')
      checkId(id)
      await server.delete({ id, data: {}, issuedAt: 0 }, context())
    },
    async cookieValue(id) {
      const server = serverStore('byId.cookieValue()')
      checkId(id)
      return server.cookieValue(id, context())
    },
  }

  const engine: Sessions<Data> = {
    config,
    options: config,
    byId,
    async load(request) {
      if (!(request instanceof Request)) throw new TypeError('load() takes a Request')
      return fromHeader(request.headers.get('cookie'))
    },
    open,
    saveCookie,
    async save(session) {
      if (chunks) {
        throw new TypeError(
          'save() returns one Set-Cookie value, and this cookie store may split a session over several cookies (chunks): ' +
            'use commit(session, response), or saveCookie(session) and send every entry of its headers',
        )
      }
      return (await saveCookie(session))?.header
    },
    async commit(session, response) {
      const saved = await saveCookie(session)
      if (saved === undefined) return response
      const copy = new Response(response.body, response)
      for (const header of saved.headers) copy.headers.append('set-cookie', header)
      return copy
    },
  }
  return engine
}
