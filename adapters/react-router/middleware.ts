/**
 * React Router middleware over sesh's engine: the sesh `Session` in the
 * router's context, its `Set-Cookie` headers on the response.
 *
 * @module
 */
import { createContext, type MiddlewareFunction, type RouterContext, type RouterContextProvider } from 'react-router'
import {
  createSessions,
  type Session,
  type SessionData,
  type SessionOptions,
  SessionStoreUnavailableError,
  type Sessions,
} from '../../src/index.js'

/** Options of {@link sessionMiddleware}: the engine's (as `createSessions`) and the store-error response. */
export interface RouterSessionOptions extends SessionOptions {
  /**
   * The response when the store fails (`SessionStoreUnavailableError`), on a
   * read in a loader or action or on the save.
   * @default `error.getResponse()`: a plain-text 503 with `Retry-After: 5` (a 500 when the store's client library is missing)
   */
  onStoreError?: ((error: SessionStoreUnavailableError, request: Request) => Response | Promise<Response>) | undefined
}

/** The middleware {@link sessionMiddleware} returns, with its context key, a typed accessor and its engine. */
export interface RouterSessionMiddleware<Data extends object = SessionData> extends MiddlewareFunction<Response> {
  /** The router-context key the session is kept under: `context.get(middleware.context)`. */
  readonly context: RouterContext<Session<Data>>
  /**
   * The request's session (a loader's or action's `context`).
   *
   * @param context the `context` argument of a loader, action or later middleware
   */
  get(context: Readonly<RouterContextProvider>): Session<Data>
  /** The engine (by-id access, configuration): the same `createSessions()` the middleware uses. */
  readonly sessions: Sessions<Data>
}

/**
 * Sessions as React Router middleware (a route module's `middleware` export,
 * on the root route): each request's sesh `Session` goes into the router's
 * context, and when the handlers are done its cookies are added to the
 * response — every `Set-Cookie`, so chunked cookies work here.
 *
 * - The session is the sesh `Session` (async `get`, as on every sesh door);
 *   nothing is read until a loader or action reads it.
 * - It is committed once, after the loaders and actions ran, on whatever
 *   response they made (a `redirect()`, `data()`, a rendered document).
 * - A response with a 5xx status is a failed request: the session is not saved.
 * - A store outage (a read in a loader or action, or the save) answers `onStoreError` (503 by default).
 *
 * @example
 * ```ts
 * const session = sessionMiddleware<{ count: number }>({ secret: process.env.SESSION_SECRET })
 * // root route module
 * export const middleware = [session]
 * // a route module
 * export async function action({ context }: { context: Readonly<RouterContextProvider> }) {
 *   const s = session.get(context)
 *   s.set('count', ((await s.get('count')) ?? 0) + 1)
 *   return redirect('/')
 * }
 * ```
 * @param options the engine's options (as `createSessions`), plus `onStoreError`
 */
export function sessionMiddleware<Data extends object = SessionData>(options: RouterSessionOptions = {}): RouterSessionMiddleware<Data> {
  const { onStoreError = (error: SessionStoreUnavailableError) => error.getResponse(), ...engineOptions } = options
  const engine = createSessions<Data>(engineOptions)
  const context = createContext<Session<Data>>()

  async function seshSession(
    { request, context: routerContext }: Parameters<MiddlewareFunction<Response>>[0],
    next: () => Promise<Response>,
  ) {
    const session = engine.open({ header: request.headers.get('cookie') })
    let readError: SessionStoreUnavailableError | undefined
    const load = session.load.bind(session)
    session.load = async function loadWatched() {
      try {
        return await load()
      } catch (error) {
        if (error instanceof SessionStoreUnavailableError) readError = error
        throw error
      }
    }
    routerContext.set(context, session)
    let response: Response
    try {
      response = await next()
    } catch (error) {
      if (error instanceof SessionStoreUnavailableError) return onStoreError(error, request)
      throw error
    }
    // A 5xx is a failed request: its half-made changes are not saved (nor is the old cookie expired)
    if (response.status >= 500) return readError ? onStoreError(readError, request) : response
    try {
      return await engine.commit(session, response)
    } catch (error) {
      if (error instanceof SessionStoreUnavailableError) return onStoreError(error, request)
      throw error
    }
  }

  return Object.assign(seshSession, {
    context,
    sessions: engine,
    get(routerContext: Readonly<RouterContextProvider>): Session<Data> {
      return routerContext.get(context)
    },
  })
}
