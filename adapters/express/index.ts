/**
 * `seshjs/express`: sessions for Express 5 (and 4), over sesh's engine.
 *
 * ```ts
 * const app = express()
 * app.use(sessions<{ count: number }>())
 * app.post('/count', async (req, res) => {
 *   const session = getSession<{ count: number }>(req)
 *   session.set('count', ((await session.get('count')) ?? 0) + 1)
 *   res.redirect('/')
 * })
 * ```
 *
 * `req.session` is the sesh `Session` (typed through {@link getSession}, the
 * middleware's own `get(req)`, or {@link SessionRequest}); it is committed
 * before the response's headers go out, whatever sends them.
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import {
  createSessions,
  Session,
  type SessionData,
  type SessionOptions,
  SessionStoreUnavailableError,
  type Sessions,
} from '../../src/index.js'
import { holdHead, type Outcome } from './hold.js'

import type { Handover, HandoverResult } from './handover.js'

export {
  expressSessionHandover,
  type ExpressSessionHandoverOptions,
  type ExpressSessionRecord,
  type Handover,
  type HandoverResult,
} from './handover.js'

/** Where the middleware keeps the request's session, whatever becomes of `req.session`. */
const SESSION: unique symbol = Symbol.for('seshjs.express.session')

/**
 * A request that went through {@link sessions}: `req.session` is the sesh session.
 * For handlers typed by hand; Express's own `Request` type is left alone (no
 * global augmentation, which would clash with express-session's).
 */
export type SessionRequest<Data extends object = SessionData, Req extends IncomingMessage = IncomingMessage> = Req & {
  session: Session<Data>
}

/** Options of {@link sessions}: the engine's (as `createSessions`) and the Express-only ones. */
export interface ExpressSessionOptions extends SessionOptions {
  /**
   * The response when the store fails (`SessionStoreUnavailableError`) before
   * the headers went out: a fetch `Response`, written as it is.
   * @default `error.getResponse()`: a plain-text 503 with `Retry-After: 5` (a 500 when the store's client library is missing)
   */
  onStoreError?: ((error: SessionStoreUnavailableError, req: IncomingMessage) => Response | Promise<Response>) | undefined
  /**
   * Takes over another library's session when a request has no sesh cookie
   * (switching from express-session without logging anyone out).
   */
  handover?: Handover | undefined
}

/** The middleware {@link sessions} returns, with its engine and a typed accessor. */
export interface SessionMiddleware<Data extends object = SessionData> {
  (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void): void
  /**
   * The request's session, typed by this middleware's `Data`.
   *
   * @param req a request this middleware has seen
   */
  get(req: IncomingMessage): Session<Data>
  /** The engine (by-id access, configuration): the same `createSessions()` the middleware uses. */
  readonly sessions: Sessions<Data>
}

/**
 * The session middleware for Express (a Connect-style `(req, res, next)`
 * function). Named as the Hono middleware `sessions()` of `seshjs`, with the
 * same options, so one app's configuration reads the same on both; the
 * session object itself is a `Session` (what `req.session` holds), not
 * express-session's `session()`.
 *
 * - `req.session` is the sesh {@link Session} (lazy: nothing is read until the handler reads it).
 * - The session is saved before the headers go out: `res.send`, `res.json`,
 *   `res.redirect`, `res.end`, a stream's first `res.write`, `res.writeHead`,
 *   `res.flushHeaders`. Changes made after that are not saved.
 * - A response with a 5xx status is a failed request: the session is not saved
 *   (Express tells middleware nothing of a handler's error; a thrown error ends
 *   as a 500 from Express's error handler). A store outage — on reading in the
 *   handler or on saving — answers `onStoreError` (503 by default) if the
 *   headers have not gone; any other error of the save goes to `next(err)`.
 * - The cookie comes from the raw `Cookie` header, whatever cookie or body parser runs before.
 *
 * @example
 * ```ts
 * const session = sessions<{ count: number }>({ secret: process.env.SESSION_SECRET })
 * app.use(session)
 * app.get('/', async (req, res) => {
 *   res.send(`Count ${(await session.get(req).get('count')) ?? 0}`)
 * })
 * ```
 * @param options the engine's options (as `createSessions`), plus `onStoreError` and `handover`
 */
