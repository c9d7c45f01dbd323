/**
 * The counter on Bun: `npm run start:bun` (Bun's own server, `Bun.serve`).
 * Configured from the ARC_* environment; PORT picks the port (default 3333),
 * HOST the address (default: every interface). `REDIS_URL=redis://...` keeps
 * sessions in Redis (node-redis runs on Bun); without it they are in the
 * cookie. WebSockets at /ws through Hono's Bun adapter. Crypto is WebCrypto +
 * jose: the package's `bun` condition picks no platform provider.
 */
import { upgradeWebSocket, websocket } from 'hono/bun'
import type { SessionStore } from 'seshjs'
import { counterSocket, createCounterApp } from './app.js'
import { redisCounterStore } from './redis.js'

/** The part of Bun's global this entry uses (bun-types is not a dependency). */
declare const Bun: {
  env: Record<string, string | undefined>
  serve(options: {
    port: number
    hostname?: string
    fetch: (request: Request, server: object) => Response | Promise<Response>
    websocket?: unknown
  }): { url: URL; stop(closeActiveConnections?: boolean): Promise<void> }
}

const env = Bun.env
const redisUrl = env.REDIS_URL || undefined
let store: SessionStore | undefined
let where: string | undefined
if (redisUrl) ({ store, where } = await redisCounterStore(redisUrl))

// no env option: sesh reads the ARC_* variables from process.env (Bun.env is the same object)
const app = createCounterApp(store ? { store } : {}, where, 'Bun')
app.get('/ws', upgradeWebSocket(counterSocket))

const port = Number(env.PORT ?? 3333)
let server: ReturnType<typeof Bun.serve>
try {
  server = Bun.serve({ port, ...(env.HOST ? { hostname: env.HOST } : {}), fetch: app.fetch, websocket })
} catch (error) {
  if ((error as { code?: string }).code !== 'EADDRINUSE') throw error
  console.error(`port ${port} is in use, set PORT (for example PORT=${port + 1} npm run start:bun)`)
  process.exit(1)
}
console.log(`sesh counter on Bun listening on ${server.url.href.replace(/\/$/, '')}${where ? ` (sessions in ${where})` : ''}`)

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    setTimeout(() => process.exit(0), 3000).unref() // a slow close must not keep Ctrl-C waiting
    server.stop(true).then(
      () => process.exit(0),
      () => process.exit(1),
    )
  })
}
