/**
 * `sessions()`: the Hono middleware. `app.use(sessions())`, then `c.get('session')`.
 *
 * @module
 */
import type { Context, MiddlewareHandler } from 'hono'
import { env as honoEnv } from 'hono/adapter'
import { bindingsPerRequest } from '../engine/environment.js'
import { SessionStoreUnavailableError } from '../errors.js'
import { resolveConfig, resolveConfigFrom, type SessionOptions } from '../engine/options.js'
import type { Session } from '../engine/session.js'
import { createSessions, type SavedCookie, type Sessions } from '../engine/engine.js'
import type { SessionData } from '../stores/contract.js'
import { type StoreErrorHandler, storeUnavailableResponse } from '../unavailable.js'

/**
 * Hono's `Env` for an app with sessions, typed by the session's data.
 *
 * @example
 * ```ts
 * const app = new Hono<SessionEnv<{ count: number }>>()
 * ```
 */
export type SessionEnv<Data extends object = SessionData, Bindings extends object = object> = {
  Bindings: Bindings
  Variables: { session: Session<Data> }
}

/** Options of the {@link sessions} middleware. */
export interface SessionMiddlewareOptions extends SessionOptions {
  /**
   * The response when the store fails.
   * @default a plain-text 503
   */
  onStoreError?: StoreErrorHandler | undefined
}

/** The bindings of a request that has none: one object, so the per-bindings cache still hits. */
const NO_BINDINGS = Object.freeze({})

/**
 * The session middleware. Pass options, or a function of the runtime's
 * bindings (`c.env`) for runtimes whose configuration arrives per request
 * (Workers); its result is cached per bindings object, so keys are imported once.
 *
 * Without an `env` option, settings (`ARC_APP_SECRET`, `ARC_ENV`, `NODE_ENV`,
 * the other `ARC_*` variables) come from the runtime, as Hono's `env(c)` reads
 * it: `process.env` on Node, Bun and Lambda, `Deno.env` on Deno (both read
 * once, here), a Worker's bindings with each request.
 *
 * @example
 * ```ts
 * const app = new Hono<SessionEnv<{ count: number }>>()
 * app.use(sessions())
 * app.post('/count', async (c) => {
 *   const session = c.get('session')
 *   session.set('count', ((await session.get('count')) ?? 0) + 1)
 *   return c.redirect('/')
 * })
 * ```
 * @param options session options, or a function of `c.env` returning them
 */
export function sessions<Data extends object = SessionData, Bindings extends object = object>(
  options: SessionMiddlewareOptions | ((env: Bindings) => SessionMiddlewareOptions) = {},
): MiddlewareHandler<SessionEnv<Data, Bindings>> {
  const perEnv = new WeakMap<object, [Sessions<Data>, StoreErrorHandler]>()
  let single: [Sessions<Data>, StoreErrorHandler] | undefined
  // On Workers, settings not given as `env` are read from each request's bindings (the process has none).
  const fromBindings = bindingsPerRequest()
  const build = (opts: SessionMiddlewareOptions, c?: Context): [Sessions<Data>, StoreErrorHandler] => {
    if (opts === null || typeof opts !== 'object') throw new TypeError('sessions() takes options, or a function returning them')
    const config =
      c !== undefined && fromBindings && opts.env === undefined
        ? resolveConfigFrom(opts, { env: honoEnv(c), name: "the Worker's bindings (c.env)" })
        : resolveConfig(opts)
    return [createSessions<Data>(config), opts.onStoreError ?? storeUnavailableResponse]
  }
  if (typeof options !== 'function' && !(fromBindings && options?.env === undefined)) single = build(options)

  function engineFor(c: Context<SessionEnv<Data, Bindings>>): [Sessions<Data>, StoreErrorHandler] {
    if (single) return single
    const env = (c.env ?? NO_BINDINGS) as Bindings
    let built = perEnv.get(env)
    if (!built) {
      built = build(typeof options === 'function' ? options(env) : options, c)
      perEnv.set(env, built)
    }
    return built
  }

  return async function sessionMiddleware(c, next) {
    const [engine, onStoreError] = engineFor(c)
    const incoming = servedIncoming(c)
    const session = engine.open({ header: requestHeader(c, incoming, 'cookie'), request: c.req.raw })
    c.set('session', session)
    await next()
    if (isUpgrade(c)) return
    let saved: SavedCookie | undefined
    try {
      if (c.error instanceof SessionStoreUnavailableError) throw c.error
      if (c.error) return // the handler failed: its half-made session changes are not saved
      saved = await engine.saveCookie(session)
    } catch (error) {
      if (!(error instanceof SessionStoreUnavailableError)) throw error
      c.res = undefined // drop the failed response whole, rather than merging its headers
      c.res = await onStoreError(error, c.req.raw)
      return
    }
    if (saved) appendSetCookies(c, saved.headers) // several with chunked cookies
  }
}

/**
 * Appends the session's `Set-Cookie` headers to the finished response so that
 * they survive whatever the middleware outside sesh does next (`compress()`,
 * `etag()`, `prettyJSON()`, `cors()`, a `c.header()` of the app's own).
 *
 * On @hono/node-server, `c.res` is node-server's lightweight `Response`: its
 * `headers` are a copy that a rebuild (reading its `body`, `clone()`, Hono's
 * `c.header()` after the handler) forgets, so a header appended to them in
 * place is dropped. Such a response is replaced by a new one over the same
 * body (a string stays a string: node-server writes it without pumping a
 * stream) whose init holds the very `Headers` object, so later in-place
 * changes survive too. Any other response — a runtime's own `Response`, whose
 * headers are its own — gets the headers appended in place when they are
 * mutable, and Hono's `c.header()` (a copy) when they are not (a `fetch()`
 * result, `Response.redirect()`).
 */
