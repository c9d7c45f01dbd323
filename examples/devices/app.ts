/**
 * "Your devices": a login with a "remember me" box, and a page listing the
 * user's other sessions with "sign out" for each and "sign out all other
 * devices" (docs/lifecycle.md). A Hono app over any server store.
 */
import { Hono } from 'hono'
import { sessions, type SessionEnv, type SessionMiddlewareOptions } from 'seshjs'

type Data = { user?: string }

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)

const page = (title: string, body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body>${body}</body></html>`

const when = (seconds: number | undefined) => (seconds === undefined ? 'unknown' : new Date(seconds * 1000).toISOString())

/**
 * The app. A real one checks a password and a CSRF token at login (see the
 * Architect login example); this one takes any name, to show the lifecycle.
 *
 * @param options the session options (a secret, a server store), or a function of a Worker's `env` returning them
 */
export function createDevicesApp<Bindings extends object = object>(
  options: SessionMiddlewareOptions | ((env: Bindings) => SessionMiddlewareOptions),
) {
  const lifecycle = (given: SessionMiddlewareOptions): SessionMiddlewareOptions => ({
    ...given,
    userKey: 'user',
    maxSessionsPerUser: 10,
    meta: (request) => ({ userAgent: (request.headers.get('user-agent') ?? 'unknown').slice(0, 120) }),
  })
  const app = new Hono<SessionEnv<Data, Bindings>>()
  app.use(sessions<Data, Bindings>(typeof options === 'function' ? (env) => lifecycle(options(env)) : lifecycle(options)))

  app.get('/', async (c) => {
    const user = await c.get('session').get('user')
    if (user) return c.redirect('/devices', 303)
    return c.html(
      page(
        'Log in',
        `<h1>Log in</h1>
<form method="post" action="/login">
  <label>Name <input name="name" autocomplete="username" required></label>
  <label><input type="checkbox" name="remember" value="1"> Remember me</label>
  <button type="submit">Log in</button>
</form>`,
      ),
    )
  })

  app.post('/login', async (c) => {
    const form = await c.req.formData()
    const name = String(form.get('name') ?? '').trim()
    if (!name) return c.redirect('/', 303)
    const session = c.get('session')
    session.regenerate() // a new id at login; authenticatedAt is now
    session.set('user', name)
    session.setLifetime(form.get('remember') ? { ttl: 30 * 24 * 60 * 60 } : { persistent: false })
    return c.redirect('/devices', 303)
  })

  app.get('/devices', async (c) => {
    const session = c.get('session')
    const user = await session.get('user')
    if (!user) return c.redirect('/', 303)
    const others = await session.others()
    const rows = others
      .map(
        (other) => `<li data-session="${escapeHtml(other.id)}">${escapeHtml(String(other.meta?.userAgent ?? 'unknown'))},
  last seen ${when(other.lastSeenAt)}, signed in ${when(other.authenticatedAt)}
  <form method="post" action="/devices/revoke"><input type="hidden" name="id" value="${escapeHtml(other.id)}"><button type="submit">Sign out</button></form></li>`,
      )
      .join('\n')
    return c.html(
      page(
        'Your devices',
        `<h1>Your devices</h1>
<p>Signed in as ${escapeHtml(user)}, since ${when(session.info.createdAt)}.
This browser: ${escapeHtml(String(session.info.meta?.userAgent ?? 'unknown'))}${session.info.lifetime?.persistent === false ? ', until it closes' : ''}.</p>
<h2>Other devices (${others.length})</h2>
<ul>${rows}</ul>
<form method="post" action="/devices/revoke-others"><button type="submit">Sign out all other devices</button></form>
<form method="post" action="/logout"><button type="submit">Log out</button></form>`,
      ),
    )
  })

  app.post('/devices/revoke', async (c) => {
    const id = String((await c.req.formData()).get('id') ?? '')
    if (id) await c.get('session').revokeOther(id) // only one of this user's own sessions
    return c.redirect('/devices', 303)
  })

  app.post('/devices/revoke-others', async (c) => {
    await c.get('session').revokeOthers()
    return c.redirect('/devices', 303)
  })

  app.post('/logout', (c) => {
    c.get('session').destroy()
    return c.redirect('/', 303)
  })
  return app
}
