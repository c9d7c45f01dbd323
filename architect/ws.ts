/**
 * `ws()`: API Gateway WebSockets (Architect's `@ws`) with the session, in the
 * style of `http()`. One wrapper serves the `connect`, `default` and
 * `disconnect` functions; each event's handler gets `req.session`.
 *
 * - `$connect` carries the `Cookie` header: the session comes from it, and the
 *   connection is recorded (connection id → the session's id; with the cookie
 *   store, a copy of the session as `$connect` saw it) in the server store,
 *   expiring with the session. Never the cookie: the store, its listings and
 *   `seshjs sessions` hold no credential, and the record is not a session
 *   (its id starts `ws-connection-`, which listings and counts leave out).
 * - `$default` events carry only the connection id: one store read finds the
 *   session id, and the session is loaded by id (a second read), so the
 *   handler sees the session as HTTP left it.
 * - `$disconnect` forgets the connection.
 *
 * With the cookie store and no server store for connections, the session is
 * known on `$connect` only; reading `req.session` on a later event throws a
 * `SessionServerStoreRequiredError` saying so.
 *
 * A session that ended (logout, reset, revocation, expiry) is not handed to the
 * handler: the socket gets `{"error":"session ended"}` and is closed.
 *
 * @module
 */
import {
  type AllowedOrigins,
  type Session as CoreSession,
  SessionServerStoreRequiredError,
  type SessionStore,
  webSocketOrigins,
} from '../src/index.js'
import { isSessionId, type SessionRecord, type StoreContext } from '../src/stores/index.js'
import {
  type ArcEvent,
  type ArchitectOptions,
  type PlainSession,
  type Runtime,
  applyPlain,
  runtimes,
  sessionCookieValue,
  toPlain,
} from './internal.js'

/** The request handed to a {@link ws} handler. */
export interface WsRequest<Session extends PlainSession = PlainSession> {
  /** The API Gateway connection id (`requestContext.connectionId`). */
  connectionId: string
  /** `$connect`, `$default`, `$disconnect` (or a custom route key). */
  routeKey: string
  /** The message: parsed JSON when it is JSON, else the text; `undefined` on `$connect` / `$disconnect`. */
  body: unknown
  /** The session as a plain object, as `http()` gives it. */
  session: Session
  /** Sends `payload` to this connection (JSON-encoded by Architect). */
  send(payload: unknown): Promise<void>
  /** The event as API Gateway sent it. */
  event: ArcEvent
}

/** What a {@link ws} handler may return. */
export interface WsResult {
  /** The status; on `$connect` anything but 2xx refuses the connection. @default 200 */
  statusCode?: number
  /** The session's new data (Architect's clobber): saved by id, server stores only. */
  session?: PlainSession
  /** A message to send this connection, after the session is saved. */
  reply?: unknown
}

/** A {@link ws} handler. */
export type WsHandler<Session extends PlainSession = PlainSession> = (req: WsRequest<Session>) => WsResult | void | Promise<WsResult | void>

/** How to talk to a connection: `@architect/functions`' `ws.send` / `ws.close` by default. */
export interface WsConnections {
  /** Sends `payload` to connection `id`. */
  send(message: { id: string; payload: unknown }): Promise<unknown>
  /** Closes connection `id` (API Gateway's `DeleteConnection`). */
  close(message: { id: string }): Promise<unknown>
}

/** Options of {@link ws}. */
export interface WsOptions extends ArchitectOptions {
  /**
   * Where connections are recorded.
   * @default the session store, when it is a server store (DynamoDB); none with the cookie store
   */
  connections?: SessionStore | undefined
  /**
   * Sending and closing.
   * @default `@architect/functions`' `ws` (loaded on first use)
   */
  api?: WsConnections | undefined
  /**
   * Pages of other origins allowed to connect. `$connect` refuses (403, before
   * your handler runs) an upgrade whose `Origin` host is not the event's `Host`,
   * unless listed here (`['https://app.example.com']`) or accepted by a function
   * `(origin, event) => boolean`; one without `Origin` (not a browser) is
   * accepted, `Origin: null` refused. On API Gateway the socket's host
   * (`<api>.execute-api.<region>.amazonaws.com`, or its custom domain) is not
   * the app's, so list the app's origins; in production, the first `$connect`
   * warns (through `onWarning`) while none is configured.
   * @default none: the socket's own host only
   */
  origins?: AllowedOrigins<ArcEvent> | undefined
}

