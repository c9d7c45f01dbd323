/**
 * Two `_idx` cookies in one request (a sibling subdomain's tossed cookie, an
 * old `Path`): the session takes the **last**, as `@architect/functions` does,
 * while Hono's `getCookie()` (and most cookie parsers) take the first. Pinned
 * here, and documented in docs/security.md, so an app that reads the cookie
 * itself knows it may see another value than the session's.
 */
import { Hono } from 'hono'
import { getCookie } from 'hono/cookie'
import { describe, expect, it } from 'vitest'
import { type SessionEnv, sessions } from '../hono/middleware.js'
import { createSessions } from '../engine/engine.js'

const SECRET = 'abcdefghijklmnopqrstuvwxyz0123456789'

describe('two session cookies in one request', () => {
  it("the session is the last _idx; Hono's getCookie() gives the first", async () => {
    const engine = createSessions<{ user: string }>({ secret: SECRET, env: {} })
    const pairs: string[] = []
    for (const user of ['first', 'last']) {
      const session = engine.open(undefined)
      session.set('user', user)
      pairs.push((await engine.saveCookie(session))!.header.split(';')[0]!)
    }
    const app = new Hono<SessionEnv<{ user: string }>>()
    app.use(sessions({ secret: SECRET, env: {} }))
    app.get('/', async (c) => c.json({ session: await c.get('session').get('user'), getCookie: getCookie(c, '_idx') }))
    const seen = (await (await app.request('/', { headers: { cookie: `${pairs[0]}; theme=dark; ${pairs[1]}` } })).json()) as Record<
      string,
      string
    >
    expect(seen.session).toBe('last')
    expect(seen.getCookie).toBe(decodeURIComponent(pairs[0]!.slice('_idx='.length)))
  })
})
