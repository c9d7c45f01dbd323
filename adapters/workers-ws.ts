/**
 * WebSockets on Cloudflare Workers for Hono, as `hono/cloudflare-workers`
 * does them, plus what it lacks: it calls `onOpen` (once the socket is
 * accepted; what `onOpen` sends is delivered first), so an app can greet a
 * socket — the counter sends `{"count":N}` on open — and it answers a
 * client's close, so workerd does not cancel the request as hung.
 *
 * @module
 */
import { defineWebSocketHelper, WSContext, type UpgradeWebSocket } from 'hono/ws'

/** The part of a Workers `WebSocket` used here. */
interface WorkersWebSocket {
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
 * included. Not an upgrade request: the route falls through to the next handler.
 *
 * @example
 * ```ts
 * import { upgradeWebSocket } from 'seshjs/workers'
 * app.get('/ws', upgradeWebSocket((c) => sessionSocket(c, { open: (socket, ws) => ws.send('hi') })))
 * ```
 */
export const upgradeWebSocket: UpgradeWebSocket<WorkersWebSocket> = defineWebSocketHelper<WorkersWebSocket>(async (c, events) => {
  if (c.req.header('upgrade')?.toLowerCase() !== 'websocket') return
  const pair = new WebSocketPair()
  const client = pair[0]
  const server = pair[1]
  const ws = new WSContext<WorkersWebSocket>({
    close: (code, reason) => server.close(code, reason),
    get protocol() {
      return server.protocol ?? null
    },
    raw: server,
    get readyState() {
      return server.readyState as 0 | 1 | 2 | 3
    },
    url: server.url ? new URL(server.url) : null,
    send: (source) => server.send(source),
  })
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
})
