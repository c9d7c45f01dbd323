/**
 * `sessionSocket()`: Hono WebSocket events with the session. Wraps the events
 * you give Hono's `upgradeWebSocket` (`@hono/node-ws` on Node,
 * `seshjs/workers` or `hono/cloudflare-workers` on Workers, Deno's, Bun's).
 *
 * @module
 */
import type { Context } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { WSContext, WSEvents, WSMessageReceive } from 'hono/ws'
import { type AllowedOrigins, webSocketOrigins } from './origin.js'
import { markUpgrade } from './middleware.js'
import type { Session } from '../engine/session.js'
import { MUST_RELOAD, SESSION_ENDED_CLOSE_CODE, SOCKET_QUEUE_FULL_CLOSE_CODE, SocketSession } from './socket-session.js'
import type { SessionData } from '../stores/contract.js'

type Awaitable<T> = T | Promise<T>

/** The handlers of {@link sessionSocket}: Hono's WebSocket events, each given the {@link SocketSession}. */
export interface SessionSocketHandlers<Data extends object = SessionData, T = unknown> {
  /** The socket opened; `socket.session` is the upgrade request's session, loaded. */
  open?(socket: SocketSession<Data>, ws: WSContext<T>): Awaitable<unknown>
  /** A message arrived; with `reload` (the default) `socket.session` was just re-read. */
  message?(event: MessageEvent<WSMessageReceive>, socket: SocketSession<Data>, ws: WSContext<T>): Awaitable<unknown>
  /** The socket closed. */
  close?(event: CloseEvent, socket: SocketSession<Data>, ws: WSContext<T>): Awaitable<unknown>
  /**
   * A handler threw, or the store failed.
   * @default closes the socket with code 1011
   */
  error?(error: unknown, socket: SocketSession<Data>, ws: WSContext<T>): Awaitable<unknown>
}

/** Options of {@link sessionSocket}. */
export interface SessionSocketOptions {
  /**
   * Re-read the session before handling messages, so the handler sees what
   * HTTP requests changed, and a socket whose session ended (logout, reset,
   * revocation, expiry) is closed with code 4401 instead of reaching `message`.
   * One read serves every message that had arrived when it began (a burst
   * costs a read or two, not one per message); a handler that saved a
   * destroyed, regenerated or versioned session makes the next message read again.
   * Costs a store read on a server store (a decryption with the cookie store).
   * @default true
   */
  reload?: boolean
  /**
   * The most messages one socket may have waiting for its handler (handlers
   * run one at a time). A message beyond it closes the socket with code
   * {@link SOCKET_QUEUE_FULL_CLOSE_CODE} (1008) and drops those waiting, so a
   * client that sends faster than the server handles cannot grow its memory
   * without bound. Each message is at most the WebSocket server's
   * `maxPayload` (set it too: `ws` defaults to 100 MiB).
   * @default 100
   */
  maxQueuedMessages?: number
  /**
   * Pages of other origins allowed to open the socket. By default an upgrade
   * whose `Origin` host is not the request's own `Host` is refused with a 403
   * before the socket opens (so a page on a sibling subdomain cannot use the
   * visitor's cookie over a socket); an upgrade without `Origin` (not a
   * browser) is allowed, `Origin: null` is refused. A list of origins
   * (`['https://app.example.com']`) or a function `(origin, request) => boolean`.
   * @default none: the request's own host only
   */
  origins?: AllowedOrigins | undefined
}

/** The default of {@link SessionSocketOptions.maxQueuedMessages}. */
export const DEFAULT_MAX_QUEUED_MESSAGES = 100

/** The `Host` of the upgrade request: its header (Node's adapters build the URL from a fixed base), else the URL's. */
function hostOf(c: Context): string | undefined {
  const host = c.req.header('host')
  if (host) return host
  try {
    return new URL(c.req.url).host
  } catch {
    return undefined
  }
}

