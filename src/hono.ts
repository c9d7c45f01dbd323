/**
 * `sessions()`: the Hono middleware. `app.use(sessions())`, then `c.get('session')`.
 *
 * @module
 */
import type { Context, MiddlewareHandler } from 'hono'
import { env as honoEnv } from 'hono/adapter'
import { bindingsPerRequest } from './environment.js'
import { SessionStoreUnavailableError } from './errors.js'
import { resolveConfig, resolveConfigFrom, type SessionOptions } from './options.js'
import type { Session } from './session.js'
import { createSessions, type SavedCookie, type Sessions } from './sessions.js'
import type { SessionData } from './stores/store.js'
import { type StoreErrorHandler, storeUnavailableResponse } from './unavailable.js'

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
    const session = engine.open({ header: requestHeader(c, incoming, 'cookie') })
    c.set('session', session)
    await next()
    if (isUpgrade(c, incoming)) return
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
    for (const cookie of saved?.headers ?? []) appendSetCookie(c, cookie) // several with chunked cookies
  }
}

/**
 * Appends the session cookie to the finished response. In place when its headers
 * are mutable: `c.header()` after the handler would rebuild the response around
 * its body stream, which on @hono/node-server turns a string body into a stream
 * to pump — most of a write's cost. Immutable headers (a `fetch()` response) get
 * Hono's rebuild.
 */
function appendSetCookie(c: Context, cookie: string): void {
  try {
    c.res.headers.append('set-cookie', cookie)
  } catch {
    c.header('set-cookie', cookie, { append: true })
  }
}

/**
 * A WebSocket upgrade, answered: passed through untouched. There is nothing to
 * put a cookie on (a 101 carries none sesh could rely on; on Node the adapter
 * answers the handshake outside the response), and on Workers a rebuilt 101
 * loses its `webSocket`. Sockets change the session by id instead.
 */
function isUpgrade(c: Context, incoming: NodeIncoming | undefined): boolean {
  if (c.res.status === 101) return true
  if (c.error || !c.res.ok) return false
  return requestHeader(c, incoming, 'upgrade')?.toLowerCase() === 'websocket'
}

/** The part of Node's `IncomingMessage` read here (typed structurally: the core takes no Node types). */
interface NodeIncoming {
  headers: Record<string, string | string[] | undefined>
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
  if (typeof (incoming as Partial<NodeIncoming>).headers !== 'object') return undefined
  const raw = c.req.raw as unknown as Record<symbol, unknown>
  let found = false
  for (const symbol of Object.getOwnPropertySymbols(raw)) {
    const value = raw[symbol]
    if (value === incoming) found = true
    else if (value instanceof Headers) return undefined
  }
  return found ? (incoming as NodeIncoming) : undefined
}

/** A request header, from Node's request when {@link servedIncoming} found it (a list, which Node makes of no header read here, goes the usual way). */
function requestHeader(c: Context, incoming: NodeIncoming | undefined, name: 'cookie' | 'upgrade'): string | undefined {
  const value = incoming?.headers[name]
  if (typeof value === 'string') return value
  if (value === undefined && incoming) return undefined
  return c.req.header(name)
}
