/**
 * The counter on Deno: `npm run start:deno` (Deno's own server, `Deno.serve`),
 * run offline against the project's node_modules. Configured from the ARC_*
 * environment; PORT picks the port (default 3333), HOST the address (default:
 * every interface). `REDIS_URL=redis://...` keeps sessions in Redis (node-redis
 * runs on Deno); without it they are in the cookie. WebSockets at /ws through
 * Hono's Deno adapter. Crypto is WebCrypto + jose: the package's `deno`
 * condition picks no platform provider.
 */
import { upgradeWebSocket } from 'hono/deno'
import type { SessionStore } from 'seshjs'
import { counterSocket, createCounterApp } from './app.js'
import { redisCounterStore } from './redis.js'

/** The part of Deno's global this entry uses (Deno's types are not a dependency). */
declare const Deno: {
  env: { toObject(): Record<string, string> }
  serve(
    options: { port: number; hostname?: string; onListen?: (address: { hostname: string; port: number }) => void },
    handler: (request: Request, info: object) => Response | Promise<Response>,
  ): { finished: Promise<void>; shutdown(): Promise<void> }
  addSignalListener(signal: 'SIGINT' | 'SIGTERM', handler: () => void): void
  exit(code?: number): never
}

const env = Deno.env.toObject()
const redisUrl = env.REDIS_URL || undefined
let store: SessionStore | undefined
let where: string | undefined
if (redisUrl) ({ store, where } = await redisCounterStore(redisUrl))

// no env option: sesh reads the ARC_* variables from Deno.env (--allow-env)
const app = createCounterApp(store ? { store } : {}, where, 'Deno')
app.get('/ws', upgradeWebSocket(counterSocket))

const port = Number(env.PORT ?? 3333)
const hostname = env.HOST || undefined
let server: ReturnType<typeof Deno.serve>
try {
  server = Deno.serve(
    {
      port,
      ...(hostname ? { hostname } : {}),
      onListen({ port }) {
        const host = hostname && hostname !== '0.0.0.0' ? hostname : 'localhost'
        console.log(`sesh counter on Deno listening on http://${host}:${port}${where ? ` (sessions in ${where})` : ''}`)
      },
    },
    app.fetch,
  )
} catch (error) {
  if ((error as { name?: string }).name !== 'AddrInUse') throw error
  console.error(`port ${port} is in use, set PORT (for example PORT=${port + 1} npm run start:deno)`)
  Deno.exit(1)
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  Deno.addSignalListener(signal, () => {
    setTimeout(() => Deno.exit(0), 3000) // a slow close must not keep Ctrl-C waiting
    server.shutdown().then(
      () => Deno.exit(0),
      () => Deno.exit(1),
    )
  })
}
