/**
 * A WebSocket client for tests (the `ws` package): connects with a `Cookie`
 * header in the upgrade request, and hands out messages and the close event
 * in order, each wait bounded in time.
 */
import WebSocket from 'ws'

/** A connected test socket. */
export interface TestSocket {
  /** The raw `ws` socket. */
  ws: WebSocket
  /** The next text message, parsed as JSON. */
  next(): Promise<unknown>
  /** Sends text. */
  send(text: string): void
  /** Resolves with the close code once the server (or the client) closed the socket. */
  closed(): Promise<{ code: number; reason: string }>
  /** Closes from the client side. */
  close(): void
}

/**
 * Opens `url` (http/https is turned into ws/wss) with `cookie` in the upgrade request.
 * Rejects with "upgrade refused: <status>" when the server answers the upgrade with a status.
 *
 * @param url the page URL of the socket (`http://127.0.0.1:port/ws`)
 * @param cookie the `Cookie` header to send, if any
 * @param origin the `Origin` header to send, as a browser does (none by default, as a non-browser client)
 */
export function connect(url: string, cookie?: string, timeoutMs = 10_000, origin?: string): Promise<TestSocket> {
  const ws = new WebSocket(url.replace(/^http/, 'ws'), { headers: cookie ? { cookie } : {}, ...(origin === undefined ? {} : { origin }) })
  const messages: unknown[] = []
  const waiting: Array<(message: unknown) => void> = []
  ws.on('message', (data) => {
    const message: unknown = JSON.parse(data.toString())
    const waiter = waiting.shift()
    if (waiter) waiter(message)
    else messages.push(message)
  })
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() }))
  })
  const bounded = <T>(promise: Promise<T>, what: string) =>
    Promise.race([
      promise,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no ${what} within ${timeoutMs} ms`)), timeoutMs).unref()),
    ])
  return bounded(
    new Promise<TestSocket>((resolve, reject) => {
      ws.once('error', reject)
      ws.once('unexpected-response', (_request, response) => reject(new Error(`upgrade refused: ${response.statusCode}`)))
      ws.once('open', () =>
        resolve({
          ws,
          next: () => (messages.length > 0 ? Promise.resolve(messages.shift()) : bounded(new Promise((r) => waiting.push(r)), 'message')),
          send: (text) => ws.send(text),
          closed: () => bounded(closed, 'close'),
          close: () => ws.close(),
        }),
      )
    }),
    'open',
  )
}
