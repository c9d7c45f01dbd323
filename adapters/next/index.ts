/**
 * `seshjs/next`: sessions for the Next.js App Router, over sesh's engine.
 *
 * ```ts
 * // lib/session.ts
 * export const { getSession, commit, middleware } = nextSessions<{ count: number }>()
 *
 * // app/count/route.ts: reads and writes
 * export async function POST(request: Request) {
 *   const session = await getSession()
 *   session.set('count', ((await session.get('count')) ?? 0) + 1)
 *   await commit(session)
 *   return Response.redirect(new URL('/', request.url), 303)
 * }
 * ```
 *
 * - Route handlers and Server Actions read the session with {@link NextSessions.getSession}
 *   and write it with {@link NextSessions.commit}, both through `cookies()` of `next/headers`.
 * - Server Components only read: Next.js refuses a cookie written during a
 *   render, so a renewal that is due there waits for the next write (or for the middleware).
 * - The middleware ({@link NextSessions.middleware}, Edge or Node) renews the
 *   session and hands its new cookie on to the render it lets through, and to the browser.
 *
 * Next.js is an optional peer: only `next/headers` and `next/server` are
 * imported, which a Next.js app always has. On the Edge runtime the crypto is
 * WebCrypto + jose (the package's `#crypto-provider` resolves to none there).
 *
 * @module
 */
import { cookies } from 'next/headers.js'
import { type NextRequest, NextResponse } from 'next/server.js'
import {
  createSessions,
  type Session,
  type SessionConfig,
  type SessionData,
  type SessionOptions,
  type Sessions,
  SessionStoreUnavailableError,
} from '../../src/index.js'
import { forwardCookieHeader, toNextCookie } from './cookies.js'

export { forwardCookieHeader, toNextCookie, type NextCookie } from './cookies.js'

/**
 * What the middleware's handler may do: change the session, and answer with
 * a response of its own (a redirect, a rewrite, a `NextResponse.next()`), or
 * with nothing to let the request through.
 */
export type SessionMiddlewareHandler<Data extends object = SessionData> = (
  session: Session<Data>,
  request: NextRequest,
) => Response | undefined | void | Promise<Response | undefined | void>

/** What {@link nextSessions} returns. */
export interface NextSessions<Data extends object = SessionData> {
  /**
   * The request's session, read from `cookies()` (the session cookie and its
   * chunks). In a route handler or Server Action, after a {@link NextSessions.commit}
   * or a middleware's hand-off, it is the new cookie's session. One session per
   * request: calling it again gives the same object.
   *
   * Lazy, as every sesh session: nothing is decrypted or read from a store
   * until the first `get()`. A store outage is a `SessionStoreUnavailableError`
   * thrown by that read (Next's error page, or your `error.tsx`).
   */
  getSession(): Promise<Session<Data>>
  /**
   * Saves the session and writes its cookie(s) through `cookies().set()`: in a
   * route handler or a Server Action only (Next.js throws in a Server
   * Component). Writes nothing when nothing changed and no renewal is due.
   *
   * @param session the session from {@link NextSessions.getSession}
   */
  commit(session: Session<Data>): Promise<void>
  /**
   * A Next.js middleware (`middleware.ts`; Edge or Node runtime) that loads the
   * session, lets `handler` change it, saves it — renewing it when due — and
   * hands the new cookie on both to the browser (`Set-Cookie`) and to the
   * render it lets through (the forwarded request's `Cookie` header), so the
   * page reads in the same request what the middleware wrote.
   *
   * When `handler` answers with its own response, the `Set-Cookie` lines go on
   * it (through `response.cookies` for a `NextResponse`, which Next.js also
   * shows to the render). A store outage answers `error.getResponse()` (a 503
   * with `Retry-After`); any other error is thrown to Next.js.
   *
   * @param handler changes the session; may answer with a response
   */
  middleware(handler?: SessionMiddlewareHandler<Data>): (request: NextRequest) => Promise<Response>
  /** The engine (by-id access, configuration): the `createSessions()` these helpers use, made on first use. */
  readonly sessions: Sessions<Data>
}

