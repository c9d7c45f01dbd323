/**
 * The counter: one app, run unchanged on Node, AWS Lambda and Cloudflare Workers.
 * GET / shows the count; POST /count adds one; POST /reset ends the session.
 */
import { Hono } from 'hono'
import { sessions, type SessionEnv, type SessionMiddlewareOptions } from 'seshjs'

/** The counter's session data. */
export type CounterData = { count: number }

/** The page: two plain forms, no script. */
export function renderPage(count: number): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>sesh counter</title>
</head>
<body>
<h1>sesh counter</h1>
<form method="post" action="/count">
  <button type="submit">Count ${count}</button>
</form>
<form method="post" action="/reset">
  <button type="submit">Reset</button>
</form>
</body>
</html>
`
}

/**
 * The counter app.
 *
 * @param options session options, or a function of the runtime's bindings returning them
 */
export function createCounterApp<Bindings extends object = object>(
  options: SessionMiddlewareOptions | ((env: Bindings) => SessionMiddlewareOptions) = {},
) {
  const app = new Hono<SessionEnv<CounterData, Bindings>>()
  app.use(sessions<CounterData, Bindings>(options))

  app.get('/', async (c) => {
    const count = (await c.get('session').get('count')) ?? 0
    c.header('cache-control', 'no-store')
    return c.html(renderPage(count))
  })

  app.post('/count', async (c) => {
    const session = c.get('session')
    session.set('count', ((await session.get('count')) ?? 0) + 1)
    return c.redirect('/', 302)
  })

  app.post('/reset', (c) => {
    c.get('session').destroy()
    return c.redirect('/', 302)
  })

  return app
}
