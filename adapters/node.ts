/**
 * Node's `http` onto the fetch core, through `@hono/node-server` (which keeps
 * several `Set-Cookie` headers separate).
 *
 * @module
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
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
  /** `http://localhost:<port>`. */
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
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 3333, options.hostname, () => {
      server.off('error', reject)
      const { port } = server.address() as AddressInfo
      resolve({
        server,
        port,
        url: `http://localhost:${port}`,
        close: () =>
          new Promise<void>((done, fail) => {
            server.close((error) => (error ? fail(error) : done()))
            server.closeIdleConnections()
          }),
      })
    })
  })
}
