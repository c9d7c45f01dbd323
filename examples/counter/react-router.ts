/**
 * The counter on React Router: `npm run start:react-router`. React Router's
 * own request handler (`createRequestHandler`, through @react-router/node's
 * `createRequestListener` on node:http), over a server build written by hand:
 * no bundler, no Vite. A root route carries sesh's middleware; `/` is a
 * resource route whose loader renders the page, `/count` and `/reset` are
 * actions. Sessions in the cookie (the ARC_* environment configures them);
 * PORT picks the port (default 3333), HOST the address.
 */
import { createServer, type Server } from 'node:http'
import { createRequestListener } from '@react-router/node'
import { redirect, type ServerBuild } from 'react-router'
import { sessionMiddleware } from 'seshjs/react-router'
import { type CounterData, describeStore, renderPage } from './app.js'

const session = sessionMiddleware<CounterData>()

type RouteModule = NonNullable<ServerBuild['routes'][string]>['module']
/** A route module without a component: a resource route, whose loader's or action's `Response` is the reply. */
const resource = (module: Omit<RouteModule, 'default'>) => module as RouteModule

/** React Router's server build, as its compiler would make one: routes, their modules, and an (unused) document entry. */
const build: ServerBuild = {
  entry: { module: { default: () => new Response('Not Found', { status: 404 }) } },
  routes: {
    root: { id: 'root', path: '', module: resource({ middleware: [session] }) },
    home: {
      id: 'home',
      parentId: 'root',
      index: true,
      module: resource({
        async loader({ context }) {
          const s = session.get(context)
          const count = (await s.get('count')) ?? 0
          const html = renderPage(count, describeStore(undefined, {}, s.id), 'none', 'React Router')
          return new Response(html, { headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' } })
        },
      }),
    },
    count: {
      id: 'count',
      parentId: 'root',
      path: 'count',
      module: resource({
        async action({ context }) {
          const s = session.get(context)
          s.set('count', ((await s.get('count')) ?? 0) + 1)
          return redirect('/', 302)
        },
      }),
    },
    reset: {
      id: 'reset',
      parentId: 'root',
      path: 'reset',
      module: resource({
        action({ context }) {
          session.get(context).destroy()
          return redirect('/', 302)
        },
      }),
    },
  },
  assets: { entry: { imports: [], module: '' }, routes: {}, url: '', version: '0' },
  publicPath: '/',
  assetsBuildDirectory: '',
  future: {},
  ssr: true,
  isSpaMode: false,
  prerender: [],
  routeDiscovery: { mode: 'lazy', manifestPath: '/__manifest' },
}

const server: Server = createServer(createRequestListener({ build, mode: 'production' }))
const port = Number(process.env.PORT ?? 3333)
server.once('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EADDRINUSE') throw error
  console.error(`port ${port} is in use, set PORT (for example PORT=${port + 1} npm run start:react-router)`) // not a stack trace
  process.exit(1)
})
server.listen(port, process.env.HOST, () => {
  const address = server.address()
  const shown =
    typeof address === 'object' && address
      ? `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`
      : ''
  console.log(`sesh counter on React Router listening on ${shown.replace(/\[::\]|0\.0\.0\.0/, 'localhost')}`)
})

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    setTimeout(() => process.exit(0), 3000).unref() // a slow close must not keep Ctrl-C waiting
    server.close(() => process.exit(0))
    server.closeAllConnections()
  })
}
