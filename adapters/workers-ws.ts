/**
 * WebSockets on Cloudflare Workers for Hono, as `hono/cloudflare-workers`
 * does them, plus what it lacks: it calls `onOpen` (once the socket is
 * accepted; what `onOpen` sends is delivered first), so an app can greet a
 * socket — the counter sends `{"count":N}` on open — and it answers a
 * client's close, so workerd does not cancel the request as hung.
 *
 * @module
 */
import type { Context, MiddlewareHandler } from 'hono'
import type { WSContext, WSEvents } from 'hono/ws'

/** The part of a Workers `WebSocket` used here. */
export interface WorkersWebSocket {
  accept(): void
  send(data: string | ArrayBuffer | Uint8Array): void
  close(code?: number, reason?: string): void
  addEventListener(type: string, listener: (event: never) => void): void
  readonly readyState: number
  readonly protocol?: string | null
  readonly url?: string | null
}

declare const WebSocketPair: { new (): { 0: WorkersWebSocket; 1: WorkersWebSocket } }

/**
 * Hono's `upgradeWebSocket` for Workers (workerd): a `101` with the client end
 * of a `WebSocketPair`, the server end wired to your events, `onOpen`
 * included. A request that is not a WebSocket upgrade falls through to the
 * next handler. (Written against Hono's types only, so it works with every
 * Hono 4 from 4.6 on.)
 *
 * @example
 * ```ts
 * import { upgradeWebSocket } from 'seshjs/workers'
 * app.get('/ws', upgradeWebSocket((c) => sessionSocket(c, { open: (socket, ws) => ws.send('hi') })))
 * ```
 * @param createEvents the socket's events, from the upgrade request's context
 */
export function upgradeWebSocket(
  createEvents: (c: Context) => WSEvents<WorkersWebSocket> | Promise<WSEvents<WorkersWebSocket>>,
): MiddlewareHandler {
  return async function upgradeWebSocket(c, next) {
    if (c.req.header('upgrade')?.toLowerCase() !== 'websocket') return next()
    const events = await createEvents(c)
    const pair = new WebSocketPair()
    const client = pair[0]
    const server = pair[1]
    const ws = {
      raw: server,
      binaryType: 'arraybuffer',
      url: server.url ? new URL(server.url) : null,
      get protocol() {
        return server.protocol ?? null
      },
      get readyState() {
        return server.readyState as 0 | 1 | 2 | 3
      },
      send: (source: string | ArrayBuffer | Uint8Array) => server.send(source),
      close: (code?: number, reason?: string) => server.close(code, reason),
    } as unknown as WSContext<WorkersWebSocket>
    if (events.onMessage) server.addEventListener('message', (event: MessageEvent) => events.onMessage!(event, ws))
    server.addEventListener('close', (event: CloseEvent) => {
      // complete the closing handshake, or workerd counts the request as hung
      if (server.readyState !== 3) server.close(event.code === 1005 || event.code === 1006 ? 1000 : event.code, event.reason)
      events.onClose?.(event, ws)
    })
    if (events.onError) server.addEventListener('error', (event: Event) => events.onError!(event, ws))
    server.accept()
    events.onOpen?.(new Event('open'), ws)
    return new Response(null, { status: 101, webSocket: client } as ResponseInit)
  }
}
