/**
 * The seeds' apps as Architect handlers, written with `seshjs/architect`: swap
 * the import for `@architect/functions` and they run unchanged (minus the
 * sync middleware, which Architect refuses to mix with async handlers).
 * Each export is one route's Lambda handler (see app.arc).
 */
import { csrf, http, type ArcRequest } from 'seshjs/architect'
import { accountPage, counterPage, loginPage } from './pages.js'

/** The example's session. */
type Session = { count?: number; user?: string; error?: string }
type Req = ArcRequest<Session>

/** The demo account of the Begin seed. */
const USERNAME = 'admin'
const PASSWORD = 'a-secure-password'

/** GET / */
export const getIndex = http(async (req: Req) => ({ html: counterPage(req.session.count ?? 0, req.session.user) }))

/** POST /count */
export const postCount = http(async (req: Req) => ({
  session: { ...req.session, count: (req.session.count ?? 0) + 1 },
  location: '/',
}))

/** POST /reset: forgets the count, keeps the login. */
export const postReset = http(async (req: Req) => {
  const { count: _count, ...rest } = req.session
  return { session: rest, location: '/' }
})

/** GET /login: shows a failed login's message once (a flash: read, then removed from the session). */
export const getLogin = http(async (req: Req) => {
  const { error, ...rest } = req.session
  if (error) return { session: rest, html: loginPage(csrf.create(), error) }
  return { html: loginPage(csrf.create()) }
})

/** POST /login: `username` and `password` form fields. */
export const postLogin = http(async (req: Req) => {
  const { username, password, csrf: token } = (req.body ?? {}) as Record<string, string | undefined>
  if (!csrf.verify(token)) return { status: 403, text: 'Invalid or expired form, please try again.' }
  if (username === USERNAME && password === PASSWORD) {
    const { error: _error, ...rest } = req.session
    return { session: { ...rest, user: USERNAME }, location: '/account' }
  }
  return { session: { ...req.session, error: 'Invalid username or password' }, location: '/login' }
})

/** Auth middleware: a plain (sync) function, mixed with async handlers. */
function requireLogin(req: Req) {
  if (!req.session.user) return { location: '/login' }
  return undefined
}

/** GET /account */
export const getAccount = http(requireLogin, async (req: Req) => ({ html: accountPage(req.session.user!) }))

/** POST /logout: ends the session. */
export const postLogout = http(async () => ({ session: {}, location: '/' }))
