/**
 * The seeds' apps as Architect handlers, written with `seshjs/architect`: swap
 * the import for `@architect/functions` and they run unchanged (minus the
 * sync middleware, which Architect refuses to mix with async handlers).
 * Each export is one route's Lambda handler (see app.arc).
 */
import { csrf, http, regenerate, type ArcRequest } from 'seshjs/architect'
import { accountPage, counterPage, loginPage } from './pages.js'

/** The example's session. */
type Session = { count?: number; user?: string; error?: string; formKey?: string }
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

/** A random value kept in the visitor's session; the login form's CSRF token is bound to it. */
const newFormKey = () => crypto.randomUUID().replaceAll('-', '')

/**
 * GET /login: the form, with a CSRF token bound to this visitor's session (so a
 * token fetched by another browser does not verify: no login CSRF), and a failed
 * login's message shown once (a flash: read, then removed from the session).
 */
export const getLogin = http(async (req: Req) => {
  const { error, ...rest } = req.session
  const formKey = rest.formKey ?? newFormKey()
  return { session: { ...rest, formKey }, html: loginPage(csrf.create(formKey), error) }
})

/**
 * POST /login: `username`, `password` and `csrf` form fields. A login gets a new
 * session id (`regenerate`): a session cookie planted before it is worth nothing after it.
 */
export const postLogin = http(async (req: Req) => {
  const { username, password, csrf: token } = (req.body ?? {}) as Record<string, string | undefined>
  const { formKey, error: _error, ...rest } = req.session
  if (!formKey || !csrf.verify(token, formKey)) return { status: 403, text: 'Invalid or expired form, please try again.' }
  if (username === USERNAME && password === PASSWORD) {
    return { session: regenerate({ ...rest, user: USERNAME }), location: '/account' }
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
