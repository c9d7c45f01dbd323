/**
 * `durableObjectSocket()`: a WebSocket upgrade handed to the session's
 * object, which holds the socket (the Hibernation API) and closes it with
 * 4401 the moment the session ends: a logout, a revoke, an expiry.
 *
 * @module
 */
import type { Context } from 'hono'
import { markUpgrade } from './middleware.js'
import { type AllowedOrigins, webSocketOrigins } from './origin.js'
import { engineOf } from '../engine/registry.js'
import type { Session } from '../engine/session.js'
import { OBJECT_OF, type DurableObjectSessionStore } from '../stores/durable-objects/store.js'
import { SOCKET_HEADERS } from '../stores/durable-objects/object.js'

/** Options of {@link durableObjectSocket}. */
export interface DurableObjectSocketOptions {
  /**
   * Pages of other origins allowed to open the socket (as `sessionSocket()`'s
   * `origins`): by default only the request's own host; an upgrade without
   * `Origin` (not a browser) is allowed, `Origin: null` refused.
   * @default none: the request's own host only
   */
  origins?: AllowedOrigins | undefined
}

/** The `Host` of the upgrade request: its header, else the URL's. */
function hostOf(c: Context): string | undefined {
  const host = c.req.header('host')
  if (host) return host
  try {
    return new URL(c.req.url).host
  } catch {
    return undefined
  }
}

const refuse = (status: number, message: string) =>
  new Response(message, { status, headers: { 'content-type': 'text/plain; charset=utf-8' } })

/**
 * Routes a WebSocket upgrade to the object that keeps the request's session,
 * on a route behind the `sessions()` middleware whose store is
 * `durableObjectStore()`. The object accepts the socket (tagged with the
 * session id), calls its `socketOpen`, and hands each message to its
 * `socketMessage` with the session as stored; when the session is deleted
 * (logout, reset, `admin.revoke`, `admin.revokeUser`) or expires, the object
 * closes its sockets with 4401 at once.
 *
 * Answers 426 to a request that is not an upgrade, 403 to an upgrade from a
 * page of another origin (cross-site WebSocket hijacking), and 401 when the
 * request has no live session (a socket cannot set a cookie: start the
 * session over HTTP first).
 *
 * @example
 * ```ts
 * app.get('/ws', (c) => durableObjectSocket(c))
 * ```
 * @param c the upgrade request's context
 * @param options the origins allowed besides the request's own host
 */
export async function durableObjectSocket(c: Context, options: DurableObjectSocketOptions = {}): Promise<Response> {
  const allowed = webSocketOrigins(options.origins)
  const session = c.get('session' as never) as Session | undefined
  const engine = session && engineOf(session)
  if (!session || !engine) throw new TypeError('durableObjectSocket() needs the sessions() middleware on the WebSocket route')
  const objectOf = (engine.config.store as Partial<DurableObjectSessionStore>)[OBJECT_OF]
  if (typeof objectOf !== 'function') throw new TypeError('durableObjectSocket() needs the sessions to be kept by durableObjectStore()')
  if (c.req.header('upgrade')?.toLowerCase() !== 'websocket') return refuse(426, 'Expected a WebSocket upgrade')
  if (!allowed(c.req.header('origin'), hostOf(c), c.req.raw)) return refuse(403, 'WebSocket upgrade refused: this Origin is not allowed')
  await session.load()
  const id = session.id
  if (session.isNew || id === undefined) return refuse(401, 'No session: a socket cannot set a cookie, so start one over HTTP first')
  markUpgrade(c) // the middleware adds no cookie to the 101
  const headers = new Headers(c.req.raw.headers)
  headers.set(SOCKET_HEADERS.id, id)
  headers.set(SOCKET_HEADERS.ttl, String(engine.config.ttl))
  headers.set(SOCKET_HEADERS.now, String(Math.floor(engine.config.now() / 1000)))
  return objectOf(id).fetch(new Request(c.req.raw.url, { method: 'GET', headers }))
}
