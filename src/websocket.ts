/**
 * `sessionSocket()`: Hono WebSocket events with the session. Wraps the events
 * you give Hono's `upgradeWebSocket` (`@hono/node-ws` on Node,
 * `seshjs/workers` or `hono/cloudflare-workers` on Workers, Deno's, Bun's).
 *
 * @module
 */
import type { Context } from 'hono'
import type { WSContext, WSEvents, WSMessageReceive } from 'hono/ws'
import { markUpgrade } from './hono.js'
import type { Session } from './session.js'
import { SESSION_ENDED_CLOSE_CODE, SocketSession } from './socket.js'
import type { SessionData } from './stores/store.js'

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
   * Re-read the session before each message, so the handler sees what HTTP
   * requests changed, and a socket whose session ended (logout, reset,
   * revocation, expiry) is closed with code 4401 instead of reaching `message`.
   * Costs one store read per message on a server store (a decryption with the
   * cookie store).
   * @default true
   */
  reload?: boolean
}

/**
 * WebSocket events with the session of the upgrade request (`c.get('session')`
 * from the {@link sessions} middleware). The handlers run one at a time, in
 * order — an `async` handler finishes before the next message is handled —
 * and nothing they throw escapes to crash the server.
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
 * @param options whether to reload before each message
 */
export function sessionSocket<Data extends object = SessionData, T = unknown>(
  c: Context,
  handlers: SessionSocketHandlers<Data, T>,
  options: SessionSocketOptions = {},
): WSEvents<T> {
  const session = c.get('session') as Session<Data> | undefined
  if (!session) throw new TypeError('sessionSocket() needs the sessions() middleware on the WebSocket route')
  markUpgrade(c) // the helper's answer to this upgrade gets no cookie (sessions() sees the mark)
  const socket = SocketSession.of(session)
  const reload = options.reload ?? true
  let queue: Promise<void> = Promise.resolve()
  let closing = false

  function fail(error: unknown, ws: WSContext<T>): Promise<void> | void {
    if (!handlers.error) return ws.close(1011, 'internal error')
    return Promise.resolve()
      .then(() => handlers.error!(error, socket, ws))
      .then(
        () => {},
        () => ws.close(1011, 'internal error'),
      )
  }
  function run(ws: WSContext<T>, step: () => Awaitable<unknown>): void {
    queue = queue.then(step).then(
      () => {},
      (error: unknown) => fail(error, ws),
    )
  }

  return {
    onOpen(_event, ws) {
      run(ws, async () => {
        await socket.open()
        await handlers.open?.(socket, ws)
      })
    },
    onMessage(event, ws) {
      run(ws, async () => {
        if (closing) return
        if (!reload) await socket.open()
        else if (!(await socket.reload())) {
          closing = true
          ws.close(SESSION_ENDED_CLOSE_CODE, 'session ended')
          return
        }
        await handlers.message?.(event, socket, ws)
      })
    },
    onClose(event, ws) {
      closing = true
      run(ws, () => handlers.close?.(event, socket, ws))
    },
  }
}