function appendSetCookies(c: Context, cookies: readonly string[]): void {
  const res = c.res
  const cached = lightweightParts(res)
  if (cached) {
    const headers = res.headers // node-server's copy, made a `Headers` if it was not one yet
    for (const cookie of cookies) headers.append('set-cookie', cookie)
    c.res = undefined // replace it whole: Hono's merge would rebuild the old one
    c.res = new Response(cached.body, { status: cached.status, headers })
    return
  }
  try {
    for (const cookie of cookies) res.headers.append('set-cookie', cookie)
  } catch {
    for (const cookie of cookies) c.header('set-cookie', cookie, { append: true })
  }
}

/**
 * The status and body of @hono/node-server's lightweight `Response` while it
 * has not built the real one (node-server keeps `[status, body, headers]` under
 * a symbol of its own); `undefined` for any other response. (A node-server
 * that changes that shape fails the composition tests, which run on it.)
 */
function lightweightParts(res: Response): { status: number; body: BodyInit | null } | undefined {
  for (const symbol of Object.getOwnPropertySymbols(res)) {
    const value = (res as unknown as Record<symbol, unknown>)[symbol]
    if (Array.isArray(value) && value.length === 3 && typeof value[0] === 'number') {
      return { status: value[0], body: value[1] as BodyInit | null }
    }
  }
  return undefined
}

/** Requests a WebSocket helper took as an upgrade: see {@link markUpgrade}. */
const upgrades = new WeakSet<Request>()

/**
 * Marks the request of `c` as a WebSocket upgrade, when it asks for one:
 * `sessionSocket()` calls it, so that {@link sessions} sends no cookie on the
 * response the WebSocket helper answers with (on Node and Bun a plain 200 that
 * nobody sends). Internal: not part of the package's API.
 */
export function markUpgrade(c: Context): void {
  if (c.req.header('upgrade')?.toLowerCase() === 'websocket') upgrades.add(c.req.raw)
}

/**
 * A WebSocket upgrade, answered: passed through untouched. There is nothing to
 * put a cookie on (a 101 carries none sesh could rely on; on Node the adapter
 * answers the handshake outside the response), and on Workers a rebuilt 101
 * loses its `webSocket`. Sockets change the session by id instead.
 *
 * Only a real upgrade: a 101, or a request the WebSocket helper marked
 * ({@link markUpgrade}). A client's `Upgrade: websocket` header on a request
 * answered like any other never skips the save (a 2FA step counting wrong
 * codes would stop counting).
 */
function isUpgrade(c: Context): boolean {
  if (c.res.status === 101) return true
  return upgrades.has(c.req.raw) && !c.error && c.res.ok
}

/** The part of Node's `IncomingMessage` read here (typed structurally: the core takes no Node types). */
interface NodeIncoming {
  /** Header names and values as received, alternating: what @hono/node-server builds `c.req`'s `Headers` from. */
  rawHeaders: readonly string[]
}

/**
 * On `@hono/node-server`: Node's request (`c.env.incoming`) behind `c.req.raw`,
 * while nothing has built the Fetch `Headers` of `c.req.raw` yet. Reading a
 * header from it spares building those `Headers` from Node's raw headers, which
 * costs more than the rest of a cookie-store read. `undefined` anywhere else — a
 * `Request` made by hand, an `incoming` that is not this request's, headers
 * already built (a middleware may have changed them) — and the header is read
 * from `c.req` as usual.
 *
 * node-server keeps the Node request and the built headers under its own symbols
 * on the request: this looks for the one and the absence of the other, so a
 * change in node-server only loses the shortcut, never the right answer.
 */
function servedIncoming(c: Context): NodeIncoming | undefined {
  const incoming = (c.env as { incoming?: unknown } | undefined)?.incoming
  if (typeof incoming !== 'object' || incoming === null) return undefined
  if (!Array.isArray((incoming as Partial<NodeIncoming>).rawHeaders)) return undefined
  const raw = c.req.raw as unknown as Record<symbol, unknown>
  let found = false
  for (const symbol of Object.getOwnPropertySymbols(raw)) {
    const value = raw[symbol]
    if (value === incoming) found = true
    else if (value instanceof Headers) return undefined
  }
  return found ? (incoming as NodeIncoming) : undefined
}

/**
 * The request's `Cookie` header. From Node's request when {@link servedIncoming}
 * found it: its `rawHeaders`, as node-server builds `c.req`'s headers from them
 * — never `incoming.headers`, which code in front of node-server may have
 * rewritten while `c.req` (and so the app's own `getCookie()`) still sees what
 * was received. Several `Cookie` lines (HTTP/2 sends each cookie apart) go the
 * usual way, `c.req.header()`, which joins them.
 */
function requestHeader(c: Context, incoming: NodeIncoming | undefined, name: 'cookie'): string | undefined {
  if (!incoming) return c.req.header(name)
  const raw = incoming.rawHeaders
  let value: string | undefined
  for (let i = 0; i < raw.length - 1; i += 2) {
    const key = raw[i]!
    if (key.length !== name.length || key.toLowerCase() !== name) continue
    if (value !== undefined) return c.req.header(name)
    value = raw[i + 1]
  }
  return value
}
