/**
 * A React Router app for the tests, served by React Router's own request
 * handler (`createRequestListener` of @react-router/node on node:http): a
 * hand-written server build whose root route carries sesh's middleware.
 * Routes: GET / ("Count N"), POST /count, POST /reset, POST /login (sets the
 * user, regenerates), GET /whoami, POST /logout; and under /storage the same
 * counter through `createSessionStorage` (React Router's SessionStorage API);
 * /page is a document route rendered by React (`ServerRouter`), with a loader
 * and an action.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createRequestListener } from '@react-router/node'
import { createElement } from 'react'
import { renderToString } from 'react-dom/server'
import { redirect, ServerRouter, type ServerBuild, useLoaderData } from 'react-router'
import type { RouterSessionMiddleware, SeshSessionStorage } from '../../adapters/react-router/index.js'

/** The tests' session data. */
export type Data = { count: number; user: string; notice: string }

type RouteModule = NonNullable<ServerBuild['routes'][string]>['module']
const resource = (module: Omit<RouteModule, 'default'>) => module as RouteModule
const text = (body: string) => new Response(body, { headers: { 'content-type': 'text/plain; charset=utf-8' } })

/**
 * The server build.
 *
 * @param session the middleware, on the root route
 * @param storage a SessionStorage for the /storage routes
 * @param errors where the errors React Router reports (its `handleError`) go, instead of console.error
 */
export function build(session: RouterSessionMiddleware<Data>, storage: SeshSessionStorage<Data>, errors: unknown[] = []): ServerBuild {
  const routes: ServerBuild['routes'] = {
    root: { id: 'root', path: '', module: resource({ middleware: [session] }) },
  }
  const route = (id: string, path: string | undefined, module: Omit<RouteModule, 'default'>) => {
    routes[id] = { id, parentId: 'root', ...(path === undefined ? { index: true } : { path }), module: resource(module) }
  }
  route('home', undefined, {
    async loader({ context }) {
      return text(`Count ${(await session.get(context).get('count')) ?? 0}`)
    },
  })
  route('count', 'count', {
    async action({ context }) {
      const s = session.get(context)
      s.set('count', ((await s.get('count')) ?? 0) + 1)
      return redirect('/', 302)
    },
  })
  route('reset', 'reset', {
    action({ context }) {
      session.get(context).destroy()
      return redirect('/', 302)
    },
  })
  route('login', 'login', {
    async action({ context }) {
      const s = session.get(context)
      await s.load()
      s.set('user', 'ada')
      s.regenerate()
      s.flash('notice', 'welcome')
      return redirect('/whoami', 303)
    },
  })
  route('whoami', 'whoami', {
    async loader({ context }) {
      const s = session.get(context)
      return Response.json({ user: (await s.get('user')) ?? null, notice: (await s.get('notice')) ?? null })
    },
  })
  route('logout', 'logout', {
    action({ context }) {
      session.get(context).destroy()
      return redirect('/', 303)
    },
  })
  route('fail', 'fail', {
    async action({ context }) {
      session.get(context).set('count', 1000)
      throw new Error('the handler failed')
    },
  })
  // React Router's SessionStorage API
  route('storage-home', 'storage', {
    async loader({ request }) {
      const s = await storage.getSession(request.headers.get('cookie'))
      return Response.json({
        count: s.get('count') ?? 0,
        has: s.has('count'),
        id: s.id,
        data: s.data,
        notice: (await s.sesh.get('notice')) ?? null,
      })
    },
  })
  route('storage-count', 'storage/count', {
    async action({ request }) {
      const s = await storage.getSession(request.headers.get('cookie'))
      s.set('count', (s.get('count') ?? 0) + 1)
      s.flash('notice', 'counted')
      return redirect('/storage', { headers: { 'set-cookie': await storage.commitSession(s) } })
    },
  })
  route('storage-unchanged', 'storage/unchanged', {
    async action({ request }) {
      const s = await storage.getSession(request.headers.get('cookie'))
      return Response.json({ cookie: await storage.commitSession(s) })
    },
  })
  route('storage-logout', 'storage/logout', {
    async action({ request }) {
      const s = await storage.getSession(request.headers.get('cookie'))
      return redirect('/storage', { headers: { 'set-cookie': await storage.destroySession(s) } })
    },
  })
  // a document route: a component, rendered on the server by React
  routes.page = {
    id: 'page',
    parentId: 'root',
    path: 'page',
    module: {
      default: function Page() {
        const { count } = useLoaderData() as { count: number }
        return createElement('p', { id: 'count' }, `Count ${count}`)
      },
      async loader({ context }) {
        return { count: (await session.get(context).get('count')) ?? 0 }
      },
      async action({ context }) {
        const s = session.get(context)
        s.set('count', ((await s.get('count')) ?? 0) + 10)
        return redirect('/page', 303)
      },
    },
  }
  const manifest = (id: string, parentId: string | undefined, path: string, hasLoader: boolean) =>
    ({
      id,
      parentId,
      path,
      module: '',
      hasAction: hasLoader,
      hasLoader,
      hasClientAction: false,
      hasClientLoader: false,
      hasClientMiddleware: false,
      hasErrorBoundary: false,
    }) as never
  return {
    entry: {
      module: {
        default(request, status, headers, context) {
          const html = renderToString(createElement(ServerRouter, { context, url: request.url }))
          headers.set('content-type', 'text/html; charset=utf-8')
          return new Response(`<!doctype html>${html}`, { status, headers })
        },
        handleError(error) {
          errors.push(error)
        },
      },
    },
    routes,
    assets: {
      entry: { imports: [], module: '' },
      routes: { root: manifest('root', undefined, '', false), page: manifest('page', 'root', 'page', true) },
      url: '',
      version: '0',
    },
    publicPath: '/',
    assetsBuildDirectory: '',
    future: {},
    ssr: true,
    isSpaMode: false,
    prerender: [],
    routeDiscovery: { mode: 'lazy', manifestPath: '/__manifest' },
  }
}

/** Serves a build on a free loopback port with React Router's Node request listener. */
export async function serveBuild(serverBuild: ServerBuild): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer(createRequestListener({ build: serverBuild, mode: 'production' }))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    close() {
      server.closeAllConnections()
      return new Promise((resolve) => server.close(() => resolve()))
    },
  }
}
