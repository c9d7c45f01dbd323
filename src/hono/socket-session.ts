/**
 * The session of one WebSocket, framework-free. A socket starts as an HTTP
 * upgrade request that carries the session cookie; after that its messages
 * carry no cookie and nothing can set one. So a socket reads the session it
 * was opened with, re-reads it by id to see what HTTP requests changed, saves
 * it by id (server stores only), and learns when it ended.
 *
 * @module
 */
import { engineOf, type Sessions } from '../engine/engine.js'
import { type Session, SNAPSHOT } from '../engine/session.js'
import { expectedVersion } from '../stores/concurrency.js'
import type { SessionData } from '../stores/contract.js'

/** The close code sesh uses for a socket whose session ended: 4401, "unauthorized" in the 4000-4999 private range. */
export const SESSION_ENDED_CLOSE_CODE = 4401

/**
 * The close code of a socket that sent more messages than `sessionSocket()`
 * keeps waiting (`maxQueuedMessages`): 1008, "policy violation".
 */
export const SOCKET_QUEUE_FULL_CLOSE_CODE = 1008

/** Whether the session must be read again before the next message (`sessionSocket()`'s coalesced reloads). @internal */
export const MUST_RELOAD: unique symbol = Symbol('sesh.socket.mustReload')

function ended(): TypeError {
  return new TypeError(
    'The session ended (logged out, revoked or expired): nothing was saved, and a socket cannot bring it back (close the socket)',
  )
}

/**
 * The session of one WebSocket connection.
 *
 * - {@link SocketSession.open} loads the session the upgrade request carried;
 * - {@link SocketSession.reload} re-reads it and says whether it is still live
 *   (a logout, reset or revocation over HTTP ends it);
 * - {@link SocketSession.save} writes changes by id: server stores only; with
 *   the cookie store it rejects with `SessionServerStoreRequiredError`, because
 *   a socket cannot set a cookie.
 *
 * @example
 * ```ts
 * const socket = new SocketSession(sessions, await sessions.load(upgradeRequest))
 * await socket.open()
 * // on each message:
 * if (!(await socket.reload())) return ws.close(4401, 'session ended')
 * socket.session.set('count', ((await socket.session.get('count')) ?? 0) + 1)
 * await socket.save()
 * ```
 */
export class SocketSession<Data extends object = SessionData> {
  readonly #engine: Sessions<Data>
  readonly #session: Session<Data>
  #opening: Promise<void> | undefined
  #started = false
  #ended = false
  #mustReload = false

  /**
   * @param engine the engine that loaded `session` (from `createSessions()`)
   * @param session the session of the upgrade request
   */
  constructor(engine: Sessions<Data>, session: Session<Data>) {
    this.#engine = engine
    this.#session = session
  }

  /**
   * The socket of a session an engine made: the Hono middleware's `c.get('session')`,
   * or one from `load()`/`open()`.
   *
   * @param session the upgrade request's session
   */
  static of<Data extends object>(session: Session<Data>): SocketSession<Data> {
    const engine = engineOf(session)
    if (!engine)
      throw new TypeError(
        'SocketSession.of() takes a session made by an engine (the sessions() middleware, load() or open()); otherwise use new SocketSession(engine, session)',
      )
    return new SocketSession(engine, session)
  }

  /** The session. Its data is what the last {@link open} or {@link reload} read, plus your changes. */
  get session(): Session<Data> {
    return this.#session
  }

  /** Whether the upgrade request carried a live session (known after {@link open}). */
  get started(): boolean {
    return this.#started
  }

  /** Whether the session has ended since the socket opened (known after {@link reload}). */
  get ended(): boolean {
    return this.#ended
  }

  /** Loads the session the upgrade request carried. Safe to call more than once. */
  async open(): Promise<Session<Data>> {
    this.#opening ??= this.#session.load().then(
      (session) => {
        this.#started = !session.isNew
      },
      (error: unknown) => {
        this.#opening = undefined // a store outage: the next call tries again
        throw error
      },
    )
    await this.#opening
    return this.#session
  }

  /**
   * Re-reads the session (from the store, for server stores), dropping unsaved
   * changes. Resolves `false` when the session the socket opened with has
   * ended meanwhile (destroyed, regenerated, revoked or expired); from then on
   * the socket should close (sesh uses code {@link SESSION_ENDED_CLOSE_CODE}).
   * A socket opened without a session stays "live": it never had one to lose.
   */
  async reload(): Promise<boolean> {
    await this.open()
    if (this.#ended) return false
    await this.#session.reload()
    this.#mustReload = false
    if (this.#started && this.#session.isNew) this.#ended = true
    return !this.#ended
  }

  /**
   * Saves the session by id. Server stores only: with the cookie store this
   * rejects with `SessionServerStoreRequiredError` (code
   * `ERR_SESSION_SERVER_STORE_REQUIRED`). An ended session is never written
   * back (a socket does not resurrect a logged-out session); nor is the session
   * of a socket opened without one, whose id no cookie names.
   *
   * Rejects with a `TypeError` when the session has ended: known from a
   * {@link reload}, or found now — the store refused the write because the
   * session was destroyed, revoked or expired elsewhere since it was read
   * (with `reload: false` nothing else would tell). {@link ended} is then `true`.
   */
  async save(): Promise<void> {
    await this.open()
    if (this.#ended) throw ended()
    const { store } = this.#engine.config
    if (!this.#started && store.stateless !== true) {
      throw new TypeError(
        'The socket was opened without a session: no cookie names this id, so saving it would be lost. Start the session over HTTP first.',
      )
    }
    if (store.stateless || !store.get || !store.cookieValue) return this.#engine.byId.save(this.#session) // SessionServerStoreRequiredError
    const snapshot = this.#session[SNAPSHOT]()
    // after these, what this copy holds is not what the store holds (another id, a new version): read it again
    const diverges = snapshot.destroyed || snapshot.regenerated || expectedVersion(snapshot.record?.extra) !== undefined
    // the same write as byId.save(); its result tells a refused write (null with data to keep) from a deletion
    const saved = await this.#engine.saveCookie(this.#session)
    if (diverges && saved !== undefined) this.#mustReload = true
    if (saved?.value === null && Object.keys(this.#session[SNAPSHOT](true).data).length > 0) {
      this.#ended = true
      throw ended()
    }
  }

  /** @internal */
  [MUST_RELOAD](): boolean {
    return this.#mustReload
  }
}
