/**
 * One server of the peer benchmark (bench/peers.ts), in its own process so its
 * CPU time is its own: `VARIANT` picks the session layer, `PORT` the port.
 * Routes: GET /init (a signed-in session: user + count), GET /read (reads the
 * count), GET /write (reads and increments it), GET /__cpu (process.cpuUsage()).
 */
import { execFileSync } from 'node:child_process'
import { serve } from '@hono/node-server'
import { useSession } from '@hono/session'
import { Hono, type Context } from 'hono'
import { getCookie, setCookie } from 'hono/cookie'
import { getIronSession } from 'iron-session'
import { memoryStore, sessions, type SessionMiddlewareOptions } from 'seshjs'

const SECRET = 'abcdefghijklmnopqrstuvwxyz0123456789'
const USER = { id: 42, name: 'Ada Lovelace', roles: ['admin', 'editor'] }
type Data = { user?: typeof USER; count?: number }

/**
 * The variants, by name; each returns a Hono app with the three routes. Handlers
 * take the session with `c.get('session')`, the same for both session middlewares:
 * Hono's `c.var` builds a new object of every variable on each access.
 */
const variants: Record<string, () => Hono> = {
  hono: () =>
    routes({
      read: async () => 0,
      write: async () => 1,
      init: async () => {},
    }),
  'sesh-cookie-node': () => seshApp({}),
  'sesh-cookie-webcrypto': () => seshApp({ crypto: 'webcrypto' }),
  'sesh-memory-node': () => seshApp({ store: memoryStore() }),
  'sesh-memory-webcrypto': () => seshApp({ store: memoryStore(), crypto: 'webcrypto' }),
  'hono-session': () => {
    const app = new Hono<{ Variables: { session: { get(): Promise<Data | null>; update(d: (p: Data | null) => Data): Promise<void> } } }>()
    app.use(useSession({ secret: 'a1'.repeat(32) }) as never)
    return routes(
      {
        read: async (c) => (await c.get('session').get())?.count ?? 0,
        write: async (c) => {
          let count = 0
          await c.get('session').update((previous: Data | null) => ({ ...previous, count: (count = (previous?.count ?? 0) + 1) }))
          return count
        },
        init: async (c) => c.get('session').update(() => ({ user: USER, count: 1 })),
      },
      app,
    )
  },
  'iron-session': () => {
    const options = { password: SECRET, cookieName: 'iron' }
    const open = (c: Context) =>
      getIronSession<Data>(
        {
          get: (name: string) => {
            const value = getCookie(c, name)
            return value === undefined ? undefined : { name, value }
          },
          set: (name: string, value: string, cookie?: object) => setCookie(c, name, value, cookie as never),
        } as never,
        options,
      )
    return routes({
      read: async (c) => (await open(c)).count ?? 0,
      write: async (c) => {
        const session = await open(c)
        session.count = (session.count ?? 0) + 1
        await session.save()
        return session.count
      },
      init: async (c) => {
        const session = await open(c)
        session.user = USER
        session.count = 1
        await session.save()
      },
    })
  },
}

function seshApp(options: SessionMiddlewareOptions): Hono {
  const app = new Hono<{ Variables: { session: import('seshjs').Session<Data> } }>()
  app.use(sessions<Data>({ secret: SECRET, ...options }) as never)
  return routes(
    {
      read: async (c) => (await c.get('session').get('count')) ?? 0,
      write: async (c) => {
        const session = c.get('session')
        const count = ((await session.get('count')) ?? 0) + 1
        session.set('count', count)
        return count
      },
      init: async (c) => {
        c.get('session').set('user', USER)
        c.get('session').set('count', 1)
      },
    },
    app,
  )
}

// Each variant's context carries its own session type; the routes need none of it.
// biome-ignore lint/suspicious/noExplicitAny: any by design
type AnyContext = Context<any>

interface Handlers {
  read(c: AnyContext): Promise<number>
  write(c: AnyContext): Promise<number>
  init(c: AnyContext): Promise<unknown>
}

// biome-ignore lint/suspicious/noExplicitAny: any by design
function routes(handlers: Handlers, app: Hono<any> = new Hono()): Hono {
  app.get('/read', async (c) => c.text(String(await handlers.read(c))))
  app.get('/write', async (c) => c.text(String(await handlers.write(c))))
  app.get('/init', async (c) => {
    await handlers.init(c)
    return c.text('ok')
  })
  app.get('/__cpu', (c) => {
    const { user, system } = process.cpuUsage()
    return c.json({ cpu: user + system })
  })
  return app
}

// bench/peers.ts may give the servers a CPU of their own, away from the load generator.
if (process.env.BENCH_SERVER_CPUS) {
  execFileSync('taskset', ['--all-tasks', '--cpu-list', '--pid', process.env.BENCH_SERVER_CPUS, String(process.pid)], { stdio: 'ignore' })
}
const variant = process.env.VARIANT ?? 'hono'
const make = variants[variant]
if (!make) throw new Error(`unknown VARIANT ${variant}; one of ${Object.keys(variants).join(', ')}`)
const server = serve({ fetch: make().fetch, port: Number(process.env.PORT ?? 0), hostname: '127.0.0.1' }, (info) => {
  process.send?.({ port: info.port })
})
process.on('disconnect', () => {
  server.close()
  process.exit(0)
})
