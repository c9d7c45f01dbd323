/**
 * Node's `http` onto the fetch core, through `@hono/node-server` (which keeps
 * several `Set-Cookie` headers separate), and WebSockets through
 * `@hono/node-ws` (`serve(app.fetch, { injectWebSocket })`).
 *
 * @module
 */
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { getRequestListener } from '@hono/node-server'

/** A fetch handler: `Request` in, `Response` out. */
export type FetchHandler = (request: Request) => Response | Promise<Response>

/** Options of {@link serve}. */
export interface ServeOptions {
  /**
   * The port; 0 picks a free one.
   * @default 3333
   */
  port?: number | undefined
  /**
   * The address to listen on.
   * @default every interface, as Node's `listen` does
   */
  hostname?: string | undefined
  /**
   * Serves WebSockets: the `injectWebSocket` of `@hono/node-ws`'s
   * `createNodeWebSocket({ app })`. Upgrade requests go through it, guarded: a
   * malformed or abandoned upgrade closes its own connection, never the server.
   *
   * @example
   * ```ts
   * const { upgradeWebSocket, injectWebSocket } = createNodeWebSocket({ app })
   * app.get('/ws', upgradeWebSocket((c) => sessionSocket(c, { ... })))
   * await serve(app.fetch, { injectWebSocket })
   * ```
   */
  injectWebSocket?: ((server: Server) => void) | undefined
}

/**
 * A Node `http` request listener for a fetch handler.
 *
 * @example
 * ```ts
 * http.createServer(requestListener(app.fetch)).listen(3333)
 * ```
 * @param fetch the fetch handler
 */
export function requestListener(fetch: FetchHandler): ReturnType<typeof getRequestListener> {
  return getRequestListener(fetch, {
    // a thrown error reaching here is a bug; answer without internals
    errorHandler: () => new Response('Internal Server Error\n', { status: 500, headers: { 'content-type': 'text/plain' } }),
  })
}

/** A running server. */
export interface RunningServer {
  /** The Node server. */
  server: Server
  /** The port it listens on. */
  port: number
  /** The URL it answers on: `http://localhost:<port>`, or the `hostname` it was given. */
  url: string
  /** Stops accepting connections and closes idle ones. */
  close(): Promise<void>
}

/**
 * Serves a fetch handler with Node's `http`.
 *
 * @example
 * ```ts
 * const { url } = await serve(app.fetch, { port: 3333 })
 * ```
 * @param fetch the fetch handler
 * @param options port and host
 */
export function serve(fetch: FetchHandler, options: ServeOptions = {}): Promise<RunningServer> {
  const server = createServer(requestListener(fetch))
  const sockets = options.injectWebSocket ? guardUpgrades(server, options.injectWebSocket) : undefined
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 3333, options.hostname, () => {
      server.off('error', reject)
      const { port } = server.address() as AddressInfo
      resolve({
        server,
        port,
        url: `http://${hostForUrl(options.hostname)}:${port}`,
        close: () =>
          new Promise<void>((done, fail) => {
            server.close((error) => (error ? fail(error) : done()))
            server.closeIdleConnections()
            for (const socket of sockets ?? []) socket.destroy() // an open WebSocket must not keep the server up
          }),
      })
    })
  })
}

function hostForUrl(hostname: string | undefined): string {
  if (hostname === undefined || hostname === '' || hostname === '0.0.0.0' || hostname === '::') return 'localhost'
  return hostname.includes(':') ? `[${hostname}]` : hostname
}

type UpgradeListener = (request: IncomingMessage, socket: Socket, head: Buffer) => unknown

/**
 * Lets `inject` register its `upgrade` listeners, then wraps each so that an
 * upgrade it cannot handle ends that connection only: an unparsable URL is a
 * 400 before it is reached, a throw or rejection destroys the socket, and a
 * client that vanishes mid-handshake (an `error` on a socket Node has handed
 * over with no listener) does not become an uncaught exception.
 */
function guardUpgrades(server: Server, inject: (server: Server) => void): Set<Socket> {
  const sockets = new Set<Socket>()
  const before = new Set(server.listeners('upgrade'))
  inject(server)
  const added = server.listeners('upgrade').filter((listener) => !before.has(listener)) as UpgradeListener[]
  for (const listener of added) server.off('upgrade', listener)
  server.on('upgrade', (request: IncomingMessage, socket: Socket, head: Buffer) => {
    socket.on('error', () => socket.destroy())
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
    try {
      new URL(request.url ?? '/', 'http://localhost')
    } catch {
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')
      return
    }
    for (const listener of added) {
      try {
        Promise.resolve(listener(request, socket, head)).catch(() => socket.destroy())
      } catch {
        socket.destroy()
      }
    }
  })
  return sockets
}