/** Start-up warnings already shown, when they go to the console (once per process, as the resolver's). */
const shownWarnings = new Set<string>()

const NO_ORIGINS =
  "seshjs/architect ws(): no `origins` is set, so $connect accepts browsers only from pages on the socket's own host. " +
  "On API Gateway that host is the WebSocket API's (<api>.execute-api.<region>.amazonaws.com or its custom domain), not your app's: " +
  "every browser is refused (403) until you list your app's origins, ws(handler, { origins: ['https://app.example.com'] })."

/** A header of an event, whatever its case (API Gateway keeps the client's; the sandbox lowers it). */
function headerOf(event: ArcEvent, name: string): string | undefined {
  const headers = event.headers ?? {}
  for (const key of Object.keys(headers)) if (key.toLowerCase() === name) return headers[key] ?? undefined
  const multi = event.multiValueHeaders ?? {}
  for (const key of Object.keys(multi)) if (key.toLowerCase() === name) return multi[key]?.[0]
  return undefined
}

/** The reply to a socket whose session ended, before it is closed. */
export const SESSION_ENDED = { error: 'session ended' } as const

/**
 * The record id of a connection: a prefix and the connection id in base64url
 * (API Gateway's ids end in `=`; store ids are `[A-Za-z0-9_-]`). The prefix is
 * core's `CONNECTION_RECORD_PREFIX` (src/stores/listing.ts): listings, counts
 * and the admin API leave such records out.
 */
function connectionRecordId(connectionId: string): string {
  const base64 = btoa(String.fromCharCode(...new TextEncoder().encode(connectionId)))
  return `ws-connection-${base64.replaceAll('+', '-').replaceAll('/', '_').replaceAll('=', '')}`
}

async function architectWs(): Promise<WsConnections> {
  const arc = (await import('@architect/functions')) as unknown as { default?: { ws: WsConnections }; ws?: WsConnections }
  return (arc.ws ?? arc.default!.ws)!
}

function parse(body: string | null | undefined): unknown {
  if (body === undefined || body === null) return undefined
  try {
    return JSON.parse(body)
  } catch {
    return body
  }
}

/**
 * A Lambda handler for an `@ws` function (`connect`, `default` or `disconnect`)
 * that hands `handler` the session.
 *
 * @example
 * ```ts
 * export const handler = ws(async (req) => {
 *   if (req.body === 'count') {
 *     const count = (req.session.count ?? 0) + 1
 *     await req.send({ count })
 *     return { session: { ...req.session, count } }
 *   }
 * })
 * ```
 * @param handler what to do with the event
 * @param options session options, where connections are kept, how to send
 */
