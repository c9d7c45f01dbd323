/**
 * React Router's `SessionStorage` over sesh's engine: `getSession(cookieHeader)`,
 * `commitSession(session)`, `destroySession(session)`, with sesh's `_idx`
 * cookie, its stores and its expiry rules.
 *
 * @module
 */
import type { Session as RouterSession, SessionStorage } from 'react-router'
import { createSessions, type Session, type SessionData, type SessionOptions, type Sessions } from '../../src/index.js'

/** A sesh session through React Router's synchronous `Session` interface; {@link SeshRouterSession.sesh} is the sesh session under it. */
export interface SeshRouterSession<Data extends object = SessionData> extends RouterSession<Data> {
  /**
   * The sesh session under this one (loaded): `regenerate()` at a log-in,
   * `await sesh.get(key)` to read a flash value, `info` for its expiries.
   */
  readonly sesh: Session<Data>
}

/** What {@link createSessionStorage} returns: React Router's `SessionStorage`, and sesh's engine under it. */
export interface SeshSessionStorage<Data extends object = SessionData> extends SessionStorage<Data> {
  getSession(cookieHeader?: string | null): Promise<SeshRouterSession<Data>>
  /** The engine (by-id access, configuration): the same `createSessions()` the storage uses. */
  readonly sessions: Sessions<Data>
}

/**
 * A `SessionStorage` for React Router, backed by sesh: `getSession()` reads the
 * `_idx` cookie (sealed by the cookie store, or a signed id for a server store)
 * and loads the session, so React Router's synchronous `get`/`has`/`data` work;
 * `commitSession()` saves it and gives the `Set-Cookie` value.
 *
 * What differs from React Router's own storages:
 * - `commitSession()` resolves to `''` when the session needs no cookie: sesh
 *   never rewrites an unchanged session (nor saves an empty new one). Send the
 *   header only when it is not empty, or use {@link sessionMiddleware}, which does.
 * - `flash(key, value)` is sesh's flash (readable by the next request, on any
 *   sesh door); the synchronous `get()` sees stored values only: read a flash
 *   value with `await session.sesh.get(key)`.
 * - A cookie store that splits a session over several cookies (`chunks`) needs
 *   several `Set-Cookie` headers, which one string cannot carry: it is refused
 *   here with a `TypeError`; {@link sessionMiddleware} sends them all.
 * - A store outage makes `getSession()`/`commitSession()` reject with
 *   `SessionStoreUnavailableError`: `throw error.getResponse()` in a loader
 *   answers 503 (the middleware does it for you).
 *
 * @example
 * ```ts
 * const { getSession, commitSession } = createSessionStorage<{ count: number }>({ secret: process.env.SESSION_SECRET })
 * export async function action({ request }: { request: Request }) {
 *   const session = await getSession(request.headers.get('cookie'))
 *   session.set('count', (session.get('count') ?? 0) + 1)
 *   const cookie = await commitSession(session)
 *   return redirect('/', cookie ? { headers: { 'set-cookie': cookie } } : undefined)
 * }
 * ```
 * @param options the engine's options, as `createSessions`
 */
export function createSessionStorage<Data extends object = SessionData>(options: SessionOptions = {}): SeshSessionStorage<Data> {
  const engine = createSessions<Data>(options)
  if (engine.config.store.chunks) {
    throw new TypeError(
      'createSessionStorage() gives one Set-Cookie value per commit, and this store may split a session over several cookies (chunks): ' +
        'use sessionMiddleware(), which sends every cookie, or a store without chunks',
    )
  }
  const wrapped = new WeakMap<object, Session<Data>>()

  function seshOf(session: RouterSession<Data>): Session<Data> {
    const sesh = wrapped.get(session)
    if (!sesh) throw new TypeError('Expected a session from this storage’s getSession()')
    return sesh
  }

  async function cookieOf(sesh: Session<Data>): Promise<string> {
    const saved = await engine.saveCookie(sesh)
    return saved?.header ?? ''
  }

  return {
    sessions: engine,
    async getSession(cookieHeader) {
      const sesh = engine.open({ header: cookieHeader ?? undefined })
      const session = routerSession(sesh, await sesh.all())
      wrapped.set(session, sesh)
      return session
    },
    async commitSession(session) {
      return cookieOf(seshOf(session))
    },
    async destroySession(session) {
      const sesh = seshOf(session)
      sesh.destroy()
      return cookieOf(sesh)
    },
  }
}

/** React Router's `Session` over a loaded sesh session and a copy of its data. */
function routerSession<Data extends object>(sesh: Session<Data>, data: Partial<Data>): SeshRouterSession<Data> {
  const values = data as Record<string, unknown>
  type Key = keyof Data & string
  return {
    sesh,
    get id() {
      return sesh.id ?? ''
    },
    get data() {
      return { ...data } as SeshRouterSession<Data>['data']
    },
    has(name: string) {
      return Object.hasOwn(values, name)
    },
    get(name: string) {
      return values[name] as never
    },
    set(name, value) {
      sesh.set(name as Key, value as never)
      values[name] = value
    },
    flash(name, value) {
      sesh.flash(name as Key, value as never)
    },
    unset(name: string) {
      sesh.unset(name as Key)
      delete values[name]
    },
  }
}
