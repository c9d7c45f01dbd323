/**
 * A small app with chunked cookie sessions, for the Node server and Chromium
 * tests: grow the session to about 10 KB, count in it, shrink it, reset it; a
 * WebSocket that reports what the upgrade request's session holds.
 */
import { type Context, Hono } from 'hono'
import { cookieStore, type SessionEnv, sessionSocket, sessions } from 'seshjs'

export type ChunkData = { blob?: string; count?: number }

/** `kb` KB of text that stays that size sealed (no long runs). */
export function blob(kb: number): string {
  let out = ''
  for (let i = 0; out.length < kb * 1024; i++) out += ((i * 2654435761) >>> 0).toString(36)
  return out.slice(0, kb * 1024)
}

/**
 * The app (add `GET /ws` with the runtime's `upgradeWebSocket(chunksSocket)`).
 *
 * @param secret the session secret
 */
export function createChunksApp(secret: string): Hono<SessionEnv<ChunkData>> {
  const app = new Hono<SessionEnv<ChunkData>>()
  app.use(sessions<ChunkData>({ secret, store: cookieStore({ chunks: true }) }))
  app.get('/', async (c) => {
    const session = c.get('session')
    const size = (await session.get('blob'))?.length ?? 0
    const count = (await session.get('count')) ?? 0
    return c.html(
      `<!doctype html><title>chunks</title><p id="size">${size}</p><p id="count">${count}</p>` +
        ['grow', 'count', 'shrink', 'reset'].map((a) => `<form method="post" action="/${a}"><button>${a}</button></form>`).join(''),
    )
  })
  app.post('/grow', (c) => {
    c.get('session').set('blob', blob(Number(c.req.query('kb') ?? 10)))
    return c.redirect('/', 303)
  })
  app.post('/count', async (c) => {
    const session = c.get('session')
    session.set('count', ((await session.get('count')) ?? 0) + 1)
    return c.redirect('/', 303)
  })
  app.post('/shrink', (c) => {
    c.get('session').set('blob', 'small')
    return c.redirect('/', 303)
  })
  app.post('/reset', (c) => {
    c.get('session').destroy()
    return c.redirect('/', 303)
  })
  return app
}

/**
 * The WebSocket's events: on open, whether the upgrade request carried a
 * session and how big its blob is.
 *
 * @param c the upgrade request's context
 */
export function chunksSocket(c: Context) {
  return sessionSocket<ChunkData>(c, {
    async open(socket, ws) {
      ws.send(JSON.stringify({ started: socket.started, size: (await socket.session.get('blob'))?.length ?? 0 }))
    },
  })
}