/** The request cookies of `cookies()`, as far as sesh reads them. */
interface CookieReader {
  getAll(): { name: string; value: string }[]
}

/**
 * sesh for the Next.js App Router: `getSession()` and `commit()` through
 * `cookies()`, and a `middleware()` that hands its cookie on to the render.
 * Create it once, in a module of your app, and import its helpers where needed.
 * The engine is made on first use, not here: `next build` imports the app's
 * modules without the production secret, and a missing or weak secret is an
 * error of the first request instead (production refuses to start without one).
 *
 * @example
 * ```ts
 * export const { getSession, commit, middleware } = nextSessions<{ user?: string }>({ secret: process.env.SESSION_SECRET })
 * ```
 * @param options the engine's options (as `createSessions`), or a configuration from `resolveConfig`
 */
export function nextSessions<Data extends object = SessionData>(options: SessionOptions | SessionConfig = {}): NextSessions<Data> {
  // Made on first use, not at import: `next build` imports route modules to collect their configuration,
  // usually without the production secret, which only the running server has.
  let made: { engine: Sessions<Data>; ours: (cookie: { name: string }) => boolean } | undefined
  function engineOf() {
    if (made === undefined) {
      const engine = createSessions<Data>(options)
      const name = engine.config.cookieName
      made = { engine, ours: (cookie) => cookie.name === name || cookie.name.startsWith(`${name}.`) }
    }
    return made
  }
  const opened = new WeakMap<object, Session<Data>>()

  /** The `Cookie` header of sesh's cookies among `jar`'s (an expired one reads as empty, so as none). */
  const headerOf = (jar: CookieReader) =>
    jar
      .getAll()
      .filter(engineOf().ours)
      .map((cookie) => `${cookie.name}=${encodeURIComponent(cookie.value)}`)
      .join('; ')

  async function getSession(): Promise<Session<Data>> {
    const jar = await cookies()
    let session = opened.get(jar)
    if (session === undefined) {
      session = engineOf().engine.open({ header: headerOf(jar) })
      opened.set(jar, session)
    }
    return session
  }

  async function commit(session: Session<Data>): Promise<void> {
    const saved = await engineOf().engine.saveCookie(session)
    if (saved === undefined) return
    const jar = await cookies()
    for (const line of saved.headers) jar.set(toNextCookie(line))
  }

  function middleware(handler?: SessionMiddlewareHandler<Data>) {
    return async function sessionMiddleware(request: NextRequest): Promise<Response> {
      const { engine } = engineOf()
      const header = request.headers.get('cookie')
      const session = engine.open({ header })
      let answer: Response | undefined
      let lines: string[]
      try {
        answer = (await handler?.(session, request)) ?? undefined
        await session.load() // read, so that a due renewal is written
        lines = (await engine.saveCookie(session))?.headers ?? []
      } catch (error) {
        // a store outage is a 503 with Retry-After, never "no session" (as every sesh middleware)
        if (error instanceof SessionStoreUnavailableError) return error.getResponse()
        throw error
      }
      if (answer !== undefined) {
        for (const line of lines) {
          if (answer instanceof NextResponse) (answer as NextResponse).cookies.set(toNextCookie(line))
          else answer.headers.append('set-cookie', line)
        }
        return answer
      }
      if (lines.length === 0) return NextResponse.next()
      const headers = new Headers(request.headers)
      headers.set('cookie', forwardCookieHeader(header, lines))
      const response = NextResponse.next({ request: { headers } })
      for (const line of lines) response.cookies.set(toNextCookie(line))
      return response
    }
  }

  return {
    getSession,
    commit,
    middleware,
    get sessions() {
      return engineOf().engine
    },
  }
}