export function sessions<Data extends object = SessionData>(options: ExpressSessionOptions = {}): SessionMiddleware<Data> {
  const { onStoreError = (error: SessionStoreUnavailableError) => error.getResponse(), handover, ...engineOptions } = options
  const engine = createSessions<Data>(engineOptions)
  const cookieName = engine.config.cookieName

  function middleware(req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void): void {
    if ((req as Partial<Record<typeof SESSION, unknown>>)[SESSION] !== undefined) {
      next() // mounted twice: the first one's session stands
      return
    }
    const header = req.headers.cookie
    const session = engine.open({ header })
    let storeError: SessionStoreUnavailableError | undefined
    watchReads(session, (error) => {
      storeError = error
    })
    ;(req as unknown as Record<typeof SESSION, Session<Data>>)[SESSION] = session
    ;(req as SessionRequest<Data>).session = session
    let handedOver: HandoverResult | undefined

    async function commit(status: number): Promise<Outcome> {
      // A 5xx is a failed request: its half-made changes are not saved (nor is the old cookie expired)
      if (status >= 500) return storeError ? { replace: await onStoreError(storeError, req) } : { send: [] }
      try {
        const saved = await engine.saveCookie(session)
        const cookies = [...(saved?.headers ?? [])]
        if (handedOver) {
          await handedOver.done?.().catch(() => {}) // the old record expires on its own if this fails
          cookies.push(...handedOver.expire)
        }
        return { send: cookies }
      } catch (error) {
        if (error instanceof SessionStoreUnavailableError) return { replace: await onStoreError(error, req) }
        return { fail: error }
      }
    }
    holdHead(res, commit, next)

    if (!handover || header === undefined || hasCookie(header, cookieName) || !hasCookie(header, handover.name)) {
      next()
      return
    }
    handover
      .take(header)
      .then((result) => {
        // a mapped value sesh cannot keep (a reserved key, not JSON) throws here, and goes to next(err)
        if (result?.data && Object.keys(result.data).length > 0) session.replace(result.data as Partial<Data>)
        handedOver = result
      })
      .then(() => next(), next)
  }

  return Object.assign(middleware, {
    get: (req: IncomingMessage) => getSession<Data>(req),
    sessions: engine,
  })
}

/**
 * The session of a request that went through {@link sessions}, typed by `Data`.
 *
 * @example
 * ```ts
 * app.post('/login', async (req, res) => {
 *   const session = getSession<{ user?: string }>(req)
 *   session.regenerate()
 *   session.set('user', req.body.user)
 *   res.redirect('/')
 * })
 * ```
 * @param req the request
 * @throws TypeError when the middleware did not run for this request
 */
export function getSession<Data extends object = SessionData>(req: IncomingMessage): Session<Data> {
  const session = (req as Partial<Record<typeof SESSION, unknown>>)[SESSION]
  if (!(session instanceof Session)) {
    throw new TypeError('No session on this request: app.use(sessions()) from seshjs/express must come before this handler')
  }
  return session as Session<Data>
}

/**
 * Notes a store outage met while the handler reads the session (`get`, `has`,
 * `all`, `load` all load through `load()`), so that the error response Express
 * makes of it can become the store-outage response.
 */
function watchReads<Data extends object>(session: Session<Data>, onStoreError: (error: SessionStoreUnavailableError) => void): void {
  const load = session.load.bind(session)
  session.load = async function loadWatched() {
    try {
      return await load()
    } catch (error) {
      if (error instanceof SessionStoreUnavailableError) onStoreError(error)
      throw error
    }
  }
}

/** Whether a `Cookie` header carries a cookie named `name`. */
function hasCookie(header: string, name: string): boolean {
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=')
    if (eq > 0 && pair.slice(0, eq).trim() === name) return true
  }
  return false
}