/**
 * WebSocket events with the session of the upgrade request (`c.get('session')`
 * from the {@link sessions} middleware). The handlers run one at a time, in
 * order — an `async` handler finishes before the next message is handled —
 * and nothing they throw escapes to crash the server.
 *
 * An upgrade from a page of another origin (its `Origin` host is not the
 * request's `Host`, and `origins` does not allow it) is refused: this throws
 * Hono's `HTTPException` 403, so no socket opens.
 *
 * Read the session freely. To change it, change `socket.session` and
 * `await socket.save()`: it saves by id on a server store (memory, DynamoDB,
 * KV); with the cookie store it rejects with `SessionServerStoreRequiredError`,
 * since a socket cannot set a cookie.
 *
 * @example
 * ```ts
 * app.get('/ws', upgradeWebSocket((c) => sessionSocket<{ count: number }>(c, {
 *   async open(socket, ws) {
 *     ws.send(String((await socket.session.get('count')) ?? 0))
 *   },
 *   async message(event, socket, ws) {
 *     const count = ((await socket.session.get('count')) ?? 0) + 1
 *     socket.session.set('count', count)
 *     await socket.save()
 *     ws.send(String(count))
 *   },
 * })))
 * ```
 * @param c the upgrade request's context
 * @param handlers what to do on open, message, close and error
 * @param options reloads, the queue's bound, the origins allowed
 */
export function sessionSocket<Data extends object = SessionData, T = unknown>(
  c: Context,
  handlers: SessionSocketHandlers<Data, T>,
  options: SessionSocketOptions = {},
): WSEvents<T> {
  const session = c.get('session') as Session<Data> | undefined
  if (!session) throw new TypeError('sessionSocket() needs the sessions() middleware on the WebSocket route')
  const maxQueued = options.maxQueuedMessages ?? DEFAULT_MAX_QUEUED_MESSAGES
  if (!Number.isInteger(maxQueued) || maxQueued < 1) throw new TypeError('maxQueuedMessages must be a positive integer')
  const allowed = webSocketOrigins(options.origins)
  if (c.req.header('upgrade')?.toLowerCase() === 'websocket' && !allowed(c.req.header('origin'), hostOf(c), c.req.raw)) {
    // cross-site WebSocket hijacking: a page of another origin would use the visitor's cookie
    throw new HTTPException(403, { message: 'WebSocket upgrade refused: this Origin is not allowed' })
  }

  markUpgrade(c) // the helper's answer to this upgrade gets no cookie (sessions() sees the mark)
  const socket = SocketSession.of(session)
  const reload = options.reload ?? true
  let tasks: Task<T>[] = []
  let waiting = 0 // messages in `tasks`
  let draining = false
  let closing = false
  let received = 0 // messages received so far
  let reloadedUpTo = 0 // the messages received when the last reload began: it serves them all

  function close(ws: WSContext<T>, code: number, reason: string): void {
    try {
      ws.close(code, reason)
    } catch {
      // already closed
    }
  }
  /** Stops handling messages: those waiting are dropped (and their memory freed). */
  function stop(): void {
    closing = true
    tasks = tasks.filter((task) => !task.message)
    waiting = 0
  }
  async function fail(error: unknown, ws: WSContext<T>): Promise<void> {
    if (!handlers.error) return close(ws, 1011, 'internal error')
    try {
      await handlers.error(error, socket, ws)
    } catch {
      close(ws, 1011, 'internal error')
    }
  }
  async function drain(): Promise<void> {
    draining = true
    for (let task = tasks.shift(); task; task = tasks.shift()) {
      if (task.message) waiting--
      let failed: { error: unknown } | undefined
      try {
        await task.run()
      } catch (error) {
        failed = { error }
      }
      if (socket.ended && !closing) {
        // the session ended (a reload found it gone, or a save was refused): nothing more is handled
        stop()
        close(task.ws, SESSION_ENDED_CLOSE_CODE, 'session ended')
      } else if (failed) await fail(failed.error, task.ws)
    }
    draining = false
  }
  function push(task: Task<T>): void {
    tasks.push(task)
    if (!draining) void drain()
  }

  return {
    onOpen(_event, ws) {
      push({
        ws,
        async run() {
          await socket.open()
          await handlers.open?.(socket, ws)
        },
      })
    },
    onMessage(event, ws) {
      if (closing) return
      if (waiting >= maxQueued) {
        stop()
        close(ws, SOCKET_QUEUE_FULL_CLOSE_CODE, 'too many messages')
        return
      }
      const seq = ++received
      waiting++
      push({
        ws,
        message: true,
        async run() {
          if (closing) return
          if (!reload) await socket.open()
          else if (seq > reloadedUpTo || socket[MUST_RELOAD]()) {
            const upTo = received
            if (!(await socket.reload())) return
            reloadedUpTo = upTo
          }
          await handlers.message?.(event, socket, ws)
        },
      })
    },
    onClose(event, ws) {
      stop()
      push({ ws, run: () => handlers.close?.(event, socket, ws) })
    },
  }
}

/** One step of a socket's queue. */
interface Task<T> {
  ws: WSContext<T>
  /** A message (counted against the queue's bound, dropped when the socket stops). */
  message?: true
  run(): unknown
}
