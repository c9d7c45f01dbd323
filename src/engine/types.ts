/**
 * The engine's public shapes: what `createSessions()` returns, its by-id
 * door, and what its cookie doors take and give. Declared apart from the code
 * so every module of the engine (and its clients) can name them without
 * importing the wiring.
 *
 * @module
 */
import type { SessionConfig } from './options.js'
import type { Session } from './session.js'
import type { SessionData } from '../stores/contract.js'

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
  /** The request itself, if there is one: the engine's `meta(request)` records from it (as `load(request)` does). */
  request?: Request | undefined
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

/** The engine returned by `createSessions()`. */
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
  /** The configuration in force, from `resolveConfig()`. */
  readonly config: SessionConfig
  /** The same as {@link Sessions.config}. */
  readonly options: SessionConfig
}