export function ws<Session extends PlainSession = PlainSession>(handler: WsHandler<Session>, options: WsOptions = {}) {
  const { connections: connectionsOption, api: apiOption, origins, ...architect } = options
  const runtime = runtimes(architect)
  const allowedOrigin = webSocketOrigins<ArcEvent>(origins)
  let checkedOrigins = origins !== undefined
  let api: Promise<WsConnections> | undefined
  const connectionsApi = () => (api ??= apiOption ? Promise.resolve(apiOption) : architectWs())

  return async function wsHandler(event: ArcEvent): Promise<{ statusCode: number }> {
    const rt = runtime()
    const context = event.requestContext as { connectionId?: string; routeKey?: string; eventType?: string } | undefined
    const connectionId = String(context?.connectionId ?? '')
    const routeKey = String(context?.routeKey ?? '$default')
    const store = connectionsOption ?? (rt.kind === 'server' ? rt.config.store : undefined)
    const storeContext = (): StoreContext => ({ keyring: rt.config.keyring, now: Math.floor(rt.config.now() / 1000), ttl: rt.config.ttl })
    const mappingId = connectionRecordId(connectionId)
    const send = async (payload: unknown) => {
      await (await connectionsApi()).send({ id: connectionId, payload })
    }
    const request = (session: Session | (() => Session)): WsRequest<Session> => {
      const req = { connectionId, routeKey, body: parse(event.body), send, event } as WsRequest<Session>
      if (typeof session === 'function') Object.defineProperty(req, 'session', { get: session, enumerable: true })
      else req.session = session
      return req
    }

    if (routeKey === '$connect') {
      if (!checkedOrigins) {
        checkedOrigins = true
        if (rt.config.production) warnOnce(architect.onWarning, NO_ORIGINS)
      }
      // cross-site WebSocket hijacking: a page of another origin would use the visitor's cookie
      if (!allowedOrigin(headerOf(event, 'origin'), headerOf(event, 'host'), event)) return { statusCode: 403 }
      const cookie = sessionCookieValue(event, rt.config.cookieName)
      const session = rt.open(cookie)
      const plain = (await toPlain(session, rt)) as Session
      const result = await handler(request(plain))
      const statusCode = result?.statusCode ?? 200
      if (statusCode < 200 || statusCode > 299) return { statusCode }
      if (result?.session) await saveById(rt, session, result.session)
      const { id, isNew, issuedAt } = session.info
      if (store && cookie !== undefined && !isNew) {
        // the session's id (server stores), or what $connect saw (the cookie store): never the cookie
        const data = rt.kind === 'server' ? { session: id } : { snapshot: plain }
        const record: SessionRecord = { id: mappingId, data, issuedAt: issuedAt ?? storeContext().now }
        await store.write(record, storeContext())
      }
      return { statusCode }
    }

    if (!store) {
      // the cookie store and no server store: nothing names the session after $connect
      const unknown = () => {
        throw new SessionServerStoreRequiredError(
          'The session is known on $connect only: with the cookie store, later WebSocket events carry no cookie and nothing records the connection. Keep sessions (or connections) in a server-side store (ARC_SESSION_TABLE_NAME=<table>).',
        )
      }
      const result = await handler(request(unknown))
      if (result?.reply !== undefined) await send(result.reply)
      return { statusCode: result?.statusCode ?? 200 }
    }

    const mapping = await store.get?.(mappingId, storeContext())
    const found = await sessionOf(rt, mapping?.data)

    if (routeKey === '$disconnect') {
      if (mapping) await store.delete(mapping, storeContext())
      const result = await handler(request((found ? found.plain : {}) as Session))
      return { statusCode: result?.statusCode ?? 200 }
    }

    if (!found) {
      // the session ended since $connect (or the connection was never recorded): never resurrect it
      if (mapping) await store.delete(mapping, storeContext())
      const connections = await connectionsApi()
      await connections.send({ id: connectionId, payload: SESSION_ENDED })
      await connections.close({ id: connectionId }).catch(() => {}) // already gone: nothing to close
      return { statusCode: 200 }
    }
    const result = await handler(request(found.plain as Session))
    if (result?.session) {
      if (!found.session) throw cookieStoreSave()
      await saveById(rt, found.session, result.session)
      // the session's expiry moved: so does the connection's
      await store.write({ id: mappingId, data: mapping!.data, issuedAt: storeContext().now }, storeContext())
    }
    if (result?.reply !== undefined) await send(result.reply)
    return { statusCode: result?.statusCode ?? 200 }
  }
}

/**
 * The session a connection record names, or `undefined` when it ended (or the
 * record is missing, or not one this version wrote): loaded by id for a
 * server store, the copy `$connect` kept for the cookie store.
 */
async function sessionOf(
  rt: Runtime,
  record: Record<string, unknown> | undefined,
): Promise<{ plain: PlainSession; session?: CoreSession } | undefined> {
  if (!record) return undefined
  if (rt.kind === 'server') {
    if (!isSessionId(record.session)) return undefined
    const session = await rt.sessions.byId.load(record.session)
    return session && { plain: await toPlain(session, rt), session }
  }
  const snapshot = record.snapshot
  return snapshot !== null && typeof snapshot === 'object' && !Array.isArray(snapshot) ? { plain: snapshot as PlainSession } : undefined
}

/** What saving from a later event with the cookie store is: impossible, as a cookie is sent only over HTTP. */
function cookieStoreSave(): SessionServerStoreRequiredError {
  return new SessionServerStoreRequiredError(
    'With the cookie store, a WebSocket event cannot save the session: the session lives in the cookie, which only an HTTP response can set. Keep sessions in a server-side store (ARC_SESSION_TABLE_NAME=<table>) to save them from a socket.',
  )
}

function warnOnce(onWarning: ((message: string) => void) | undefined, message: string): void {
  if (onWarning) {
    onWarning(message)
    return
  }
  if (shownWarnings.has(message)) return
  shownWarnings.add(message)
  console.warn(message)
}

async function saveById(rt: Runtime, session: CoreSession, data: PlainSession): Promise<void> {
  await session.load()
  applyPlain(session, data)
  await rt.sessions.byId.save(session) // the cookie store: SessionServerStoreRequiredError
}
